"""Deadlines as a worklist reader needs them: the hour when it matters, and how late.

A crisis service promises hours (`ServiceSpec.sla_hours`): its deadline is shown with its hour
(Jalali date, Tehran time) however far off it is. A deadline in working days shows its day, and
its hour once it is within a day. A missed deadline says by how much: in hours for hour-based
services and for the first day, in working days (the official calendar) after that.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from hamyar.core.i18n import format_date, format_datetime, gettext
from hamyar.core.plugin.registry import Registry
from hamyar.core.time.working_days import WorkingCalendar

CLOSE = timedelta(days=1)
"""A deadline nearer than this (either side of now) is shown with its hour."""


def hour_based(registry: Registry, service_code: str | None) -> bool:
    """Whether the service's deadline is counted in hours (crisis services)."""
    spec = registry.services.get(service_code or "")
    return bool(spec and spec.sla_hours is not None)


def due_label(due: datetime | None, now: datetime, locale: str, *, hours: bool = False) -> str:
    """The deadline: the day, and the hour when the service counts hours or it is within a day."""
    if due is None:
        return "—"
    if hours or abs(due - now) < CLOSE:
        return format_datetime(due, locale)
    return format_date(due, locale)


def overdue_by(due: datetime | None, now: datetime, locale: str, *, hours: bool = False) -> str:
    """ "Overdue by 3 hours" / "Overdue by 2 working days" ("" when not overdue)."""
    if due is None or due >= now:
        return ""
    late = now - due
    days = 0 if hours or late < CLOSE else WorkingCalendar().working_days_between(due, now)
    if days >= 1:
        if days == 1:
            return gettext(locale, "Overdue by 1 working day")
        return gettext(locale, "Overdue by {n} working days", n=days)
    whole = int(late.total_seconds() // 3600)
    if whole < 1:
        return gettext(locale, "Overdue by less than an hour")
    if whole == 1:
        return gettext(locale, "Overdue by 1 hour")
    return gettext(locale, "Overdue by {n} hours", n=whole)
