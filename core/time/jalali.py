"""Jalali dates as people type and read them, over UTC instants as we store them.

Hamyar stores aware UTC datetimes and plain Gregorian dates; people see and type
Jalali dates in Tehran time. This module is the only place that crosses between
the two, so parsing is lenient about spelling (Persian, Arabic-letter or ASCII
digits and month names, "مهرماه", transliterations) and strict about meaning:
an impossible date is an error, never a silently shifted one.

Month names come from our own tables and the locale is always an argument:
``jdatetime.set_locale`` is per-thread global state, and our web server is threaded.
Asia/Tehran is used through zoneinfo rather than a fixed +03:30 because the dates
in our archive (before 1402) were recorded under daylight saving time.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo

import jdatetime

from hamyar.core.text.folding import normalize, to_persian_digits

TEHRAN = ZoneInfo("Asia/Tehran")
"""UTC+03:30, with no daylight saving since 2023 (zoneinfo knows the older rules)."""

FA_MONTHS = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)  # fmt: skip
EN_MONTHS = (
    "Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
    "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand",
)  # fmt: skip
_MONTH_ALIASES = {"امرداد": 5, "amordad": 5, "dei": 10, "day": 10}

GREGORIAN_AFTER = 1700
"""A typed year above this is Gregorian (Jalali 1700 is Gregorian 2321)."""

EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2299, 12, 31)
"""The dates Hamyar accepts (Jalali 1278/10/11 to 1678/10/10): a case, a deadline or a report
period outside them is a typing mistake, and their extremes (year 1, year 9999) overflow as
soon as a time zone is applied."""
DAY_RANGE_MESSAGE = "the date must be between 1900 and 2299 (Jalali 1279 to 1678)"


class DateOutOfRange(ValueError):
    """A real date, but outside `EARLIEST_DAY`..`LATEST_DAY`."""


_EXAMPLE = "expected e.g. 1402/07/03"
_NUMERIC = re.compile(r"([0-9]{4}) ?([/.-]) ?([0-9]{1,2}) ?\2 ?([0-9]{1,2})")
_NAMED = re.compile(r"([0-9]{1,2}) ?([^\W\d_]+(?: ماه)?) ?[,،]? ?([0-9]{4})")
_TIME = re.compile(r"(.*?)(?:[ ,،t-]+|^)([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?")


@cache
def _month_numbers() -> dict[str, int]:
    """Normalised month name → number, so ي/ك spellings and ZWNJs need no entries."""
    numbers = {normalize(name): n for n, name in enumerate(FA_MONTHS, start=1)}
    numbers |= {normalize(name): n for n, name in enumerate(EN_MONTHS, start=1)}
    return numbers | _MONTH_ALIASES


def utcnow() -> datetime:
    """The current instant as an aware UTC datetime, the form we store."""
    return datetime.now(UTC)


def to_tehran(moment: datetime) -> datetime:
    """`moment` as Tehran wall-clock time; a naive datetime is refused, not guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: pass an aware datetime")
    return moment.astimezone(TEHRAN)


def _local_date(day: date) -> date:
    """A datetime is an instant: its Jalali day is the Tehran day, not the UTC one."""
    return to_tehran(day).date() if isinstance(day, datetime) else day


def to_jalali(day: date) -> tuple[int, int, int]:
    """(year, month, day) in the Jalali calendar; a datetime counts in Tehran time."""
    j = jdatetime.date.fromgregorian(date=_local_date(day))
    return j.year, j.month, j.day


def _days_in_month(year: int, month: int) -> int:
    if month <= 6:
        return 31
    if month <= 11 or jdatetime.date(year, 1, 1).isleap():
        return 30
    return 29


def to_gregorian(year: int, month: int, day: int) -> date:
    """The Gregorian date of a Jalali date; ValueError says why an impossible one is."""
    if not jdatetime.MINYEAR <= year <= jdatetime.MAXYEAR:
        raise ValueError(f"Jalali year {year} is out of range")
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is not 1..12")
    length = _days_in_month(year, month)
    if not 1 <= day <= length:
        raise ValueError(f"{EN_MONTHS[month - 1]} {year} has days 1..{length}, not {day}")
    return jdatetime.date(year, month, day).togregorian()


def parse_date(text: str) -> date:
    """The Gregorian date of what someone typed as a date.

    Accepted: year-first numbers with /, - or . ("1402/07/03", "۱۴۰۲-۷-۳"), and
    "day month year" with a Persian, Arabic-letter or transliterated month name
    ("۳ مهر ۱۴۰۲", "۳ مهرماه ۱۴۰۲", "3 Mehr 1402"). A numeric year above
    `GREGORIAN_AFTER` is Gregorian ("2023-09-25"); month names are Jalali only.
    Anything else, or a date that does not exist, raises ValueError.
    """
    try:
        return _parse_date(normalize(text))
    except DateOutOfRange:
        raise
    except ValueError as error:
        raise ValueError(f"not a date: {text!r}{_reason(error)}; {_EXAMPLE}") from None


def _reason(error: ValueError) -> str:
    return f" ({error})" if str(error) else ""


def _parse_date(folded: str) -> date:
    """Parse normalised text, within the accepted range; a bare ValueError means "not a date
    shape at all"."""
    day = _parse_date_shape(folded)
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise DateOutOfRange(DAY_RANGE_MESSAGE)
    return day


def _parse_date_shape(folded: str) -> date:
    if numeric := _NUMERIC.fullmatch(folded):
        year, month, day = (int(numeric.group(i)) for i in (1, 3, 4))
        if year > GREGORIAN_AFTER:
            try:
                return date(year, month, day)
            except ValueError as error:
                raise ValueError(f"Gregorian {error}") from None
        return to_gregorian(year, month, day)
    if (named := _NAMED.fullmatch(folded)) and (jalali_month := _month_number(named.group(2))):
        jalali_year = int(named.group(3))
        if jalali_year > GREGORIAN_AFTER:
            raise ValueError(f"month names are Jalali, and {jalali_year} is a Gregorian year")
        return to_gregorian(jalali_year, jalali_month, int(named.group(1)))
    raise ValueError


def _month_number(name: str) -> int | None:
    months = _month_numbers()
    if name in months:
        return months[name]
    if name.endswith("ماه"):  # "مهرماه", "مهر ماه"
        return months.get(name.removesuffix("ماه").strip())
    return None


def parse_datetime(text: str) -> datetime:
    """An aware UTC datetime from a typed date and optional Tehran time.

    The time is ``HH:MM`` or ``HH:MM:SS`` after the date, separated by a space, a
    comma, a dash or ``T`` — so the news-site stamps "۱۳۹۹/۰۳/۱۳ - ۱۰:۴۵:۵۵" and
    "۵ بهمن ۱۳۹۸ - ۰۸:۲۶" parse. Without a time the instant is Tehran midnight.
    """
    folded = normalize(text)
    clock = time()
    if timed := _TIME.fullmatch(folded):
        folded = timed.group(1)
        hour, minute, second = (int(timed.group(i) or 0) for i in (2, 3, 4))
        try:
            clock = time(hour, minute, second)
        except ValueError as error:
            raise ValueError(f"not a time: {text!r} ({error}); expected e.g. 14:30") from None
    try:
        day = _parse_date(folded)
    except DateOutOfRange:
        raise
    except ValueError as error:
        message = f"not a date and time: {text!r}{_reason(error)}; {_EXAMPLE} 14:30"
        raise ValueError(message) from None
    return datetime.combine(day, clock, tzinfo=TEHRAN).astimezone(UTC)


def _language(locale: str) -> str:
    language = locale.replace("_", "-").split("-")[0].lower()
    if language not in ("fa", "en"):
        raise ValueError(f"unsupported locale {locale!r}; expected 'fa' or 'en'")
    return language


def format_date(day: date, locale: str = "fa") -> str:
    """The short form: "۱۴۰۲/۰۷/۰۳" for fa, "1402-07-03" for en.

    A datetime is an instant and shows its Tehran day.
    """
    year, month, dom = to_jalali(day)
    if _language(locale) == "fa":
        return to_persian_digits(f"{year:04d}/{month:02d}/{dom:02d}")
    return f"{year:04d}-{month:02d}-{dom:02d}"


def format_datetime(moment: datetime, locale: str = "fa") -> str:
    """The Tehran date and HH:MM of an aware instant: "۱۴۰۲/۰۷/۰۳ ۱۴:۳۰"."""
    local = to_tehran(moment)
    text = f"{format_date(local.date(), locale)} {local:%H:%M}"
    return to_persian_digits(text) if _language(locale) == "fa" else text


def format_long(day: date, locale: str = "fa") -> str:
    """The date as written in prose: "۳ مهر ۱۴۰۲" for fa, "3 Mehr 1402" for en."""
    year, month, dom = to_jalali(day)
    if _language(locale) == "fa":
        return to_persian_digits(f"{dom} {FA_MONTHS[month - 1]} {year}")
    return f"{dom} {EN_MONTHS[month - 1]} {year}"
