"""Referrals between agencies, on Primero's model.

An agency working a case offers it to another agency's service; the receiver accepts, or rejects
with a reason; an accepted referral is worked and completed; the referring agency may revoke it
while it is still pending. A referral is a task of kind `referral` following the
`hamyar.referral` workflow, so its steps, guards and history are the engine's ordinary ones, and
the case resolves only when the referral is finished too.

A confidential case (health, welfare) is referred only with the family's recorded consent.
Without it a Supervisor of the referring agency may override, with a reason that is kept in the
history — the one exception Primero also allows, for a child at risk.
"""

from __future__ import annotations

from sqlmodel import Session, select

from hamyar.core.auth.actor import Actor
from hamyar.core.default_plugins.workflows import REFERRAL_WORKFLOW
from hamyar.core.engine import history
from hamyar.core.engine.events import TransitionEvent
from hamyar.core.engine.transition import apply_transition
from hamyar.core.exceptions import GuardRefused, InvalidInput
from hamyar.core.plugin.registry import Registry
from hamyar.core.routing.router import open_task
from hamyar.core.storage.models import Case, Task
from hamyar.core.workflow import roles as R

REFERABLE_CASE_STATES = ("in_progress",)
PENDING = ("offered", "accepted")


class ConsentRequired(GuardRefused):
    """A confidential case may be referred only with recorded consent or a supervisor's override."""


def offer_referral(
    session: Session,
    case: Case,
    actor: Actor,
    registry: Registry,
    *,
    from_agency: str,
    service_code: str,
    reason: str,
    consent: bool | None = None,
    override_reason: str = "",
) -> Task:
    """Offer the case to another agency's service; return the referral task (state `offered`).

    Everything is checked before anything is written. The actor must work for `from_agency`
    (or coordinate), that agency must be on the case, and a confidential case needs
    `consent=True` or a supervisor's `override_reason`.
    """
    spec = registry.services.get(service_code)
    if spec is None:
        raise InvalidInput(
            f"unknown service {service_code!r}",
            [{"field": "service", "message": "unknown service"}],
        )
    if not reason.strip():
        raise InvalidInput(
            "a referral needs a reason the receiving agency can act on",
            [{"field": "reason", "message": "required"}],
        )
    if spec.agency == from_agency:
        raise InvalidInput(
            "a referral goes to another agency; use a task within your own",
            [{"field": "service", "message": "same agency"}],
        )
    if case.state not in REFERABLE_CASE_STATES:
        raise InvalidInput(
            f"a case in state {case.state!r} cannot be referred",
            [{"field": "case", "message": "not in progress"}],
        )
    roles = actor.roles_in(from_agency)
    if not ({R.CASEWORKER, R.SUPERVISOR} & roles or actor.is_coordinator):
        raise GuardRefused(f"only {from_agency}'s caseworkers and supervisors may refer for it")
    tasks = session.exec(select(Task).where(Task.case_id == case.id)).all()
    if not any(t.agency_code == from_agency for t in tasks):
        raise GuardRefused(f"agency {from_agency!r} has no task on this case to refer from")
    if any(
        t.kind == "referral" and t.service_code == service_code and t.state in PENDING
        for t in tasks
    ):
        raise InvalidInput(
            f"a referral to {service_code!r} is already pending on this case",
            [{"field": "service", "message": "already referred"}],
        )

    override = override_reason.strip()
    # What is shared is the referring agency's knowledge: confidential if its work on the case is.
    confidential = case.confidential or any(
        t.confidential for t in tasks if t.agency_code == from_agency
    )
    if confidential and consent is not True:
        if not override:
            raise ConsentRequired(
                "this case is confidential: record the family's consent, or a "
                "supervisor overrides with a reason"
            )
        if R.SUPERVISOR not in roles and not actor.has_role(R.MANAGER):
            raise ConsentRequired("only a supervisor may refer a confidential case without consent")

    task = open_task(
        session,
        registry,
        case,
        service_code,
        kind="referral",
        reason=reason.strip(),
        actor=actor,
        referred_by=from_agency,
        consent=consent,
        workflow_id=REFERRAL_WORKFLOW,
    )
    if confidential and consent is not True:
        assert case.id is not None
        history.record(
            session,
            case_id=case.id,
            task_id=task.id,
            action="consent_override",
            actor=actor.username,
            comment=override,
            version=task.version,
        )
    return task


def accept_referral(
    session: Session, task: Task, actor: Actor, registry: Registry, comment: str = ""
) -> list[TransitionEvent]:
    return apply_transition(session, _referral(task), "accept", actor, registry, comment=comment)


def reject_referral(
    session: Session, task: Task, actor: Actor, registry: Registry, reason: str
) -> list[TransitionEvent]:
    """The receiving agency declines; the reason is required and kept in the history."""
    return apply_transition(session, _referral(task), "reject", actor, registry, comment=reason)


def revoke_referral(
    session: Session, task: Task, actor: Actor, registry: Registry, reason: str
) -> list[TransitionEvent]:
    """The referring agency withdraws a referral not yet answered."""
    return apply_transition(session, _referral(task), "revoke", actor, registry, comment=reason)


def complete_referral(
    session: Session, task: Task, actor: Actor, registry: Registry, comment: str = ""
) -> list[TransitionEvent]:
    return apply_transition(session, _referral(task), "complete", actor, registry, comment=comment)


def _referral(task: Task) -> Task:
    if task.kind != "referral":
        raise InvalidInput(
            f"task {task.id} is not a referral", [{"field": "task", "message": "not a referral"}]
        )
    return task
