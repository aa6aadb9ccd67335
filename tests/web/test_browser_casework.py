"""Casework in Debian's Chromium: a note, a correction, reopening with the tasks picked,
marking a duplicate with the search picker and undoing it — and what an auditor is offered.

Uses test_browser's server, world and browser. With HAMYAR_SCREENSHOTS unset, screenshots go
to /tmp/shots/notes/ (fa and en, desktop and a 360px phone).
"""

# ruff: noqa: F811  (the fixtures are imported from tests/web/test_browser.py)

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session

from hamyar.core.application.commands import open_case, take_transition
from hamyar.core.application.context import Application
from hamyar.core.auth.actor import SYSTEM, Actor
from hamyar.core.storage.models import Case
from tests.web.test_browser import (  # noqa: F401  (fixtures)
    _log_in,
    browser,
    page,
    ui_app,
    world,
)
from tests.web.ui_world import AGENCY, SERVICE, World

SHOTS = Path(os.environ.get("HAMYAR_SCREENSHOTS") or "/tmp/shots/notes")


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _shots_in_both_sizes(page: Page, name: str) -> None:
    _shot(page, f"{name}-desktop")
    page.set_viewport_size({"width": 360, "height": 780})
    _shot(page, f"{name}-360")
    page.set_viewport_size({"width": 1100, "height": 900})


def _new_page(browser: Browser) -> Page:
    """A second person at another browser (their own cookies)."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.set_default_timeout(10_000)
    return context.new_page()


def test_note_correct_resolve_reopen_and_resolve_again(
    world: tuple[World, str], page: Page, ui_app: Application, browser: Browser
) -> None:
    built, base = world
    _log_in(page, base)
    page.goto(f"{base}/cases/{built.case_id}")
    page.fill("#note-text", "با خانوار تلفنی صحبت شد؛ مدارک ناقص است")
    page.select_option("#note-visibility", "agency")
    page.get_by_role("button", name="ثبت یادداشت").click()
    note = page.locator("#history li.note")
    expect(note).to_contain_text("با خانوار تلفنی صحبت شد")
    expect(note.locator(".badge")).to_have_text("داخلی")
    expect(note).to_contain_text(f"{AGENCY}.caseworker")

    page.locator("#edit summary").click()
    page.fill("#edit-field-household_size", "۹۹")  # the schema allows at most 30
    page.get_by_role("button", name="ثبت اصلاح").click()
    expect(page.locator('#edit [data-field="household_size"] .field-error')).to_be_visible()
    _shots_in_both_sizes(page, "1-edit-error-fa")
    page.fill("#edit-field-household_size", "۵")
    page.fill("#edit-title", "بازدید از خانوار پنج‌نفره در حصارک")
    page.get_by_role("button", name="ثبت اصلاح").click()
    expect(page.locator("h1")).to_contain_text("بازدید از خانوار پنج‌نفره در حصارک")
    expect(page.locator("#history")).to_contain_text("اصلاح شد")
    expect(page.locator("#history")).to_contain_text("«درخواست بازدید از خانوار در حصارک»")
    _shots_in_both_sizes(page, "1-caseworker-fa")

    page.locator(f"#task-{built.task_id}").get_by_role("button", name="انجام شد").click()
    expect(page.locator("#case .badge").first).to_have_text("رسیدگی‌شده")
    expect(page.locator("#reopen-form")).to_have_count(0)  # a caseworker does not reopen

    page = _new_page(browser)
    _log_in(page, base, "coordinator")
    page.goto(f"{base}/cases/{built.case_id}")
    expect(page.locator("#history li.note")).to_have_count(0)  # internal to the agency
    reopen = page.locator("#reopen-form")
    expect(reopen.locator("input[name=tasks]")).to_be_checked()
    expect(page.locator(".transition-form button[value=reopen]")).to_have_count(0)
    reopen.locator("textarea").fill("خانوار دوباره تماس گرفت؛ بازدید ناتمام بود")
    _shots_in_both_sizes(page, "2-reopen-fa")
    reopen.get_by_role("button", name="بازگشایی").click()
    expect(page.locator("#case .badge").first).to_have_text("در دست اقدام")
    expect(page.locator(f"#task-{built.task_id} .badge").first).to_have_text("جدید")
    page.wait_for_timeout(300)
    expect(page.locator("#case .badge").first).to_have_text("در دست اقدام")  # stays open

    colleague = Actor.from_assignments("colleague", [("Caseworker", AGENCY)])
    take_transition(ui_app.unit_of_work(), colleague, "task", built.task_id, "complete")
    page.reload()
    expect(page.locator("#case .badge").first).to_have_text("رسیدگی‌شده")
    page.context.close()


def test_marking_a_duplicate_with_the_picker_and_undoing_it(
    world: tuple[World, str], page: Page, ui_app: Application
) -> None:
    built, base = world
    repeat = open_case(
        ui_app.unit_of_work(),
        SYSTEM,
        service=SERVICE,
        title="بازدید خانوار حصارک، تماس دوم",
        neighbourhood=built.neighbourhood_id,
        data={"household_size": 5},
        channel="phone",
    )
    _log_in(page, base, "coordinator")
    page.goto(f"{base}/cases/{repeat.id}")
    page.locator("#duplicate summary").click()
    page.fill("#original-q", built.tracking_code)
    pick = page.locator("#original-results input[name=original]")
    expect(pick).to_have_count(1)
    expect(pick).to_have_value(str(built.case_id))
    _shots_in_both_sizes(page, "3-duplicate-picker-fa")
    page.locator("#duplicate-form").get_by_role("button", name="ثبت به‌عنوان تکراری").click()
    expect(page.locator("#case .badge").first).to_have_text("تکراری")
    link = page.locator("#duplicate-of a")
    expect(link).to_contain_text(built.tracking_code)
    link.click()
    expect(page).to_have_url(f"{base}/cases/{built.case_id}")
    expect(page.locator("#duplicates")).to_contain_text(repeat.tracking_code)
    page.locator("#locale-switch").click()
    expect(page.locator("#duplicates")).to_contain_text("Duplicates of this case")
    _shots_in_both_sizes(page, "4-original-en")
    page.goto(f"{base}/cases/{repeat.id}")
    expect(page.locator("#duplicate-of")).to_contain_text("Duplicate of")
    _shots_in_both_sizes(page, "5-duplicate-en")
    page.get_by_role("button", name="Not a duplicate").click()
    expect(page.locator("#case .badge").first).to_have_text("New")
    expect(page.locator("#duplicate-of")).to_have_count(0)
    with Session(ui_app.engine) as session:
        row = session.get(Case, repeat.id)
        assert row is not None and (row.state, row.duplicate_of_id) == ("new", None)
    page.locator("#locale-switch").click()


def test_an_auditor_is_offered_no_form(
    world: tuple[World, str], page: Page, browser: Browser
) -> None:
    built, base = world
    _log_in(page, base, "auditor")
    expect(page.locator("nav.nav")).not_to_contain_text("پرونده جدید")
    expect(page.locator("main a[href='/cases/new']")).to_have_count(0)
    page.goto(f"{base}/cases/{built.case_id}")
    expect(page.locator("#case h1")).to_be_visible()
    expect(page.locator("#case form")).to_have_count(0)
    assert page.goto(f"{base}/cases/new").status == 403  # type: ignore[union-attr]
