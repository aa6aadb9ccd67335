"""Reports and the mobile-library timetable in Debian's Chromium, as a coordinator and a
library supervisor would use them, on a desktop and at 360px.

The real plugins on the demo geography: cases served, refused and repeated in two provinces;
the demo's route stops and partners, with one visit booked into a Monday afternoon. The
coordinator drills down province → county → neighbourhood, picks a Jalali month, downloads the
CSV and opens the printable page; the supervisor reads the timetable and follows a booked
request to its case. Screenshots (fa/en, desktop/360, print media) go to HAMYAR_SCREENSHOTS.
"""

# ruff: noqa: F811  (the browser fixture is imported from tests/web/test_browser.py)

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from datetime import time as clock
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from hamyar.core.application.context import Application
from hamyar.core.auth.actor import Actor
from hamyar.core.cases.dedupe import mark_duplicate
from hamyar.core.demo_data import add_users, load_places
from hamyar.core.engine.transition import apply_transition
from hamyar.core.routing.router import route_case
from hamyar.core.storage import broker
from hamyar.core.storage.models import Case, County, Task
from hamyar.core.storage.registry_mirror import sync_registry
from hamyar.core.time.deadlines import working_calendar
from hamyar.core.time.jalali import FA_MONTHS, to_jalali
from hamyar.core.web.app import create_app
from hamyar.plugins.library.demo import add_partners, add_route_stops
from hamyar.plugins.library.models import RouteStop, VisitBooking
from hamyar.plugins.library.timetable import week_start
from tests.test_routing import new_case
from tests.web.test_browser import SCREENSHOTS, _free_port, browser  # noqa: F401

COORDINATOR = Actor.from_assignments("coordinator", [("Coordinator", None)])
SCHOOL = "دبستان شهید بهشتی"


@dataclass(frozen=True)
class World:
    base: str
    visit_case: int
    monday: date


def _cases(session: Session, app: Application) -> int:
    """Cases in Alborz (Karaj, Fardis) and Tehran: served, refused, repeated, open, late."""
    registry = app.registry
    made: dict[str, Case] = {}
    for name, service, place in (
        ("hesarak", "municipality.report", "karaj-hesarak"),
        ("gohardasht", "municipality.report", "karaj-gohardasht"),
        ("mehrshahr", "library.reading_workshop", "karaj-mehrshahr"),
        ("fardis", "municipality.report", "fardis-centre"),
        ("meshkindasht", "library.membership_drive", "fardis-meshkindasht"),
        ("khaksefid", "municipality.report", "tehran-khaksefid"),
        ("visit", "library.mobile_visit", "karaj-azimiyeh"),
    ):
        data = (
            {
                "venue": "school",
                "venue_name": SCHOOL,
                "age_groups": ["primary"],
                "expected_attendees": 120,
            }
            if service == "library.mobile_visit"
            else None
        )
        made[name] = new_case(
            session, registry, service, nb=place, data=data, title=f"درخواست نمونه {name}"
        )
    refused = new_case(
        session, registry, "municipality.report", nb="karaj-hesarak", title="خارج از حوزه شهرداری"
    )
    apply_transition(session, refused, "reject", COORDINATOR, registry, comment="خارج از حوزه")
    again = new_case(
        session, registry, "municipality.report", nb="fardis-centre", title="تکرار گزارش فردیس"
    )
    mark_duplicate(session, again, made["fardis"], registry)
    for case in made.values():
        route_case(session, case.id, registry, pm=app.pm)  # type: ignore[arg-type]
    for name in ("hesarak", "fardis", "mehrshahr"):
        for task in session.exec(select(Task).where(Task.case_id == made[name].id)).all():
            worker = Actor.from_assignments("w", [("Caseworker", task.agency_code)])
            if task.state == "open":
                apply_transition(session, task, "complete", worker, registry)
    session.flush()
    visit = made["visit"]
    assert visit.id is not None
    return visit.id


@pytest.fixture
def world(engine: Engine, redis_url: str) -> Iterator[World]:
    broker.reset()
    app = Application.build(engine=engine)
    with Session(engine, expire_on_commit=False) as session:
        sync_registry(session, app.registry)
        load_places(session)
        add_users(session, app.registry)
        add_route_stops(session)
        add_partners(session)
        session.commit()
        visit = _cases(session, app)
        calendar = working_calendar(session, app.registry, "library")
        monday = date.today() + timedelta(days=1)
        while monday.weekday() != 0 or not calendar.is_working_day(monday):
            monday += timedelta(days=1)
        karaj = session.exec(select(County).where(County.code == "karaj")).one()
        stop = session.exec(
            select(RouteStop).where(
                RouteStop.county_id == karaj.id, RouteStop.weekday == 0, RouteStop.start > clock(12)
            )
        ).one()
        for booking in session.exec(select(VisitBooking).where(VisitBooking.case_id == visit)):
            session.delete(booking)  # the worker may have booked it already: put it on Monday
        session.flush()
        task = session.exec(select(Task).where(Task.case_id == visit)).one()
        session.add(VisitBooking(stop_id=stop.id, day=monday, task_id=task.id, case_id=visit))  # type: ignore[arg-type]
        session.commit()
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(application=app),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            timeout_graceful_shutdown=1,
            lifespan="on",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield World(f"http://127.0.0.1:{port}", visit, monday)
    server.should_exit = True
    thread.join(timeout=10)
    broker.reset()


def _page_for(browser: Browser, base: str, username: str, width: int = 1280) -> Page:
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", "demo")
    page.get_by_role("button", name="ورود").click()
    expect(page.locator("h1")).to_have_text("کارتابل من")
    return page


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"  # type: ignore[index]


def _shots(page: Page, base: str, name: str, prepare: Callable[[], None] = lambda: None) -> None:
    """fa and en, desktop and 360px, and the print media; back in fa on the desktop after."""
    if not SCREENSHOTS:
        return
    folder = Path(SCREENSHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    for locale in ("fa", "en"):
        page.context.add_cookies([{"name": "hamyar_locale", "value": locale, "url": base}])
        page.reload()
        prepare()
        for label, width in (("desktop", 1280), ("360", 360)):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(folder / f"{name}-{locale}-{label}.png"), full_page=True)
        page.screenshot(path=str(folder / f"{name}-{locale}-360-top.png"))  # what a phone shows
        page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
        page.emulate_media(media="print")
        page.screenshot(path=str(folder / f"{name}-{locale}-print.png"), full_page=True)
        page.emulate_media(media="screen")
    page.context.add_cookies([{"name": "hamyar_locale", "value": "fa", "url": base}])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()


def _total(page: Page) -> int:
    text = page.locator("#report-total td").first.inner_text()
    return int(text.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")))


def test_a_coordinator_drills_down_picks_a_month_and_exports(
    browser: Browser, world: World
) -> None:
    page = _page_for(browser, world.base, "coordinator")
    page.get_by_role("link", name="گزارش‌ها").click()
    expect(page.locator("h1")).to_have_text("دستاوردها")
    expect(page.locator("#report-definitions")).to_contain_text("رعایت مهلت")
    page.select_option("#group_by", "province")
    page.get_by_role("button", name="نمایش").click()
    expect(page.locator("#report tbody th")).to_contain_text(["البرز", "تهران"])
    assert _total(page) == 9
    _shots(page, world.base, "reports-province")

    # Alborz → its counties → Karaj's neighbourhoods; each level adds up to the row above
    alborz = page.locator("#report tbody tr", has_text="البرز").locator("td").first.inner_text()
    page.locator("#report tbody th a", has_text="البرز").click()
    expect(page).to_have_url(re.compile(r"group_by=county.*province=alborz"))
    expect(page.locator(".crumbs")).to_contain_text("البرز")
    assert str(_total(page)) == alborz.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))
    page.locator(".chart-label a", has_text="کرج").click()
    expect(page).to_have_url(re.compile(r"group_by=neighbourhood.*county=karaj"))
    expect(page.locator("#report tbody th")).to_contain_text(["حصارک"])
    _shots(page, world.base, "reports-neighbourhood")

    # a Jalali month with the pickers
    year, month, _day = to_jalali(date.today())
    page.goto(world.base + "/reports")
    page.select_option("#year", str(year))
    page.select_option("#month", f"{month:02d}")
    page.get_by_role("button", name="نمایش").click()
    expect(page.locator("#report-scope")).to_contain_text(FA_MONTHS[month - 1])
    assert _total(page) == 9

    with page.expect_download() as download:
        page.locator("#csv-link").click()
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf") and "رسیدگی‌شده".encode() in content

    page.locator("#print-link").click()
    expect(page.locator("header.print-head h1")).to_contain_text("دستاوردها")
    assert page.locator(".topbar").count() == 0
    page.emulate_media(media="print")
    expect(page.locator(".print-tools")).to_be_hidden()
    page.emulate_media(media="screen")
    _shots(page, world.base, "reports-print")


def test_the_reports_fit_a_phone(browser: Browser, world: World) -> None:
    page = _page_for(browser, world.base, "coordinator", width=360)
    for path in (
        "/reports?group_by=neighbourhood",
        "/reports/print?group_by=service",
        "/reports?group_by=service",
    ):
        page.goto(world.base + path)
        expect(page.locator("#report")).to_be_visible()
        _no_sideways_scroll(page)
    label = page.locator(".chart-label").first
    bar = page.locator(".chart-bar").first
    # on a phone the label sits above its bar, which has the row's whole width
    assert label.bounding_box()["y"] < bar.bounding_box()["y"]  # type: ignore[index]
    assert bar.bounding_box()["width"] > 200  # type: ignore[index]
    assert "count:" not in page.content()


def test_a_supervisor_reads_the_timetable_and_opens_a_booked_request(
    browser: Browser, world: World
) -> None:
    page = _page_for(browser, world.base, "library.supervisor")
    page.goto(f"{world.base}/library/timetable?county=karaj&week={week_start(world.monday)}")
    expect(page.locator("h1")).to_have_text("برنامه زمانی کتابخانه سیار")
    row = page.locator("tr.plan-entry", has_text=SCHOOL)
    expect(row).to_contain_text("سازمان فرهنگی، اجتماعی و ورزشی شهرداری")
    expect(row).to_contain_text("تشکل مواسات مادرانه")
    _shots(page, world.base, "timetable")
    page.set_viewport_size({"width": 360, "height": 900})
    _no_sideways_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    row.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/cases/{world.visit_case}$"))
