"""One live connection per browser: twelve tabs of case pages in one browser all load and all
refresh themselves when their case changes — through the SharedWorker, and through the leader
tab that browsers without SharedWorker elect (also after the leader closes).

A browser opens at most six HTTP/1.1 connections per host; when every tab held its own event
stream, the seventh tab never loaded. Uses test_browser's server, world and browser.
"""

# ruff: noqa: F811  (the fixtures are imported from tests/web/test_browser.py)

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session

from hamyar.core.application.commands import take_transition
from hamyar.core.application.context import Application
from hamyar.core.auth.actor import SYSTEM, Actor
from hamyar.core.cases.intake import open_case
from hamyar.core.engine.transition import apply_transition
from hamyar.core.storage.models import Task
from tests.web.test_browser import (  # noqa: F401  (fixtures)
    _log_in,
    browser,
    ui_app,
    world,
)
from tests.web.ui_world import AGENCY, SERVICE, World

TABS = 12
IN_PROGRESS = "در دست اقدام"
NO_SHARED_WORKER = "delete window.SharedWorker;"
"""Run before a page's scripts: the browser then looks like one without SharedWorker."""


def _more_cases(ui_app: Application, engine: Engine, world: World, count: int) -> list[int]:
    """`count` more cases routed to the test agency, each with an open task; their task ids."""
    tasks = []
    with Session(engine, expire_on_commit=False) as session:
        for n in range(count):
            case = open_case(
                session,
                ui_app.plugins.registry,
                SYSTEM,
                service=SERVICE,
                title=f"بازدید شمارهٔ {n + 2}",
                neighbourhood_id=world.neighbourhood_id,
                data={"household_size": 3},
            )
            session.flush()
            assert case.id is not None
            task = Task(
                case_id=case.id,
                agency_code=AGENCY,
                service_code=SERVICE,
                workflow_id="hamyar.task",
                state="open",
            )
            session.add(task)
            case.agency_code = AGENCY
            session.commit()
            apply_transition(session, case, "routed", SYSTEM, ui_app.plugins.registry)
            session.commit()
            assert task.id is not None
            tasks.append(task.id)
    return tasks


def _open_tabs(
    context: BrowserContext, base: str, engine: Engine, task_ids: list[int]
) -> list[Page]:
    """One tab per task's case page, each checked to have loaded before the next opens."""
    with Session(engine) as session:
        cases = [session.get(Task, t).case_id for t in task_ids]  # type: ignore[union-attr]
    tabs = []
    for n, case_id in enumerate(cases):
        tab = context.new_page()
        tab.goto(f"{base}/cases/{case_id}")
        expect(tab.locator("#case .badge").first, f"tab {n + 1} did not load").to_be_visible()
        tabs.append(tab)
    for tab in tabs:  # every tab hears the stream, subscribed ("ready"), however it is shared
        expect(tab.locator("body")).to_have_attribute("data-live-state", "open")
    return tabs


def _start_all(ui_app: Application, task_ids: list[int]) -> None:
    colleague = Actor.from_assignments("colleague", [("Caseworker", AGENCY)])
    for task_id in task_ids:
        take_transition(ui_app.unit_of_work(), colleague, "task", task_id, "start")


@pytest.mark.parametrize("shared_worker", [True, False], ids=["shared-worker", "leader-tab"])
def test_twelve_case_tabs_load_and_all_refresh_on_a_change(
    world: tuple[World, str],
    browser: Browser,
    engine: Engine,
    ui_app: Application,
    shared_worker: bool,
) -> None:
    built, base = world
    task_ids = [built.task_id, *_more_cases(ui_app, engine, built, TABS - 1)]
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.set_default_timeout(10_000)
    if not shared_worker:
        context.add_init_script(NO_SHARED_WORKER)
    try:
        _log_in(context.new_page(), base)
        tabs = _open_tabs(context, base, engine, task_ids)
        if not shared_worker:
            # the sign-in tab, still open, leads; every case tab follows it
            pages = context.pages
            roles = [p.locator("body").get_attribute("data-live-role") for p in pages]
            assert roles.count("leader") == 1 and roles.count("follower") == TABS, roles
        _start_all(ui_app, task_ids)
        for n, tab in enumerate(tabs):
            badge = tab.locator(f"#task-{task_ids[n]} .badge").first
            expect(badge, f"tab {n + 1} missed its live update").to_have_text(IN_PROGRESS)
    finally:
        context.close()


def test_when_the_leader_tab_closes_another_takes_over(
    world: tuple[World, str], browser: Browser, engine: Engine, ui_app: Application
) -> None:
    built, base = world
    task_ids = [built.task_id, *_more_cases(ui_app, engine, built, 3)]
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.set_default_timeout(10_000)
    context.add_init_script(NO_SHARED_WORKER)
    try:
        login = context.new_page()
        _log_in(login, base)
        login.close()  # the sign-in tab led first; the case tabs elect among themselves
        tabs = _open_tabs(context, base, engine, task_ids)
        leader = next(
            t for t in tabs if t.locator("body").get_attribute("data-live-role") == "leader"
        )
        rest = [(tab, task) for tab, task in zip(tabs, task_ids, strict=True) if tab is not leader]
        leader.close()
        deadline = time.monotonic() + 10
        while True:  # the lock passes to one waiting tab
            roles = [t.locator("body").get_attribute("data-live-role") for t, _ in rest]
            if roles.count("leader") == 1 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert roles.count("leader") == 1, roles
        new_leader = rest[roles.index("leader")][0]
        # its own stream is subscribed (the server said "ready")
        expect(new_leader.locator("body")).to_have_attribute("data-live-own", "ready")
        _start_all(ui_app, [task for _tab, task in rest])
        for tab, task in rest:
            expect(tab.locator(f"#task-{task} .badge").first).to_have_text(IN_PROGRESS)
    finally:
        context.close()
