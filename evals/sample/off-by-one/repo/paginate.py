"""Splitting a list into pages."""


def page(items, number, size=10):
    """Page ``number`` of ``items`` (pages are numbered from 1): at most ``size`` items."""
    start = number * size
    return items[start : start + size]


def page_count(items, size=10):
    """How many pages ``items`` fill."""
    return (len(items) + size - 1) // size
