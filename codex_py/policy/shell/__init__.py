"""Reading shell commands: the only code that understands shell syntax or lists shell names."""
