"""History entries are stored as action + parameters and put into words when read.

A case opened by phone used to carry the comment "channel: phone", and an escalation
"overdue by 30 hours; supervisors notified": English on a Persian page, for ever. Now the engine
stores `{"channel": "phone"}` and `{"hours": 30}`, the page words them in its language, and
rows written before the change are recognised and worded the same way.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from hamyar.core.i18n.history import entry_comment, parameters
from hamyar.core.storage.models import HistoryEntry
from hamyar.core.web.error_text import error_text
from tests.web.ui_world import build_world, ui_plugins


def test_opening_a_case_stores_its_channel_as_a_parameter_not_a_sentence(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        world = build_world(session, ui_plugins())  # opened with channel="phone"
        created = session.exec(
            select(HistoryEntry).where(
                col(HistoryEntry.case_id) == world.case_id, col(HistoryEntry.action) == "create"
            )
        ).one()
    assert created.params == {"channel": "phone"}
    assert created.comment == ""
    assert entry_comment("fa", "create", created.comment, created.params) == (
        "ثبت از راه: تلفن (۱۳۷)",
        "",
    )
    assert entry_comment("en", "create", created.comment, created.params) == (
        "Reported through: Phone (137)",
        "",
    )


def test_rows_written_before_the_parameters_read_in_persian_too() -> None:
    assert parameters("create", "channel: web", {}) == {"channel": "web"}
    assert entry_comment("fa", "create", "channel: web", {}) == ("ثبت از راه: فرم وب", "")
    old_escalation = "overdue by 30 hours; supervisors notified"
    assert entry_comment("fa", "escalate", old_escalation, None) == (
        "۳۰ ساعت از مهلت گذشته است؛ به سرپرستان اطلاع داده شد",
        "",
    )
    assert entry_comment("en", "escalate", "", {"hours": 2}) == (
        "Overdue by 2 hours; supervisors notified",
        "",
    )


def test_a_persons_comment_is_kept_as_written() -> None:
    said = "با خانوار تماس گرفتم"
    assert entry_comment("en", "start", said, {}) == ("", said)
    # "channel: web" is only the engine's sentence on a row that has no parameters
    assert entry_comment("fa", "note", "channel: web", {}) == ("", "channel: web")


def test_error_pages_word_the_engines_details_in_the_pages_language() -> None:
    assert error_text("fa", 404, "no case 99999") == (
        "پرونده ۹۹۹۹۹ وجود ندارد یا اجازه دیدن آن را ندارید."
    )
    assert error_text("en", 404, "no case 99999") == (
        "There is no case 99999, or it is not one you may see."
    )
    assert error_text("fa", 403, "auditors read but never change anything") == (
        "حسابرسان فقط می‌خوانند و چیزی را تغییر نمی‌دهند"
    )
    # a detail nobody worded yet never lands in English on a Persian page
    assert error_text("fa", 422, "some new English refusal") == (
        "این کار چنان‌که خواسته شد انجام‌شدنی نبود؛ بازگردید و آنچه نوشتید را بررسی کنید."
    )
    assert error_text("en", 422, "some new English refusal") == "some new English refusal"
    # an address keeps its own digits, which a reader can type back, and its own direction
    assert error_text("fa", 404, "no such page or route: /admin/users/12x") == (
        "صفحه‌ای در نشانی \u200e/admin/users/12x\u200e نیست."
    )
