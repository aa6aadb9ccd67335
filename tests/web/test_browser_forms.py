"""Service forms in Debian's Chromium, filled as a library caseworker fills them.

On the real plugins and the demo's people: a mobile-visit request with two age groups ticked is
stored with both; a date typed as ۱۴۰۵/۰۹/۲۰ is stored as 2026-12-11 and shown back in Jalali
on the case page and in its correction form; a number out of range is refused beside its field
in Persian, naming the field's Persian title (and in English on the English page); the joint
programme's partners read as agency titles.

With HAMYAR_SCREENSHOTS set, the new-case form of every shipped service is saved there in fa
and en at desktop and phone width (/work/shots/ui-forms/ when looking at them).
"""

# ruff: noqa: F811  (the browser fixture is imported from tests/web/test_browser.py)

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import select

from hamyar.core.application.context import Application
from hamyar.core.demo_data import add_users, load_places
from hamyar.core.plugin.manager import build_plugins
from hamyar.core.storage import broker
from hamyar.core.storage.models import Case
from hamyar.core.storage.registry_mirror import sync_registry
from hamyar.core.web.app import create_app
from tests.web.test_browser import _free_port, browser  # noqa: F401  (fixture)

SHOTS = os.environ.get("HAMYAR_SCREENSHOTS", "")
DEMO_PASSWORD = "demo"


@pytest.fixture
def real_app(engine: Engine, redis_url: str) -> Iterator[tuple[Application, str]]:
    """The shipped plugins and the demo's people and places, served on a free port."""
    broker.reset()
    app = Application.build(plugins=build_plugins(), engine=engine)
    with app.unit_of_work() as uow:
        sync_registry(uow.session, app.registry)
        load_places(uow.session)
        add_users(uow.session, app.registry)
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
    yield app, f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    broker.reset()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)  # a loaded CI machine
    page = context.new_page()
    yield page
    context.close()


def _log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.get_by_role("button", name="ورود").click()
    expect(page.locator("h1")).to_have_text("کارتابل من")


def _shots(page: Page, name: str) -> None:
    """The page at desktop and phone width, when screenshots are asked for."""
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width, size in ((1280, "desktop"), (360, "360")):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{size}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _english(page: Page, base: str) -> None:
    page.context.add_cookies([{"name": "hamyar_locale", "value": "en", "url": base}])


def _fill_visit(page: Page, attendees: str) -> None:
    page.fill("#title", "بازدید کتابخانه سیار از دبستان شهید فهمیده")
    page.locator("#neighbourhood").select_option(index=1)
    page.select_option("#field-venue", "school")
    page.fill("#field-venue_name", "دبستان شهید فهمیده")
    ages = page.locator("#field-age_groups")
    expect(ages.locator("legend")).to_have_text("گروه‌های سنی *")
    ages.get_by_label("دبستانی", exact=True).check()
    ages.get_by_label("مادران", exact=True).check()
    page.fill("#field-expected_attendees", attendees)
    page.fill("#field-preferred_date", "۱۴۰۵/۰۹/۲۰")


def test_a_mobile_visit_with_two_age_groups_and_a_jalali_date(
    real_app: tuple[Application, str], page: Page
) -> None:
    app, base = real_app
    _log_in(page, base, "library.caseworker")
    page.goto(f"{base}/cases/new?service=library.mobile_visit")
    form = page.locator("#case-form")
    # hints in Persian only; choices by their Persian names, never their codes
    expect(form.locator('[data-field="age_groups"] .hint')).to_have_text(
        "همه گروه‌هایی را که برنامه برای آنهاست علامت بزنید"
    )
    expect(form).not_to_contain_text("primary")
    expect(page.locator("#field-venue option")).to_have_text(
        ["—", "مدرسه", "محله", "فرهنگسرا یا مرکز کانون"]
    )
    expect(page.locator("#category option")).to_have_text(["کتابخانه سیار"])

    _fill_visit(page, "۵۰۰۰")  # the form allows at most 2000
    page.get_by_role("button", name="ثبت پرونده").click()
    error = page.locator('[data-field="expected_attendees"] .field-error')
    expect(error).to_have_text("حداکثر برای «تعداد تقریبی شرکت‌کنندگان» ۲٬۰۰۰ است.")
    # what was typed and ticked comes back as it was
    expect(page.locator("#field-age_groups").get_by_label("دبستانی", exact=True)).to_be_checked()
    expect(page.locator("#field-age_groups").get_by_label("پیش‌دبستانی")).not_to_be_checked()
    expect(page.locator("#field-preferred_date")).to_have_value("۱۴۰۵/۰۹/۲۰")
    _shots(page, "error-mobile_visit-fa")

    page.fill("#field-expected_attendees", "۸۰")
    page.get_by_role("button", name="ثبت پرونده").click()
    expect(page).to_have_url(re.compile(r"/cases/[0-9]+$"))
    case_id = int(page.url.rsplit("/", 1)[1])
    with app.unit_of_work() as uow:
        case = uow.session.get(Case, case_id)
        assert case is not None and case.data is not None
        assert case.data["age_groups"] == ["primary", "mothers"]
        assert case.data["preferred_date"] == "2026-12-11"
        assert case.data["expected_attendees"] == 80
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("دبستانی، مادران")
    expect(facts).to_contain_text("۱۴۰۵/۰۹/۲۰")
    expect(facts).to_contain_text("کتابخانه سیار")  # the category, not `mobile_library`
    expect(facts).not_to_contain_text("2026")
    _shots(page, "case-mobile_visit-fa")

    # correcting the case: the stored date is offered in Jalali, a new one typed the same way
    page.locator("#edit summary").click()
    expect(page.locator("#edit-field-preferred_date")).to_have_value("۱۴۰۵/۰۹/۲۰")
    expect(
        page.locator("#edit-field-age_groups").get_by_label("مادران", exact=True)
    ).to_be_checked()
    page.fill("#edit-field-preferred_date", "۲۵ آذر ۱۴۰۵")
    page.get_by_role("button", name="ثبت اصلاح").click()
    expect(page.locator("#history")).to_contain_text("تاریخ پیشنهادی")
    page.locator("#edit summary").click()
    _shots(page, "case-corrected-mobile_visit-fa")
    expect(page.locator("dl.facts")).to_contain_text("۱۴۰۵/۰۹/۲۵")
    with app.unit_of_work() as uow:
        case = uow.session.get(Case, case_id)
        assert case is not None and case.data is not None
        assert case.data["preferred_date"] == "2026-12-16"


def test_the_same_error_in_english_and_the_partners_as_agencies(
    real_app: tuple[Application, str], page: Page
) -> None:
    app, base = real_app
    _log_in(page, base, "library.caseworker")
    page.goto(f"{base}/cases/new?service=library.joint_programme")
    partners = page.locator("#field-partners")
    expect(partners.locator("label")).to_have_text(
        [app.registry.agencies[a].title_fa for a in ("health", "welfare", "municipality")]
    )
    expect(partners).not_to_contain_text("health")

    _english(page, base)
    page.goto(f"{base}/cases/new?service=library.mobile_visit")
    expect(page.locator("#field-age_groups legend")).to_have_text("Age groups *")
    expect(page.locator("#case-form")).not_to_contain_text("گروه")
    page.fill("#title", "Mobile library at Fahmideh primary school")
    page.locator("#neighbourhood").select_option(index=1)
    page.select_option("#field-venue", "school")
    page.fill("#field-venue_name", "Fahmideh")
    page.locator("#field-age_groups").get_by_label("Primary school").check()
    page.fill("#field-expected_attendees", "5000")
    page.get_by_role("button", name="Open the case").click()
    expect(page.locator('[data-field="expected_attendees"] .field-error')).to_have_text(
        'The most "Expected attendees" can be is 2,000.'
    )
    _shots(page, "error-mobile_visit-en")
    with app.unit_of_work() as uow:
        assert uow.session.exec(select(Case)).all() == []


@pytest.mark.skipif(not SHOTS, reason="set HAMYAR_SCREENSHOTS to save the forms' screenshots")
def test_screenshots_of_every_service_form(real_app: tuple[Application, str], page: Page) -> None:
    app, base = real_app
    _log_in(page, base, "coordinator")
    folder = Path(SHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    for locale in ("fa", "en"):
        page.context.add_cookies([{"name": "hamyar_locale", "value": locale, "url": base}])
        for code in app.registry.services:
            page.goto(f"{base}/cases/new?service={code}")
            expect(page.locator("#case-form")).to_be_visible()
            for width in (1280, 360):
                page.set_viewport_size({"width": width, "height": 900})
                name = f"new-{code}-{locale}-{'desktop' if width > 400 else '360'}.png"
                page.screenshot(path=str(folder / name), full_page=True)
            page.set_viewport_size({"width": 1280, "height": 900})
