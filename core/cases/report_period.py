"""The period a report covers: a Jalali month (`1402-07`), a Jalali year (`1402`), or days.

A provincial office reports by the Jalali calendar — "Mehr 1402", "the year 1402" — so a period
names a whole Jalali month or year, written with ASCII or Persian digits and `-` or `/`. The
days it covers are Tehran days, from the first of the month (or Farvardin 1st) to the last,
both included. `from`/`to` days remain for any other span; a request names one or the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from hamyar.core.exceptions import InvalidInput
from hamyar.core.text.folding import normalize
from hamyar.core.time.jalali import (
    DAY_RANGE_MESSAGE,
    EARLIEST_DAY,
    LATEST_DAY,
    DateOutOfRange,
    parse_date,
    to_gregorian,
    to_jalali,
)

_PERIOD = re.compile(r"([0-9]{4})(?: ?[/-] ?([0-9]{1,2}))?")

PERIOD_MESSAGE = "a period is a Jalali year or month, e.g. 1402 or 1402-07"
BOTH_MESSAGE = "give either a period or from/to days, not both"
ORDER_MESSAGE = "the end of the period is before its start"


@dataclass(frozen=True)
class Period:
    """The days a report covers (both ends included; None = open-ended)."""

    start: date | None = None
    end: date | None = None
    year: int | None = None
    """The Jalali year, when the period is a Jalali month or year."""
    month: int | None = None
    """The Jalali month (1..12), when the period is one month."""

    @property
    def code(self) -> str:
        """`1402-07`, `1402`, or "" for days (what `period=` takes back)."""
        if self.year is None:
            return ""
        return f"{self.year}-{self.month:02d}" if self.month else str(self.year)

    def as_dict(self) -> dict[str, str | None]:
        return {
            "period": self.code or None,
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
        }


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(f"{field}: {message}", [{"field": field, "message": message}])


def parse_day(value: str | None, field: str) -> date | None:
    """A typed day (Jalali or ISO), or None for nothing typed; InvalidInput names the field."""
    if value is None or not value.strip():
        return None
    try:
        return parse_date(value.strip())
    except DateOutOfRange:
        raise _invalid(field, DAY_RANGE_MESSAGE) from None
    except ValueError as exc:
        raise _invalid(field, str(exc)) from None


def jalali_month(year: int, month: int) -> Period:
    """The whole Jalali month `month` of `year`."""
    start = to_gregorian(year, month, 1)
    following = to_gregorian(year + 1, 1, 1) if month == 12 else to_gregorian(year, month + 1, 1)
    return Period(start, following - timedelta(days=1), year, month)


def jalali_year(year: int) -> Period:
    """Farvardin 1st to the last day of Esfand of `year`."""
    return Period(
        to_gregorian(year, 1, 1), to_gregorian(year + 1, 1, 1) - timedelta(days=1), year, None
    )


def parse_period(value: str | None) -> Period | None:
    """`1402` or `1402-07` (also `۱۴۰۲/۷`) as a Period; None for nothing typed."""
    if value is None or not value.strip():
        return None
    found = _PERIOD.fullmatch(normalize(value.strip()))
    if not found:
        raise _invalid("period", PERIOD_MESSAGE)
    year, month = int(found.group(1)), int(found.group(2) or 0)
    if found.group(2) is not None and not 1 <= month <= 12:
        raise _invalid("period", PERIOD_MESSAGE)
    try:
        period = jalali_month(year, month) if month else jalali_year(year)
    except ValueError:
        raise _invalid("period", PERIOD_MESSAGE) from None
    assert period.start is not None and period.end is not None
    if period.start < EARLIEST_DAY or period.end > LATEST_DAY:
        raise _invalid("period", DAY_RANGE_MESSAGE)
    return period


def resolve_period(period: str | None, date_from: str | None, date_to: str | None) -> Period:
    """The period a request asks for: `period=`, or `from`/`to` days, or everything."""
    named = parse_period(period)
    start, end = parse_day(date_from, "from"), parse_day(date_to, "to")
    if named is not None:
        if start or end:
            raise _invalid("period", BOTH_MESSAGE)
        return named
    if start and end and end < start:
        raise _invalid("to", ORDER_MESSAGE)
    return Period(start, end)


def jalali_years_until(today: date, back: int = 5) -> list[int]:
    """The Jalali years a period picker offers: this one and `back` before it, newest first."""
    this_year = to_jalali(today)[0]
    return list(range(this_year, this_year - back - 1, -1))
