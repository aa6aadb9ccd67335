"""What text and numbers from outside may hold before they go near the database.

Two databases, one contract: an id or count is stored in a 32-bit INTEGER column on PostgreSQL
(64-bit on SQLite), so every integer a request carries is held to the smaller range; a number
beyond it names nothing, and saying so is a 4xx, never the driver's overflow. Ids are written
with ASCII digits only: `str.isdigit` accepts `²` and `١`, which `int()` then refuses.

Text may hold any character a person can type, but not NUL (PostgreSQL refuses it in a string),
the other C0 control characters (XML 1.0 cannot carry them, so one of them would break every
XML document that quotes it), lone surrogates (not encodable as UTF-8) or U+FFFE/U+FFFF
(non-characters). Tab, newline and carriage return are text.
"""

from __future__ import annotations

import re

MAX_INT = 2**31 - 1
"""The largest value of PostgreSQL's INTEGER, the narrower of the two databases' columns."""
MIN_INT = -(2**31)

FORBIDDEN_PATTERN = r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]"
"""One character text may not hold (a regular expression, Python's and JSON Schema's)."""
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"
"""A whole text free of control characters: the `pattern` of every text field in the API's
schema (surrogates and non-characters are left out of it, which JSON decoders and schema tools
handle poorly; the edge refuses them all the same)."""
ID_PATTERN = r"^[0-9]{1,10}$"
"""An id typed as text: ASCII digits only (a range check follows, see `parse_id`)."""

_FORBIDDEN = re.compile(FORBIDDEN_PATTERN)
_ASCII_DIGITS = re.compile(ID_PATTERN)

CONTROL_CHARACTER_MESSAGE = (
    "the text holds a control character (such as NUL) that cannot be stored; remove it"
)
OUT_OF_RANGE_MESSAGE = "the number is out of range"
ID_DIGITS_MESSAGE = "an id is written in ASCII digits (0-9)"


def forbidden_character(text: str) -> str | None:
    """The first character `text` may not hold, or None when it is clean."""
    found = _FORBIDDEN.search(text)
    return found.group() if found else None


def strip_forbidden(text: str) -> str:
    """`text` without the characters it may not hold (for free text from anonymous clients
    whose apps cannot be told to mend it)."""
    return _FORBIDDEN.sub("", text)


def in_int_range(value: int) -> bool:
    return MIN_INT <= value <= MAX_INT


def is_id(value: int) -> bool:
    """Whether `value` can be a row's id at all (a larger one cannot even be looked up)."""
    return 1 <= value <= MAX_INT


def parse_id(text: str) -> int | None:
    """The id written as `text` (ASCII digits, within the column's range), or None."""
    if not _ASCII_DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_INT else None
