"""A citizen on a 360 px phone, in Persian: files a report with a photo on /report, gets the
code, follows it on /status/{code} while staff move the case and publish the photo, and rates
the outcome once it is resolved."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from hamyar.core.application import attachments, casework
from hamyar.core.application.context import Application
from hamyar.core.storage import broker
from hamyar.core.storage.models import Attachment, SatisfactionRating
from hamyar.core.web.app import create_app
from hamyar.core.web.rate_limits import fresh_stores
from tests.media.images import jpeg_with_gps
from tests.web.citizen_world import CASEWORKER, build_citizen_world, citizen_plugins, resolve, route
from tests.web.test_browser import SCREENSHOTS, _free_port, browser  # noqa: F401  (fixture)

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1100, "height": 900}


@pytest.fixture
def site(engine: Engine, redis_url: str) -> Iterator[tuple[Application, str]]:
    broker.reset()
    application = Application.build(plugins=citizen_plugins(), engine=engine)
    with Session(engine, expire_on_commit=False) as session:
        build_citizen_world(session, application.plugins)
    app = create_app(application=application)
    app.stores = fresh_stores()
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield application, f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    broker.reset()


def _shot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def _fits(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a 360 px phone"


def test_a_citizen_reports_follows_and_rates_on_a_phone(
    browser: Browser,  # noqa: F811
    site: tuple[Application, str],
) -> None:
    application, base = site
    context = browser.new_context(viewport=PHONE, locale="fa-IR")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{base}/report")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    _fits(page)
    _shot(page, "report-fa-360")
    page.select_option("#category", "municipality.report:street_lighting")
    page.select_option("#neighbourhood", label="خاک سفید")
    page.fill("#place", "کوچه بهار")
    page.fill("#description", "چراغ برق کوچه سه شب است خاموش است")
    page.fill("#contact", "۰۹۱۲۱۲۳۴۵۶۷")
    page.set_input_files(
        "#report-photo",
        files=[{"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}],
    )
    page.click("#send-report")
    code = page.locator("#tracking-code").get_attribute("data-code") or ""
    assert re.fullmatch(r"\d{10}", code)
    _fits(page)
    _shot(page, "report-sent-fa-360")
    page.click("#status-link")
    expect(page.locator("#status")).to_have_attribute("data-state", "received")
    expect(page.locator("#public-state")).to_contain_text("دریافت شد")

    case_id, task_id = route(application, code)
    casework.add_note(
        application.unit_of_work(),
        CASEWORKER,
        case_id,
        text="اکیپ برق فردا اعزام می‌شود",
        visibility="public",
    )
    expect(page.locator("#public-attachments")).to_have_count(0)  # not public yet
    with Session(application.engine) as session:
        (photo_id,) = session.exec(select(Attachment.id).where(Attachment.case_id == case_id)).all()
    assert photo_id is not None
    attachments.set_public(application.unit_of_work(), CASEWORKER, photo_id, public=True)
    page.reload()
    expect(page.locator("#status")).to_have_attribute("data-state", "with_agency")
    thumbnail = page.locator("#public-attachments img")
    expect(thumbnail).to_have_count(1)
    assert page.evaluate(
        "(img) => img.complete && img.naturalWidth > 0", thumbnail.element_handle()
    )
    expect(page.locator("#public-notes")).to_contain_text("اکیپ برق فردا اعزام می‌شود")
    expect(page.locator("#rating")).to_have_count(0)  # no rating before resolution
    _fits(page)
    _shot(page, "status-fa-360")

    resolve(application, task_id)
    page.reload()
    expect(page.locator("#status")).to_have_attribute("data-state", "resolved")
    page.locator("#rating input[value='4']").check()
    page.click("#rate")
    expect(page.locator("#your-rating")).to_contain_text("۴")
    _fits(page)
    _shot(page, "status-rated-fa-360")
    with Session(application.engine) as session:
        row = session.exec(select(SatisfactionRating)).one()
        assert (row.case_id, row.rating, row.channel) == (case_id, 4, "web")

    page.goto(f"{base}/locale/en?next=/status/{code}")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("#public-state")).to_contain_text("Resolved")
    _fits(page)
    _shot(page, "status-en-360")
    page.set_viewport_size(DESKTOP)
    _shot(page, "status-en-desktop")
    page.goto(f"{base}/report")
    _shot(page, "report-en-desktop")
    page.goto(f"{base}/locale/fa?next=/status/{code}")
    _shot(page, "status-fa-desktop")
    page.goto(f"{base}/status/0000000000")
    expect(page.locator("#not-found")).to_be_visible()
    _shot(page, "not-found-fa-desktop")
    context.close()
