"""Iranian working-day calendar: which days an agency works, and when a task falls due.

Deadlines in Hamyar are promised in *Iranian working days*, so every due date is
decided here and nowhere else. A day is off when any of these holds, checked in
this order:

1. an admin override for the day (agency-specific beats all-agency) says so —
   an override can also *open* a day that would otherwise be off (a working
   Friday by decree, a holiday the `holidays` package lists wrongly);
2. the `holidays` package (country ``IR``, Persian names) lists an official
   holiday. Its lunar dates beyond the confirmed years are estimates and are
   named with "(تخمینی)", which is exactly why overrides exist;
3. it is Friday, the legal weekend for every agency;
4. it is Thursday and the agency closes on Thursdays.

Calendar days are always Tehran days: an instant is converted to Asia/Tehran
before its date is taken, whatever zone it arrived in. Stored instants are UTC,
so every datetime this module returns is an aware UTC datetime.

Deadline convention (`WorkingCalendar.add_working_days`): the start day itself
never counts, because a task opened in the afternoon must not lose a day. The due
instant is the last instant (23:59:59.999999) of the Nth working day *after* the
start's Tehran day, converted to UTC. "Overdue" is therefore simply
``now > due``, and the due instant, shown in Tehran time, reads as the right day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType

import holidays

from hamyar.core.time.jalali import TEHRAN

"""The zone that decides which calendar day an instant belongs to."""

FRIDAY = "جمعه"
THURSDAY = "پنجشنبه"

_THURSDAY, _FRIDAY = 3, 4  # date.weekday() numbers


@dataclass(frozen=True, slots=True)
class DayOverride:
    """An admin's correction to the official calendar for one day.

    ``closed=True`` adds a day off (a decree, a one-off closure, a corrected
    lunar date); ``closed=False`` makes a day a working day even if it is a
    Friday, a Thursday or a listed holiday. ``agency=None`` applies to every
    agency; otherwise only to the calendar built for that agency. The rows
    live in someone else's table; this is the plain-data shape they load into.
    """

    day: date
    closed: bool
    name: str
    agency: str | None = None


@lru_cache(maxsize=64)
def official_holidays(year: int) -> Mapping[date, str]:
    """Official Iranian holidays of one Gregorian year, with their Persian names.

    Building a ``holidays`` object is slow compared with a dict lookup and the
    answer is the same for every agency, so each year is built once per process
    and shared. The mapping is read-only because it is shared. The language is
    passed explicitly: without it the package picks one from the process locale.
    """
    listed = holidays.country_holidays("IR", years=year, language="fa_IR")
    return MappingProxyType(dict(listed.items()))


def tehran_day(moment: date) -> date:
    """The Tehran calendar day of an aware instant; a plain date is returned as is.

    A naive datetime is refused: guessing its zone is how deadlines drift by a day.
    """
    if not isinstance(moment, datetime):
        return moment
    return _require_aware(moment).astimezone(TEHRAN).date()


def _require_aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: pass an aware datetime")
    return moment


def _require_non_negative(amount: int, unit: str) -> None:
    if amount < 0:
        raise ValueError(f"{unit} must be >= 0, got {amount}")


class WorkingCalendar:
    """The working days of one agency (or of all agencies when ``agency`` is None).

    Built cheaply per request from the agency's Thursday setting and the current
    override rows; the expensive part (official holidays) is cached per year at
    module level. Only overrides for this agency or for all agencies are kept.
    When several overrides target the same day, an agency-specific one beats an
    all-agency one, and within the same scope the later one in ``overrides`` wins
    (so load them oldest first).
    """

    def __init__(
        self,
        thursday_closed: bool = False,
        overrides: Iterable[DayOverride] = (),
        agency: str | None = None,
    ) -> None:
        self.thursday_closed = thursday_closed
        self.agency = agency
        applicable = [o for o in overrides if o.agency is None or o.agency == agency]
        # Agency-specific rows are applied last so they replace all-agency ones.
        applicable.sort(key=lambda o: o.agency is not None)
        self._overrides: dict[date, DayOverride] = {o.day: o for o in applicable}

    def day_off_reason(self, d: date) -> str | None:
        """Why ``d`` is a day off (a Persian name), or None if it is a working day.

        A holiday on a Friday is reported by its own name, which tells a user
        more than "جمعه". ``d`` may be an aware datetime; its Tehran day is used.
        """
        d = tehran_day(d)
        override = self._overrides.get(d)
        if override is not None:
            return override.name if override.closed else None
        holiday = official_holidays(d.year).get(d)
        if holiday is not None:
            return holiday
        if d.weekday() == _FRIDAY:
            return FRIDAY
        if d.weekday() == _THURSDAY and self.thursday_closed:
            return THURSDAY
        return None

    def is_working_day(self, d: date) -> bool:
        """Whether the agency works on ``d`` (or on an aware datetime's Tehran day)."""
        return self.day_off_reason(d) is None

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        d = tehran_day(d)
        while True:
            d += timedelta(days=1)
            if self.is_working_day(d):
                return d

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """Due instant of a task opened at ``start`` with a ``days`` working-day SLA.

        Counting begins on the first working day after the Tehran day of
        ``start`` — so a task opened on a holiday, or late on a Wednesday, gets
        the same full days as one opened at dawn. The due instant is the end of
        the ``days``-th such working day in Tehran, returned in UTC; it never
        falls on a day off. ``days=0`` means "by the end of today", rolled
        forward to the next working day when today is a day off.
        """
        _require_non_negative(days, "days")
        due = tehran_day(start)
        if days == 0 and self.is_working_day(due):
            return _end_of_day_utc(due)
        for _ in range(max(days, 1)):
            due = self.next_working_day(due)
        return _end_of_day_utc(due)

    def add_working_hours(self, start: datetime, hours: int) -> datetime:
        """Due instant of a crisis task: ``hours`` elapsed hours after ``start``.

        Crisis services (floods, fires, a child at risk) are staffed round the
        clock, so their SLA deliberately ignores Fridays, Thursdays, holidays
        and overrides. Arithmetic is done in UTC so the result is elapsed time
        even if Iran ever brings back daylight saving; the result is aware UTC.
        """
        _require_non_negative(hours, "hours")
        return _require_aware(start).astimezone(UTC) + timedelta(hours=hours)

    def working_days_between(self, a: date, b: date) -> int:
        """How many working days lie after ``a`` up to and including ``b``.

        This is the inverse of `add_working_days`: a task started on day ``a``
        and due on day ``b`` has ``working_days_between(a, b)`` working days.
        When ``b`` is before ``a`` the count is negative, which reads naturally
        as "working days overdue" in reports. Aware datetimes count by Tehran day.
        """
        a, b = tehran_day(a), tehran_day(b)
        if b < a:
            return -self.working_days_between(b, a)
        return sum(
            self.is_working_day(a + timedelta(days=offset)) for offset in range(1, (b - a).days + 1)
        )


def _end_of_day_utc(d: date) -> datetime:
    return datetime.combine(d, time.max, tzinfo=TEHRAN).astimezone(UTC)
