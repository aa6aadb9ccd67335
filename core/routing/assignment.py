"""A coordinator's routing by hand: assign a case to services, move a task to another service.

The router (`hamyar.core.routing.router`) decides alone when a plugin or a rule claims a case;
what nobody claims lands in triage, and this module is what the coordinator does there. The
picker (`service_choices`) lists first the services whose routing covers the case — a plugin
proposed them, or an administrator's rule names the case's region — each with the reason it
gave, then every other service, and says why the router sent the case to triage.

Everything writes in the caller's transaction through `open_task` and `apply_transition`, so
the tasks, the history and the outbox rows land together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import pluggy
from sqlmodel import Session, col, select

from hamyar.core.auth.actor import SYSTEM, Actor
from hamyar.core.engine import history
from hamyar.core.engine.events import TransitionEvent
from hamyar.core.engine.transition import apply_transition, available_transitions, fire_automatic
from hamyar.core.exceptions import GuardRefused, InvalidInput, TransitionNotAvailable
from hamyar.core.plugin.declarations import ServiceSpec
from hamyar.core.plugin.registry import Registry
from hamyar.core.routing.router import _region, open_task, proposals_for
from hamyar.core.routing.rules import ActiveRule, active_rules
from hamyar.core.storage import workflow_versions
from hamyar.core.storage.models import Case, HistoryEntry, Task

ASSIGNABLE_STATES = ("triage", "in_progress")
"""Triage: the case gets its first tasks. In progress: a coordinator adds agencies."""
TRIAGE_ACTIONS = ("to_triage", "back_to_triage", "not_responsible")


@dataclass(frozen=True)
class ServiceChoice:
    """One line of the coordinator's service picker."""

    spec: ServiceSpec
    covers: bool
    """Routing covers the case: a plugin proposed the service, or a rule names its region."""
    reason: str = ""
    """The proposal's or the rule's reason, when it covers the case."""
    taken: bool = False
    """An open task of this service is already on the case: choosing it again is refused."""


def triage_reason(session: Session, case: Case) -> str:
    """Why the case is in triage, as the router or the returning agency said (latest first)."""
    entry = session.exec(
        select(HistoryEntry)
        .where(
            col(HistoryEntry.case_id) == case.id,
            col(HistoryEntry.action).in_(TRIAGE_ACTIONS),
            col(HistoryEntry.comment) != "",
        )
        .order_by(col(HistoryEntry.id).desc())
    ).first()
    return entry.comment if entry else ""


def _open_services(session: Session, registry: Registry, case: Case) -> set[str]:
    found = set()
    for task in session.exec(select(Task).where(Task.case_id == case.id)).all():
        definition = workflow_versions.definition_or_none(session, registry, task)
        if definition is None or task.state not in definition.terminal_states:
            found.add(task.service_code)
    return found


def _regional_rules(session: Session, case: Case) -> list[ActiveRule]:
    """Active rules whose region contains the case's neighbourhood, whatever their category."""
    region = _region(session, case)
    return [
        r
        for r in active_rules(session)
        if all(getattr(r, k) is None or getattr(r, k) == v for k, v in region.items())
        and any(getattr(r, k) is not None for k in region)
    ]


def service_choices(
    session: Session, registry: Registry, case: Case, pm: pluggy.PluginManager
) -> list[ServiceChoice]:
    """Every service, those whose routing covers the case first (best proposal first)."""
    reasons: dict[str, str] = {}
    for proposal in proposals_for(session, case, registry, pm):
        # The router's fallback to the case's own service says nothing about the region: a
        # coordinator picking for a case in triage wants what plugins and rules propose.
        if proposal.source != "default":
            reasons.setdefault(proposal.service, proposal.reason)
    for rule in _regional_rules(session, case):
        if rule.service_code in registry.services:
            reasons.setdefault(rule.service_code, rule.note)
    taken = _open_services(session, registry, case)
    covering = [
        ServiceChoice(registry.service(code), True, reason, code in taken)
        for code, reason in reasons.items()
        if code in registry.services
    ]
    others = sorted(
        (
            ServiceChoice(spec, False, "", spec.code in taken)
            for spec in registry.services.values()
            if spec.code not in reasons
        ),
        key=lambda c: (c.spec.agency, c.spec.code),
    )
    return covering + others


def _check_services(
    session: Session, registry: Registry, case: Case, services: list[str]
) -> list[str]:
    codes = [s.strip() for s in services if s and s.strip()]
    if not codes:
        raise InvalidInput(
            "choose at least one service to assign the case to",
            [{"field": "services", "message": "choose a service"}],
        )
    unknown = [c for c in codes if c not in registry.services]
    if unknown:
        raise InvalidInput(
            f"unknown service {unknown[0]!r}; GET /api/services lists them",
            [{"field": "services", "message": "unknown service"}],
        )
    taken = _open_services(session, registry, case) & set(codes)
    if taken:
        raise InvalidInput(
            f"the case already has an open task of {sorted(taken)[0]!r}",
            [{"field": "services", "message": "already assigned"}],
        )
    return list(dict.fromkeys(codes))


def _reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise InvalidInput(
            "say why these agencies are responsible: the reason is kept in the history",
            [{"field": "reason", "message": "required"}],
        )
    return text


def assign_services(
    session: Session,
    case: Case,
    actor: Actor,
    registry: Registry,
    services: list[str],
    reason: str,
    *,
    pm: pluggy.PluginManager,
) -> tuple[list[Task], list[TransitionEvent]]:
    """Open one task per service: from triage the first is the primary task and the case moves
    on (`assign`); on a case in progress each is a joint task beside the ones it has.

    Everything is checked before anything is written; the caller checks the case's version.
    """
    if not actor.is_coordinator:
        raise GuardRefused("only a coordinator assigns cases to agencies")
    if case.state not in ASSIGNABLE_STATES:
        raise TransitionNotAvailable(f"a case in state {case.state!r} cannot be assigned")
    codes = _check_services(session, registry, case, services)
    comment = _reason(reason)
    from_triage = case.state == "triage"
    if from_triage and not any(
        t.id == "assign" for t in available_transitions(session, case, actor, registry)
    ):
        raise GuardRefused("you may not assign this case")
    variables = {p.service: p.variables for p in proposals_for(session, case, registry, pm)}
    tasks = []
    for i, code in enumerate(codes):
        tasks.append(
            open_task(
                session,
                registry,
                case,
                code,
                kind="primary" if from_triage and i == 0 else "joint",
                reason=comment,
                actor=actor,
                variables=variables.get(code),
            )
        )
    events: list[TransitionEvent] = []
    if from_triage:
        case.agency_code, case.due_at = tasks[0].agency_code, tasks[0].due_at
        events += apply_transition(session, case, "assign", actor, registry, comment=comment)
    for task in tasks:
        events += fire_automatic(session, task, SYSTEM, registry)
    return tasks, events


CLOSING_STEPS = ("cancel",)
"""The task transitions a coordinator closes a task with when moving it to another service."""


def reassign_task(
    session: Session,
    task: Task,
    case: Case,
    actor: Actor,
    registry: Registry,
    service: str,
    reason: str,
    *,
    pm: pluggy.PluginManager,
) -> tuple[Task, list[TransitionEvent]]:
    """Move an open task to another service: a new task of the same kind opens there, and the
    old one is closed (cancelled) with the reason. The caller checks the task's version."""
    if not actor.is_coordinator:
        raise GuardRefused("only a coordinator moves a task to another agency's service")
    if task.kind == "referral":
        raise InvalidInput(
            "a referral is answered by its recipient or revoked by its sender, not reassigned",
            [{"field": "task", "message": "a referral"}],
        )
    comment = _reason(reason)
    if service not in registry.services:
        raise InvalidInput(
            f"unknown service {service!r}", [{"field": "service", "message": "unknown service"}]
        )
    if service == task.service_code:
        raise InvalidInput(
            "the task is already with this service",
            [{"field": "service", "message": "same service"}],
        )
    definition = workflow_versions.workflow_of(session, registry, task)
    if task.state in definition.terminal_states:
        raise TransitionNotAvailable("only an open task can be moved to another service")
    closing = next(
        (
            t.id
            for t in available_transitions(session, task, actor, registry)
            if t.id in CLOSING_STEPS
        ),
        None,
    )
    if closing is None:
        raise TransitionNotAvailable(
            "this service's workflow gives a coordinator no step to close the task; "
            "its agency hands it back as not responsible instead"
        )
    if service in _open_services(session, registry, case):
        raise InvalidInput(
            f"the case already has an open task of {service!r}",
            [{"field": "service", "message": "already assigned"}],
        )
    variables = {p.service: p.variables for p in proposals_for(session, case, registry, pm)}
    new = open_task(
        session,
        registry,
        case,
        service,
        kind=task.kind,
        reason=comment,
        actor=actor,
        variables=variables.get(service),
    )
    assert new.id is not None and case.id is not None
    history.record(
        session,
        case_id=case.id,
        task_id=new.id,
        action="reassign",
        actor=actor.username,
        comment=comment,
        to_state=new.state,
        version=new.version,
    )
    if task.kind == "primary":
        case.agency_code, case.due_at = new.agency_code, new.due_at
    events = apply_transition(session, task, closing, actor, registry, comment=comment)
    events += fire_automatic(session, new, SYSTEM, registry)
    return new, events
