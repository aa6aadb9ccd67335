"""The failed steps a person may see: the queue page's and `GET /api/incidents`' list.

An incident on a case is shown to those who may see the case (`access.visible_cases`): its
error text can quote the case. One that belongs to no case (a periodic job) is shown to the
queue's readers only.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from hamyar.core.auth.access import may_see_queue, visible_cases
from hamyar.core.auth.actor import Actor
from hamyar.core.storage.models import Case, Incident


def incidents_for(
    session: Session,
    actor: Actor,
    *,
    include_resolved: bool = False,
    limit: int = 100,
    case_id: int | None = None,
) -> list[Incident]:
    """The incidents `actor` may see (of one case, with `case_id`), newest first."""
    query = select(Incident).outerjoin(Case, col(Case.id) == col(Incident.case_id))
    if case_id is not None:
        query = query.where(col(Incident.case_id) == case_id)
    caseless = col(Incident.case_id).is_(None)
    if may_see_queue(actor):
        query = query.where(visible_cases(actor) | caseless)
    else:
        query = query.where(visible_cases(actor) & ~caseless)
    if not include_resolved:
        query = query.where(col(Incident.resolved_at).is_(None))
    return list(session.exec(query.order_by(col(Incident.id).desc()).limit(limit)).all())
