"""Welfare: confidential programmes, and the eligibility handler that gates two of them."""

# ruff: noqa: F811  (the `world` fixture is imported from tests/test_routing.py)

from __future__ import annotations

import pluggy
import pytest
from sqlmodel import Session, select

from hamyar.core.auth.actor import Actor
from hamyar.core.engine.contexts import HandlerContext
from hamyar.core.engine.transition import apply_transition
from hamyar.core.exceptions import CommentRequired, GuardRefused
from hamyar.core.plugin.registry import Registry
from hamyar.core.routing.router import route_case
from hamyar.core.storage.models import Case, Task
from hamyar.core.workflow import roles as R
from hamyar.plugins.welfare.eligibility import decide
from tests.test_routing import new_case, world  # noqa: F401  (fixture)

CASEWORKER = Actor.from_assignments("w", [(R.CASEWORKER, "welfare")])
SUPERVISOR = Actor.from_assignments("s", [(R.SUPERVISOR, "welfare")])


def test_welfare_services_are_confidential(registry: Registry) -> None:
    services = registry.services_of("welfare")
    assert len(services) >= 4 and all(s.confidential for s in services)


@pytest.mark.parametrize(
    ("service", "data", "eligible"),
    [
        (
            "welfare.household_empowerment",
            {"female_head": True, "household_size": 3, "monthly_income_toman": 6_000_000},
            True,
        ),
        (
            "welfare.household_empowerment",
            {"female_head": True, "household_size": 2, "monthly_income_toman": 8_000_000},
            False,
        ),
        (
            "welfare.household_empowerment",
            {"female_head": False, "household_size": 5, "monthly_income_toman": 1_000_000},
            False,
        ),
        ("welfare.working_children", {"child_age": 11}, True),
        ("welfare.working_children", {"child_age": 5}, False),
        ("welfare.life_skills", {}, True),
    ],
)
def test_eligibility_rules(service: str, data: dict, eligible: bool) -> None:
    decision = decide(service, data)
    assert decision.eligible is eligible and decision.reason


def _assess(session: Session, registry: Registry, pm: pluggy.PluginManager, data: dict) -> Task:
    case = new_case(
        session,
        registry,
        "welfare.household_empowerment",
        data=data,
        title="آموزش خیاطی برای زن سرپرست خانوار",
    )
    route_case(session, case.id, registry, pm=pm)  # type: ignore[arg-type]
    task = session.exec(select(Task).where(Task.case_id == case.id)).one()
    assert task.state == "assessing"  # the automatic step asked a worker to check
    ctx = HandlerContext(session, registry, session.get(Case, case.id), task, "assess")  # type: ignore[arg-type]
    registry.handlers["welfare.check_eligibility"].function(ctx)
    registry.handlers["welfare.check_eligibility"].function(ctx)  # at least once: no harm
    return task


def test_an_eligible_household_goes_straight_to_work(
    session: Session,
    world: Registry,
    plugin_manager: pluggy.PluginManager,
) -> None:
    task = _assess(
        session,
        world,
        plugin_manager,
        {
            "female_head": True,
            "household_size": 3,
            "monthly_income_toman": 4_500_000,
            "trade": "sewing",
        },
    )
    assert task.state == "eligible" and task.variables["eligible"] is True
    apply_transition(session, task, "start", CASEWORKER, world)
    apply_transition(session, task, "complete", CASEWORKER, world)
    assert task.state == "done"


def test_an_ineligible_household_waits_for_a_supervisor(
    session: Session,
    world: Registry,
    plugin_manager: pluggy.PluginManager,
) -> None:
    task = _assess(
        session,
        world,
        plugin_manager,
        {
            "female_head": True,
            "household_size": 2,
            "monthly_income_toman": 9_000_000,
            "trade": "sewing",
        },
    )
    assert task.state == "review"
    with pytest.raises(GuardRefused):
        apply_transition(session, task, "approve", CASEWORKER, world, comment="x")
    with pytest.raises(CommentRequired):
        apply_transition(session, task, "approve", SUPERVISOR, world)
    apply_transition(session, task, "approve", SUPERVISOR, world, comment="همسر بیمار است")
    assert task.state == "eligible"
