"""Reading what a request sends: small checks every view shares."""


def whole_number(raw: str, *, max_digits: int = 12) -> bool:
    """``raw`` is a non-negative whole number in ASCII digits that ``int()`` takes.
    ``str.isdigit()`` alone accepts "²" and other Unicode digits that ``int()`` refuses (a
    500 where a 400 was meant)."""
    return raw.isascii() and raw.isdigit() and len(raw) <= max_digits
