"""Periodic jobs: once per period, however many schedulers are alive, in Tehran time."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
import zoneinfo
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

import pytest
from rq import Queue
from rq.cron import CronScheduler
from rq.job import Job
from rq.registry import FinishedJobRegistry
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from hamyar.core.storage.broker import get_redis
from hamyar.core.storage.models import HistoryEntry, OutboxMessage
from hamyar.workers.relay import job_id_for
from hamyar.workers.scheduler import make_scheduler, period_of, start_period, use_time_zone
from tests.workers.world import ROOT, WorkerProcess, clear_caches, open_test_case, wait_for

SCHEDULER = "from hamyar.workers.scheduler import run_scheduler; run_scheduler()"
TEHRAN = ZoneInfo("Asia/Tehran")
SATURDAY_6AM = datetime(2024, 3, 2, 2, 30, tzinfo=UTC)  # 06:00 at UTC+03:30


@pytest.fixture
def host_in_utc() -> Iterator[None]:
    """This process's local time zone is UTC during the test, and what it was afterwards:
    `make_scheduler` sets the zone of the process it runs in."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    time.tzset()
    clear_caches()


@pytest.mark.parametrize(
    ("moment", "slot"),
    [
        (datetime(2024, 3, 2, 2, 30, 0, 300_000, tzinfo=UTC), SATURDAY_6AM),
        (SATURDAY_6AM, SATURDAY_6AM),
        (datetime(2024, 3, 8, 12, 0, tzinfo=UTC), SATURDAY_6AM),  # the Friday after
        (
            datetime(2024, 3, 2, 2, 29, 59, 999_999, tzinfo=UTC),
            datetime(2024, 2, 24, 2, 30, tzinfo=UTC),
        ),
    ],
)
def test_a_moment_falls_in_the_period_of_the_last_slot_in_tehran_time(
    moment: datetime, slot: datetime
) -> None:
    assert period_of("0 6 * * 6", moment, TEHRAN) == slot


def test_the_scheduler_reads_cron_in_tehran_time_on_a_host_in_utc(
    redis_url: str, host_in_utc: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAMYAR_ESCALATION_CRON", "0 6 * * *")
    clear_caches()
    scheduler = make_scheduler(get_redis())

    (escalation,) = [j for j in scheduler.get_jobs() if j.name == "hamyar.escalate_overdue"]
    assert escalation.next_enqueue_time is not None
    assert escalation.next_enqueue_time.astimezone(TEHRAN).time() == clock(6, 0)
    assert escalation.next_enqueue_time.astimezone(UTC).time() == clock(2, 30)


def test_the_zone_is_found_on_a_host_without_a_zone_database(
    host_in_utc: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(zoneinfo, "TZPATH", ())  # a slim container: only the tzdata package
    use_time_zone("Asia/Tehran")

    assert "tzdata" in os.environ["TZ"]
    assert SATURDAY_6AM.astimezone().utcoffset() == timedelta(hours=3, minutes=30)


def test_the_dispatches_of_one_period_enqueue_one_run(redis_url: str) -> None:
    queue = Queue("bulk", connection=get_redis())
    kwargs = {
        "name": "t",
        "func_name": "hamyar.workers.jobs.run_periodic",
        "cron": "0 6 * * 6",
        "zone": "Asia/Tehran",
        "kwargs": {"name": "t"},
    }
    created = [  # two schedulers' dispatches for Saturday, one for the next week
        datetime(2024, 3, 2, 2, 30, 0, 4_000, tzinfo=UTC),
        datetime(2024, 3, 2, 2, 30, 0, 9_000, tzinfo=UTC),
        datetime(2024, 3, 9, 2, 30, 0, 5_000, tzinfo=UTC),
    ]
    dispatches = [queue.enqueue(start_period, kwargs=kwargs) for _ in created]
    for dispatch, moment in zip(dispatches, created, strict=True):
        dispatch.created_at = moment

    keys = [dispatch.perform() for dispatch in dispatches]

    saturday = "periodic:t:2024-03-02T02:30:00+00:00"
    assert keys == [saturday, None, "periodic:t:2024-03-09T02:30:00+00:00"]
    run = Job.fetch(job_id_for(saturday), connection=get_redis())
    assert run.func_name == "hamyar.workers.jobs.run_periodic"
    assert run.kwargs == {"name": "t", "slot": "2024-03-02T02:30:00+00:00", "key": saturday}


def test_a_bad_schedule_is_logged_with_its_plugin_and_the_others_run(
    hamyar: dict[str, str],
    host_in_utc: None,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("HAMYAR_TEST_TICK_CRON", "every other tuesday")
    clear_caches()
    with caplog.at_level(logging.ERROR, logger="hamyar.workers.scheduler"):
        scheduler = make_scheduler(get_redis())

    assert [j.name for j in scheduler.get_jobs()] == ["hamyar.escalate_overdue"]
    assert (
        "periodic job workertest.tick of plugin workertest has a bad schedule "
        "'every other tuesday'" in caplog.text
    )


def test_a_bad_escalation_schedule_stops_the_scheduler(
    redis_url: str, host_in_utc: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAMYAR_ESCALATION_CRON", "every minute")
    clear_caches()
    with pytest.raises(ValueError):
        make_scheduler(get_redis())


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
    dispatched = [
        j
        for j in Job.fetch_many(finished, connection=get_redis())
        if j is not None and j.func_name == "hamyar.workers.scheduler.start_period"
    ]
    assert len(dispatched) > len(runs)  # both schedulers did dispatch periods


@pytest.mark.slow
def test_a_worker_started_with_the_scheduler_runs_periodic_jobs(
    hamyar: dict[str, str], engine: Engine, start_worker: Callable[..., WorkerProcess]
) -> None:
    open_test_case(engine)
    worker = start_worker(
        "--queues", "bulk", "--with-scheduler", env={"HAMYAR_TEST_TICK_CRON": "* * * * * */1"}
    )

    def ticks() -> int:
        with Session(engine) as session:
            return len(
                session.exec(select(HistoryEntry).where(HistoryEntry.action == "tick")).all()
            )

    wait_for(lambda: ticks() >= 2, 30, "two ticks", logs=worker.output)
