"""Periodic jobs: once per period, however many schedulers are alive."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from rq.cron import CronScheduler
from rq.registry import FinishedJobRegistry
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from hamyar.core.storage.broker import get_redis
from hamyar.core.storage.models import HistoryEntry, OutboxMessage
from hamyar.workers.scheduler import PeriodicCronJob
from tests.workers.world import ROOT, open_test_case, wait_for

SCHEDULER = "from hamyar.workers.scheduler import run_scheduler; run_scheduler()"


def test_cron_slots_are_read_in_tehran_time() -> None:
    job = PeriodicCronJob(
        "t", "hamyar.workers.jobs.noop", "0 6 * * 6", "bulk", ZoneInfo("Asia/Tehran")
    )
    job.latest_enqueue_time = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)  # a Friday
    nxt = job.get_next_enqueue_time()
    assert nxt == datetime(2024, 3, 2, 2, 30, tzinfo=UTC)  # Saturday 06:00 at UTC+03:30


@pytest.mark.slow
def test_a_periodic_job_runs_once_per_period_with_two_schedulers(
    hamyar: dict[str, str], engine: Engine, start_worker, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    open_test_case(engine)  # the tick marks the oldest case
    env = {**hamyar, "HAMYAR_TEST_TICK_CRON": "* * * * * */1"}  # every second
    start_worker("--queues", "bulk", env=env)
    schedulers = [
        subprocess.Popen(
            [sys.executable, "-c", SCHEDULER],
            env=env,
            cwd=ROOT,
            stdout=(tmp_path / f"s{n}.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        for n in range(2)
    ]
    connection = get_redis()
    wait_for(lambda: len(CronScheduler.all(connection)) == 2, 30, "both schedulers to start")
    started = time.monotonic()
    time.sleep(4)
    for scheduler in schedulers:
        scheduler.terminate()
    for scheduler in schedulers:
        scheduler.wait(10)
    elapsed = time.monotonic() - started

    def rows() -> list[OutboxMessage]:
        with Session(engine) as session:
            return list(
                session.exec(select(OutboxMessage).where(OutboxMessage.kind == "periodic")).all()
            )

    wait_for(lambda: rows() and all(r.done_at for r in rows()), 20, "the ticks to be worked")
    runs = [r for r in rows() if r.key.startswith("periodic:workertest.tick:")]
    with Session(engine) as session:
        ticks = session.exec(select(HistoryEntry).where(HistoryEntry.action == "tick")).all()
    assert len(ticks) == len(runs)
    assert len(elapsed_slots := {r.key for r in runs}) == len(runs)
    assert elapsed - 3 <= len(elapsed_slots) <= elapsed + 1
    finished = FinishedJobRegistry("bulk", connection=get_redis()).get_job_ids()
    executed = [j for j in finished if j.startswith("periodic_workertest_tick")]
    assert len(executed) == len(runs)  # the second scheduler's enqueue was refused by Redis
