"""Who may see and change which cases: the one place that decides, for API, UI, search and reports.

What decides is the permission map of the state the case and its tasks are in (Access contents
information, View, Modify), with roles scoped to agencies (`hamyar.core.auth.permission_map`,
docs/access.md). The shipped workflows declare the maps that give the rules below, from the
design:

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
- **A referral's recipient** (Primero): while the referral is only *offered*, the receiving
  agency sees what it needs to decide — service, reason, neighbourhood, dates — not the file;
  once it accepts it reads the case in full. A *rejected* or *revoked* referral involves the
  agency no more: a confidential case it holds no other task of is a 404 for it again, and
  drops out of its lists, search and reports.
- **Routing reasons** (why a task came back "not responsible", why a case was assigned) are
  read by everyone who may see the case, coordinators of a confidential one included: they
  need the reason to route it, not the content.
- **The person who recorded a case** keeps seeing it, whatever its service.
- **Reporter contact details** are shown only to staff of an involved agency.
- **Working on a case** beyond its workflow's buttons — notes, corrections, retrying a failed
  step — is for staff of an involved agency, and for coordinators and managers who may read its
  content (`may_work_on`). A caseworker of an uninvolved agency reads a public case but does not
  write on it; an auditor never writes.
- **Notes** (`note_readable`) need the case's content first. An `agency` note is read by the
  agency it was written for (and its author); a `shared` note by every involved agency and by
  the coordinators, managers and auditors who read the case (an auditor reads what a
  coordinator reads); a `public` note by everyone who reads the case. So a coordinator never
  reads an agency's internal note, and nobody reads any note of a confidential case whose
  content they may not read.
- **A confidential task's text** (its reason, the comments in its history) is read by its own
  agency only, whatever case it sits on: a health task on a joint programme everyone may read
  still keeps what health wrote to health (`CaseAccess.reads`). Its routing reasons are read
  by its agency and by those who route (coordinators, managers, auditors), nobody else.

Listing, search and report queries take `visible_cases(actor)` / `readable_cases(actor)` as SQL
conditions, so the database does the filtering (and pagination stays correct); a single object
is judged in Python by `case_access`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, bindparam, exists, false, not_, or_, select, true
from sqlmodel import Session, col

from hamyar.core.auth.actor import Actor
from hamyar.core.auth.permission_map import CaseGrants, HeldTask, holds_sql, task_grants_sql
from hamyar.core.exceptions import GuardRefused, NotFound
from hamyar.core.storage.models import Case, Task
from hamyar.core.storage.permission_rows import load_grants
from hamyar.core.text.input_limits import is_id
from hamyar.core.text.tracking_codes import is_valid_tracking_code
from hamyar.core.workflow import roles as R

if TYPE_CHECKING:
    from hamyar.core.plugin.registry import Registry

_SEE_ALL = frozenset({R.COORDINATOR, R.MANAGER, R.AUDITOR, R.SYSTEM})
REFERRAL = "referral"
ENDED_REFERRAL_STATES = ("rejected", "revoked")
"""A referral in these states gives its recipient nothing of the case any more."""
OFFERED_REFERRAL_STATES = ("offered",)
"""A referral in these states shows its recipient what it needs to decide, not the file."""
ROUTING_ACTIONS = frozenset({"not_responsible", "back_to_triage", "assign", "reassign"})
"""History entries whose comment is a routing reason, read by all who may see the case."""


@dataclass(frozen=True)
class CaseAccess:
    visible: bool
    """May know the case exists (lists, counts, routing)."""
    content: bool
    """May read title, description, data, task reasons and history comments."""
    reporter: bool
    """May read the reporter's contact details."""
    offered_to: frozenset[str] = frozenset()
    """The actor's agencies that hold only an offered referral of the case: they read that
    referral's reason (what they need to decide), nothing else of a confidential case."""
    agency_staff: bool = False
    """Holds a role in an agency involved in the case (it holds the case or one of its tasks)."""
    agencies: frozenset[str] = frozenset()
    """The actor's own agencies: whose confidential task text they may read."""
    routes: bool = False
    """A coordinator, manager or auditor: reads the routing reasons of every task."""
    system: bool = False
    """The engine itself: reads everything."""
    modify: bool = False
    """Reads the content and holds Modify on the case: may note and correct it."""

    def reads(self, task: Task | None) -> bool:
        """May read the text of `task` (its reason, its history comments), or of the case
        itself when `task` is None: a confidential task's text stays with its agency (and, for
        a referral, with the agency that referred it: both wrote it)."""
        if self.system:
            return True
        if task is not None and task.confidential:
            parties = {task.agency_code}
            if task.kind == REFERRAL and task.referred_by:
                parties.add(task.referred_by)
            return bool(parties & self.agencies)
        return self.content


Involvement = CaseGrants
"""The tasks of a case (their agencies, workflows and states) and the grants of those states and
of the case's own: what `case_access` judges by. Built by `task_agencies`."""


def sees_everything(actor: Actor) -> bool:
    return bool(_SEE_ALL & actor.global_roles)


def visible_cases(actor: Actor) -> ColumnElement[bool]:
    """SQL condition on `Case`: the cases `actor` may know exist (Access contents information
    in the state the case and its tasks are in)."""
    if R.SYSTEM in actor.global_roles:
        return true()
    return holds_sql(actor, R.ACCESS)


def readable_cases(actor: Actor) -> ColumnElement[bool]:
    """SQL condition on `Case`: the cases whose content `actor` may read (and search): View."""
    if R.SYSTEM in actor.global_roles:
        return true()
    return holds_sql(actor, R.VIEW)


def reporter_readable_cases(actor: Actor) -> ColumnElement[bool]:
    """SQL condition on `Case`: the cases whose reporter's contact details `actor` may read —
    staff of an involved agency (`CaseAccess.reporter`), so only they find a case by its
    reporter's phone; for everyone else the condition is false and a phone search learns
    nothing."""
    if R.SYSTEM in actor.global_roles:
        return true()
    agencies = sorted(actor.agencies)
    if not agencies:
        return false()
    return or_(
        Case.agency_code.in_(agencies),  # type: ignore[union-attr]
        exists().where(
            col(Task.case_id) == col(Case.id),
            col(Task.agency_code).in_(agencies),
            not_(
                (col(Task.kind) == REFERRAL)
                & col(Task.state).in_(ENDED_REFERRAL_STATES + OFFERED_REFERRAL_STATES)
            ),
        ),
    )


def visible_tasks(actor: Actor) -> ColumnElement[bool]:
    """SQL condition on `Task`: tasks of visible cases."""
    if R.SYSTEM in actor.global_roles:
        return true()
    return exists().where(col(Case.id) == col(Task.case_id), visible_cases(actor))


def visible_own_tasks(actor: Actor) -> ColumnElement[bool]:
    """SQL condition on `Task`, the same as `visible_tasks` but quicker for the actor's own
    agencies' worklists: most rows pass on their own state's map, the rest by their case's."""
    if R.SYSTEM in actor.global_roles:
        return true()
    return or_(task_grants_sql(actor, R.ACCESS), visible_tasks(actor))


def case_access(actor: Actor, case: Case, task_agencies: Involvement | Iterable[str]) -> CaseAccess:
    """How much of `case` the actor may see, from the permission maps of the states the case
    and its tasks are in (`task_agencies(session, ids)` loads them)."""
    if R.SYSTEM in actor.global_roles:
        return CaseAccess(True, True, True, agency_staff=True, system=True)
    held = (
        task_agencies
        if isinstance(task_agencies, CaseGrants)
        else CaseGrants(
            tasks=tuple(
                HeldTask(a, case.workflow_id, case.state, workflow_version=case.workflow_version)
                for a in task_agencies
            )
        )
    )
    content = held.holds(actor, case, R.VIEW)
    visible = content or held.holds(actor, case, R.ACCESS)
    staff = held.agencies_granting(actor, case, R.VIEW)
    offered = held.agencies_granting(actor, case, R.ACCESS) - staff
    return CaseAccess(
        visible=visible,
        content=content,
        reporter=bool(staff),
        offered_to=offered,
        agency_staff=bool(staff),
        agencies=frozenset(actor.agencies),
        routes=sees_everything(actor),
        modify=content and may_write(actor) and held.holds(actor, case, R.MODIFY),
    )


def may_read_reason(allowed: CaseAccess, task: Task) -> bool:
    """Whether a task's reason may be shown: to content readers, and to the recipient of an
    offered referral (what it is asked to do); a confidential task's only to its agency."""
    if allowed.system or task.confidential:
        return allowed.reads(task)
    return allowed.content or (task.kind == REFERRAL and task.agency_code in allowed.offered_to)


def may_read_comment(allowed: CaseAccess, action: str, task: Task | None = None) -> bool:
    """Whether a history entry's comment may be shown (`task`: the task it is about, None for
    the case): content readers read every one; all who see the case read the routing reasons
    (`ROUTING_ACTIONS`). A confidential task's comments are its agency's; its routing reasons
    are also read by those who route."""
    routing = allowed.visible and action in ROUTING_ACTIONS
    if task is not None and task.confidential and not allowed.system:
        return allowed.reads(task) or (routing and allowed.routes)
    return allowed.content or routing


def page_access(session: Session, actor: Actor, cases: Sequence[Case]) -> dict[int, CaseAccess]:
    """case id → the actor's access, for a page of cases: one query for their tasks (their
    grants come from the process's cache), and each distinct shape of case — workflow,
    version, state, agency, confidentiality, recorder, tasks — judged once, since a page of
    fifty holds a handful of them."""
    involvement = task_agencies(
        session,
        [c.id for c in cases if c.id is not None],
        versions={(c.workflow_id, c.workflow_version) for c in cases},
    )
    judged: dict[tuple[object, ...], CaseAccess] = {}
    found: dict[int, CaseAccess] = {}
    for case in cases:
        assert case.id is not None
        held = involvement[case.id]
        mine = bool(actor.username)
        shape = (  # all that `case_access` reads of the case and its tasks
            case.workflow_id,
            case.workflow_version,
            case.state,
            case.agency_code,
            case.confidential,
            mine and case.created_by == actor.username,
            tuple(
                (
                    t.agency,
                    t.workflow_id,
                    t.workflow_version,
                    t.state,
                    mine and t.assignee == actor.username,
                )
                for t in held.tasks
            ),
        )
        if shape not in judged:
            judged[shape] = case_access(actor, case, held)
        found[case.id] = judged[shape]
    return found


def listed_access(actor: Actor, content: bool) -> CaseAccess:
    """The access to a listed case whose content the list's query decided
    (`readable_cases(actor)` as a column): all that a case summary and a task's reason need,
    except the reason of an offered referral on a case whose content is hidden — its
    `offered_to` is left empty, and a list that shows such a referral asks `page_access`
    (`needs_page_access`)."""
    if R.SYSTEM in actor.global_roles:
        return CaseAccess(True, True, True, agency_staff=True, system=True)
    return CaseAccess(
        visible=True,
        content=content,
        reporter=False,
        agencies=frozenset(actor.agencies),
        routes=sees_everything(actor),
    )


def needs_page_access(task: Task, content: bool) -> bool:
    """Whether `listed_access` cannot judge the task's reason: an offered referral's reason is
    read by its recipient, who may not read the case."""
    return not content and task.kind == REFERRAL and not task.confidential


_CASE_TASKS = select(
    col(Task.id),
    col(Task.case_id),
    col(Task.agency_code),
    col(Task.workflow_id),
    col(Task.state),
    col(Task.assignee),
    col(Task.workflow_version),
).where(col(Task.case_id).in_(bindparam("case_ids", expanding=True)))


def task_agencies(
    session: Session,
    case_ids: Iterable[int],
    *,
    versions: Iterable[tuple[str, int | None]] | None = None,
) -> dict[int, Involvement]:
    """case id → its tasks and the grants of their states and of its own (one to three
    queries for a page, whatever its length; `versions`, the cases' own workflow versions when
    the caller has the cases, saves one)."""
    ids = list(case_ids)
    held: dict[int, list[HeldTask]] = {i: [] for i in ids}
    workflows: set[tuple[str, int | None]] = set()
    if ids:
        for task_id, case_id, agency, workflow_id, state, assignee, version in session.execute(
            _CASE_TASKS, {"case_ids": ids}
        ):
            held[case_id].append(HeldTask(agency, workflow_id, state, assignee, version, task_id))
            workflows.add((workflow_id, version))
        workflows.update(
            versions
            if versions is not None
            else (
                (workflow_id, version)
                for workflow_id, version in session.execute(
                    select(col(Case.workflow_id), col(Case.workflow_version))
                    .where(col(Case.id).in_(ids))
                    .distinct()
                )
            )
        )
    grants = load_grants(session, workflows)
    return {i: CaseGrants(tasks=tuple(found), grants=grants) for i, found in held.items()}


CASE_LOCK = {"key_share": True}
"""How a command that changes a case's tasks locks the case: FOR NO KEY UPDATE on PostgreSQL,
which two such commands cannot both hold, but which lets rows that point at the case (a history
entry, a note, a claim's record) be written meanwhile; a plain FOR UPDATE would wait for every
one of them, and deadlock with a command that changed a task before writing its history."""


def get_case(
    session: Session, actor: Actor, case_id: int, *, lock: bool = False
) -> tuple[Case, CaseAccess]:
    """The case and the actor's access to it; NotFound when it does not exist *for them*.

    `lock`, for a command that changes the case's tasks before the case itself (reopening):
    the case's row is locked first, as `get_task_to_move` locks it, so no two commands take a
    case and its tasks in opposite orders.
    """
    if not is_id(case_id):
        case = None
    elif lock:
        case = session.get(Case, case_id, with_for_update=CASE_LOCK, populate_existing=True)
    else:
        case = session.get(Case, case_id)
    if case is not None:
        access, _involvement = _access_to(session, actor, case)
        if access.visible:
            return case, access
    raise NotFound(f"no case {case_id}")


def _access_to(session: Session, actor: Actor, case: Case) -> tuple[CaseAccess, Involvement]:
    assert case.id is not None
    versions = {(case.workflow_id, case.workflow_version)}
    involvement = task_agencies(session, [case.id], versions=versions)[case.id]
    return case_access(actor, case, involvement), involvement


def get_task(session: Session, actor: Actor, task_id: int) -> tuple[Task, Case, CaseAccess]:
    """A task, its case and the actor's access to that case; NotFound when not visible. The
    task and its case come in one query (every task read and transition asks)."""
    found = _task_in_case(session, actor, task_id, lock=False)
    return found.task, found.case, found.access


@dataclass(frozen=True)
class TaskToMove:
    """A task about to move, with its case locked for the transaction and the case's tasks as
    they stood once the lock was held."""

    task: Task
    case: Case
    access: CaseAccess
    case_tasks: tuple[HeldTask, ...]


def get_task_to_move(session: Session, actor: Actor, task_id: int) -> TaskToMove:
    """`get_task` for a command that changes the task: the case's row is locked first (SELECT
    … FOR NO KEY UPDATE on PostgreSQL, `CASE_LOCK`; SQLite's unit of work already holds the
    database's write lock). Every command that changes a task takes it this way, so each takes
    the case before the task and none deadlocks with another.

    Two tasks of one case finishing at once must not each count the other as still open and
    both leave the case unresolved: the second waits for the first to commit, and reads the
    case's tasks after it did. Those tasks then also give the counts the case's automatic
    step needs, without another query.
    """
    return _task_in_case(session, actor, task_id, lock=True)


_TASK_AND_CASE = (
    select(Task, Case)
    .join(Case, col(Case.id) == col(Task.case_id))
    .where(col(Task.id) == bindparam("task_id"))
)
_TASK_AND_LOCKED_CASE = _TASK_AND_CASE.with_for_update(**CASE_LOCK, of=Case).execution_options(
    populate_existing=True
)
"""Built once: SQLAlchemy then reuses their cache keys instead of rebuilding the statement on
every transition (as `_CASE_TASKS`). The locked read refreshes a task or case the session had
already loaded, so the command judges the row as it stands once the lock is held."""


def _task_in_case(session: Session, actor: Actor, task_id: int, *, lock: bool) -> TaskToMove:
    found = None
    if is_id(task_id):
        query = _TASK_AND_LOCKED_CASE if lock else _TASK_AND_CASE
        found = session.execute(query, {"task_id": task_id}).first()
    if found is not None:
        task, case = found
        access, involvement = _access_to(session, actor, case)
        if access.visible:
            return TaskToMove(task, case, access, involvement.tasks)
    raise NotFound(f"no task {task_id}")


PUBLIC_CHANNELS = ("open311", "app", "sms", "phone", "web")
"""Channels citizens report through; cases opened by staff (caseworker, facilitation office,
agency API) may carry a family's details in their text, so the public is shown none of them."""


def public_services(registry: Registry) -> list[str]:
    """The services offered to citizens: public (`ServiceSpec.public`) and not confidential."""
    return sorted(s.code for s in registry.services.values() if s.public and not s.confidential)


def publicly_readable_cases(registry: Registry) -> ColumnElement[bool]:
    """SQL condition on `Case`: the cases whose public status anyone may read, signed in or
    not (the status page, its JSON, Open311) — a case of a public, non-confidential service,
    reported through a citizen's channel, not itself confidential.

    The shipped permission maps do not say this: no state grants View to `Anonymous`, and a
    non-confidential service's states give View to staff (anyone holding a role), so public
    readability is the service's and the case's own flags. Everything else of such a case —
    its reporter, its description, internal notes — stays behind `case_access`; the public
    reads only what `hamyar.core.cases.public_status` chooses.
    """
    return (
        col(Case.service_code).in_(public_services(registry))
        & col(Case.channel).in_(PUBLIC_CHANNELS)
        & (col(Case.confidential) == false())
    )


def get_public_case(session: Session, registry: Registry, tracking_code: str) -> Case:
    """The publicly readable case with this tracking code; NotFound for an unknown code, a
    malformed one and a case the public may not read alike, so the answer tells nothing."""
    if is_valid_tracking_code(tracking_code):
        case = (
            session.execute(
                select(Case).where(
                    col(Case.tracking_code) == tracking_code, publicly_readable_cases(registry)
                )
            )
            .scalars()
            .first()
        )
        if case is not None:
            return case
    raise NotFound("no such tracking code")


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


def may_work_on(actor: Actor, allowed: CaseAccess) -> bool:
    """Notes, corrections and retries on a case: whoever reads its content and holds Modify in
    the state it (or the task that involves their agency) is in — with the shipped maps its
    agencies' staff, and coordinators or managers. Never an auditor."""
    if not may_write(actor):
        return False
    return allowed.system or allowed.modify


def require_case_worker(actor: Actor, allowed: CaseAccess) -> None:
    """Call before a note, a correction or a retry; GuardRefused (403) for anyone else."""
    require_writer(actor)
    if not may_work_on(actor, allowed):
        if not allowed.content:
            raise GuardRefused("you may not read this case's content, so you may not change it")
        raise GuardRefused(
            "only staff of an agency working on this case, or a coordinator, may change it"
        )


def note_readable(
    actor: Actor, allowed: CaseAccess, *, visibility: str, agency: str | None, author: str
) -> bool:
    """Whether `actor` may read one note of a case they have `allowed` access to."""
    if R.SYSTEM in actor.global_roles:
        return True
    if not allowed.content:
        return False
    if author == actor.username:
        return True
    if visibility == "public":
        return True
    if visibility == "shared":
        return allowed.agency_staff or sees_everything(actor)
    return agency is not None and agency in actor.agencies


def note_visibilities(actor: Actor, allowed: CaseAccess, *, confidential: bool) -> tuple[str, ...]:
    """The visibilities `actor` may give a new note: an agency note needs an agency to keep it
    in, and a confidential case shows nothing publicly."""
    if not may_work_on(actor, allowed):
        return ()
    choices = ["agency"] if allowed.agency_staff else []
    choices.append("shared")
    if not confidential:
        choices.append("public")
    return tuple(choices)


def may_see_queue(actor: Actor) -> bool:
    """Queue internals (jobs, workers): operators, coordinators, auditors and supervisors."""
    return sees_everything(actor) or any(
        R.SUPERVISOR in roles for roles in actor.agency_roles.values()
    )


def may_retry_task_step(actor: Actor, task: Task) -> bool:
    """A confidential task's failed step is retried by its own agency or by those who run the
    queue for everyone (coordinators, managers); other agencies do not even see it is there."""
    return not task.confidential or task.agency_code in actor.agencies or sees_everything(actor)


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


def require_metrics_access(actor: Actor) -> None:
    """`/metrics` shows the whole deployment's load and backlog: for Managers (and scrapers
    holding HAMYAR_METRICS_TOKEN, which `hamyar.core.web.metrics` checks)."""
    if not actor.is_manager:
        raise GuardRefused("metrics are for Managers, or a scraper with HAMYAR_METRICS_TOKEN")


def may_read_attachments(allowed: CaseAccess) -> bool:
    """Photos and documents are the case's content: read by whoever reads its content."""
    return allowed.system or allowed.content


def may_publish_attachment(actor: Actor, allowed: CaseAccess, case: Case) -> bool:
    """Marking a photo public (for the citizen's status page) is for staff of an agency
    involved in the case who may work on it; a confidential case shows nothing publicly."""
    if case.confidential:
        return False
    return may_work_on(actor, allowed) and (allowed.agency_staff or allowed.system)


def publicly_readable(registry: Registry, case: Case | None) -> bool:
    """`publicly_readable_cases` for one case in hand (its photos' public routes, Open311):
    the same rule, so the status page and a photo of it never disagree."""
    return (
        case is not None
        and case.service_code in public_services(registry)
        and case.channel in PUBLIC_CHANNELS
        and not case.confidential
    )
