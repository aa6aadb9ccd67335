"""Periodic jobs on RQ's cron scheduler, once per period however many schedulers run.

RQ 3's `CronScheduler` takes jobs through its public `register` only, and a registered job is
enqueued by every scheduler process alive, each time under a fresh id, with its cron fields
matched in the scheduler process's local time. Two schedulers would run each period twice, and
"06:00 on Saturday" would mean a different moment on a host whose clock is in UTC. So:

- What a scheduler enqueues when a cron job is due is a small dispatch job, `start_period`. The
  worker that runs it names the period the scheduler was due for (the latest cron slot at or
  before the time the dispatch was created) and enqueues the real run under an id naming that
  period, with `unique=True`: the first dispatch's enqueue wins and the others' are refused by
  Redis. The run itself is an outbox step keyed by the same slot, so even a run enqueued twice
  (say, after Redis lost the first) is applied once.
- The scheduler's process takes `HAMYAR_TIMEZONE` (Asia/Tehran) as its local time zone, so RQ
  matches cron fields in Tehran time whatever the host's zone, and the dispatch names periods
  in the same zone. The scheduler runs in a process of its own (`hamyar worker
  --with-scheduler` spawns one), whose log times are then Tehran times too.

In a zone with summer time, RQ (local wall-clock time) and croniter (aware times) may name a slot
in the hour the clocks change differently; Iran has kept no summer time since 2022.
"""

from __future__ import annotations

import logging
import os
import time
import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from croniter import croniter
from redis import Redis
from rq import Queue, get_current_job
from rq.cron import CronScheduler
from rq.exceptions import DuplicateJobError

from hamyar.core.engine.outbox import PERIODIC, QUEUES
from hamyar.core.storage.broker import get_redis
from hamyar.core.storage.settings import get_settings
from hamyar.workers.config import get_worker_settings
from hamyar.workers.relay import job_id_for
from hamyar.workers.runtime import application

log = logging.getLogger(__name__)

RUN_RESULT_TTL = 3600
"""How long a finished run stays in Redis, refusing later dispatches for its period."""
DISPATCH_RESULT_TTL = 300
ESCALATION = "hamyar.escalate_overdue"
"""The built-in periodic job: open tasks past their due time are escalated."""


@dataclass(frozen=True)
class Period:
    """A job run once per cron slot: the built-in escalation, or a plugin's periodic job."""

    name: str
    func_name: str
    cron: str
    queue: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    plugin: str = ""


def periodic_jobs() -> list[Period]:
    """The built-in escalation job and every plugin's periodic jobs."""
    registry = application().registry
    jobs = [
        Period(
            ESCALATION,
            "hamyar.workers.jobs.escalate_overdue",
            get_worker_settings().escalation_cron,
            "bulk",
        )
    ]
    for spec in registry.periodic_jobs.values():
        jobs.append(
            Period(
                spec.name,
                PERIODIC.job,
                spec.cron,
                spec.queue if spec.queue in QUEUES else "bulk",
                {"name": spec.name},
                spec.plugin or registry.owner("periodic job", spec.name),
            )
        )
    return jobs


def period_of(cron: str, moment: datetime, zone: ZoneInfo) -> datetime:
    """The slot `moment` falls in: the latest time at or before it that `cron` names, reading
    the cron fields in `zone`; in UTC."""
    after = moment.astimezone(zone) + timedelta(microseconds=1)  # get_prev is strictly before
    return croniter(cron, after).get_prev(datetime).astimezone(UTC)


def start_period(
    name: str, func_name: str, cron: str, zone: str, kwargs: dict[str, Any]
) -> str | None:
    """Enqueue the run of `name` for the period its scheduler was due for (a dispatch job).

    A scheduler creates the dispatch for a slot at or after the slot's time and, unless it fell
    a whole period behind, before the next slot's, so every dispatch of a period names the same
    slot, however late a worker runs it. (The creation time, not the enqueue time: a requeued
    dispatch still names its own period.) Returns the run's outbox key, or None when another
    dispatch was first.
    """
    job = get_current_job()
    if job is None:
        raise RuntimeError("start_period runs as an RQ job, dispatched by the cron scheduler")
    slot = period_of(cron, job.created_at, ZoneInfo(zone)).isoformat()
    key = PERIODIC.key(name=name, slot=slot)
    try:
        Queue(job.origin, connection=job.connection).enqueue_call(
            func_name,
            kwargs={**kwargs, "slot": slot, "key": key},
            job_id=job_id_for(key),
            unique=True,
            description=f"periodic {key}",
            result_ttl=RUN_RESULT_TTL,
        )
    except DuplicateJobError:  # another scheduler's dispatch enqueued this period first
        return None
    log.info("enqueued %s", key)
    return key


def use_time_zone(name: str) -> None:
    """Make `name` this process's local time zone, in which RQ's cron matches its fields.

    The zone's file is named by its path: from the host's zone database or, on a host without
    one, from the tzdata package zoneinfo itself falls back on (given a bare name, the C library
    would quietly use UTC instead).
    """
    os.environ["TZ"] = f":{_zone_file(name)}"
    time.tzset()
    probe = datetime.now(UTC)
    if probe.astimezone().utcoffset() != probe.astimezone(ZoneInfo(name)).utcoffset():
        raise RuntimeError(f"could not make {name} the local time zone of the scheduler")


def _zone_file(name: str) -> Path:
    ZoneInfo(name)  # an unknown zone fails here, with zoneinfo's own message
    for root in zoneinfo.TZPATH:
        if (path := Path(root, name)).is_file():
            return path
    return Path(str(files("tzdata").joinpath("zoneinfo", *name.split("/"))))


def make_scheduler(connection: Redis | None = None) -> CronScheduler:
    """RQ's cron scheduler with a dispatch registered for every periodic job.

    Sets this process's local time zone (see the module's docstring): call it in the
    scheduler's own process. A plugin's job with a bad schedule is left out and logged with its
    plugin; a bad `HAMYAR_ESCALATION_CRON` is a setting that does not parse, and stops it.
    """
    zone = get_settings().timezone
    use_time_zone(zone)
    scheduler = CronScheduler(connection=connection or get_redis(), logging_level=logging.INFO)
    for period in periodic_jobs():
        try:
            _register(scheduler, period, zone)
        except (ValueError, KeyError) as exc:  # a bad cron expression
            if period.name == ESCALATION:
                raise
            log.error(
                "periodic job %s of plugin %s has a bad schedule %r: %s",
                period.name,
                period.plugin,
                period.cron,
                exc,
            )
    return scheduler


def _register(scheduler: CronScheduler, period: Period, zone: str) -> None:
    """Have `scheduler` dispatch `period` on its cron schedule, read in `zone`."""
    scheduler.register(
        start_period,
        period.queue,
        kwargs={
            "name": period.name,
            "func_name": period.func_name,
            "cron": period.cron,
            "zone": zone,
            "kwargs": period.kwargs,
        },
        cron=period.cron,
        result_ttl=DISPATCH_RESULT_TTL,
        name=period.name,
    )


def run_scheduler() -> None:
    """Run the cron scheduler until SIGINT/SIGTERM (`hamyar worker --with-scheduler`)."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    make_scheduler().start()
