"""What the permission map of the state a case or task is in grants an actor, in SQL and Python.

DCWorkflow gives each state a map permission → roles; moving to another state changes who
may see and change the object. Hamyar reads three permissions (`hamyar.core.workflow.roles`):
Access contents information (know the case exists), View (read its content) and Modify (note,
correct). Roles are scoped to agencies, as Plone's local roles are to folders, so the question
"does the actor hold a role the map names?" is asked of the roles they hold *on this case*:

- their global roles (Coordinator, Auditor, Manager…), against the case's state;
- `Owner` when they recorded the case, against the case's state, or when they hold one of its
  tasks (claimed or assigned), against that task's state;
- the roles they hold in the case's agency, against the case's state;
- the roles they hold in the agency of one of the case's tasks, against *that task's* state:
  so a referral that is only offered lets its recipient know of the case without reading it,
  and a rejected one gives it nothing;
- what the state acquires (`acquired`, or a permission the state does not map at all):
  a case's state acquires from its service — a non-confidential service gives the permission
  to every member of staff (anyone holding a role), a confidential one to nobody — and a task's
  state acquires from its case's state, for the roles held in the task's agency.

The maps are copied into `state_permission` rows (`hamyar.core.storage.permission_rows`) so
that listings filter in the database through the rows' primary key; single objects are judged
in Python from the same rows (`CaseGrants`), so a list and a detail page never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, and_, exists, false, not_, or_
from sqlalchemy.orm import aliased
from sqlmodel import col

from hamyar.core.auth.actor import Actor
from hamyar.core.storage.fixed_sql import Fixed, param
from hamyar.core.storage.models import Case, StatePermission, Task
from hamyar.core.storage.models.permission import ACQUIRED
from hamyar.core.storage.permission_rows import Grant, Key
from hamyar.core.workflow import roles as R

# -- who holds a role where -------------------------------------------------------------------


def global_roles(actor: Actor) -> frozenset[str]:
    """The roles that count on every case: global ones, and Authenticated / Anonymous."""
    implicit = {R.ANONYMOUS} | ({R.AUTHENTICATED} if actor.username else set())
    return actor.global_roles | implicit


def is_staff(actor: Actor) -> bool:
    """Holds some role: a non-confidential service shares its cases with them."""
    return bool(actor.global_roles or actor.agencies)


def agency_groups(actor: Actor) -> list[tuple[frozenset[str], tuple[str, ...]]]:
    """(roles, the agencies where the actor holds exactly those roles), for SQL."""
    by_roles: dict[frozenset[str], list[str]] = {}
    for agency, roles in sorted(actor.agency_roles.items()):
        if roles:
            by_roles.setdefault(frozenset(roles), []).append(agency)
    return [(roles, tuple(agencies)) for roles, agencies in by_roles.items()]


# -- SQL ---------------------------------------------------------------------------------------


Groups = tuple[tuple[frozenset[str], tuple[str, ...]], ...]


def holds_sql(actor: Actor, permission: str) -> ColumnElement[bool]:
    """SQL condition on `Case`: the actor holds `permission` on the case (see the module).

    Building the condition (a dozen aliased subqueries) costs more Python than the database
    spends answering it, on every list, worklist and search: it is built once per shape of
    actor (roles, agencies, name) and reused; SQLAlchemy expressions are immutable, and the
    statements that embed them hit SQLAlchemy's compiled cache too.
    """
    return _holds_sql(
        permission,
        global_roles(actor),
        actor.username or "",
        is_staff(actor),
        tuple(agency_groups(actor)),
    )


@lru_cache(maxsize=4096)
def _holds_sql(
    permission: str, roles_everywhere: frozenset[str], username: str, staff: bool, groups: Groups
) -> ColumnElement[bool]:

    def case_map(roles: Iterable[str]) -> ColumnElement[bool]:
        sp = aliased(StatePermission)
        return (
            exists()
            .where(
                col(sp.workflow_id) == col(Case.workflow_id),
                col(sp.workflow_version) == col(Case.workflow_version),
                col(sp.state) == col(Case.state),
                col(sp.permission) == permission,
                col(sp.role).in_(sorted(roles)),
            )
            .correlate_except(sp)
        )

    task = aliased(Task, name="held_task")

    def task_map(roles: Iterable[str]) -> ColumnElement[bool]:
        sp = aliased(StatePermission)
        own = (
            exists()
            .where(
                col(sp.workflow_id) == col(task.workflow_id),
                col(sp.workflow_version) == col(task.workflow_version),
                col(sp.state) == col(task.state),
                col(sp.permission) == permission,
                col(sp.role).in_(sorted(roles)),
            )
            .correlate_except(sp)
        )
        up = aliased(StatePermission)
        acquired = (
            exists()
            .where(
                col(up.workflow_id) == col(task.workflow_id),
                col(up.workflow_version) == col(task.workflow_version),
                col(up.state) == col(task.state),
                col(up.permission) == permission,
                col(up.role) == ACQUIRED,
            )
            .correlate_except(up)
        )
        return or_(own, and_(acquired, case_map(roles)))

    conditions: list[ColumnElement[bool]] = [case_map(roles_everywhere)]
    bound: tuple[BindParameter[Any], ...] = ()
    if username:
        holder, bind = param("holder", username)
        bound = (bind,)
        conditions.append(and_(col(Case.created_by) == holder, case_map([R.OWNER])))
        conditions.append(
            exists()
            .where(
                col(task.case_id) == col(Case.id),
                col(task.assignee) == holder,
                task_map([R.OWNER]),
            )
            .correlate_except(task)
        )
    if staff:
        conditions.append(and_(not_(col(Case.confidential)), case_map([ACQUIRED])))
    for roles, agencies in groups:
        conditions.append(and_(col(Case.agency_code).in_(agencies), case_map(roles)))
        conditions.append(
            exists()
            .where(
                col(task.case_id) == col(Case.id),
                col(task.agency_code).in_(agencies),
                task_map(roles),
            )
            .correlate_except(task)
        )
    return Fixed(
        or_(false(), *conditions),
        key=("holds", permission, roles_everywhere, bool(username), staff, groups),
        bound=bound,
    )


def task_grants_sql(actor: Actor, permission: str) -> ColumnElement[bool]:
    """SQL condition on `Task`: the task's own state grants `permission` to a role the actor
    holds in the task's agency. Such a task's case holds it for them too (through the task),
    so a worklist of the actor's agency tests this first and the case only when it fails.
    Built once per shape of actor, as `holds_sql`."""
    return _task_grants_sql(permission, tuple(agency_groups(actor)))


@lru_cache(maxsize=1024)
def _task_grants_sql(permission: str, groups: Groups) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = []
    for roles, agencies in groups:
        sp = aliased(StatePermission)
        conditions.append(
            and_(
                col(Task.agency_code).in_(agencies),
                exists()
                .where(
                    col(sp.workflow_id) == col(Task.workflow_id),
                    col(sp.workflow_version) == col(Task.workflow_version),
                    col(sp.state) == col(Task.state),
                    col(sp.permission) == permission,
                    col(sp.role).in_(sorted(roles)),
                )
                .correlate_except(sp),
            )
        )
    return Fixed(or_(false(), *conditions), key=("task_grants", permission, groups))


# -- Python --------------------------------------------------------------------------------------


NO_GRANT = Grant(roles=frozenset(), acquired=False)


@dataclass(frozen=True)
class HeldTask:
    agency: str
    workflow_id: str
    state: str
    assignee: str | None = None
    workflow_version: int | None = None
    """The version the task runs on: its map is that version's."""
    id: int | None = None
    """The task's own id, so a transition can count the case's tasks after its move."""


@dataclass(frozen=True)
class CaseGrants:
    """What one case's state and its tasks' states grant: the rows `holds` reads."""

    tasks: tuple[HeldTask, ...] = ()
    grants: Mapping[Key, Grant] = field(default_factory=dict)

    def grant(self, workflow_id: str, version: int | None, state: str, permission: str) -> Grant:
        """No rows means no role and nothing acquired, exactly as the SQL reads it (a state that
        does not map a permission at all has its `(acquired)` row written by the sync; an item
        of no version, never mirrored, matches no row)."""
        if version is None:
            return NO_GRANT
        return self.grants.get((workflow_id, version, state, permission), NO_GRANT)

    def holds(self, actor: Actor, case: Case, permission: str) -> bool:
        """Whether `actor` holds `permission` on `case` (the same rules as `holds_sql`)."""
        own = self.grant(case.workflow_id, case.workflow_version, case.state, permission)
        if own.roles & global_roles(actor):
            return True
        if R.OWNER in own.roles and actor.username and case.created_by == actor.username:
            return True
        if own.acquired and is_staff(actor) and not case.confidential:
            return True
        owner = frozenset({R.OWNER})
        if any(
            actor.username
            and task.assignee == actor.username
            and self._task_grants(task, permission, owner, own)
            for task in self.tasks
        ):
            return True
        return bool(self.agencies_granting(actor, case, permission))

    def agencies_granting(self, actor: Actor, case: Case, permission: str) -> frozenset[str]:
        """The actor's agencies whose roles give them `permission` on the case (through the
        case's own agency or one of its tasks)."""
        own = self.grant(case.workflow_id, case.workflow_version, case.state, permission)
        found: set[str] = set()
        if case.agency_code and own.roles & actor.agency_roles.get(case.agency_code, frozenset()):
            found.add(case.agency_code)
        for task in self.tasks:
            roles = actor.agency_roles.get(task.agency, frozenset())
            if (
                roles
                and task.agency not in found
                and self._task_grants(task, permission, roles, own)
            ):
                found.add(task.agency)
        return frozenset(found)

    def _task_grants(
        self, task: HeldTask, permission: str, roles: frozenset[str], own: Grant
    ) -> bool:
        grant = self.grant(task.workflow_id, task.workflow_version, task.state, permission)
        return bool(grant.roles & roles) or (grant.acquired and bool(own.roles & roles))
