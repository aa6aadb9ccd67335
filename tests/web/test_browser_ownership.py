"""Owning tasks in the browser, as the municipality's people would (Debian's Chromium).

A caseworker claims a task from the agency's unassigned queue and finds it in "my tasks"; the
supervisor reassigns it to a second caseworker, who finds it in theirs. The same pages at a
phone's 360px keep the deadline on screen. With HAMYAR_SCREENSHOTS set, each step is saved
there (fa and en, desktop and 360px).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.web.test_browser import CHROMIUM, SCREENSHOTS, _free_port, _log_in, browser, ui_app

if not CHROMIUM.exists():  # test_browser skipped its module; in CI it fails there instead
    pytest.skip("Chromium is not installed", allow_module_level=True)

import uvicorn
from playwright.sync_api import Browser, Page, expect

from hamyar.core.application.context import Application
from hamyar.core.auth.actor import SYSTEM
from hamyar.core.cases.intake import open_case
from hamyar.core.engine.transition import apply_transition
from hamyar.core.storage import broker
from hamyar.core.storage.models import (
    County,
    Neighbourhood,
    Province,
    Task,
    utcnow,
)
from hamyar.core.storage.registry_mirror import sync_registry
from hamyar.core.web.app import create_app
from tests.web.ui_world import _user

__all__ = ["browser", "ui_app"]  # fixtures this module uses from test_browser

AGENCY = "municipality"
SERVICE = "municipality.report"
CASEWORKER, SECOND, SUPERVISOR = (
    f"{AGENCY}.caseworker",
    f"{AGENCY}.caseworker2",
    f"{AGENCY}.supervisor",
)
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1200, "height": 900}


@dataclass(frozen=True)
class Owned:
    base: str
    soon: int
    """A task due within the day (its deadline shows the hour)."""
    later: int
    soon_case: int


def _shot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def _build(session: Session, app: Application) -> tuple[int, int, int]:
    registry = app.registry
    sync_registry(session, registry)
    province = Province(code="tehran", name_fa="تهران", name_en="Tehran")
    session.add(province)
    session.flush()
    county = County(code="tehran", province_id=province.id or 0, name_fa="تهران", name_en="Tehran")
    session.add(county)
    session.flush()
    place = Neighbourhood(
        code="khak-sefid",
        county_id=county.id or 0,
        name_fa="خاک سفید",
        name_en="Khak-e Sefid",
        deprived=True,
    )
    session.add(place)
    for username, role in (
        (CASEWORKER, "Caseworker"),
        (SECOND, "Caseworker"),
        (SUPERVISOR, "Supervisor"),
    ):
        _user(session, username, [(role, AGENCY)])
    session.flush()
    ids = []
    for title, due in (
        ("چراغ‌های خیابان گلستان خاموش است", timedelta(hours=5)),
        ("آسفالت کوچه شهید رجایی خراب است", timedelta(days=6)),
    ):
        case = open_case(
            session,
            registry,
            SYSTEM,
            service=SERVICE,
            title=title,
            neighbourhood_id=place.id,
            data={"address": "خیابان گلستان، پلاک ۱۲"},
            channel="phone",
        )
        session.flush()
        assert case.id is not None
        task = Task(
            case_id=case.id,
            agency_code=AGENCY,
            service_code=SERVICE,
            workflow_id="hamyar.task",
            state="open",
            reason="گزارش ۱۳۷",
            due_at=utcnow() + due,
        )
        session.add(task)
        case.agency_code = AGENCY
        session.add(case)
        session.commit()
        apply_transition(session, case, "routed", SYSTEM, registry)
        session.commit()
        assert task.id is not None
        ids.append((task.id, case.id))
    return ids[0][0], ids[1][0], ids[0][1]


@pytest.fixture
def owned(engine: Engine, ui_app: Application) -> Iterator[Owned]:
    broker.reset()
    with Session(engine, expire_on_commit=False) as session:
        soon, later, soon_case = _build(session, ui_app)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(application=ui_app),
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
    yield Owned(f"http://127.0.0.1:{port}", soon, later, soon_case)
    server.should_exit = True
    thread.join(timeout=10)
    broker.reset()


def _person(browser: Browser, owned: Owned, username: str, viewport: dict[str, int]) -> Page:
    context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
    context.set_default_timeout(10_000)
    page = context.new_page()
    _log_in(page, owned.base, username)
    return page


def _english(page: Page) -> None:
    page.locator("#locale-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


OFF_SCREEN = """(row) => Array.from(row.querySelectorAll('td, a, button, select, span'))
  .filter((e) => { const r = e.getBoundingClientRect();
                   return r.width && (r.left < -1 || r.right > window.innerWidth + 1); })
  .map((e) => e.outerHTML.slice(0, 80))"""


CUT_OFF = """(row) => { const box = row.closest('.table-wrap').getBoundingClientRect();
  return Array.from(row.querySelectorAll('button, select'))
    .filter((e) => { const r = e.getBoundingClientRect();
                     return r.width && (r.left < box.left - 1 || r.right > box.right + 1); })
    .map((e) => e.outerHTML.slice(0, 80)); }"""


def _fits_the_screen(page: Page, task_id: int) -> None:
    """No sideways scrolling, and nothing of the task's row — its deadline above all — out of
    the viewport (in right-to-left, overflow to the left scrolls nowhere: it is just lost)."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    row = page.locator(f'tr[data-task="{task_id}"]')
    box = row.locator("td.due").bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1
    assert row.evaluate(OFF_SCREEN) == []


def test_claim_then_reassign_to_another_caseworker(browser: Browser, owned: Owned) -> None:
    # The caseworker claims the urgent task from the agency's queue ...
    caseworker = _person(browser, owned, CASEWORKER, DESKTOP)
    caseworker.locator('[data-worklist="unassigned"]').click()
    expect(caseworker).to_have_url(f"{owned.base}/worklists/unassigned")
    rows = caseworker.locator("tr[data-task]")
    expect(rows).to_have_count(2)
    expect(rows.first).to_have_attribute("data-task", str(owned.soon))  # most urgent first
    due = rows.first.locator("td.due")
    expect(due).to_contain_text(re.compile(r"[۰-۹]{2}:[۰-۹]{2}"))  # due today: with the hour
    expect(rows.nth(1).locator("td.due")).not_to_contain_text(":")
    expect(rows.first.locator(".assign-form")).to_have_count(0)  # caseworkers do not assign
    _shot(caseworker, "1-queue-fa-desktop")
    rows.first.get_by_role("button", name="برداشتن").click()
    expect(caseworker).to_have_url(f"{owned.base}/worklists/unassigned")
    expect(caseworker.locator("tr[data-task]")).to_have_count(1)
    caseworker.goto(f"{owned.base}/")
    expect(caseworker.locator('[data-worklist="assigned-to-me"] .count')).to_have_text("۱")
    caseworker.locator('[data-worklist="assigned-to-me"]').click()
    mine = caseworker.locator(f'tr[data-task="{owned.soon}"]')
    expect(mine.locator("td.assignee")).to_have_text(CASEWORKER)
    expect(mine.get_by_role("button", name="بازگرداندن به صف")).to_be_visible()
    _shot(caseworker, "2-my-tasks-fa-desktop")
    caseworker.goto(f"{owned.base}/cases/{owned.soon_case}")
    expect(caseworker.locator("#history")).to_contain_text("برداشتن وظیفه")
    _shot(caseworker, "2b-case-fa-desktop")

    # ... the supervisor sees it on the team's list and gives it to the second caseworker ...
    supervisor = _person(browser, owned, SUPERVISOR, DESKTOP)
    supervisor.goto(f"{owned.base}/worklists/team")
    expect(supervisor.locator(f'[data-person="{CASEWORKER}"] .count')).to_have_text("۱")
    expect(supervisor.locator('[data-person="-"] .count')).to_have_text("۱")
    row = supervisor.locator(f'tr[data-task="{owned.soon}"]')
    row.locator("select").select_option(SECOND)
    _shot(supervisor, "3-team-fa-desktop")
    row.get_by_role("button", name="واگذاری").click()
    expect(supervisor.locator(f'tr[data-task="{owned.soon}"] td.assignee')).to_have_text(SECOND)
    expect(supervisor.locator(f'[data-person="{SECOND}"] .count')).to_have_text("۱")
    _english(supervisor)
    expect(supervisor.locator("h1")).to_contain_text("My team's tasks")
    # Every control of a row within the table's box, on a laptop's narrower screen too: the
    # assign form wraps in its cell rather than push its button out of sight (the English words
    # are longer than the Persian).
    supervisor.set_viewport_size({"width": 1024, "height": 900})
    rows = supervisor.locator("tr[data-task]")
    expect(rows).to_have_count(2)
    for n in range(2):
        assert rows.nth(n).evaluate(CUT_OFF) == []
    _shot(supervisor, "4-team-en-desktop")

    # ... who finds it in their own tasks, and on the case page with its new owner.
    second = _person(browser, owned, SECOND, DESKTOP)
    second.locator('[data-worklist="assigned-to-me"]').click()
    expect(second.locator("tr[data-task]")).to_have_count(1)
    expect(second.locator(f'tr[data-task="{owned.soon}"] td.assignee')).to_have_text(SECOND)
    _english(second)
    expect(second.locator("h1")).to_contain_text("My tasks")
    _shot(second, "5-my-tasks-en-desktop")
    second.goto(f"{owned.base}/cases/{owned.soon_case}")
    card = second.locator(f"#task-{owned.soon}")
    expect(card.locator(".assignee")).to_have_text(SECOND)
    history = second.locator("#history")
    expect(history).to_contain_text("Assigned the task")
    expect(history).to_contain_text(f"{CASEWORKER} → {SECOND}")
    _shot(second, "6-case-en-desktop")

    caseworker.goto(f"{owned.base}/worklists/assigned-to-me")
    expect(caseworker.locator("tr[data-task]")).to_have_count(0)  # no longer theirs
    for page in (caseworker, supervisor, second):
        page.context.close()


@pytest.mark.parametrize("locale", ["fa", "en"])
def test_on_a_phone_the_deadline_stays_on_screen(
    browser: Browser, owned: Owned, locale: str
) -> None:
    supervisor = _person(browser, owned, SUPERVISOR, PHONE)
    if locale == "en":
        _english(supervisor)
    supervisor.goto(f"{owned.base}/worklists/team")
    _fits_the_screen(supervisor, owned.soon)
    _shot(supervisor, f"7-team-{locale}-360")
    caseworker = _person(browser, owned, CASEWORKER, PHONE)
    if locale == "en":
        _english(caseworker)
    caseworker.goto(f"{owned.base}/worklists/unassigned")
    _fits_the_screen(caseworker, owned.soon)
    _shot(caseworker, f"8-queue-{locale}-360")
    caseworker.goto(f"{owned.base}/cases/{owned.soon_case}")
    assert caseworker.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    _shot(caseworker, f"9-case-{locale}-360")
    supervisor.context.close()
    caseworker.context.close()
