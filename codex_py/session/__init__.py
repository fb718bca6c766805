"""Session logs: writing, loading, listing, redaction, and undo."""
