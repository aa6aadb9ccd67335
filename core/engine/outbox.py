"""The kinds of outbox step: one declaration each, read by the writer and by the runner.

The engine writes an outbox row in the transaction of the change that causes the work (a new
case must be routed, a transition names a handler); the workers' relay sends each row to RQ as
a call of the kind's job function, and the job applies it once, by its key. Both sides read the
same `StepKind`, so a key format, a payload or a queue rule is written down in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hamyar.core.storage.models import OutboxMessage

QUEUES = ("urgent", "default", "bulk")
"""RQ queues in priority order: crisis work first, routine next, bulk (schedules) last."""
URGENT_PRIORITY = 2
"""A service (or case) of this priority or more is worked from the `urgent` queue."""


def queue_for(priority: int) -> str:
    """The queue a case's steps travel in, by its priority."""
    return "urgent" if priority >= URGENT_PRIORITY else "default"


@dataclass(frozen=True)
class StepKind:
    name: str
    """The outbox row's `kind`."""
    key_format: str
    """The row's unique key from its payload: it names the step, so a second delivery of the
    same step is recognised and skipped."""
    job: str
    """The dotted path of the job function a worker runs: `job(**payload, key=key)`."""
    batched: bool = False
    """Short database steps share an RQ job when several wait (RQ costs more than they do)."""
    queue: str | None = None
    """A fixed queue; else the queue follows the case's priority."""

    def key(self, **payload: Any) -> str:
        return self.key_format.format(**payload)

    def message(
        self, payload: Mapping[str, Any], *, priority: int = 0, case_id: int | None = None
    ) -> OutboxMessage:
        """The outbox row for one step of this kind (add it to the session of the change);
        `case_id` ties the step to its case, for the case page's incidents."""
        return OutboxMessage(
            key=self.key(**payload),
            kind=self.name,
            queue=self.queue or queue_for(priority),
            case_id=case_id,
            payload=dict(payload),
        )


ROUTE_CASE = StepKind(
    "route_case", "route:{case_id}", "hamyar.workers.jobs.route_case", batched=True
)
RUN_HANDLER = StepKind(
    "run_handler",
    "handler:{kind}:{id}:{transition}:{version}",
    "hamyar.workers.jobs.run_handler",
)
PERIODIC = StepKind(
    "periodic", "periodic:{name}:{slot}", "hamyar.workers.jobs.run_periodic", queue="bulk"
)

SEND_NOTIFICATION = StepKind(
    "send_notification", "notify:{notification}", "hamyar.workers.notify.send_notification"
)
"""One email or SMS to a case's reporter (`hamyar.core.engine.notifications`); `notification`
is the notification row's key, so the step and the message are one and the same."""

FETCH_MEDIA = StepKind("fetch_media", "media:{case_id}:{digest}", "hamyar.workers.jobs.fetch_media")
"""Fetch a photo a citizen's app named by URL (Open311 `media_url`) and attach it."""

STEP_KINDS = {
    kind.name: kind for kind in (ROUTE_CASE, RUN_HANDLER, PERIODIC, SEND_NOTIFICATION, FETCH_MEDIA)
}
"""Every kind of step; a row of any other kind ends in an incident saying so."""


def default_queue(kind: str) -> str:
    """The queue of a step of `kind` written without its case at hand (a step run directly)."""
    step = STEP_KINDS.get(kind)
    return step.queue if step is not None and step.queue else "default"
