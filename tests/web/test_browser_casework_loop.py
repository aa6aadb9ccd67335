"""Issue 10's whole loop in Debian's Chromium, each person at their own browser, logged in.

A citizen's report lands in triage; the coordinator assigns it to a municipality service from the
triage worklist; the municipality caseworker claims the task from the agency's queue, writes an
internal note and refers the family to welfare with their consent; the welfare caseworker finds
the offered referral in its worklist, accepts and completes it; the municipality supervisor
gives the task to a second caseworker, who completes it and so resolves the case; the
coordinator reopens it for the municipality alone, and the second caseworker resolves it again.
Each step checks what the person sees: state labels, worklist membership, timeline entries, and
the internal note read inside the municipality and nowhere else. With HAMYAR_SCREENSHOTS set, the
main steps are saved there in fa and en, desktop and 360px wide.
"""

# ruff: noqa: F811  (fixtures imported from tests/web/test_browser.py)

from __future__ import annotations

from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session

from hamyar.core.application.context import Application
from hamyar.core.storage.models import Case
from tests.web.test_browser import browser, ui_app, world  # noqa: F401  (fixtures)
from tests.web.test_browser_routing import (
    MUNICIPALITY_SERVICE,
    WELFARE_SERVICE,
    _page_for,
    _shots,
    _task,
    _triage_case,
)
from tests.web.ui_world import World, _user

CASEWORKER, SECOND, SUPERVISOR = (
    "municipality.caseworker",
    "municipality.caseworker2",
    "municipality.supervisor",
)
NOTE = "خانوار چهارنفره است؛ پدر خانواده بیکار شده (یادداشت داخلی)"
IN_PROGRESS, RESOLVED, OPEN, DONE = "در دست اقدام", "رسیدگی‌شده", "جدید", "انجام‌شده"
UNASSIGNED = "بی‌مسئول"


def _case_badge(page: Page) -> Locator:
    """The case's state label, beside its title."""
    return page.locator("#case .badge").first


def _state_of(engine: Engine, case_id: int) -> str:
    with Session(engine) as session:
        case = session.get(Case, case_id)
        assert case is not None
        return case.state


def test_the_whole_casework_loop_through_the_ui(
    world: tuple[World, str], browser: Browser, engine: Engine, ui_app: Application
) -> None:
    built, base = world
    case_id = _triage_case(engine, ui_app, built)  # a citizen's phone report, sent to triage
    with Session(engine) as session:
        _user(session, SECOND, [("Caseworker", "municipality")])
        _user(session, SUPERVISOR, [("Supervisor", "municipality")])
        session.commit()
    case_url = f"{base}/cases/{case_id}"

    # 1-2. The coordinator finds it in triage, opens it and assigns it with a reason.
    coordinator = _page_for(browser, base, "coordinator")
    expect(coordinator.locator('[data-worklist="triage"] .count')).to_have_text("۱")
    coordinator.locator('[data-worklist="triage"]').click()
    expect(coordinator).to_have_url(f"{base}/worklists/triage")
    row = coordinator.locator(f'tr[data-case="{case_id}"]')
    expect(row).to_contain_text("در انتظار تعیین مسئول")
    _shots(coordinator, base, "1-triage")
    row.get_by_role("link", name="آب‌گرفتگی کوچه و خانوار نیازمند").click()
    expect(coordinator).to_have_url(case_url)
    expect(_case_badge(coordinator)).to_have_text("در انتظار تعیین مسئول")
    form = coordinator.locator("#assign-form")
    form.locator(f'input[name=services][value="{MUNICIPALITY_SERVICE}"]').check()
    form.locator("#assign-reason").fill("آب‌گرفتگی معابر با منطقه شهرداری است")
    form.get_by_role("button", name="واگذاری").click()
    expect(_case_badge(coordinator)).to_have_text(IN_PROGRESS)
    history = coordinator.locator("#history")
    expect(history).to_contain_text("آب‌گرفتگی معابر با منطقه شهرداری است")
    primary = _task(engine, case_id, "primary")
    assert primary.agency_code == "municipality" and primary.assignee is None
    task_card = coordinator.locator(f"#task-{primary.id}")
    expect(task_card.locator(".assignee")).to_have_text(UNASSIGNED)
    coordinator.goto(f"{base}/worklists/triage")
    expect(coordinator.locator(f'tr[data-case="{case_id}"]')).to_have_count(0)  # left triage

    # 3. The municipality caseworker claims it from the queue, writes an internal note, and
    #    refers the family to welfare with their consent.
    municipality = _page_for(browser, base, CASEWORKER)
    expect(municipality.locator('[data-worklist="assigned-to-me"] .count')).to_have_text("۰")
    municipality.locator('[data-worklist="unassigned"]').click()
    queued = municipality.locator(f'tr[data-task="{primary.id}"]')
    expect(queued.locator("td.assignee")).to_have_text(UNASSIGNED)
    _shots(municipality, base, "2-queue")
    queued.get_by_role("button", name="برداشتن").click()
    expect(municipality.locator(f'tr[data-task="{primary.id}"]')).to_have_count(0)
    municipality.goto(f"{base}/worklists/assigned-to-me")
    mine = municipality.locator(f'tr[data-task="{primary.id}"]')
    expect(mine.locator("td.assignee")).to_have_text(CASEWORKER)
    mine.get_by_role("link", name="آب‌گرفتگی کوچه و خانوار نیازمند").click()
    expect(municipality).to_have_url(case_url)
    expect(municipality.locator(f"#task-{primary.id} .assignee")).to_have_text(CASEWORKER)
    expect(municipality.locator("#history")).to_contain_text("برداشتن وظیفه")
    municipality.fill("#note-text", NOTE)
    municipality.select_option("#note-visibility", "agency")
    municipality.get_by_role("button", name="ثبت یادداشت").click()
    note = municipality.locator("#history li.note")
    expect(note).to_contain_text(NOTE)
    expect(note.locator(".badge")).to_have_text("داخلی")
    expect(note).to_contain_text(CASEWORKER)
    refer = municipality.locator(f"#refer-{primary.id}")

    def open_refer() -> None:
        if refer.get_attribute("open") is None:
            refer.locator("summary").click()

    _shots(municipality, base, "3-refer", open_refer)
    open_refer()
    refer.locator("select[name=service]").select_option(WELFARE_SERVICE)
    refer.locator("textarea[name=reason]").fill("خانوار به آموزش مهارت زندگی نیاز دارد")
    refer.locator("input[name=consent][value=given]").check()
    refer.locator("input[name=consent_by]").fill("خانم رضایی، سرپرست خانوار")
    refer.locator("select[name=consent_method]").select_option("in_person")
    refer.get_by_role("button", name="ارجاع", exact=True).click()
    expect(municipality.locator("#history")).to_contain_text("ثبت رضایت")
    referral = _task(engine, case_id, "referral")
    assert (referral.agency_code, referral.state, referral.consent) == ("welfare", "offered", True)
    expect(municipality.locator(f"#task-{referral.id} .badge").first).to_have_text("پیشنهادشده")

    # 4. Welfare sees the offered referral in its worklist, accepts and completes it; the
    #    municipality's internal note is not theirs to read.
    welfare = _page_for(browser, base, "welfare.caseworker")
    expect(welfare.locator('[data-worklist="offered-referrals"] .count')).to_have_text("۱")
    welfare.locator('[data-worklist="offered-referrals"]').click()
    offered = welfare.locator(f'tr[data-task="{referral.id}"]')
    expect(offered.locator(".badge").first).to_have_text("پیشنهادشده")
    _shots(welfare, base, "4-offered")
    offered.locator(f'a[href="/cases/{case_id}"]').click()
    expect(welfare).to_have_url(case_url)
    card = welfare.locator(f"#task-{referral.id}")
    expect(card).to_contain_text("خانوار به آموزش مهارت زندگی نیاز دارد")
    expect(welfare.locator("#history li.note")).to_have_count(0)
    expect(welfare.locator("body")).not_to_contain_text(NOTE)
    card.get_by_role("button", name="پذیرش ارجاع").click()
    expect(welfare.locator(f"#task-{referral.id} .badge").first).to_have_text("پذیرفته‌شده")
    welfare.locator(f"#task-{referral.id}").get_by_role("button", name="انجام شد").click()
    expect(welfare.locator(f"#task-{referral.id} .badge").first).to_have_text(DONE)
    expect(_case_badge(welfare)).to_have_text(IN_PROGRESS)  # municipality works on
    expect(welfare.locator("body")).not_to_contain_text(NOTE)
    welfare.goto(f"{base}/worklists/offered-referrals")
    expect(welfare.locator(f'tr[data-task="{referral.id}"]')).to_have_count(0)

    # 5. The municipality supervisor gives the task to the second caseworker.
    supervisor = _page_for(browser, base, SUPERVISOR)
    supervisor.goto(f"{base}/worklists/team")
    expect(supervisor.locator(f'[data-person="{CASEWORKER}"] .count')).to_have_text("۱")
    team_row = supervisor.locator(f'tr[data-task="{primary.id}"]')
    expect(team_row.locator("td.assignee")).to_have_text(CASEWORKER)
    _shots(supervisor, base, "5-team")
    team_row.locator("select").select_option(SECOND)
    team_row.get_by_role("button", name="واگذاری").click()
    expect(supervisor.locator(f'tr[data-task="{primary.id}"] td.assignee')).to_have_text(SECOND)
    expect(supervisor.locator(f'[data-person="{SECOND}"] .count')).to_have_text("۱")
    municipality.goto(f"{base}/worklists/assigned-to-me")
    expect(municipality.locator(f'tr[data-task="{primary.id}"]')).to_have_count(0)

    # 6. The second caseworker finds it in their tasks, reads the agency's note, and completes
    #    the task: the case resolves.
    second = _page_for(browser, base, SECOND)
    expect(second.locator('[data-worklist="assigned-to-me"] .count')).to_have_text("۱")
    second.locator('[data-worklist="assigned-to-me"]').click()
    second.locator(f'tr[data-task="{primary.id}"] a[href="/cases/{case_id}"]').click()
    expect(second).to_have_url(case_url)
    expect(second.locator(f"#task-{primary.id} .assignee")).to_have_text(SECOND)
    expect(second.locator("#history li.note")).to_contain_text(NOTE)
    expect(second.locator("#history")).to_contain_text(f"{CASEWORKER} → {SECOND}")
    second.locator(f"#task-{primary.id}").get_by_role("button", name="انجام شد").click()
    expect(second.locator(f"#task-{primary.id} .badge").first).to_have_text(DONE)
    expect(_case_badge(second)).to_have_text(RESOLVED)
    _shots(second, base, "6-resolved")
    assert _state_of(engine, case_id) == "resolved"
    second.goto(f"{base}/worklists/assigned-to-me")
    expect(second.locator(f'tr[data-task="{primary.id}"]')).to_have_count(0)

    # 7. The coordinator reopens it for the municipality only; it stays open until the second
    #    caseworker completes the task again.
    coordinator.goto(case_url)
    expect(_case_badge(coordinator)).to_have_text(RESOLVED)
    expect(coordinator.locator("#history li.note")).to_have_count(0)  # internal to municipality
    _shots(coordinator, base, "7-reopen")
    reopen = coordinator.locator("#reopen-form")
    expect(reopen.locator(f'input[name=tasks][value="{primary.id}"]')).to_be_checked()
    reopen.locator(f'input[name=tasks][value="{referral.id}"]').uncheck()
    reopen.locator("textarea").fill("خانوار دوباره تماس گرفت؛ آب هنوز در کوچه است")
    reopen.get_by_role("button", name="بازگشایی").click()
    expect(_case_badge(coordinator)).to_have_text(IN_PROGRESS)
    expect(coordinator.locator(f"#task-{primary.id} .badge").first).to_have_text(OPEN)
    expect(coordinator.locator(f"#task-{referral.id} .badge").first).to_have_text(DONE)
    expect(coordinator.locator("#history")).to_contain_text("آب هنوز در کوچه است")

    second.goto(f"{base}/")
    expect(second.locator('[data-worklist="assigned-to-me"] .count')).to_have_text("۱")
    second.goto(case_url)
    expect(_case_badge(second)).to_have_text(IN_PROGRESS)
    second.locator(f"#task-{primary.id}").get_by_role("button", name="انجام شد").click()
    expect(_case_badge(second)).to_have_text(RESOLVED)
    _shots(second, base, "8-resolved-again")
    assert _state_of(engine, case_id) == "resolved"
    coordinator.reload()
    expect(_case_badge(coordinator)).to_have_text(RESOLVED)
    for page in (coordinator, municipality, welfare, supervisor, second):
        page.context.close()
