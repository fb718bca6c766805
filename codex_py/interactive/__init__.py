"""The interactive session: its controller, its input loop and its slash commands."""
