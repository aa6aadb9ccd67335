"""The municipality: 137 categories, crisis response in hours, programmes for target areas."""

# ruff: noqa: F811  (the `world` fixture is imported from tests/test_routing.py)

from __future__ import annotations

import pluggy
from sqlmodel import Session, select

from hamyar.core.auth.actor import Actor
from hamyar.core.engine.outbox import queue_for
from hamyar.core.engine.transition import apply_transition
from hamyar.core.plugin.registry import Registry
from hamyar.core.routing.router import route_case
from hamyar.core.storage.models import Task
from hamyar.core.workflow import roles as R
from hamyar.plugins.municipality.categories import REPORT_CATEGORIES
from tests.test_routing import new_case, world  # noqa: F401  (fixture)

DISTRICT = Actor.from_assignments("m", [(R.CASEWORKER, "municipality")])


def test_the_137_report_covers_the_usual_categories(registry: Registry) -> None:
    spec = registry.service("municipality.report")
    for category in (
        "street_lighting",
        "waste",
        "roads_potholes",
        "water_flooding",
        "green_space",
        "stray_animals",
        "building_violations",
    ):
        assert category in spec.categories
    assert all(fa and en for fa, en in REPORT_CATEGORIES.values())
    assert spec.public and not spec.confidential and spec.sla_days
    assert len(registry.services_of("municipality")) >= 3


def test_crisis_response_is_urgent_and_counted_in_hours(registry: Registry) -> None:
    spec = registry.service("municipality.crisis")
    assert (spec.priority, queue_for(spec.priority), spec.sla_days) == (2, "urgent", None)
    assert spec.sla_hours and {"flood", "snow"} <= set(spec.categories)


def test_a_crisis_is_dispatched_contained_and_closed(
    session: Session,
    world: Registry,
    plugin_manager: pluggy.PluginManager,
) -> None:
    case = new_case(
        session,
        world,
        "municipality.crisis",
        "hamedan-dizaj",
        "snow",
        title="انسداد معابر دیزج بر اثر برف",
    )
    route_case(session, case.id, world, pm=plugin_manager)  # type: ignore[arg-type]
    task = session.exec(select(Task).where(Task.case_id == case.id)).one()
    assert task.variables["district"] == "hamedan-3"
    for step in ("dispatch", "contain", "complete"):
        apply_transition(session, task, step, DISTRICT, world)
    assert (task.state, case.state) == ("done", "resolved")


def test_programmes_route_only_for_target_neighbourhoods(
    session: Session,
    world: Registry,
    plugin_manager: pluggy.PluginManager,
) -> None:
    deprived = new_case(
        session,
        world,
        "municipality.programme",
        "tehran-khaksefid",
        "sports",
        title="مسابقات ورزشی محلی خاک سفید",
    )
    elsewhere = new_case(
        session,
        world,
        "municipality.programme",
        "tehran-vanak",
        "sports",
        title="مسابقات ورزشی محلی ونک",
    )
    assert route_case(session, deprived.id, world, pm=plugin_manager).outcome == "routed"  # type: ignore[arg-type]
    assert route_case(session, elsewhere.id, world, pm=plugin_manager).outcome == "triage"  # type: ignore[arg-type]
