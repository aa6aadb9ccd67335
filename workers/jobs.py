"""The job functions RQ runs: plain functions taking ids and names, loading fresh state.

Nothing is pickled into Redis but these arguments: a worker resolves a handler or periodic job
by name through its own plugin registry and reads the case from the database when the job runs.
Each step goes through `run_step`, which makes it idempotent by its outbox key.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

from rq.utils import import_attribute
from sqlalchemy import select, update
from sqlmodel import Session

from hamyar.core.auth.actor import SYSTEM
from hamyar.core.engine.events import TransitionEvent
from hamyar.core.engine.transition import fire_automatic as fire_automatic_transitions
from hamyar.core.exceptions import NotFound
from hamyar.core.plugin.contexts import HandlerContext
from hamyar.core.plugin.manager import Plugins, load_plugins
from hamyar.core.storage.database import session_scope
from hamyar.core.storage.models import Case, HistoryEntry, Task, utcnow
from hamyar.workers.relay import JOBS
from hamyar.workers.steps import run_step

log = logging.getLogger(__name__)

ESCALATION_BATCH = 500


def route_case(case_id: int, key: str | None = None) -> str:
    """Route a new case: give it its tasks, or send it to the coordinators' triage."""
    key = key or f"route:{case_id}"

    def effect(session: Session, plugins: Plugins) -> list[TransitionEvent] | None:
        from hamyar.core.routing.router import route_case as route

        return route(session, case_id, plugins.registry, pm=plugins.pm).events

    return run_step(key, "route_case", effect, payload={"case_id": case_id}, case_id=case_id)


def run_handler(
    handler: str, kind: str, id: int, transition: str, version: int, key: str | None = None
) -> str:
    """Run the service handler a transition named, once for that transition and version."""
    key = key or f"handler:{kind}:{id}:{transition}:{version}"
    payload = {
        "handler": handler,
        "kind": kind,
        "id": id,
        "transition": transition,
        "version": version,
    }

    def effect(session: Session, plugins: Plugins) -> list[TransitionEvent]:
        spec = plugins.registry.handlers.get(handler)
        if spec is None:
            raise LookupError(
                f"no handler {handler!r} is registered (is its plugin installed "
                "and enabled on this worker?)"
            )
        case, task = _load(session, kind, id)
        context = HandlerContext(
            session=session,
            registry=plugins.registry,
            case=case,
            task=task,
            transition_name=transition,
        )
        spec.function(context)
        return context.events

    return run_step(key, "run_handler", effect, payload=payload, case_id=_case_id(kind, id))


def fire_automatic(kind: str, id: int, version: int, key: str | None = None) -> str:
    """Fire whatever automatic transitions now apply to a case or task (and then its case)."""
    key = key or f"auto:{kind}:{id}:{version}"

    def effect(session: Session, plugins: Plugins) -> list[TransitionEvent]:
        case, task = _load(session, kind, id)
        events = []
        if task is not None:
            events += fire_automatic_transitions(session, task, SYSTEM, plugins.registry)
        return events + fire_automatic_transitions(session, case, SYSTEM, plugins.registry)

    return run_step(
        key,
        "fire_automatic",
        effect,
        payload={"kind": kind, "id": id, "version": version},
        case_id=_case_id(kind, id),
    )


def run_periodic(name: str, slot: str, key: str | None = None) -> str:
    """Run a plugin's periodic job once for the period starting at `slot` (ISO time)."""
    key = key or f"periodic:{name}:{slot}"

    def effect(session: Session, plugins: Plugins) -> None:
        job = plugins.registry.periodic_jobs.get(name)
        if job is None:
            raise LookupError(f"no periodic job {name!r} is registered")
        job.function(session)

    return run_step(key, "periodic", effect, payload={"name": name, "slot": slot})


def escalate_overdue(slot: str = "", key: str | None = None) -> int:
    """Escalate open tasks past their due time: once per task and due date.

    The task's variables record the due date it was escalated for, a history entry says so,
    and supervisors are told on the events channel. A task whose due date moves later can be
    escalated again when it passes the new one.
    """
    plugins = load_plugins()
    now = utcnow()
    notices = []
    with session_scope() as session:
        tasks = (
            session.execute(
                select(Task)
                .where(Task.due_at < now, Task.resolved_at.is_(None))  # type: ignore[operator, union-attr]
                .order_by(Task.due_at)
                .limit(ESCALATION_BATCH)  # type: ignore[arg-type]
            )
            .scalars()
            .all()
        )
        for task in tasks:
            definition = plugins.registry.workflows.get(task.workflow_id)
            if definition is not None and task.state in definition.terminal_states:
                continue
            assert task.due_at is not None and task.id is not None
            due = task.due_at.isoformat()
            if task.variables.get("escalated") == due:
                continue
            variables = {**task.variables, "escalated": due}
            result = session.execute(
                update(Task)
                .where(Task.id == task.id, Task.version == task.version)  # type: ignore[arg-type]
                .values(variables=variables, version=task.version + 1, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                continue  # someone moved it just now; the next run looks again
            late = now - task.due_at
            session.add(
                HistoryEntry(
                    case_id=task.case_id,
                    task_id=task.id,
                    action="escalate",
                    actor=SYSTEM.username,
                    comment=f"overdue by {_hours(late)} hours; supervisors notified",
                    from_state=task.state,
                    to_state=task.state,
                    version=task.version + 1,
                    automatic=True,
                    created_at=now,
                )
            )
            notices.append(
                {
                    "type": "task_escalated",
                    "task_id": task.id,
                    "case_id": task.case_id,
                    "agency": task.agency_code,
                    "due_at": due,
                    "notify_roles": ["Supervisor"],
                }
            )
    _publish(notices)
    return len(notices)


def run_steps(steps: list[dict[str, Any]]) -> int:
    """Apply several short steps, each in its own transaction, as if each had its own job.

    One failing step does not hold back the others: they all run, then the job fails naming
    the ones that failed, and RQ's retry runs the job again, in which the done ones are
    skipped. Returns how many were applied.
    """
    done, failed = 0, []
    for step in steps:
        try:
            job = import_attribute(JOBS[step["kind"]])
            if job(**step["payload"], key=step["key"]) == "done":
                done += 1
        except Exception as exc:  # recorded on the step's row by run_step
            failed.append(f"{step['key']} ({type(exc).__name__}: {exc})")
    if failed:
        raise StepsFailed(f"{len(failed)} of {len(steps)} steps failed: " + "; ".join(failed))
    return done


class StepsFailed(Exception):
    """Some steps of a batch failed; each one's error is on its outbox row."""


def noop() -> None:
    """Does nothing: the benchmark's measure of what the queue itself costs."""


def unknown_kind(kind: str, key: str) -> None:
    raise LookupError(f"outbox step {key!r} has kind {kind!r}, which no job handles")


def _load(session: Session, kind: str, object_id: int) -> tuple[Case, Task | None]:
    if kind == "task":
        task = session.get(Task, object_id)
        if task is None:
            raise NotFound(f"no task {object_id}")
        case = session.get(Case, task.case_id)
    elif kind == "case":
        task, case = None, session.get(Case, object_id)
    else:
        raise ValueError(f"kind must be 'case' or 'task', not {kind!r}")
    if case is None:
        raise NotFound(f"no case for {kind} {object_id}")
    return case, task


def _case_id(kind: str, object_id: int) -> int | None:
    return object_id if kind == "case" else None


def _hours(delta: timedelta) -> int:
    return max(0, int(delta.total_seconds() // 3600))


def _publish(notices: list[dict[str, object]]) -> None:
    if not notices:
        return
    from hamyar.core.storage.broker import events_channel, get_redis

    try:
        connection = get_redis()
        for notice in notices:
            connection.publish(events_channel(), json.dumps(notice, ensure_ascii=False))
    except Exception:
        log.warning("could not publish %d escalation notices", len(notices), exc_info=True)
