"""Routing: which agency services act on a new case, and by when.

Every plugin may propose services for a case (`propose_routes`); an administrator's rules
(category × region → service, `hamyar.core.storage.models.RoutingRule`) add to and outrank them.
The router
turns the best proposal into the primary task, every proposal marked `joint` into one task per
further agency (the seeds' joint programme: library, health and welfare in one neighbourhood),
every proposal marked `referral` into a referral offered from the primary agency
(not on a confidential case: sharing its file needs recorded consent),
the case's own service when no proposal names it (its agency was asked directly; a service may
opt out with `ServiceSpec.route_to_own_agency=False`), and a case nobody claims into the
coordinators' triage worklist — FixMyStreet's "for triage".
A report repeating an open one is linked to it as a duplicate instead of being routed twice.

Everything happens in the caller's transaction and through `apply_transition`, so the tasks,
the history and the outbox rows they cause land together; `route_case` is idempotent because
a case that has left `new` is left alone.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import pluggy
from sqlmodel import Session

from hamyar.core.auth.actor import SYSTEM, Actor
from hamyar.core.cases.dedupe import find_duplicate, mark_duplicate
from hamyar.core.default_plugins.workflows import REFERRAL_WORKFLOW
from hamyar.core.engine import history
from hamyar.core.engine.contexts import RoutingContext
from hamyar.core.engine.events import TransitionEvent
from hamyar.core.engine.transition import apply_transition, available_transitions, fire_automatic
from hamyar.core.exceptions import GuardRefused, InvalidInput, NotFound, TransitionNotAvailable
from hamyar.core.geo import place
from hamyar.core.plugin.manager import call_each
from hamyar.core.plugin.registry import Registry
from hamyar.core.routing.proposals import RouteProposal, own_agency_route
from hamyar.core.routing.rules import active_rules
from hamyar.core.storage import workflow_versions
from hamyar.core.storage.models import (
    Case,
    Task,
    utcnow,
)
from hamyar.core.time.deadlines import due_at

log = logging.getLogger(__name__)

RULE_SCORE = 2.0
"""Rules outrank every plugin proposal (plugins score 0-1): the administrator has the last word."""


@dataclass
class RoutingResult:
    case_id: int
    outcome: str
    """routed, triage, duplicate, or already_routed (the case had left `new`)."""
    tasks: list[int] = field(default_factory=list)
    primary_service: str | None = None
    duplicate_of: int | None = None
    reason: str = ""
    events: list[TransitionEvent] = field(default_factory=list)
    """What happened, for the caller to tell observers once its transaction committed."""

    @property
    def already_routed(self) -> bool:
        return self.outcome == "already_routed"


# -- proposals -------------------------------------------------------------------------------


def _region(session: Session, case: Case) -> dict[str, str | None]:
    found = place(session, case.neighbourhood_id)
    return {
        "province_code": found.province_code if found else None,
        "county_code": found.county_code if found else None,
        "district": found.district if found else None,
    }


def rule_proposals(session: Session, case: Case, registry: Registry) -> list[RouteProposal]:
    """The active rules matching the case's category and region, as proposals."""
    region = _region(session, case)
    rows = [
        rule
        for rule in active_rules(session)
        if rule.category is None or rule.category == case.category
    ]
    proposals = []
    for rule in rows:
        if any(
            getattr(rule, key) is not None and getattr(rule, key) != value
            for key, value in region.items()
        ):
            continue
        if rule.service_code not in registry.services:
            log.warning(
                "routing rule %s names service %s, which no plugin registers",
                rule.id,
                rule.service_code,
            )
            continue
        proposals.append(
            RouteProposal(
                service=rule.service_code,
                reason=rule.note or f"قاعده مسیریابی شماره {rule.id}",
                score=RULE_SCORE + rule.specificity,
                joint=rule.kind == "joint",
                referral=rule.kind == "referral",
                source=f"rule:{rule.id}",
            )
        )
    return proposals


def plugin_proposals(
    session: Session, case: Case, registry: Registry, pm: pluggy.PluginManager
) -> list[RouteProposal]:
    """Every plugin's proposals; a raising plugin or a malformed answer is logged and skipped."""
    proposals = []
    context = RoutingContext.of(session, case, registry)
    for result in call_each(pm, "propose_routes", context=context):
        for proposal in result.value or ():
            spec = registry.services.get(getattr(proposal, "service", ""))
            if not isinstance(proposal, RouteProposal) or spec is None:
                log.warning(
                    "plugin %s proposed %r, which is not a route to a known service",
                    result.plugin,
                    proposal,
                )
                continue
            if proposal.agency is not None and proposal.agency != spec.agency:
                log.warning(
                    "plugin %s proposed service %s for agency %s, but it belongs to %s",
                    result.plugin,
                    spec.code,
                    proposal.agency,
                    spec.agency,
                )
                continue
            score = min(max(float(proposal.score), 0.0), 1.0)
            proposals.append(
                replace(proposal, agency=spec.agency, score=score, source=result.plugin)
            )
    return proposals


def proposals_for(
    session: Session, case: Case, registry: Registry, pm: pluggy.PluginManager
) -> list[RouteProposal]:
    """Plugin proposals and rule proposals together, best first."""
    proposals = plugin_proposals(session, case, registry, pm)
    by_service = {p.service: p for p in proposals}
    for rule in rule_proposals(session, case, registry):
        # A rule names the service; the plugin still knows its details (the district).
        plugin = by_service.get(rule.service)
        proposals.append(
            replace(rule, variables=plugin.variables)
            if plugin
            else replace(rule, agency=registry.service(rule.service).agency)
        )
    spec = registry.services.get(case.service_code)
    agency = registry.agencies.get(spec.agency) if spec else None
    own = spec and own_agency_route(spec, agency.title_fa if agency else spec.title_fa, proposals)
    if own:
        proposals.append(own)
    return sorted(proposals, key=lambda p: (-p.score, p.service))


def choose(proposals: list[RouteProposal]) -> list[tuple[RouteProposal, str]]:
    """(proposal, task kind) pairs: the best non-joint proposal (else the best joint one) as
    primary, then one joint task per further agency, then one referral per further agency
    proposed as a referral. `proposals` must be sorted best first."""
    proposals = [p for p in proposals if p.score > 0]
    leads = [p for p in proposals if not p.referral]
    if not leads:
        return []
    primary = next((p for p in leads if not p.joint), leads[0])
    chosen = [(primary, "primary")]
    agencies = {primary.agency}
    for proposal in leads:
        if proposal.joint and proposal.agency not in agencies:
            agencies.add(proposal.agency)
            chosen.append((proposal, "joint"))
    for proposal in proposals:
        if proposal.referral and proposal.agency not in agencies:
            agencies.add(proposal.agency)
            chosen.append((proposal, "referral"))
    return chosen


# -- tasks -----------------------------------------------------------------------------------


def open_task(
    session: Session,
    registry: Registry,
    case: Case,
    service_code: str,
    *,
    kind: str,
    reason: str,
    actor: Actor = SYSTEM,
    variables: Mapping[str, Any] | None = None,
    referred_by: str | None = None,
    consent: bool | None = None,
    workflow_id: str | None = None,
    now: datetime | None = None,
) -> Task:
    """Write one task for `service_code` in its workflow's initial state, with its due date.

    `workflow_id` replaces the service's own workflow (a referral follows `hamyar.referral`).
    """
    assert case.id is not None
    spec = registry.service(service_code)
    number, definition = workflow_versions.newest(
        session,
        registry,
        workflow_id or workflow_versions.service_workflow_id(session, registry, spec.code),
    )
    now = now or utcnow()
    initial = definition.state(definition.initial_state)
    task = Task(
        case_id=case.id,
        agency_code=spec.agency,
        service_code=spec.code,
        workflow_id=definition.id,
        workflow_version=number,
        state=definition.initial_state,
        variables={**initial.variables, **(variables or {})},
        kind=kind,
        reason=reason,
        referred_by=referred_by,
        consent=consent,
        confidential=spec.confidential or case.confidential,
        priority=case.priority,
        created_at=now,
        updated_at=now,
        due_at=due_at(session, registry, spec.code, now),
    )
    session.add(task)
    session.flush()
    assert task.id is not None and case.id is not None
    history.record(
        session,
        case_id=case.id,
        task_id=task.id,
        action=f"open_{kind}",
        actor=actor.username,
        comment=reason,
        to_state=task.state,
        version=task.version,
        at=now,
    )
    return task


def _summary(registry: Registry, chosen: list[tuple[RouteProposal, str]]) -> str:
    """The case's "routed" comment: every service chosen, with the reason of the public ones.
    A confidential service's reason stays on its own task, which only its agency reads."""
    parts = []
    for proposal, _kind in chosen:
        spec = registry.service(proposal.service)
        if proposal.reason and not spec.confidential:
            parts.append(f"{spec.title_fa}: {proposal.reason}")
        else:
            parts.append(spec.title_fa)
    return "؛ ".join(parts)


def route_case(
    session: Session,
    case_id: int,
    registry: Registry,
    *,
    pm: pluggy.PluginManager,
    now: datetime | None = None,
) -> RoutingResult:
    """Route a new case: duplicate, tasks for the agencies that should act, or triage.

    Idempotent: a case no longer in `new` is reported as already routed and not touched.
    Writes in the caller's transaction; the caller commits, then notifies observers with
    `result.events`.
    """
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"no case {case_id}")
    if case.state != "new":
        return RoutingResult(case_id, "already_routed", reason=f"case is {case.state!r}")
    original = find_duplicate(session, case, registry)
    if original is not None:
        events = mark_duplicate(session, case, original, registry)
        return RoutingResult(
            case_id,
            "duplicate",
            duplicate_of=original.id,
            events=events,
            reason=f"repeats case {original.tracking_code}",
        )
    chosen = choose(proposals_for(session, case, registry, pm))
    if case.confidential or any(registry.service(p.service).confidential for p, _ in chosen[:1]):
        # A confidential file is shared only with the family's recorded consent: by a person.
        chosen = [(p, kind) for p, kind in chosen if kind != "referral"]
    if not chosen:
        reason = (
            "هیچ دستگاهی برای این دسته و محله تعریف نشده است؛ "
            "هماهنگ‌کننده دستگاه مسئول را تعیین می‌کند"
        )
        events = apply_transition(session, case, "to_triage", SYSTEM, registry, comment=reason)
        return RoutingResult(case_id, "triage", reason=reason, events=events)
    lead = registry.service(chosen[0][0].service).agency
    tasks = [
        open_task(
            session,
            registry,
            case,
            proposal.service,
            kind=kind,
            reason=proposal.reason,
            variables=proposal.variables,
            now=now,
            referred_by=lead if kind == "referral" else None,
            workflow_id=REFERRAL_WORKFLOW if kind == "referral" else None,
        )
        for proposal, kind in chosen
    ]
    primary = tasks[0]
    case.agency_code, case.due_at = primary.agency_code, primary.due_at
    summary = _summary(registry, [c for c in chosen if c[1] != "referral"])
    events = apply_transition(session, case, "routed", SYSTEM, registry, comment=summary)
    for task in tasks:
        events += fire_automatic(session, task, SYSTEM, registry)
    return RoutingResult(
        case_id,
        "routed",
        tasks=[t.id for t in tasks],  # type: ignore[misc]
        primary_service=primary.service_code,
        reason=summary,
        events=events,
    )


def assign_case(
    session: Session,
    case: Case,
    actor: Actor,
    registry: Registry,
    service_code: str,
    reason: str = "",
    *,
    pm: pluggy.PluginManager,
) -> Task:
    """A coordinator in triage gives the case to `service_code`'s agency as its primary task.

    Checked before anything is written: the actor must be allowed to `assign` now, and the
    service must exist. The plugin's own proposal for that service, if any, still supplies its
    details (the municipal district).
    """
    if service_code not in registry.services:
        raise InvalidInput(
            f"unknown service {service_code!r}",
            [{"field": "service", "message": "unknown service"}],
        )
    definition = workflow_versions.workflow_of(session, registry, case)
    if "assign" not in definition.state(case.state).transitions:
        raise TransitionNotAvailable(f"a case in state {case.state!r} cannot be assigned")
    if not any(t.id == "assign" for t in available_transitions(session, case, actor, registry)):
        raise GuardRefused("only a coordinator may assign a case in triage")
    proposal = next(
        (p for p in proposals_for(session, case, registry, pm) if p.service == service_code), None
    )
    spec = registry.service(service_code)
    comment = reason.strip() or f"ارجاع به {spec.title_fa}"
    task = open_task(
        session,
        registry,
        case,
        service_code,
        kind="primary",
        reason=comment,
        actor=actor,
        variables=proposal.variables if proposal else None,
    )
    case.agency_code, case.due_at = task.agency_code, task.due_at
    apply_transition(session, case, "assign", actor, registry, comment=comment)
    fire_automatic(session, task, SYSTEM, registry)
    return task


def return_to_triage(
    session: Session, task: Task, actor: Actor, registry: Registry, reason: str
) -> list[TransitionEvent]:
    """An agency says "not responsible": its task is handed back with the reason.

    When that was the case's last open task and none was done, the case's automatic
    `back_to_triage` fires and its history entry carries the agency and the reason too.
    """
    return apply_transition(session, task, "not_responsible", actor, registry, comment=reason)
