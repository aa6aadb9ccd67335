"""The failed steps a person may see: the queue page's and `GET /api/incidents`' list.

An incident on a case is shown to those who may see the case (`access.visible_cases`); its
error text can quote the case or its task, so it is shown only to those who may read that text
(`CaseAccess.reads`: a confidential case's content, a confidential task's own agency) and
redacted for everyone else. One that belongs to no case (a periodic job) is shown to the
queue's readers only.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from hamyar.core.auth.access import (
    case_access,
    may_retry_task_step,
    may_see_queue,
    task_agencies,
    visible_cases,
)
from hamyar.core.auth.actor import Actor
from hamyar.core.storage.models import Case, Incident, Task


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


def readable_errors(
    session: Session, actor: Actor, incidents: Sequence[Incident]
) -> dict[int, str | None]:
    """incident id → its error text, or None where the actor may not read what it quotes."""
    case_ids = {i.case_id for i in incidents if i.case_id is not None}
    task_ids = {i.task_id for i in incidents if i.task_id is not None}
    cases = (
        {c.id: c for c in session.exec(select(Case).where(col(Case.id).in_(case_ids))).all()}
        if case_ids
        else {}
    )
    tasks = (
        {t.id: t for t in session.exec(select(Task).where(col(Task.id).in_(task_ids))).all()}
        if task_ids
        else {}
    )
    agencies = task_agencies(session, case_ids)
    errors: dict[int, str | None] = {}
    for incident in incidents:
        assert incident.id is not None
        if incident.case_id is None:
            errors[incident.id] = incident.error
            continue
        case = cases.get(incident.case_id)
        task = tasks.get(incident.task_id) if incident.task_id is not None else None
        readable = case is not None and case_access(actor, case, agencies[case.id]).reads(task)  # type: ignore[index]
        errors[incident.id] = incident.error if readable else None
    return errors


def case_incidents(
    session: Session, actor: Actor, case_id: int
) -> list[tuple[Incident, str | None]]:
    """The failed steps the case page offers `actor` to retry, each with its error text (None
    where it quotes what they may not read). A confidential task's step is left out for other
    agencies, as `retry_incident` refuses it to them (`access.may_retry_task_step`)."""
    rows = incidents_for(session, actor, case_id=case_id)
    task_ids = {i.task_id for i in rows if i.task_id is not None}
    tasks = (
        {t.id: t for t in session.exec(select(Task).where(col(Task.id).in_(task_ids))).all()}
        if task_ids
        else {}
    )
    rows = [
        i
        for i in rows
        if i.task_id is None
        or i.task_id not in tasks
        or may_retry_task_step(actor, tasks[i.task_id])
    ]
    errors = readable_errors(session, actor, rows)
    return [(i, errors[i.id]) for i in rows if i.id is not None]
