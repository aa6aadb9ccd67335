"""Phone numbers and tracking codes as people type them into a search box.

A 137 operator hears a tracking code or a phone number and types it however it comes: Persian
(۰۹۱۲…) or Arabic-Indic digits, in groups ("0912 123 4567", "۹۰۹-۲۲۳-۶۸۷۷"), with the country
code (+98 912…, 0098 912…, 98 912…). Each becomes one canonical form here, so the search is one
indexed equality (`Case.tracking_code`, `Case.reporter_phone`) instead of a scan of free text.
"""

from __future__ import annotations

import re

from hamyar.core.text.folding import normalize

_SEPARATORS = re.compile(r"[\s\-_.,/()\u060c\u066b\u066c]+")
"""Spaces, hyphens, dots, commas (Latin and Arabic), slashes and brackets between digit groups."""
_DIGITS = re.compile(r"\+?[0-9]+")
_MOBILE = re.compile(r"9[0-9]{9}")
_LANDLINE = re.compile(r"[1-8][0-9]{9}")


def _compact(text: str) -> str:
    """`text` with its digits folded to ASCII and the separators between groups removed."""
    return _SEPARATORS.sub("", normalize(text))


def phone_key(text: str | None) -> str | None:
    """The canonical form of an Iranian phone number (`09121234567`, `02112345678`), or None
    when `text` is not one: the national form with its leading 0, whatever prefix (0, 98,
    +98, 0098) was typed."""
    if not text:
        return None
    compact = _compact(text)
    if not _DIGITS.fullmatch(compact):
        return None
    digits = compact.lstrip("+")
    for prefix in ("0098", "98", "0"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 10:
            rest = digits[len(prefix) :]
            if _MOBILE.fullmatch(rest) or _LANDLINE.fullmatch(rest):
                return "0" + rest
    # Ten digits without a prefix are a tracking code, not a phone number.
    return None


def tracking_code_in(text: str) -> str | None:
    """The ten-digit tracking code `text` is, typed in any digits and grouping, or None."""
    compact = _compact(text)
    if len(compact) == 10 and compact.isascii() and compact.isdigit():
        return compact
    return None
