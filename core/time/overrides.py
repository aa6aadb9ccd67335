"""The administrator's corrections to the working calendar, and the holidays they correct.

`hamyar.core.time.working_days` decides working days from the official holidays and
`CalendarOverride` rows;
this module is how a Manager sees the coming holidays and adds or removes an override (the
`/admin/calendar` page). Days are typed as people type them, in Jalali
(`hamyar.core.time.jalali.parse_date`:
"1404/01/15", "۱۵ فروردین ۱۴۰۴"); one override per day and agency (or all agencies).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, select

from hamyar.core.exceptions import InvalidInput, NotFound
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import Agency, CalendarOverride
from hamyar.core.time import jalali
from hamyar.core.time.working_days import official_holidays

MAX_NAME = 200


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str
    """In Persian, as the `holidays` package names it."""


def upcoming_holidays(start: date, days: int = 365) -> list[Holiday]:
    """The official holidays from `start` (inclusive) for the next `days` days."""
    end = start + timedelta(days=days)
    found: dict[date, str] = {}
    for year in range(start.year, end.year + 1):
        found.update(official_holidays(year))
    return [Holiday(d, n) for d, n in sorted(found.items()) if start <= d < end]


def list_overrides(session: Session, since: date | None = None) -> list[CalendarOverride]:
    """The overrides, by day; from `since` on when given."""
    query = select(CalendarOverride).order_by(
        col(CalendarOverride.day), col(CalendarOverride.agency_code)
    )
    if since is not None:
        query = query.where(CalendarOverride.day >= since)
    return list(session.exec(query).all())


def _invalid(field_name: str, message: str) -> InvalidInput:
    return InvalidInput(f"{field_name}: {message}", [{"field": field_name, "message": message}])


def add_override(
    session: Session,
    registry: Registry,
    *,
    day: str,
    closed: bool = True,
    name: str = "",
    agency: str | None = None,
) -> CalendarOverride:
    """A new override for the typed day; the caller commits."""
    try:
        parsed = jalali.parse_date(day)
    except ValueError:
        raise _invalid("day", "not a date; type it like 1404/01/15 or 15 Farvardin 1404") from None
    name = name.strip()
    if len(name) > MAX_NAME:
        raise _invalid("name", "at most 200 characters")
    if agency:
        if agency not in registry.agencies:
            raise _invalid("agency", "unknown agency")
        if session.get(Agency, agency) is None:
            from hamyar.core.storage.registry_mirror import sync_registry

            sync_registry(session, registry)  # the plugins may be newer than the rows
    taken = session.exec(
        select(CalendarOverride).where(
            CalendarOverride.day == parsed, CalendarOverride.agency_code == (agency or None)
        )
    ).first()
    if taken is not None:
        raise _invalid("day", "this day already has an override for this agency")
    row = CalendarOverride(day=parsed, closed=closed, name=name, agency_code=agency or None)
    session.add(row)
    session.flush()
    return row


def delete_override(session: Session, override_id: int) -> CalendarOverride:
    row = session.get(CalendarOverride, override_id)
    if row is None:
        raise NotFound(f"no calendar override {override_id}")
    session.delete(row)
    session.flush()
    return row
