"""Booking visits into the mobile units' weekly route, and publishing the coming weeks.

Booking walks the county's stops day by day from tomorrow, skipping the library's days off, and
inserts a booking for the first free (stop, day). The insert runs in a savepoint: if another
worker took that slot a moment earlier, the unique constraint refuses ours and we try the next
one — on PostgreSQL the second insert waits for the first transaction and then fails cleanly, so
two concurrent bookings can never land on one slot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from hamyar import (
    Case,
    Neighbourhood,
    Task,
    WorkingCalendar,
    format_jalali_date,
    tehran_day,
    utcnow,
)
from hamyar.plugins.library.models import PublishedWeek, RouteStop, VisitBooking

HORIZON_DAYS = 8 * 7
"""How far ahead a visit may be booked; beyond it the office must add stops."""
PUBLISHED_WEEKS = 4
RELEASED_STATES = ("returned", "cancelled")
"""A task in one of these no longer needs its slot: the slot is free again."""
WEEKDAYS_FA = ("دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه", "یکشنبه")


class NoFreeSlot(LookupError):
    """The county has no timetable, or every stop is booked for the whole horizon."""


@dataclass(frozen=True)
class Slot:
    stop: RouteStop
    day: date

    def describe(self) -> str:
        return (
            f"{WEEKDAYS_FA[self.day.weekday()]} {format_jalali_date(self.day)} "
            f"ساعت {self.stop.start:%H:%M} تا {self.stop.end:%H:%M}، {self.stop.unit}"
        )


def county_of(session: Session, case: Case) -> int | None:
    nb = session.get(Neighbourhood, case.neighbourhood_id) if case.neighbourhood_id else None
    return nb.county_id if nb else None


def release_slots(session: Session) -> int:
    """Free the slots of tasks handed back or cancelled; return how many."""
    stale = session.exec(
        select(VisitBooking)
        .join(Task, Task.id == VisitBooking.task_id)  # type: ignore[arg-type]
        .where(Task.state.in_(RELEASED_STATES))  # type: ignore[attr-defined]
    ).all()
    for booking in stale:
        session.delete(booking)
    session.flush()
    return len(stale)


def candidate_slots(
    session: Session,
    county_id: int,
    calendar: WorkingCalendar,
    after: date,
    days: int = HORIZON_DAYS,
) -> list[Slot]:
    """Every stop-day from the day after `after`, in time order, on the library's working days."""
    stops = session.exec(
        select(RouteStop)
        .where(RouteStop.county_id == county_id, RouteStop.active == True)  # noqa: E712
        .order_by(RouteStop.start, RouteStop.id)  # type: ignore[arg-type]
    ).all()
    slots = []
    for offset in range(1, days + 1):
        day = after + timedelta(days=offset)
        if not calendar.is_working_day(day):
            continue
        slots += [Slot(stop, day) for stop in stops if stop.weekday == day.weekday()]
    return slots


def book_next_free_slot(
    session: Session,
    task: Task,
    case: Case,
    calendar: WorkingCalendar,
    *,
    after: date | None = None,
) -> Slot:
    """Book the first free slot for `task` (or return the one it already holds)."""
    held = session.exec(select(VisitBooking).where(VisitBooking.task_id == task.id)).first()
    if held is not None:
        stop = session.get(RouteStop, held.stop_id)
        assert stop is not None
        return Slot(stop, held.day)
    county_id = county_of(session, case)
    if county_id is None:
        raise NoFreeSlot("the case has no neighbourhood, so no county timetable applies")
    release_slots(session)
    after = after or tehran_day(utcnow())
    slots = candidate_slots(session, county_id, calendar, after)
    if not slots:
        raise NoFreeSlot("no mobile-library stops are set for this county; add them to the route")
    taken = set(
        session.exec(
            select(VisitBooking.stop_id, col(VisitBooking.day)).where(
                col(VisitBooking.stop_id).in_({s.stop.id for s in slots}),
                col(VisitBooking.day) >= slots[0].day,
                VisitBooking.day <= slots[-1].day,
            )
        ).all()
    )
    assert task.id is not None and case.id is not None
    for slot in slots:
        assert slot.stop.id is not None
        if (slot.stop.id, slot.day) in taken:
            continue
        try:
            with session.begin_nested():
                session.add(
                    VisitBooking(
                        stop_id=slot.stop.id,
                        day=slot.day,
                        task_id=task.id,
                        case_id=case.id,
                    )
                )
                session.flush()
        except IntegrityError:  # taken by a concurrent booking since we looked
            continue
        return slot
    raise NoFreeSlot(f"every stop in this county is booked for the next {HORIZON_DAYS} days")


def week_start(day: date) -> date:
    """The Saturday on or before `day` (the Iranian week starts on Saturday)."""
    return day - timedelta(days=(day.weekday() - 5) % 7)


def week_entries(
    session: Session, county_id: int, start: date, calendar: WorkingCalendar
) -> list[dict]:
    slots = candidate_slots(session, county_id, calendar, start - timedelta(days=1), days=7)
    booked = {
        (b.stop_id, b.day)
        for b in session.exec(
            select(VisitBooking).where(
                VisitBooking.day >= start, VisitBooking.day < start + timedelta(days=7)
            )
        ).all()
    }
    names = {
        n.id: n.name_fa
        for n in session.exec(
            select(Neighbourhood).where(Neighbourhood.county_id == county_id)
        ).all()
    }
    return [
        {
            "day": s.day.isoformat(),
            "day_fa": format_jalali_date(s.day),
            "weekday_fa": WEEKDAYS_FA[s.day.weekday()],
            "start": f"{s.stop.start:%H:%M}",
            "end": f"{s.stop.end:%H:%M}",
            "unit": s.stop.unit,
            "neighbourhood": names.get(s.stop.neighbourhood_id or 0, ""),
            "booked": (s.stop.id, s.day) in booked,
        }
        for s in slots
    ]


def publish(
    session: Session,
    calendar: WorkingCalendar,
    *,
    today: date | None = None,
    weeks: int = PUBLISHED_WEEKS,
) -> int:
    """Write the coming `weeks` of every county's timetable; return how many weeks were written.

    Re-publishing a week replaces it, so running the job twice changes nothing.
    """
    first = week_start(today or tehran_day(utcnow()))
    counties = sorted(
        set(session.exec(select(RouteStop.county_id).where(RouteStop.active.is_(True))).all())  # type: ignore[attr-defined]
    )
    written = 0
    for county_id in counties:
        for n in range(weeks):
            start = first + timedelta(weeks=n)
            row = session.exec(
                select(PublishedWeek).where(
                    PublishedWeek.county_id == county_id, PublishedWeek.week_start == start
                )
            ).first()
            row = row or PublishedWeek(county_id=county_id, week_start=start)
            row.entries = week_entries(session, county_id, start, calendar)
            row.published_at = utcnow()
            session.add(row)
            written += 1
    session.flush()
    return written
