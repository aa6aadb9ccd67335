"""Kanoon's mobile library: services, visit booking into the route timetable, publishing."""

# ruff: noqa: F811  (the `world` fixture is imported from tests/test_routing.py)

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time as clock
from datetime import date, time

import pluggy
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from hamyar.core.engine.contexts import HandlerContext
from hamyar.core.plugin.registry import Registry
from hamyar.core.routing.router import route_case
from hamyar.core.storage.models import County, Neighbourhood, OutboxMessage, Task
from hamyar.core.time.deadlines import working_calendar
from hamyar.plugins.library.models import PublishedWeek, RouteStop, VisitBooking
from hamyar.plugins.library.timetable import book_next_free_slot, publish
from tests.test_routing import new_case, world  # noqa: F401  (fixture)

SATURDAY = date(2025, 5, 3)


def test_the_library_offers_its_services_with_persian_forms(registry: Registry) -> None:
    services = registry.services_of("library")
    assert len(services) >= 3
    for spec in services:
        schema = spec.form_schema()
        assert schema["properties"] and not spec.confidential
        assert all(
            field.get("title") and field.get("title_en") for field in schema["properties"].values()
        )


def test_plugins_cli_lists_every_agency_with_schemas() -> None:
    out = subprocess.run(
        [sys.executable, "-c", "from hamyar.core.cli import main; main()", "plugins", "--json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    services = [s for p in json.loads(out)["plugins"] for s in p["services"]]
    for agency in ("library", "municipality", "health", "welfare"):
        mine = [s for s in services if s["agency"] == agency]
        assert len(mine) >= 3 and all(s["schema"]["type"] == "object" for s in mine)
        assert all(s["confidential"] is (agency in ("health", "welfare")) for s in mine)


def add_stops(session: Session, county_code: str = "karaj") -> list[RouteStop]:
    county = session.exec(select(County).where(County.code == county_code)).one()
    stops = [
        RouteStop(
            county_id=county.id,
            unit="کتابخانه سیار ۱",
            weekday=6,
            start=time(9),  # type: ignore[arg-type]
            end=time(11, 30),
        ),
        RouteStop(
            county_id=county.id,
            unit="کتابخانه سیار ۱",
            weekday=6,
            start=time(14),  # type: ignore[arg-type]
            end=time(16, 30),
        ),
    ]
    session.add_all(stops)
    session.flush()
    return stops


PLACES = iter(["karaj-hesarak", "karaj-kalak", "karaj-golshahr", "karaj-baghestan"] * 1000)


def visit_task(session: Session, registry: Registry, pm: pluggy.PluginManager) -> Task:
    """A routed visit request; each in another Karaj neighbourhood, so none repeats another."""
    case = new_case(
        session,
        registry,
        "library.mobile_visit",
        nb=next(PLACES),
        title="بازدید کتابخانه سیار از دبستان",
    )
    route_case(session, case.id, registry, pm=pm)  # type: ignore[arg-type]
    return session.exec(select(Task).where(Task.case_id == case.id)).one()


def test_routing_asks_a_worker_to_book_and_the_handler_books_the_next_free_slot(
    session: Session,
    world: Registry,
    plugin_manager: pluggy.PluginManager,
) -> None:
    add_stops(session)
    task = visit_task(session, world, plugin_manager)
    assert task.state == "booking"
    row = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "run_handler")).one()
    assert row.payload["handler"] == "library.book_visit"
    case = session.get(type(task).__mro__[0], task.id)  # the same task, reloaded
    handler = world.handlers["library.book_visit"].function
    from hamyar.core.storage.models import Case

    ctx = HandlerContext(session, world, session.get(Case, task.case_id), case, "request_slot")  # type: ignore[arg-type]
    handler(ctx)
    assert task.state == "scheduled" and [e.transition for e in ctx.events] == ["booked"]
    booking = session.exec(select(VisitBooking).where(VisitBooking.task_id == task.id)).one()
    assert booking.day.weekday() == 6 and task.variables["visit_day"] == booking.day.isoformat()
    handler(ctx)  # delivered twice: nothing more happens
    assert len(session.exec(select(VisitBooking)).all()) == 1


def test_bookings_take_the_next_free_slot_and_never_the_same_one(
    session: Session,
    world: Registry,
    plugin_manager: pluggy.PluginManager,
) -> None:
    add_stops(session)
    calendar = working_calendar(session, world, "library")
    slots = []
    for _ in range(3):
        task = visit_task(session, world, plugin_manager)
        case = task.case_id
        from hamyar.core.storage.models import Case

        slot = book_next_free_slot(session, task, session.get(Case, case), calendar, after=SATURDAY)  # type: ignore[arg-type]
        slots.append((slot.day, slot.stop.start))
    assert slots == [
        (date(2025, 5, 4), time(9)),
        (date(2025, 5, 4), time(14)),
        (date(2025, 5, 11), time(9)),
    ]


def test_a_handed_back_visit_frees_its_slot(
    session: Session,
    world: Registry,
    plugin_manager: pluggy.PluginManager,
) -> None:
    from hamyar.core.storage.models import Case

    add_stops(session)
    calendar = working_calendar(session, world, "library")
    first = visit_task(session, world, plugin_manager)
    book_next_free_slot(session, first, session.get(Case, first.case_id), calendar, after=SATURDAY)  # type: ignore[arg-type]
    first.state = "returned"
    second = visit_task(session, world, plugin_manager)
    slot = book_next_free_slot(
        session,
        second,
        session.get(Case, second.case_id),
        calendar,  # type: ignore[arg-type]
        after=SATURDAY,
    )
    assert (slot.day, slot.stop.start) == (date(2025, 5, 4), time(9))


def test_concurrent_bookings_never_share_a_slot(
    engine: Engine,
    session: Session,
    world: Registry,
    plugin_manager: pluggy.PluginManager,
) -> None:
    """Two transactions book at once: the second waits on the unique constraint and moves on."""
    from hamyar.core.storage.models import Case

    add_stops(session)
    ids = [visit_task(session, world, plugin_manager).id for _ in range(2)]
    calendar = working_calendar(session, world, "library")
    session.commit()
    first = Session(engine, expire_on_commit=False)
    task = first.get(Task, ids[0])
    taken = book_next_free_slot(
        first, task, first.get(Case, task.case_id), calendar, after=SATURDAY
    )  # type: ignore[arg-type, union-attr]
    result: dict[str, object] = {}

    def book_second() -> None:
        with Session(engine, expire_on_commit=False) as second:
            other = second.get(Task, ids[1])
            slot = book_next_free_slot(
                second,
                other,
                second.get(Case, other.case_id),
                calendar,  # type: ignore[arg-type, union-attr]
                after=SATURDAY,
            )
            second.commit()
            result["slot"] = (slot.day, slot.stop.start)

    thread = threading.Thread(target=book_second)
    thread.start()
    clock.sleep(0.5)  # the second booking is now waiting on the first transaction
    first.commit()
    first.close()
    thread.join(timeout=30)
    assert (taken.day, taken.stop.start) == (date(2025, 5, 4), time(9))
    assert result["slot"] == (date(2025, 5, 4), time(14))
    session.expire_all()
    days = session.exec(select(VisitBooking.stop_id, VisitBooking.day)).all()
    assert len(days) == len(set(days)) == 2


def test_the_periodic_job_publishes_the_coming_weeks_idempotently(
    session: Session,
    world: Registry,
    plugin_manager: pluggy.PluginManager,
) -> None:
    from hamyar.core.storage.models import Case

    stops = add_stops(session)
    calendar = working_calendar(session, world, "library")
    task = visit_task(session, world, plugin_manager)
    book_next_free_slot(session, task, session.get(Case, task.case_id), calendar, after=SATURDAY)  # type: ignore[arg-type]
    assert publish(session, calendar, today=SATURDAY) == 4
    assert publish(session, calendar, today=date(2025, 5, 5)) == 4  # same weeks, rewritten
    weeks = session.exec(select(PublishedWeek).order_by(PublishedWeek.week_start)).all()  # type: ignore[arg-type]
    assert [w.week_start for w in weeks] == [
        date(2025, 5, 3),
        date(2025, 5, 10),
        date(2025, 5, 17),
        date(2025, 5, 24),
    ]
    first = weeks[0].entries
    assert [(e["day"], e["start"], e["booked"]) for e in first] == [
        ("2025-05-04", "09:00", True),
        ("2025-05-04", "14:00", False),
    ]
    assert first[0]["unit"] == stops[0].unit and first[0]["day_fa"] == "۱۴۰۴/۰۲/۱۴"
    assert world.periodic_jobs["library.publish_timetable"].cron == "0 6 * * 6"


@pytest.mark.parametrize("code", ["karaj-hesarak"])
def test_a_case_without_a_timetable_is_reported_not_booked(
    session: Session,
    world: Registry,
    plugin_manager: pluggy.PluginManager,
    code: str,
) -> None:
    from hamyar.core.storage.models import Case
    from hamyar.plugins.library.timetable import NoFreeSlot

    task = visit_task(session, world, plugin_manager)
    assert session.exec(select(Neighbourhood).where(Neighbourhood.code == code)).one()
    with pytest.raises(NoFreeSlot, match="no mobile-library stops"):
        book_next_free_slot(
            session,
            task,
            session.get(Case, task.case_id),  # type: ignore[arg-type]
            working_calendar(session, world, "library"),
            after=SATURDAY,
        )
