"""When a task falls due: working days by its agency's calendar, or hours for crisis services.

Deadlines count Iranian working days (Friday off, Thursday per agency, official holidays and the
admin's overrides, see `hamyar.core.time.working_days`); a due date never lands on a day off.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import CalendarOverride
from hamyar.core.storage.reference_rows import reference
from hamyar.core.time.working_days import DayOverride, WorkingCalendar


def _overrides(session: Session) -> tuple[DayOverride, ...]:
    """Every override row, oldest first (later rows win within a scope)."""
    rows = session.exec(select(CalendarOverride).order_by(col(CalendarOverride.id))).all()
    return tuple(
        DayOverride(day=r.day, closed=r.closed, name=r.name, agency=r.agency_code) for r in rows
    )


def working_calendar(session: Session, registry: Registry, agency: str) -> WorkingCalendar:
    """The agency's calendar: its Thursday setting plus the admin's override rows, which are
    reference rows (`storage.reference_rows`): read once until someone changes them."""
    spec = registry.agencies.get(agency)
    overrides = [
        o
        for o in reference.read(session, "calendar_overrides", _overrides)
        if o.agency is None or o.agency == agency
    ]
    return WorkingCalendar(
        thursday_closed=bool(spec and spec.thursday_closed), overrides=overrides, agency=agency
    )


def due_at(
    session: Session, registry: Registry, service_code: str, start: datetime
) -> datetime | None:
    """When a task of `service_code` opened at `start` falls due: working days, or hours for
    crisis services (staffed round the clock); None when the service promises no deadline."""
    spec = registry.service(service_code)
    if spec.sla_hours is not None:
        return WorkingCalendar().add_working_hours(start, spec.sla_hours)
    if spec.sla_days is not None:
        return working_calendar(session, registry, spec.agency).add_working_days(
            start, spec.sla_days
        )
    return None
