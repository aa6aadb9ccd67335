"""The UI as a caseworker uses it, in Debian's Chromium driven by Playwright.

A real server (uvicorn, in a thread) on the test database and the test Redis; the world is
`ui_world`: one agency, one caseworker, one case with an open task. Skipped only where no
Chromium is installed and CI is not set; in CI a missing browser fails the run.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(
        "Chromium is not installed (apt-get install -y chromium); set CI to make this a failure",
        allow_module_level=True,
    )

import uvicorn  # noqa: E402
from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

from hamyar.core.application.commands import take_transition  # noqa: E402
from hamyar.core.application.context import Application  # noqa: E402
from hamyar.core.auth.actor import Actor  # noqa: E402
from hamyar.core.storage import broker  # noqa: E402
from hamyar.core.storage.models import Task  # noqa: E402
from hamyar.core.web.app import create_app  # noqa: E402
from tests.web.ui_world import AGENCY, PASSWORD, SERVICE, World, build_world, ui_plugins  # noqa: E402

SCREENSHOTS = os.environ.get("HAMYAR_SCREENSHOTS", "")
"""A folder to save a screenshot of each step into (for looking at the pages)."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def ui_app(engine: Engine, redis_url: str) -> Application:
    """The application the test server runs; the tests' colleagues act through it too."""
    return Application.build(plugins=ui_plugins(), engine=engine)


@pytest.fixture
def world(engine: Engine, ui_app: Application) -> Iterator[tuple[World, str]]:
    """The world in the database and a server for it; yields (world, base URL)."""
    broker.reset()
    with Session(engine, expire_on_commit=False) as session:
        built = build_world(session, ui_app.plugins)
    port = _free_port()
    app = create_app(application=ui_app)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
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
    yield built, f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    broker.reset()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def _shot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def _log_in(page: Page, base: str, username: str = f"{AGENCY}.caseworker") -> None:
    page.goto(base + "/")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="ورود").click()
    expect(page.locator("h1")).to_have_text("کارتابل من")


def test_a_caseworker_takes_a_step_with_a_comment_and_sees_it_in_the_history(
    world: tuple[World, str], page: Page
) -> None:
    built, base = world
    _log_in(page, base)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    worklist = page.locator('[data-worklist="my-tasks"]')
    expect(worklist.locator(".count")).to_have_text("۱")  # Persian digits
    _shot(page, "1-worklists")
    worklist.click()
    page.get_by_role("link", name="درخواست بازدید از خانوار در حصارک").click()
    expect(page).to_have_url(f"{base}/cases/{built.case_id}")
    task = page.locator(f"#task-{built.task_id}")
    expect(task.locator(".badge").first).to_have_text("جدید")
    task.locator("textarea").fill("با خانوار تماس گرفتم؛ بازدید فردا")
    _shot(page, "2-case")
    task.get_by_role("button", name="شروع رسیدگی").click()
    expect(page.locator(f"#task-{built.task_id} .badge").first).to_have_text("در دست اقدام")
    history = page.locator("#history")
    expect(history).to_contain_text("شروع رسیدگی")
    expect(history).to_contain_text("با خانوار تماس گرفتم؛ بازدید فردا")
    expect(history).to_contain_text(f"{AGENCY}.caseworker")
    _shot(page, "3-history")


def test_a_new_case_form_shows_the_error_beside_its_field(
    world: tuple[World, str], page: Page
) -> None:
    _built, base = world
    _log_in(page, base)
    page.get_by_role("link", name="پرونده جدید").first.click()
    page.select_option("#service", SERVICE)  # htmx loads the service's form
    page.fill("#title", "بازدید دوم")
    page.fill("#field-household_size", "چند نفر")
    page.get_by_role("button", name="ثبت پرونده").click()
    field = page.locator('[data-field="household_size"]')
    expect(field.locator(".field-error")).to_have_text(
        "«تعداد اعضای خانوار» را با یک عدد صحیح بنویسید، مانند ۱۲."
    )
    expect(field).to_have_class(re.compile(r"\binvalid\b"))
    expect(page.locator("#title")).to_have_value("بازدید دوم")  # nothing typed is lost
    _shot(page, "4-form-error")
    page.fill("#field-household_size", "۴")  # Persian digits are numbers too
    page.get_by_role("button", name="ثبت پرونده").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    expect(page.locator("h1")).to_contain_text("بازدید دوم")


def test_switching_to_english_and_back(world: tuple[World, str], page: Page) -> None:
    built, base = world
    _log_in(page, base)
    page.goto(f"{base}/cases/{built.case_id}")
    page.locator("#locale-switch").click()
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{base}/cases/{built.case_id}")  # the same page, in English
    expect(page.locator("#history-h")).to_have_text("History")
    expect(page.locator(f"#task-{built.task_id}")).to_contain_text("Start")
    _shot(page, "5-english")
    page.locator("#locale-switch").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#history-h")).to_have_text("سابقه")


def test_a_step_someone_else_took_first_is_refused_with_a_clear_message(
    world: tuple[World, str], page: Page, engine: Engine, ui_app: Application
) -> None:
    built, base = world
    _log_in(page, base)
    page.goto(f"{base}/cases/{built.case_id}")
    task = page.locator(f"#task-{built.task_id}")
    task.locator("textarea").fill("من هم شروع می‌کنم")  # typing holds off the live refresh
    colleague = Actor.from_assignments("colleague", [("Caseworker", AGENCY)])
    take_transition(ui_app.unit_of_work(), colleague, "task", built.task_id, "start")
    task.get_by_role("button", name="شروع رسیدگی").click()
    conflict = page.locator(".flash.conflict")
    expect(conflict).to_contain_text("پیش از شما کس دیگری این پرونده را تغییر داد")
    expect(page.locator(f"#task-{built.task_id} .badge").first).to_have_text("در دست اقدام")
    expect(page.locator(f"#task-{built.task_id} textarea")).to_have_value("من هم شروع می‌کنم")
    _shot(page, "6-conflict")
    with Session(engine) as session:
        task_row = session.get(Task, built.task_id)
        assert task_row is not None and task_row.version == 2  # applied once, by the colleague


def test_worklist_counts_and_the_case_page_update_without_a_reload(
    world: tuple[World, str], page: Page, ui_app: Application
) -> None:
    built, base = world
    _log_in(page, base)
    count = page.locator('[data-worklist="my-tasks"] .count')
    expect(count).to_have_text("۱")
    page.wait_for_function("() => document.body.getAttribute('data-live-state') === 'open'")
    page.wait_for_timeout(500)  # let the event stream subscribe
    colleague = Actor.from_assignments("colleague", [("Caseworker", AGENCY)])
    take_transition(ui_app.unit_of_work(), colleague, "task", built.task_id, "complete")
    expect(count).to_have_text("۰")

    page.goto(f"{base}/cases/{built.case_id}")
    page.wait_for_timeout(500)
    expect(page.locator("#case .badge").first).to_have_text("رسیدگی‌شده")
    coordinator = Actor.from_assignments("coordinator", [("Coordinator", None)])
    take_transition(ui_app.unit_of_work(), coordinator, "case", built.case_id, "close")
    expect(page.locator("#case .badge").first).to_have_text("بسته‌شده")


def test_pages_work_under_the_content_security_policy(
    world: tuple[World, str], page: Page, ui_app: Application
) -> None:
    """No inline script runs or is needed: htmx, live events, charts and diagrams work with
    the CSP on, and the browser reports no violation."""
    built, base = world
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    _log_in(page, base, "coordinator")
    page.goto(f"{base}/admin/workflows/hamyar.task")
    expect(page.locator("#diagram svg")).to_be_visible()  # mermaid drew the diagram
    _shot(page, "7-workflow-diagram-under-csp")
    page.goto(f"{base}/reports")
    expect(page.locator("svg").first).to_be_visible()
    _shot(page, "8-reports-under-csp")
    page.get_by_role("button", name="خروج").click()
    _log_in(page, base)

    # Live refresh still runs, and still spares a comment being typed (no eval needed).
    page.goto(f"{base}/cases/{built.case_id}")
    page.wait_for_function("() => document.body.getAttribute('data-live-state') === 'open'")
    page.wait_for_timeout(500)
    page.locator(f"#comment-{built.task_id}").fill("در حال نوشتن")
    colleague = Actor.from_assignments("colleague", [("Caseworker", AGENCY)])
    take_transition(ui_app.unit_of_work(), colleague, "task", built.task_id, "start")
    page.wait_for_timeout(1500)
    expect(page.locator(f"#comment-{built.task_id}")).to_have_value("در حال نوشتن")
    page.locator(f"#comment-{built.task_id}").fill("")
    take_transition(ui_app.unit_of_work(), colleague, "task", built.task_id, "complete")
    expect(page.locator("#case .badge").first).to_have_text("رسیدگی‌شده")
    _shot(page, "9-case-live-under-csp")
    assert violations == []
