"""The agent: its loop, routing, compaction, the system prompt, and the wiring of a run."""
