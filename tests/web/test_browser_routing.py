"""The routing loop in Debian's Chromium: triage → assign → refer with consent → accept → done.

A citizen's request lands in triage; the coordinator assigns it to a municipality service
through the case page's form; the municipality caseworker refers the family to welfare with
the family's consent; the welfare caseworker finds the offered referral in its worklist,
accepts and completes it. Screenshots (fa and en, desktop and 360px) go to HAMYAR_SCREENSHOTS
or, by default, nowhere.
"""

# ruff: noqa: F811  (fixtures imported from tests/web/test_browser.py)

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from hamyar.core.application.context import Application
from hamyar.core.auth.actor import SYSTEM
from hamyar.core.cases.intake import open_case
from hamyar.core.engine.transition import apply_transition
from hamyar.core.storage.models import Case, Task
from tests.web.test_browser import SCREENSHOTS, browser, ui_app, world  # noqa: F401
from tests.web.ui_world import PASSWORD, SERVICE, World, _user

MUNICIPALITY_SERVICE = "municipality.report"
WELFARE_SERVICE = "welfare.life_skills"


def _triage_case(engine: Engine, app: Application, built: World) -> int:
    with Session(engine, expire_on_commit=False) as session:
        _user(session, "municipality.caseworker", [("Caseworker", "municipality")])
        _user(session, "welfare.caseworker", [("Caseworker", "welfare")])
        case = open_case(
            session,
            app.registry,
            SYSTEM,
            service=SERVICE,
            title="آب‌گرفتگی کوچه و خانوار نیازمند",
            neighbourhood_id=built.neighbourhood_id,
            description="پس از باران کوچه آب گرفته و خانوار سرپرست زن کمک می‌خواهد",
            channel="phone",
            data={"household_size": 4},
        )
        session.flush()
        apply_transition(
            session,
            case,
            "to_triage",
            SYSTEM,
            app.registry,
            comment="هیچ دستگاهی برای این دسته و محله تعریف نشده است",
        )
        session.commit()
        assert case.id is not None
        return case.id


def _page_for(browser: Browser, base: str, username: str) -> Page:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="ورود").click()
    expect(page.locator("h1")).to_have_text("کارتابل من")
    return page


def _shots(page: Page, base: str, name: str, prepare: Callable[[], None] = lambda: None) -> None:
    """The page in fa and en, desktop and 360px wide; back in fa on the desktop after."""
    if not SCREENSHOTS:
        return
    folder = Path(SCREENSHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    for locale in ("fa", "en"):
        page.context.add_cookies([{"name": "hamyar_locale", "value": locale, "url": base}])
        page.reload()
        prepare()
        for label, width in (("desktop", 1100), ("360", 360)):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(folder / f"{name}-{locale}-{label}.png"), full_page=True)
    page.context.add_cookies([{"name": "hamyar_locale", "value": "fa", "url": base}])
    page.set_viewport_size({"width": 1100, "height": 900})
    page.reload()
    prepare()


def _task(engine: Engine, case_id: int, kind: str) -> Task:
    with Session(engine) as session:
        return session.exec(select(Task).where(Task.case_id == case_id, Task.kind == kind)).one()


def test_triage_assign_refer_accept_complete(
    world: tuple[World, str], browser: Browser, engine: Engine, ui_app: Application
) -> None:
    built, base = world
    case_id = _triage_case(engine, ui_app, built)

    # the coordinator assigns the triage case through the form
    coordinator = _page_for(browser, base, "coordinator")
    coordinator.goto(f"{base}/cases/{case_id}")
    form = coordinator.locator("#assign-form")
    expect(form).to_be_visible()
    expect(form.locator("#triage-reason")).to_contain_text("هیچ دستگاهی")
    expect(coordinator.locator("#case button[value=assign]")).to_have_count(0)  # no dead button
    _shots(coordinator, base, "1-assign")
    form.locator(f'input[name=services][value="{MUNICIPALITY_SERVICE}"]').check()
    form.locator("#assign-reason").fill("آب‌گرفتگی معابر با منطقه شهرداری است")
    form.get_by_role("button", name="واگذاری").click()
    expect(coordinator.locator("#case .badge").first).to_have_text("در دست اقدام")
    expect(coordinator.locator("#history")).to_contain_text("آب‌گرفتگی معابر با منطقه شهرداری است")
    primary = _task(engine, case_id, "primary")
    assert primary.service_code == MUNICIPALITY_SERVICE and primary.due_at is not None
    expect(coordinator.locator(f"#reassign-{primary.id}")).to_be_visible()

    # the municipality caseworker refers the family to welfare, with their consent
    municipality = _page_for(browser, base, "municipality.caseworker")
    municipality.goto(f"{base}/cases/{case_id}")
    refer = municipality.locator(f"#refer-{primary.id}")

    def open_refer() -> None:
        if refer.get_attribute("open") is None:
            refer.locator("summary").click()

    _shots(municipality, base, "2-refer", open_refer)
    open_refer()
    refer.locator("select[name=service]").select_option(WELFARE_SERVICE)
    refer.locator("textarea[name=reason]").fill("خانوار سرپرست زن به آموزش مهارت زندگی نیاز دارد")
    refer.locator("input[name=consent][value=given]").check()
    refer.locator("input[name=consent_by]").fill("خانم رضایی، سرپرست خانوار")
    refer.locator("select[name=consent_method]").select_option("in_person")
    refer.get_by_role("button", name="ارجاع", exact=True).click()
    expect(municipality).to_have_url(f"{base}/cases/{case_id}")
    expect(municipality.locator("#history")).to_contain_text("ثبت رضایت")
    referral = _task(engine, case_id, "referral")
    assert (referral.agency_code, referral.state, referral.consent) == ("welfare", "offered", True)
    expect(municipality.locator(f"#task-{referral.id} .badge").first).to_have_text("پیشنهادشده")
    # the sender may revoke; it is not the sender's to accept
    sender_task = municipality.locator(f"#task-{referral.id}")
    expect(sender_task.get_by_role("button", name="لغو ارجاع")).to_be_visible()
    expect(sender_task.get_by_role("button", name="پذیرش ارجاع")).to_have_count(0)

    # the welfare caseworker finds it among the offered referrals, accepts and completes it
    welfare = _page_for(browser, base, "welfare.caseworker")
    offered = welfare.locator('[data-worklist="offered-referrals"]')
    expect(offered.locator(".count")).to_have_text("۱")
    welfare.goto(f"{base}/cases/{case_id}")
    task = welfare.locator(f"#task-{referral.id}")
    expect(task).to_contain_text("خانوار سرپرست زن به آموزش مهارت زندگی نیاز دارد")
    expect(task.get_by_role("button", name="لغو ارجاع")).to_have_count(0)
    _shots(welfare, base, "3-offered")
    task.get_by_role("button", name="پذیرش ارجاع").click()
    expect(welfare.locator(f"#task-{referral.id} .badge").first).to_have_text("پذیرفته‌شده")
    welfare.locator(f"#task-{referral.id}").get_by_role("button", name="انجام شد").click()
    expect(welfare.locator(f"#task-{referral.id} .badge").first).to_have_text("انجام‌شده")
    _shots(welfare, base, "4-done")
    with Session(engine) as session:
        case = session.get(Case, case_id)
        assert case is not None and case.state == "in_progress"  # the municipality still works
    assert re.search("انجام", welfare.locator("#history").inner_text())
