"""A worklist as an operator reads it, in Debian's Chromium: the crisis case due in hours comes
first with its due hour (Jalali date, Tehran time), late work says by how much, and a tracking
code typed in Persian digits finds its case.

Uses test_browser's server, world and browser.
"""

# ruff: noqa: F811  (the fixtures are imported from tests/web/test_browser.py)

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session

from hamyar.core.application.context import Application
from hamyar.core.auth.actor import SYSTEM
from hamyar.core.cases.intake import open_case
from hamyar.core.engine.transition import apply_transition
from hamyar.core.i18n import format_datetime
from hamyar.core.storage.models import Case, Task, utcnow
from tests.web.test_browser import (  # noqa: F401  (fixtures)
    _log_in,
    browser,
    page,
    ui_app,
    world,
)
from tests.web.ui_world import AGENCY, SERVICE, World

CRISIS = "municipality.crisis"


def _task(
    ui_app: Application,
    engine: Engine,
    world: World,
    service: str,
    title: str,
    due_in: timedelta,
    data: dict[str, object],
) -> tuple[int, object]:
    """A case of `service` with an open task at the test agency, due `due_in` from now."""
    with Session(engine, expire_on_commit=False) as session:
        case = open_case(
            session,
            ui_app.plugins.registry,
            SYSTEM,
            service=service,
            title=title,
            neighbourhood_id=world.neighbourhood_id,
            data=data,
        )
        session.flush()
        assert case.id is not None
        due = utcnow() + due_in
        task = Task(
            case_id=case.id,
            agency_code=AGENCY,
            service_code=service,
            workflow_id="hamyar.task",
            state="open",
            due_at=due,
            priority=case.priority,
        )
        session.add(task)
        case.agency_code, case.due_at = AGENCY, due
        session.commit()
        apply_transition(session, case, "routed", SYSTEM, ui_app.plugins.registry)
        session.commit()
        return case.id, due


def test_the_crisis_case_comes_first_with_its_due_hour(
    world: tuple[World, str], page: Page, engine: Engine, ui_app: Application
) -> None:
    built, base = world
    for n, days in enumerate([-9, -3, -2, 1, 4]):  # routine work, some of it days late
        _task(
            ui_app,
            engine,
            built,
            SERVICE,
            f"بازدید {n}",
            timedelta(days=days),
            {"household_size": 2},
        )
    crisis_id, due = _task(
        ui_app,
        engine,
        built,
        CRISIS,
        "آب‌گرفتگی زیرگذر",
        timedelta(hours=6),
        {"address": "زیرگذر حصارک", "people_at_risk": 4},
    )
    with Session(engine) as session:
        crisis = session.get(Case, crisis_id)
        assert crisis is not None and crisis.priority == 2
    _log_in(page, base)
    page.goto(f"{base}/worklists/my-tasks")
    rows = page.locator("table.tasks tbody tr")
    expect(rows).to_have_count(7)  # the world's case, five routine ones, the crisis
    first = rows.first
    expect(first).to_have_attribute("data-case", str(crisis_id))
    expect(first.locator(".badge.overdue").first).to_have_text("بحران")
    hour = format_datetime(due, "fa")  # type: ignore[arg-type]
    assert ":" in hour or "٫" in hour or len(hour.split()) > 1
    expect(first.locator("td.due")).to_contain_text(hour)
    late = page.locator("td.due .badge.overdue")
    expect(late.first).to_contain_text("روز کاری از مهلت گذشته")

    page.goto(f"{base}/locale/en?next=/worklists/my-tasks")
    first = page.locator("table.tasks tbody tr").first
    expect(first).to_have_attribute("data-case", str(crisis_id))
    expect(first.locator("td.due")).to_contain_text(format_datetime(due, "en"))  # type: ignore[arg-type]
    expect(page.locator("td.due .badge.overdue").first).to_contain_text("working days")


def test_a_tracking_code_in_persian_digits_finds_its_case(
    world: tuple[World, str], page: Page
) -> None:
    built, base = world
    _log_in(page, base)
    page.goto(f"{base}/search")
    code = built.tracking_code
    persian = code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    page.fill("#q", f"{persian[:3]} {persian[3:6]} {persian[6:]}")
    page.locator("#search-form button[type=submit]").click()
    rows = page.locator("#results table.cases tbody tr[data-case]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-case", str(built.case_id))
