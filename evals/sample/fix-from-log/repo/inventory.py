"""Stock valuation."""

import json


def load_items(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def total_value(items):
    """The value of the stock: price times quantity, summed over the items."""
    return sum(item["price"] * item["qty"] for item in items)
