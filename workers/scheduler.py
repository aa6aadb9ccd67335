"""Periodic jobs on RQ's cron scheduler, once per period however many schedulers run.

RQ 3's `CronScheduler` enqueues each due job from every scheduler process alive, so two
schedulers would run a job twice. Here each run of a job is named after its period — the
cron slot it is due for — and enqueued under that stable id with `unique=True`: the first
scheduler's enqueue wins and the others' are refused by Redis. The run itself is an outbox
step keyed by the same slot, so even a job enqueued twice (say, after Redis lost the first)
is applied once. Cron expressions are read in Asia/Tehran time (`HAMYAR_TIMEZONE`), whatever
the host's zone, so "06:00 on Saturday" means the same on every host.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from croniter import croniter
from redis import Redis
from rq import Queue
from rq.cron import CronJob, CronScheduler
from rq.exceptions import DuplicateJobError
from rq.job import Job

from hamyar.core.engine.outbox import QUEUES
from hamyar.core.storage.broker import get_redis
from hamyar.core.storage.settings import get_settings
from hamyar.workers.config import get_worker_settings
from hamyar.workers.relay import job_id_for
from hamyar.workers.runtime import application

log = logging.getLogger(__name__)


class PeriodicCronJob(CronJob):
    """A cron job whose every run is enqueued once, under an id naming its period."""

    timezone: ZoneInfo = ZoneInfo("Asia/Tehran")

    def __init__(
        self,
        name: str,
        func_name: str,
        cron: str,
        queue_name: str,
        timezone: ZoneInfo,
        kwargs: dict[str, object] | None = None,
    ) -> None:
        self.timezone = timezone
        super().__init__(
            queue_name=queue_name if queue_name in QUEUES else "bulk",
            func_name=func_name,
            cron=cron,
            kwargs=kwargs,
            name=name,
            result_ttl=3600,
        )

    def get_next_enqueue_time(self) -> datetime:
        """The next slot after the last run (or now), computed in the configured time zone."""
        base = (self.latest_enqueue_time or datetime.now(UTC)).astimezone(self.timezone)
        assert self.cron is not None
        return croniter(self.cron, base).get_next(datetime).astimezone(UTC)

    def enqueue(self, connection: Redis) -> Job:
        slot = (self.next_enqueue_time or datetime.now(UTC)).isoformat()
        key = f"periodic:{self.name}:{slot}"
        kwargs = {**self.kwargs, "slot": slot, "key": key}
        queue = Queue(self.queue_name, connection=connection)
        try:
            job = queue.enqueue(
                self.func_name,
                kwargs=kwargs,
                job_id=job_id_for(key),
                unique=True,
                description=f"periodic {key}",
                **self.job_options,
            )
            log.info("enqueued %s", key)
        except DuplicateJobError:  # another scheduler enqueued this period first
            job = Job.fetch(job_id_for(key), connection=connection)
        return job


def periodic_jobs(timezone: ZoneInfo | None = None) -> list[PeriodicCronJob]:
    """The built-in escalation job and every plugin's periodic jobs."""
    tz = timezone or ZoneInfo(get_settings().timezone)
    jobs = [
        PeriodicCronJob(
            "hamyar.escalate_overdue",
            "hamyar.workers.jobs.escalate_overdue",
            get_worker_settings().escalation_cron,
            "bulk",
            tz,
        )
    ]
    for spec in application().registry.periodic_jobs.values():
        try:
            jobs.append(
                PeriodicCronJob(
                    spec.name,
                    "hamyar.workers.jobs.run_periodic",
                    spec.cron,
                    spec.queue,
                    tz,
                    kwargs={"name": spec.name},
                )
            )
        except (ValueError, KeyError) as exc:  # a bad cron expression: skip it, say whose
            log.error(
                "periodic job %s of plugin %s has a bad schedule %r: %s",
                spec.name,
                spec.plugin or application().registry.owner("periodic job", spec.name),
                spec.cron,
                exc,
            )
    return jobs


def make_scheduler(connection: Redis | None = None) -> CronScheduler:
    scheduler = CronScheduler(connection=connection or get_redis(), logging_level=logging.INFO)
    scheduler._cron_jobs.extend(periodic_jobs())
    return scheduler


def run_scheduler() -> None:
    """Run the cron scheduler until SIGINT/SIGTERM (`hamyar worker --with-scheduler`)."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    make_scheduler().start()
