"""The job functions RQ runs: plain functions taking ids and names, loading fresh state.

Nothing is pickled into Redis but these arguments: a worker resolves a handler or periodic job
by name through its own plugin registry and reads the case from the database when the job runs.
Each step goes through `run_step`, which makes it idempotent by its outbox key, and is carried
out by `hamyar.core.application.steps` in the step's unit of work.
"""

from __future__ import annotations

import json
import logging
from importlib import import_module
from typing import Any

from hamyar.core.application import attachments, steps
from hamyar.core.engine.outbox import FETCH_MEDIA, PERIODIC, ROUTE_CASE, RUN_HANDLER, STEP_KINDS
from hamyar.workers.runtime import application
from hamyar.workers.steps import run_step

log = logging.getLogger(__name__)


def route_case(case_id: int, key: str | None = None) -> str:
    """Route a new case: give it its tasks, or send it to the coordinators' triage."""
    payload = {"case_id": case_id}
    return run_step(
        key or ROUTE_CASE.key(**payload),
        ROUTE_CASE.name,
        lambda uow: steps.route_new_case(uow, case_id),
        payload=payload,
        case_id=case_id,
    )


def run_handler(
    handler: str, kind: str, id: int, transition: str, version: int, key: str | None = None
) -> str:
    """Run the service handler a transition named, once for that transition and version."""
    payload = {
        "handler": handler,
        "kind": kind,
        "id": id,
        "transition": transition,
        "version": version,
    }
    return run_step(
        key or RUN_HANDLER.key(**payload),
        RUN_HANDLER.name,
        lambda uow: steps.run_handler(uow, handler, kind, id, transition),
        payload=payload,
        case_id=id if kind == "case" else None,
    )


def run_periodic(name: str, slot: str, key: str | None = None) -> str:
    """Run a plugin's periodic job once for the period starting at `slot` (ISO time)."""
    payload = {"name": name, "slot": slot}
    return run_step(
        key or PERIODIC.key(**payload),
        PERIODIC.name,
        lambda uow: steps.run_periodic_job(uow, name, slot),
        payload=payload,
    )


def fetch_media(case_id: int, url: str, digest: str, key: str | None = None) -> str:
    """Fetch the photo a citizen's app named (Open311 `media_url`) and attach it to the case.

    The fetch runs before the step's transaction (a slow server holds no database lock); a
    timeout or broken connection fails the step, which is retried and then becomes an
    incident; a server that sends too much or no photo ends it with a history entry."""
    from hamyar.workers.media_fetch import Refused, fetch

    payload = {"case_id": case_id, "url": url, "digest": digest}
    settings = application().settings
    data: bytes | None = None
    refusal, failure = "", None
    try:
        data = fetch(url, max_bytes=settings.media_max_bytes, timeout=settings.media_fetch_timeout)
    except Refused as exc:
        refusal = exc.code
    except Exception as exc:  # a network failure: the step fails, to be retried
        failure = exc

    def effect(uow: Any) -> object:
        if failure is not None:
            raise failure
        return attachments.store_fetched(uow, case_id, url=url, data=data, refusal=refusal)

    return run_step(
        key or FETCH_MEDIA.key(**payload),
        FETCH_MEDIA.name,
        effect,
        payload=payload,
        case_id=case_id,
    )


def escalate_overdue(slot: str = "", key: str | None = None) -> int:
    """Escalate open tasks past their due time (`steps.escalate_overdue`), then tell
    supervisors on the events channel; return how many were escalated."""
    escalated = steps.escalate_overdue(application().unit_of_work())
    _publish(
        [
            {
                "type": "task_escalated",
                "task_id": e.task_id,
                "case_id": e.case_id,
                "agency": e.agency,
                "due_at": e.due_at,
                "notify_roles": ["Supervisor"],
            }
            for e in escalated
        ]
    )
    return len(escalated)


def run_steps(steps: list[dict[str, Any]]) -> int:
    """Apply several short steps, each in its own transaction, as if each had its own job.

    One failing step does not hold back the others: they all run, then the job fails naming
    the ones that failed, and RQ's retry runs the job again, in which the done ones are
    skipped. Returns how many were applied.
    """
    done, failed = 0, []
    for step in steps:
        try:
            # Not pkgutil.resolve_name: it first tries the whole dotted path as a module, a
            # failed import on every step.
            module, _, name = STEP_KINDS[step["kind"]].job.rpartition(".")
            job = getattr(import_module(module), name)
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
