"""Helpers for titles."""


def title_case(text):
    """Every word capitalised: "the quick fox" -> "The Quick Fox"."""
    return " ".join(word.capitalize() for word in text.split())
