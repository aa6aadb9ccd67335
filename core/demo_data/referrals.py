"""Demo referrals a newcomer can act on at once: offered ones waiting in an agency's "offered
referrals" worklist, and accepted ones being worked — each with the family's consent recorded,
made through the same functions the referral command uses.

Idempotent: the demo referrals carry a fixed reason prefix, and once any exists none is added.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, select

from hamyar.core.application.referrals import Consent, record_consent
from hamyar.core.cases.referrals import offer_referral
from hamyar.core.demo_data.users import actor_for
from hamyar.core.engine.transition import apply_transition
from hamyar.core.exceptions import HamyarError
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage import workflow_versions
from hamyar.core.storage.models import Case, Task, utcnow

MARK = "ارجاع نمونه: "
TARGETS = {
    "health": "welfare.life_skills",
    "welfare": "health.counselling",
    "municipality": "welfare.resilience",
    "library": "health.screening",
}
"""Where each agency's demo referral goes."""
GOALS = ("offered", "accepted", "offered", "accepted", "offered", "accepted")


def add_pending_referrals(session: Session, registry: Registry) -> int:
    """Offer a few referrals from open primary tasks, accept every other one; return how many."""
    if session.exec(select(Task.id).where(col(Task.reason).startswith(MARK))).first():
        return 0
    rows = session.exec(
        select(Task, Case)
        .join(Case, col(Case.id) == col(Task.case_id))
        .where(col(Case.state) == "in_progress", col(Task.kind) == "primary")
        .order_by(col(Case.id))
    ).all()
    added, used = 0, set()
    for task, case in rows:
        if added == len(GOALS):
            break
        target = TARGETS.get(task.agency_code)
        definition = workflow_versions.definition_or_none(session, registry, task)
        if (
            target not in registry.services
            or definition is None
            or task.state in definition.terminal_states
            or case.id in used
        ):
            continue
        assert target is not None
        sender = actor_for(f"{task.agency_code}.caseworker", registry)
        try:
            with session.begin_nested():
                referral = offer_referral(
                    session,
                    case,
                    sender,
                    registry,
                    from_agency=task.agency_code,
                    service_code=target,
                    reason=MARK + "خانواده به خدمات این دستگاه نیاز دارد",
                    consent=True,
                )
                consent = Consent(
                    given=True,
                    by="سرپرست خانوار",
                    method="in_person",
                    at=utcnow() - timedelta(days=1),
                )
                record_consent(session, referral, consent, sender)
                if GOALS[added] == "accepted":
                    receiver = actor_for(f"{referral.agency_code}.caseworker", registry)
                    apply_transition(session, referral, "accept", receiver, registry)
        except HamyarError:
            continue  # this case cannot be referred there (already pending, not in progress)
        used.add(case.id)
        added += 1
    session.flush()
    return added
