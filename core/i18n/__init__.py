"""Persian first, English second: the words, numbers and dates every page shows.

Templates and CLI output say `_("English text")`; `gettext(locale, msgid)` answers with the
Persian translation in `fa` (falling back to the English text, so a missing entry is visible
but never breaks a page). Numbers and dates follow the locale: Persian digits and Jalali dates
in `fa`, ASCII digits and ISO-style Jalali dates in `en`.
"""

from hamyar.core.i18n.catalogue import (
    DEFAULT_LOCALE,
    LOCALES,
    Phrase,
    direction,
    format_date,
    format_datetime,
    format_number,
    gettext,
    localized,
    normalize_locale,
    phrase,
)

__all__ = [
    "DEFAULT_LOCALE",
    "LOCALES",
    "Phrase",
    "direction",
    "format_date",
    "format_datetime",
    "format_number",
    "gettext",
    "localized",
    "normalize_locale",
    "phrase",
]
