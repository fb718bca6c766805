"""codex-py: a terminal coding agent with per-call provider routing.

Importing this package has no side effects and imports no SDK.
"""

__version__ = "0.1.0"
