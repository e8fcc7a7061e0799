"""Row ids from outside (URLs, query strings, forms, JSON): whole numbers the databases hold.

Every primary key is a 64-bit integer (BigAutoField). A larger number cannot name a row, and
SQLite refuses even to compare with one (OverflowError), so ids are checked before a query."""

MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """`value` as a row id, or None when it is not a whole number from 1 to MAX_ID."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None
