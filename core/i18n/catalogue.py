"""Looking up messages and formatting values for one locale.

The locale is always an argument, never process state: the web server is threaded and two
requests in different languages run side by side.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from hamyar.core.i18n.fa import MESSAGES as FA_MESSAGES
from hamyar.core.text.folding import to_persian_digits
from hamyar.core.time import jalali

LOCALES = ("fa", "en")
DEFAULT_LOCALE = "fa"

_CATALOGUES: dict[str, dict[str, str]] = {"fa": FA_MESSAGES, "en": {}}


def normalize_locale(value: str | None, default: str = DEFAULT_LOCALE) -> str:
    """`fa`, `en`, or `default` for anything else (a stale or forged cookie)."""
    language = (value or "").replace("_", "-").split("-")[0].strip().lower()
    return language if language in LOCALES else default


class Phrase(str):
    """A message already written out in every locale, read as English where a plain string is.

    Some messages are composed before anyone knows who reads them: a form's validation error
    names the field's own title, which the plugin gives in fa and en, so no msgid in the
    catalogue can hold it. Such a message travels as a Phrase (inside `InvalidInput.errors`,
    through the templates' `_()`), and `gettext` answers with the reader's wording.
    """

    translations: dict[str, str]

    def __new__(cls, en: str, fa: str) -> Phrase:
        phrase = super().__new__(cls, en)
        phrase.translations = {"en": en, "fa": fa}
        return phrase

    def in_locale(self, locale: str) -> str:
        return self.translations.get(normalize_locale(locale), str.__str__(self))


def phrase(msgid: str, **values: Any) -> Phrase:
    """A catalogue message worded in both languages, for an error raised before anyone knows
    who reads it (the API words it by Accept-Language, a page by its locale)."""
    return Phrase(gettext("en", msgid, **values), gettext("fa", msgid, **values))


def gettext(locale: str, msgid: str, **values: Any) -> str:
    """The message in `locale`, with `{name}` placeholders filled from `values`.

    Numbers filled into a Persian message are written with Persian digits. A `Phrase` is
    already written in every locale and answers with its own wording.
    """
    if isinstance(msgid, Phrase):
        return msgid.in_locale(locale)
    text = _CATALOGUES.get(normalize_locale(locale), {}).get(msgid, msgid)
    if values:
        text = text.format(**{k: _value(locale, v) for k, v in values.items()})
    return text


def _value(locale: str, value: Any) -> Any:
    if isinstance(value, Phrase):  # a message within a message: each language its own
        return value.in_locale(locale)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(value, locale)
    return value


def direction(locale: str) -> str:
    """`rtl` for Persian, `ltr` for English: the `dir` attribute of every page."""
    return "rtl" if normalize_locale(locale) == "fa" else "ltr"


def format_number(value: int | float | str | None, locale: str) -> str:
    """Thousands separated; Persian digits and the Persian separator (٬) in `fa`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int):
        text = f"{value:,}"
    elif isinstance(value, float):
        text = f"{value:,.1f}".removesuffix(".0")
    else:
        text = str(value)
    if normalize_locale(locale) == "fa":
        return to_persian_digits(text.replace(",", "٬").replace(".", "٫"))
    return text


def format_date(value: date | datetime | None, locale: str) -> str:
    """A Jalali date (Tehran's day for an instant); empty for no date."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = jalali.to_tehran(value).date()
    return jalali.format_date(value, normalize_locale(locale))


def format_datetime(value: datetime | None, locale: str) -> str:
    """A Jalali date and Tehran time; empty for no instant."""
    if value is None:
        return ""
    return jalali.format_datetime(value, normalize_locale(locale))


def localized(locale: str, fa: str | None, en: str | None) -> str:
    """The Persian or English title of a thing, falling back to whichever exists."""
    if normalize_locale(locale) == "fa":
        return fa or en or ""
    return en or fa or ""
