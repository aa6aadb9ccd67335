"""Characters an Open311 document cannot carry, and what becomes of them.

XML 1.0 has no way to write NUL or the other C0 control characters (tab, newline and carriage
return aside), lone surrogates or U+FFFE/U+FFFF, not even escaped; PostgreSQL refuses NUL in any
string. Citizens' apps send what their users paste, and cannot be asked to mend it, so free
text is stripped of them on the way in (`clean`), and anything already stored is stripped on the
way out to XML, so one submission never makes `requests.xml` unreadable for every client. In a
URL, where they name nothing, they are a 400 (`has_forbidden`).
"""

from __future__ import annotations

import re

_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """`text` without the characters XML (and PostgreSQL, for NUL) cannot carry."""
    return _FORBIDDEN.sub("", text)


def has_forbidden(text: str) -> bool:
    return _FORBIDDEN.search(text) is not None
