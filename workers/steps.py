"""Running one step exactly once, however many times it is delivered.

A step is an outbox row. Its effect and its completion mark (`done_at`) are written in one
database transaction, after locking the row: a second delivery — a retry, a re-enqueue by the
reconciler, a second worker, or a worker that died after committing but before telling Redis —
finds the mark and does nothing. Redis is only the carrier; the database is the truth.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, event, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from hamyar.core.application.unit_of_work import UnitOfWork
from hamyar.core.engine.outbox import default_queue
from hamyar.core.storage.models import Incident, OutboxMessage, utcnow
from hamyar.workers.relay import Carrier, enqueue_carriers, plan
from hamyar.workers.runtime import application

log = logging.getLogger(__name__)

Effect = Callable[[UnitOfWork], object]
"""What a step does, given its unit of work: a command, which announces what it changed."""

SKIPPED = "skipped"
DONE = "done"

_OUTBOX = OutboxMessage.__table__  # type: ignore[attr-defined]
_CLAIM = (
    update(_OUTBOX)
    .where(_OUTBOX.c.key == bindparam("step_key"), _OUTBOX.c.done_at.is_(None))
    .values(done_at=bindparam("now"))
    .returning(_OUTBOX.c.id, _OUTBOX.c.last_error)
)


class _NewClaim:
    last_error = ""


_NEW_CLAIM: Any = _NewClaim()


def run_step(
    key: str,
    kind: str,
    effect: Effect,
    *,
    payload: dict[str, Any] | None = None,
    case_id: int | None = None,
) -> str:
    """Apply `effect` once for the outbox row `key` (created if it does not exist yet).

    Returns "done", or "skipped" when the step had already been applied. On failure the row
    records the error and the try, an incident is opened after the last try, and the exception
    is re-raised so RQ retries with backoff.
    """
    app = application()
    spawned: list[OutboxMessage] = []
    try:
        with app.unit_of_work() as uow:
            session = uow.session
            now = utcnow()
            claim = _claim(session, key, kind, payload, case_id, now)
            if claim is None:
                return SKIPPED  # nothing was written: the commit is empty
            _collect_new_outbox_rows(session, spawned)
            effect(uow)
            if claim.last_error:  # it failed before: close the incident it may have opened
                session.execute(
                    update(Incident)
                    .where(
                        Incident.outbox_key == key,  # type: ignore[arg-type]
                        Incident.resolved_at.is_(None),  # type: ignore[union-attr]
                    )
                    .values(resolved_at=now)
                )
            carriers = _plan_spawned(spawned, now)
            uow.after_commit(lambda: _send_spawned(carriers))
    except Exception as exc:
        from hamyar.workers.incidents import record_failure

        record_failure(key, kind, exc, traceback.format_exc(), payload=payload, case_id=case_id)
        raise
    return DONE


def _claim(
    session: Session,
    key: str,
    kind: str,
    payload: dict[str, Any] | None,
    case_id: int | None,
    now: datetime,
) -> Row[Any] | None:
    """Lock the step's row and mark it done, in one statement; None when it was done already.

    The mark lands only if the effect commits with it: a failure rolls both back. A second
    delivery waits on the row lock, then finds the mark.
    """
    claim = session.execute(_CLAIM, {"step_key": key, "now": now}).first()
    if claim is not None:
        return claim
    done = session.execute(select(_OUTBOX.c.id).where(_OUTBOX.c.key == key)).first()
    if done is not None:
        return None
    # A step that was never in the outbox: periodic runs, direct enqueues.
    try:
        with session.begin_nested():
            session.execute(
                insert(_OUTBOX).values(
                    key=key,
                    kind=kind,
                    payload=payload or {},
                    case_id=case_id,
                    created_at=now,
                    sent_at=now,
                    done_at=now,
                    attempts=0,
                    last_error="",
                    queue=default_queue(kind),
                )
            )
    except IntegrityError:
        if session.execute(select(_OUTBOX.c.id).where(_OUTBOX.c.key == key)).first() is None:
            raise  # not a concurrent insert of this step but a broken reference (no such case)
        # Another worker inserted it first; its transaction has ended.
        return session.execute(_CLAIM, {"step_key": key, "now": now}).first()
    return _NEW_CLAIM


def _collect_new_outbox_rows(session: Session, into: list[OutboxMessage]) -> None:
    """Remember outbox rows the effect writes, so they can be queued without waiting for the
    relay's next poll."""

    @event.listens_for(session, "transient_to_pending")
    def _added(_session: Session, instance: object) -> None:
        if isinstance(instance, OutboxMessage):
            into.append(instance)


def _plan_spawned(spawned: list[OutboxMessage], now: datetime) -> list[Carrier]:
    """Mark the follow-up steps this step wrote as sent, with the jobs that will carry them,
    inside its transaction; they are queued right after the commit (see _send_spawned)."""
    waiting = [m for m in spawned if m.sent_at is None and m.done_at is None]
    for message in waiting:
        message.sent_at = now
    return plan(waiting)


def _send_spawned(carriers: list[Carrier]) -> None:
    """Queue the follow-up steps this step wrote. If Redis fails us here, the reconciler finds
    them sent but not queued and queues them again."""
    if not carriers:
        return
    try:
        enqueue_carriers(carriers)
    except Exception:
        log.warning(
            "could not queue %d follow-up jobs now; the reconciler will",
            len(carriers),
            exc_info=True,
        )
