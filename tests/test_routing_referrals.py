"""Routing may propose referrals: a rule or a plugin names a service to be offered the case.

The router opens them as offered referrals from the primary task's agency, beside the primary
task; never on a confidential case (its file is shared only with recorded consent), never as
the primary task, and never without one.
"""

# ruff: noqa: F811  (the `world` fixture is imported from tests/test_routing.py)

from __future__ import annotations

import pluggy
from sqlmodel import Session

from hamyar.core.engine.contexts import RoutingContext
from hamyar.core.plugin.hookspecs import hookimpl
from hamyar.core.plugin.registry import Registry
from hamyar.core.routing.proposals import RouteProposal
from hamyar.core.routing.router import route_case
from hamyar.core.storage.models import RoutingRule
from tests.test_routing import new_case, tasks_of, world  # noqa: F401  (fixture)


def test_a_referral_rule_offers_the_case_to_another_agency(
    session: Session, world: Registry, plugin_manager: pluggy.PluginManager
) -> None:
    session.add(
        RoutingRule(
            category="waste",
            service_code="welfare.life_skills",
            kind="referral",
            note="خانوارهای محله آموزش می‌خواهند",
        )
    )
    session.flush()
    case = new_case(session, world, "municipality.report", category="waste")
    result = route_case(session, case.id, world, pm=plugin_manager)  # type: ignore[arg-type]
    assert result.outcome == "routed"
    primary, referral = tasks_of(session, case)
    assert (primary.kind, primary.agency_code) == ("primary", "municipality")
    assert (referral.kind, referral.state, referral.workflow_id) == (
        "referral",
        "offered",
        "hamyar.referral",
    )
    assert (referral.agency_code, referral.referred_by) == ("welfare", "municipality")
    assert referral.reason == "خانوارهای محله آموزش می‌خواهند"
    assert case.agency_code == "municipality" and case.state == "in_progress"


class ProposesAReferral:
    @hookimpl
    def propose_routes(self, context: RoutingContext) -> list[RouteProposal]:
        return [
            RouteProposal(
                service="library.membership_drive", reason="عضویت کودکان", referral=True, score=0.9
            )
        ]


def test_a_plugin_proposes_a_referral_and_it_never_leads(
    session: Session, world: Registry, plugin_manager: pluggy.PluginManager
) -> None:
    plugin_manager.register(ProposesAReferral(), name="proposes-referral")
    try:
        case = new_case(session, world, "municipality.report", category="waste")
        route_case(session, case.id, world, pm=plugin_manager)  # type: ignore[arg-type]
        assert [(t.agency_code, t.kind) for t in tasks_of(session, case)] == [
            ("municipality", "primary"),
            ("library", "referral"),
        ]
        alone = new_case(session, world, "municipality.report", category="other")
        result = route_case(session, alone.id, world, pm=plugin_manager)  # type: ignore[arg-type]
        assert result.outcome == "triage"  # a referral alone is no one's case to lead
        assert tasks_of(session, alone) == []
    finally:
        plugin_manager.unregister(name="proposes-referral")


def test_no_referral_is_proposed_for_a_confidential_case(
    session: Session, world: Registry, plugin_manager: pluggy.PluginManager
) -> None:
    session.add(RoutingRule(service_code="library.membership_drive", kind="referral"))
    session.flush()
    case = new_case(session, world, "health.screening")
    route_case(session, case.id, world, pm=plugin_manager)  # type: ignore[arg-type]
    assert [t.kind for t in tasks_of(session, case)] == ["primary"]


def test_a_proposal_says_its_kind() -> None:
    assert RouteProposal(service="a.b").kind == "primary"
    assert RouteProposal(service="a.b", joint=True).kind == "joint"
    assert RouteProposal(service="a.b", referral=True).kind == "referral"
