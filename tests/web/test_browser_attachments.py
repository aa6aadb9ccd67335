"""A caseworker attaches a phone photo on the case page, sees its thumbnail and marks it public
— at a desktop width and on a 360 px phone, in Persian and in English.

Uses test_browser's server, world and browser. Screenshots go to HAMYAR_SCREENSHOTS, else
/tmp/shots/citizen-media/.
"""

# ruff: noqa: F811  (the fixtures are imported from tests/web/test_browser.py)

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.media.images import jpeg_with_gps
from tests.web.test_browser import (  # noqa: F401  (fixtures)
    _log_in,
    browser,
    page,
    ui_app,
    world,
)
from tests.web.ui_world import World

SHOTS = Path(os.environ.get("HAMYAR_SCREENSHOTS") or "/tmp/shots/citizen-media")
pytestmark = pytest.mark.browser


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#attachments").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [1100, 360])
def test_a_caseworker_uploads_a_photo_sees_its_thumbnail_and_marks_it_public(
    world: tuple[World, str], page: Page, tmp_path: Path, width: int
) -> None:
    built, base = world
    page.set_viewport_size({"width": width, "height": 900 if width > 400 else 780})
    photo = tmp_path / "خیابان-آزادی.jpg"
    photo.write_bytes(jpeg_with_gps(320, 240))
    _log_in(page, base)
    page.goto(f"{base}/cases/{built.case_id}")
    section = page.locator("#attachments")
    expect(section.locator("h2")).to_have_text("عکس‌ها و اسناد")
    expect(section).to_contain_text("هنوز عکس یا سندی پیوست نشده است.")
    page.set_input_files("#attach-file", str(photo))
    section.get_by_role("button", name="پیوست کن").click()
    thumbnail = page.locator("#attachments li.attachment img")
    expect(thumbnail).to_be_visible()
    page.wait_for_function(
        "() => { const i = document.querySelector('#attachments img'); "
        "return i && i.complete && i.naturalWidth > 0; }"
    )
    assert page.evaluate("document.querySelector('#attachments img').naturalWidth") == 240
    item = page.locator("#attachments li.attachment").first
    expect(item).to_have_attribute("data-public", "no")
    item.get_by_role("button", name="عمومی کن").click()
    item = page.locator("#attachments li.attachment").first
    expect(item).to_have_attribute("data-public", "yes")
    expect(item.locator(".badge")).to_have_text("عمومی")
    expect(item.get_by_role("button", name="از حالت عمومی خارج کن")).to_be_visible()
    size = "desktop" if width > 400 else "360"
    _shot(page, f"case-attachments-fa-{size}")

    page.locator("#locale-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#attachments-h")).to_have_text("Photos and documents")
    expect(page.locator("#attachments li.attachment .badge")).to_have_text("Public")
    expect(page.get_by_role("button", name="Make private")).to_be_visible()
    _shot(page, f"case-attachments-en-{size}")
    page.locator("#locale-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "fa")
