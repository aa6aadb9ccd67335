"""Duplicate reports are linked to the open report they repeat, not routed twice."""

# ruff: noqa: F811  (the `world` fixture is imported from tests/test_routing.py)

from __future__ import annotations

from datetime import timedelta

import pluggy
from sqlmodel import Session, select

from hamyar.core.cases.dedupe import find_duplicate, title_similarity
from hamyar.core.engine.transition import apply_transition
from hamyar.core.plugin.registry import Registry
from hamyar.core.routing.router import route_case
from hamyar.core.storage.models import HistoryEntry, Task
from tests.test_routing import COORDINATOR, new_case, world  # noqa: F401  (fixture)


def test_title_similarity_folds_persian_spelling() -> None:
    assert title_similarity("چراغ‌های کوچه خاموش است", "چراغ هاي كوچه خاموش است") > 0.9
    assert title_similarity("چراغ‌های کوچه خاموش است", "آسفالت خیابان خراب است") < 0.6


def test_a_repeat_is_linked_to_its_original_and_not_routed(
    session: Session,
    world: Registry,
    plugin_manager: pluggy.PluginManager,
) -> None:
    original = new_case(
        session,
        world,
        "municipality.report",
        category="street_lighting",
        title="چراغ‌های کوچه اصلی حصارک خاموش است",
    )
    route_case(session, original.id, world, pm=plugin_manager)  # type: ignore[arg-type]
    repeat = new_case(
        session,
        world,
        "municipality.report",
        category="street_lighting",
        title="چراغ هاي كوچه اصلي حصارك خاموشه",
    )
    result = route_case(session, repeat.id, world, pm=plugin_manager)  # type: ignore[arg-type]
    assert (result.outcome, result.duplicate_of) == ("duplicate", original.id)
    assert (repeat.state, repeat.duplicate_of_id) == ("duplicate", original.id)
    assert session.exec(select(Task).where(Task.case_id == repeat.id)).all() == []
    entry = session.exec(select(HistoryEntry).where(HistoryEntry.action == "mark_duplicate")).one()
    assert original.tracking_code in entry.comment and entry.actor == "system"


def test_what_is_not_a_repeat(
    session: Session,
    world: Registry,
    plugin_manager: pluggy.PluginManager,
) -> None:
    original = new_case(
        session,
        world,
        "municipality.report",
        category="street_lighting",
        title="چراغ‌های کوچه اصلی خاموش است",
    )
    route_case(session, original.id, world, pm=plugin_manager)  # type: ignore[arg-type]
    other_place = new_case(
        session,
        world,
        "municipality.report",
        nb="karaj-kalak",
        category="street_lighting",
        title="چراغ‌های کوچه اصلی خاموش است",
    )
    other_category = new_case(
        session, world, "municipality.report", category="waste", title="چراغ‌های کوچه اصلی خاموش است"
    )
    other_title = new_case(
        session,
        world,
        "municipality.report",
        category="street_lighting",
        title="تیر برق پارک شکسته و سیم‌ها بیرون زده",
    )
    for case in (other_place, other_category, other_title):
        assert find_duplicate(session, case, world) is None

    late = new_case(
        session,
        world,
        "municipality.report",
        category="street_lighting",
        title="چراغ‌های کوچه اصلی خاموش است",
    )
    late.created_at = original.created_at + timedelta(days=30)
    assert find_duplicate(session, late, world) is None
    late.created_at = original.created_at + timedelta(days=3)
    assert find_duplicate(session, late, world) == original

    [task] = session.exec(select(Task).where(Task.case_id == original.id)).all()
    apply_transition(
        session,
        task,
        "complete",
        COORDINATOR.__class__.from_assignments("m", [("Caseworker", "municipality")]),
        world,
    )
    assert original.state == "resolved"
    assert find_duplicate(session, late, world) is None  # a resolved report is not repeated


def test_confidential_cases_are_never_matched_automatically(
    session: Session,
    world: Registry,
    plugin_manager: pluggy.PluginManager,
) -> None:
    first = new_case(session, world, "health.counselling", title="مشاوره برای نوجوان")
    route_case(session, first.id, world, pm=plugin_manager)  # type: ignore[arg-type]
    second = new_case(session, world, "health.counselling", title="مشاوره برای نوجوان")
    assert route_case(session, second.id, world, pm=plugin_manager).outcome == "routed"  # type: ignore[arg-type]
