"""Referring a case from one agency's task to another agency's service (Primero's referral).

The command checks who refers (a caseworker or supervisor of the agency holding the task),
validates the consent a confidential case needs — given or refused, by whom, how, when — and
has `hamyar.core.cases.referrals.offer_referral` write the offered referral task; the consent
is kept beside it (`ReferralConsent`) and in the history. The receiving agency then accepts,
rejects (with a reason) and completes it, and the sender revokes it, with ordinary task
transitions (`POST /api/tasks/{id}/transitions`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session

from hamyar.core.application.unit_of_work import UnitOfWork
from hamyar.core.auth import access
from hamyar.core.auth.actor import Actor
from hamyar.core.cases.referrals import offer_referral
from hamyar.core.engine import history
from hamyar.core.exceptions import GuardRefused, InvalidInput, StaleVersion, TransitionNotAvailable
from hamyar.core.storage import workflow_versions
from hamyar.core.storage.models import ReferralConsent, Task, utcnow
from hamyar.core.storage.models.referral import CONSENT_METHODS
from hamyar.core.time.jalali import format_datetime, parse_datetime
from hamyar.core.workflow import roles as R

CLOCK_SKEW = timedelta(minutes=10)
METHOD_WORDS = {"in_person": "حضوری", "phone": "تلفنی", "in_writing": "کتبی"}
"""How consent was given, as the history (written in Persian, like the router's) says it."""


@dataclass(frozen=True)
class Consent:
    """The family's answer when asked to share their file with another agency."""

    given: bool
    by: str
    method: str
    at: datetime


def _when(value: Any) -> datetime:
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value or "").strip()
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            moment = parse_datetime(text)  # Jalali, as the UI's date field takes it
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_consent(raw: Mapping[str, Any] | None, *, now: datetime | None = None) -> Consent | None:
    """A consent from `{given, by, method, at}`; InvalidInput naming each field that is wrong.

    `at` is ISO 8601 or a Jalali date and time; empty means now.
    """
    if raw is None:
        return None
    now = now or utcnow()
    errors = []
    given = raw.get("given")
    if not isinstance(given, bool):
        errors.append({"field": "consent.given", "message": "true (given) or false (refused)"})
    by = str(raw.get("by") or "").strip()
    if not by or len(by) > 200:
        errors.append({"field": "consent.by", "message": "who answered, 1-200 characters"})
    method = str(raw.get("method") or "").strip()
    if method not in CONSENT_METHODS:
        errors.append({"field": "consent.method", "message": "in_person, phone or in_writing"})
    at = now
    if raw.get("at") not in (None, ""):
        try:
            at = _when(raw["at"])
        except ValueError:
            errors.append(
                {"field": "consent.at", "message": "a date and time, e.g. 1403/07/03 10:30"}
            )
        else:
            if at > now + CLOCK_SKEW:
                errors.append({"field": "consent.at", "message": "not in the future"})
    if errors:
        first = errors[0]
        raise InvalidInput(f"{first['field']}: {first['message']}", errors)
    return Consent(given=bool(given), by=by, method=method, at=at)


def refer(
    uow: UnitOfWork,
    actor: Actor,
    task_id: int,
    *,
    service: str,
    reason: str,
    consent: Consent | None = None,
    override_reason: str = "",
    version: int | None = None,
) -> Task:
    """Offer the case of task `task_id` to `service`; return the referral task (offered).

    NotFound (404) for a task the actor may not see; GuardRefused (403) for anyone but a
    caseworker or supervisor of the task's agency, and for a confidential case referred
    without consent by someone who is not that agency's supervisor (or without an override
    reason); StaleVersion (409) when `version` is not the task's; InvalidInput (422) for an
    unknown service, a missing reason or a malformed consent. Nothing is written on a refusal.
    """
    with uow:
        session = uow.session
        moving = access.get_task_to_move(session, actor, task_id)  # the case, then its tasks
        task, case = moving.task, moving.case
        access.require_writer(actor)
        if version is not None and version != task.version:
            raise StaleVersion(
                f"this task changed (version {task.version}, you had {version}); reload it"
            )
        if not {R.CASEWORKER, R.SUPERVISOR} & actor.agency_roles.get(task.agency_code, set()):
            raise GuardRefused(
                f"only {task.agency_code}'s caseworkers and supervisors refer from its task"
            )
        definition = workflow_versions.workflow_of(session, uow.registry, task)
        if task.state in definition.terminal_states or (
            task.kind == "referral" and task.state != "accepted"
        ):
            raise TransitionNotAvailable("refer from a task your agency is working on")
        referral = offer_referral(
            session,
            case,
            actor,
            uow.registry,
            from_agency=task.agency_code,
            service_code=service,
            reason=reason,
            consent=consent.given if consent else None,
            override_reason=override_reason,
        )
        if consent is not None:
            record_consent(session, referral, consent, actor)
        session.flush()
    return referral


def record_consent(session: Session, referral: Task, consent: Consent, actor: Actor) -> None:
    """Keep the family's answer beside the referral task, and say so in the history."""
    assert referral.id is not None
    session.add(
        ReferralConsent(
            task_id=referral.id,
            given=consent.given,
            given_by=consent.by,
            method=consent.method,
            given_at=consent.at,
            recorded_by=actor.username,
        )
    )
    history.record(
        session,
        case_id=referral.case_id,
        task_id=referral.id,
        action="consent_given" if consent.given else "consent_refused",
        actor=actor.username,
        comment=" · ".join((consent.by, METHOD_WORDS[consent.method], format_datetime(consent.at))),
        version=referral.version,
    )
