"""Who may see and change which cases: the one place that decides, for API, UI, search and reports.

The rules, from the design:

- **Agency staff** (Caseworker, Supervisor within an agency) see every case their agency is
  involved in — it holds the case or one of its tasks — in full, and every other
  *non-confidential* case. A confidential case of another agency does not exist for them:
  asking for it by id is a 404, exactly like an id that was never used.
- **Coordinators and managers** see every case: they route them. Of a confidential case they
  see that it exists and where it is routed (service, agencies, states, dates), never its
  content (title, description, form data, reporter, history comments) — unless they also hold
  a role in an involved agency.
- **Auditors** read what coordinators read and never write: every write path calls
  `require_writer`.
- **The person who recorded a case** keeps seeing it, whatever its service.
- **Reporter contact details** are shown only to staff of an involved agency.

Listing, search and report queries take `visible_cases(actor)` / `readable_cases(actor)` as SQL
conditions, so the database does the filtering (and pagination stays correct); a single object
is judged in Python by `case_access`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, not_, or_, select, true
from sqlmodel import Session, col

from hamyar.core.auth.actor import Actor
from hamyar.core.exceptions import GuardRefused, NotFound
from hamyar.core.storage.models import Case, Task
from hamyar.core.workflow import roles as R

_SEE_ALL = frozenset({R.COORDINATOR, R.MANAGER, R.AUDITOR, R.SYSTEM})


@dataclass(frozen=True)
class CaseAccess:
    visible: bool
    """May know the case exists (lists, counts, routing)."""
    content: bool
    """May read title, description, data, task reasons and history comments."""
    reporter: bool
    """May read the reporter's contact details."""


def sees_everything(actor: Actor) -> bool:
    return bool(_SEE_ALL & actor.global_roles)


def _involved(actor: Actor) -> ColumnElement[bool]:
    """SQL: the actor's agency holds the case or one of its tasks, or the actor recorded it."""
    conditions: list[ColumnElement[bool]] = [Case.created_by == actor.username]  # type: ignore[list-item]
    agencies = sorted(actor.agencies)
    if agencies:
        conditions.append(Case.agency_code.in_(agencies))  # type: ignore[union-attr]
        conditions.append(
            exists().where(col(Task.case_id) == col(Case.id), col(Task.agency_code).in_(agencies))
        )
    return or_(*conditions)


def visible_cases(actor: Actor) -> ColumnElement[bool]:
    """SQL condition on `Case`: the cases `actor` may know exist."""
    if R.SYSTEM in actor.global_roles or sees_everything(actor):
        return true()
    if not actor.agencies and not actor.global_roles:
        return Case.created_by == actor.username  # type: ignore[return-value]
    return or_(not_(col(Case.confidential)), _involved(actor))


def readable_cases(actor: Actor) -> ColumnElement[bool]:
    """SQL condition on `Case`: the cases whose content `actor` may read (and search)."""
    if R.SYSTEM in actor.global_roles:
        return true()
    if not actor.agencies and not actor.global_roles:
        return Case.created_by == actor.username  # type: ignore[return-value]
    return or_(not_(col(Case.confidential)), _involved(actor))


def visible_tasks(actor: Actor) -> ColumnElement[bool]:
    """SQL condition on `Task`: tasks of visible cases."""
    if R.SYSTEM in actor.global_roles or sees_everything(actor):
        return true()
    return exists().where(col(Case.id) == col(Task.case_id), visible_cases(actor))


def case_access(actor: Actor, case: Case, task_agencies: Iterable[str]) -> CaseAccess:
    """How much of `case` the actor may see, given the agencies holding its tasks."""
    if R.SYSTEM in actor.global_roles:
        return CaseAccess(True, True, True)
    involved_agencies = {a for a in (case.agency_code, *task_agencies) if a}
    involved = bool(actor.agencies & involved_agencies) or case.created_by == actor.username
    reporter = bool(actor.agencies & involved_agencies)
    if not actor.agencies and not actor.global_roles:
        return CaseAccess(visible=involved, content=involved, reporter=False)
    content = involved or not case.confidential
    return CaseAccess(visible=content or sees_everything(actor), content=content, reporter=reporter)


def task_agencies(session: Session, case_ids: Iterable[int]) -> dict[int, set[str]]:
    """case id → agencies holding its tasks (one query for a page of cases)."""
    ids = list(case_ids)
    found: dict[int, set[str]] = {i: set() for i in ids}
    if not ids:
        return found
    rows = session.execute(
        select(col(Task.case_id), col(Task.agency_code)).where(col(Task.case_id).in_(ids))
    )
    for case_id, agency in rows:
        found[case_id].add(agency)
    return found


def get_case(session: Session, actor: Actor, case_id: int) -> tuple[Case, CaseAccess]:
    """The case and the actor's access to it; NotFound when it does not exist *for them*."""
    case = session.get(Case, case_id)
    if case is not None:
        access = case_access(actor, case, task_agencies(session, [case_id])[case_id])
        if access.visible:
            return case, access
    raise NotFound(f"no case {case_id}")


def get_task(session: Session, actor: Actor, task_id: int) -> tuple[Task, Case, CaseAccess]:
    """A task, its case and the actor's access to that case; NotFound when not visible."""
    task = session.get(Task, task_id)
    if task is not None:
        try:
            case, access = get_case(session, actor, task.case_id)
        except NotFound:
            pass
        else:
            return task, case, access
    raise NotFound(f"no task {task_id}")


def may_write(actor: Actor) -> bool:
    """Auditors never write; nor does someone holding no role at all."""
    if R.AUDITOR in actor.global_roles:
        return False
    return bool(actor.global_roles or actor.agencies)


def require_writer(actor: Actor) -> None:
    """Call before every write; raises GuardRefused (403) for auditors and role-less users."""
    if not may_write(actor):
        if R.AUDITOR in actor.global_roles:
            raise GuardRefused("auditors read but never change anything")
        raise GuardRefused("your account holds no role; ask an administrator for one")


def may_see_queue(actor: Actor) -> bool:
    """Queue internals (jobs, workers): operators, coordinators, auditors and supervisors."""
    return sees_everything(actor) or any(
        R.SUPERVISOR in roles for roles in actor.agency_roles.values()
    )


def require_queue_reader(actor: Actor) -> None:
    if not may_see_queue(actor):
        raise GuardRefused("the queue is for coordinators, supervisors, auditors and managers")


def may_read_administration(actor: Actor) -> bool:
    """Users, routing rules and the calendar: managers run them, auditors look at them."""
    return actor.is_manager or actor.is_auditor


def require_administration_reader(actor: Actor) -> None:
    if not may_read_administration(actor):
        raise GuardRefused("users, routing rules and the calendar are for managers and auditors")


def may_administer(actor: Actor) -> bool:
    """Only a Manager changes users, routing rules and the calendar (and never as an auditor)."""
    return actor.is_manager and may_write(actor)


def require_administrator(actor: Actor) -> None:
    """Call before every administrative write; GuardRefused (403) for everyone but managers."""
    if not may_administer(actor):
        raise GuardRefused("only a Manager changes users, routing rules and the calendar")
