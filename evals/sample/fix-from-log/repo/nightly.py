"""The nightly job: prints the value of the stock."""

from inventory import load_items, total_value

if __name__ == "__main__":
    print(f"stock value: {total_value(load_items('data/items.json')):.2f}")
