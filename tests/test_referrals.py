"""Referrals between agencies, Primero's way: offered, accepted or rejected, done; revocable."""

# ruff: noqa: F811  (the `world` fixture is imported from tests/test_routing.py)

from __future__ import annotations

import pluggy
import pytest
from sqlmodel import Session, select

from hamyar.core.auth.actor import Actor
from hamyar.core.cases.referrals import (
    ConsentRequired,
    accept_referral,
    complete_referral,
    offer_referral,
    reject_referral,
    revoke_referral,
)
from hamyar.core.engine.transition import apply_transition
from hamyar.core.exceptions import CommentRequired, GuardRefused, InvalidInput
from hamyar.core.plugin.registry import Registry
from hamyar.core.routing.router import route_case
from hamyar.core.storage.models import Case, HistoryEntry, Task
from hamyar.core.workflow import roles as R
from tests.test_routing import new_case, world  # noqa: F401  (fixture)

LIBRARY = Actor.from_assignments("library.caseworker", [(R.CASEWORKER, "library")])
WELFARE = Actor.from_assignments("welfare.caseworker", [(R.CASEWORKER, "welfare")])
WELFARE_SUPERVISOR = Actor.from_assignments("welfare.supervisor", [(R.SUPERVISOR, "welfare")])
HEALTH = Actor.from_assignments("health.caseworker", [(R.CASEWORKER, "health")])


def routed(session: Session, registry: Registry, pm: pluggy.PluginManager, service: str) -> Case:
    case = new_case(session, registry, service)
    route_case(session, case.id, registry, pm=pm)  # type: ignore[arg-type]
    return case


def test_a_referral_is_offered_accepted_and_done_and_the_case_waits_for_it(
    session: Session,
    world: Registry,
    plugin_manager: pluggy.PluginManager,
) -> None:
    case = routed(session, world, plugin_manager, "library.reading_workshop")
    referral = offer_referral(
        session,
        case,
        LIBRARY,
        world,
        from_agency="library",
        service_code="welfare.life_skills",
        reason="مادران کارگاه فرزندپروری می‌خواهند",
    )
    assert (referral.kind, referral.state, referral.workflow_id) == (
        "referral",
        "offered",
        "hamyar.referral",
    )
    assert (referral.agency_code, referral.referred_by) == ("welfare", "library")
    with pytest.raises(GuardRefused):
        accept_referral(session, referral, LIBRARY, world)  # only the receiving agency answers
    accept_referral(session, referral, WELFARE, world)
    primary = session.exec(
        select(Task).where(Task.case_id == case.id, Task.kind == "primary")
    ).one()
    apply_transition(session, primary, "complete", LIBRARY, world)
    assert case.state == "in_progress"  # the accepted referral is still open
    complete_referral(session, referral, WELFARE, world)
    assert (referral.state, case.state) == ("done", "resolved")


def test_a_rejected_referral_needs_a_reason_and_keeps_it(
    session: Session,
    world: Registry,
    plugin_manager: pluggy.PluginManager,
) -> None:
    case = routed(session, world, plugin_manager, "library.mobile_visit")
    referral = offer_referral(
        session,
        case,
        LIBRARY,
        world,
        from_agency="library",
        service_code="health.screening",
        reason="کودکان غربالگری بینایی لازم دارند",
    )
    with pytest.raises(CommentRequired):
        reject_referral(session, referral, HEALTH, world, "")
    reject_referral(session, referral, HEALTH, world, "تیم غربالگری تا پایان ماه تکمیل است")
    assert referral.state == "rejected"
    entry = session.exec(select(HistoryEntry).where(HistoryEntry.action == "reject")).one()
    assert entry.comment == "تیم غربالگری تا پایان ماه تکمیل است" and entry.task_id == referral.id


def test_only_the_referring_agency_revokes_and_only_while_pending(
    session: Session,
    world: Registry,
    plugin_manager: pluggy.PluginManager,
) -> None:
    case = routed(session, world, plugin_manager, "library.reading_workshop")
    referral = offer_referral(
        session,
        case,
        LIBRARY,
        world,
        from_agency="library",
        service_code="welfare.resilience",
        reason="نیاز محله به کارگاه",
    )
    with pytest.raises(GuardRefused):
        revoke_referral(session, referral, WELFARE, world, "ما نمی‌خواهیم")
    revoke_referral(session, referral, LIBRARY, world, "کارگاه را خودمان برگزار می‌کنیم")
    assert referral.state == "revoked"

    again = offer_referral(
        session,
        case,
        LIBRARY,
        world,
        from_agency="library",
        service_code="welfare.resilience",
        reason="دوباره لازم شد",
    )
    accept_referral(session, again, WELFARE, world)
    with pytest.raises(Exception, match="revoke"):
        revoke_referral(session, again, LIBRARY, world, "دیر شد")


def test_a_confidential_referral_without_consent_is_refused(
    session: Session,
    world: Registry,
    plugin_manager: pluggy.PluginManager,
) -> None:
    case = routed(session, world, plugin_manager, "welfare.working_children")
    assert case.confidential
    before = len(session.exec(select(Task)).all())
    with pytest.raises(ConsentRequired) as refused:
        offer_referral(
            session,
            case,
            WELFARE,
            world,
            from_agency="welfare",
            service_code="health.counselling",
            reason="کودک نیاز به مشاوره دارد",
        )
    assert refused.value.status_code == 403
    with pytest.raises(ConsentRequired):  # a caseworker cannot override, even with a reason
        offer_referral(
            session,
            case,
            WELFARE,
            world,
            from_agency="welfare",
            service_code="health.counselling",
            reason="کودک نیاز به مشاوره دارد",
            override_reason="فوری است",
        )
    assert len(session.exec(select(Task)).all()) == before

    with_consent = offer_referral(
        session,
        case,
        WELFARE,
        world,
        from_agency="welfare",
        service_code="health.counselling",
        reason="مشاوره کودک",
        consent=True,
    )
    assert with_consent.consent is True and with_consent.confidential


def test_a_supervisor_may_override_missing_consent_with_a_recorded_reason(
    session: Session,
    world: Registry,
    plugin_manager: pluggy.PluginManager,
) -> None:
    case = routed(session, world, plugin_manager, "welfare.working_children")
    referral = offer_referral(
        session,
        case,
        WELFARE_SUPERVISOR,
        world,
        from_agency="welfare",
        service_code="health.counselling",
        reason="کودک در معرض خطر",
        override_reason="خطر فوری برای کودک؛ سرپرست در دسترس نیست",
    )
    assert referral.consent is None
    entry = session.exec(
        select(HistoryEntry).where(HistoryEntry.action == "consent_override")
    ).one()
    assert entry.actor == "welfare.supervisor" and "خطر فوری" in entry.comment


def test_bad_referrals_are_refused_before_anything_is_written(
    session: Session,
    world: Registry,
    plugin_manager: pluggy.PluginManager,
) -> None:
    case = routed(session, world, plugin_manager, "library.reading_workshop")
    for kwargs, error in [
        ({"service_code": "no.such", "reason": "x"}, InvalidInput),
        ({"service_code": "welfare.life_skills", "reason": " "}, InvalidInput),
        ({"service_code": "library.membership_drive", "reason": "x"}, InvalidInput),
    ]:
        with pytest.raises(error):
            offer_referral(session, case, LIBRARY, world, from_agency="library", **kwargs)
    with pytest.raises(GuardRefused):  # health holds no task on this case
        offer_referral(
            session,
            case,
            HEALTH,
            world,
            from_agency="health",
            service_code="welfare.life_skills",
            reason="x",
        )
    offer_referral(
        session,
        case,
        LIBRARY,
        world,
        from_agency="library",
        service_code="welfare.life_skills",
        reason="x",
    )
    with pytest.raises(InvalidInput):  # already pending
        offer_referral(
            session,
            case,
            LIBRARY,
            world,
            from_agency="library",
            service_code="welfare.life_skills",
            reason="x",
        )
    assert len(session.exec(select(Task).where(Task.kind == "referral")).all()) == 1
