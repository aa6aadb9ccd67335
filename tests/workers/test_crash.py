"""Dead workers: a step whose worker died is re-run within seconds, and never applied twice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.scheduler import RQScheduler
from sqlalchemy.engine import Engine

from hamyar.core.storage.broker import get_redis
from hamyar.workers.jobs import route_case
from hamyar.workers.reconcile import ALIVE_KEY, reconcile
from hamyar.workers.relay import job_id_for, relay_pending
from hamyar.workers.worker import RELAY_LOCK, work_until_idle
from tests.workers.world import ROOT, open_test_case, snapshot, wait_for

DIE_IN_RELAY = """
import os, signal, sys
from hamyar.workers import worker

relay_pending = worker.relay_pending

def relay_then_die(*args, **kwargs):
    if os.path.exists(sys.argv[1]):  # SIGKILL, right after the courier took the relay lock
        os.kill(os.getpid(), signal.SIGKILL)
    return relay_pending(*args, **kwargs)

worker.relay_pending = relay_then_die
worker.run_worker(name=sys.argv[2])
"""
"""A worker that kills itself inside its relay, lock held, once the file it is given exists."""


def _job_state(connection: Redis, job_id: str) -> str:
    job = Job.fetch(job_id, connection=connection)
    queues = {q: Queue(q, connection=connection) for q in ("urgent", "default", "bulk")}
    return (
        f"job {job_id}: {job.get_status()}, retries left {job.retries_left}, worker "
        f"{job.worker_name}; queued {[q for q, x in queues.items() if job_id in x.job_ids]}, "
        f"scheduled {[q for q, x in queues.items() if job_id in x.scheduled_job_registry]}"
    )


def _handler_key(engine: Engine, case_id: int) -> str:
    return next(k for k in snapshot(engine, case_id)["outbox"] if k.startswith("handler:"))


@pytest.mark.slow
def test_a_worker_killed_mid_job_loses_no_step_and_applies_none_twice(
    hamyar: dict[str, str], engine: Engine, start_worker
) -> None:  # type: ignore[no-untyped-def]
    case_id = open_test_case(engine, service="workertest.slow")
    doomed = start_worker(env={"HAMYAR_TEST_HANDLER_SLEEP": "30"})
    wait_for(
        lambda: any(k.startswith("handler:") for k in snapshot(engine, case_id)["outbox"]),
        30,
        f"routing\n{doomed.output()}",
    )
    job_id = job_id_for(_handler_key(engine, case_id))
    connection = get_redis()

    def started() -> bool:
        try:  # the step's row is written before the relay has queued its job
            return Job.fetch(job_id, connection=connection).get_status() == JobStatus.STARTED
        except NoSuchJobError:
            return False

    wait_for(started, 30, "the handler to start")

    doomed.kill()  # SIGKILL: no clean-up, the job stays "started" in Redis
    assert snapshot(engine, case_id)["tasks"] == [("workertest.slow", "processing")]
    # Nothing the worker started outlives it: a child holding its database connection would
    # keep the step's row locked and the re-run below waiting forever.
    with pytest.raises(ProcessLookupError):
        os.killpg(doomed.process.pid, 0)

    rescuer = start_worker(env={"HAMYAR_TEST_HANDLER_SLEEP": "0"})
    wait_for(
        lambda: snapshot(engine, case_id)["state"] == "resolved",
        45,
        "the re-run",
        logs=lambda: (
            f"{rescuer.output()}\n{snapshot(engine, case_id)}\n{_job_state(connection, job_id)}"
        ),
    )

    after = snapshot(engine, case_id)
    assert after["tasks"] == [("workertest.slow", "done")]
    assert after["actions"].count("handled") == 1
    assert dict(_attempts(engine))[_handler_key(engine, case_id)] == 1  # re-sent once
    assert after["actions"].count("finish") == 1
    assert after["actions"].count("routed") == 1
    assert after["actions"].count("open_primary") == 1


@pytest.mark.slow
def test_a_worker_killed_holding_the_relay_lock_holds_no_new_case_back(
    hamyar: dict[str, str], engine: Engine, start_worker, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    rescuer = start_worker()
    trigger = tmp_path / "die"
    with (tmp_path / "doomed.log").open("ab") as log:
        doomed = subprocess.Popen(
            [sys.executable, "-c", DIE_IN_RELAY, str(trigger), "doomed"],
            env=hamyar,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    connection = get_redis()
    wait_for(lambda: bool(connection.exists(ALIVE_KEY.format("doomed"))), 30, "the doomed worker")
    trigger.touch()
    doomed.wait(30)
    assert connection.get(RELAY_LOCK) == b"courier-doomed"  # it died holding the lock

    case_id = open_test_case(engine)
    wait_for(
        lambda: snapshot(engine, case_id)["state"] == "resolved",
        30,
        "the new case",
        logs=rescuer.output,
    )
    # Taken over from the dead worker, not waited out until the lock expired.
    assert f"freed {RELAY_LOCK} from dead worker doomed" in rescuer.output()


def test_a_job_lost_from_redis_is_sent_again(hamyar: dict[str, str], engine: Engine) -> None:
    case_id = open_test_case(engine)
    relay_pending()
    get_redis().flushdb()  # a restarted server without persistence: the job is gone

    assert reconcile() == []  # too recent to question: it may simply be on its way
    with engine.begin() as conn:  # pretend it was sent a minute ago
        conn.exec_driver_sql(
            "UPDATE outbox SET sent_at = sent_at - INTERVAL '1 minute'"
            if engine.dialect.name == "postgresql"
            else "UPDATE outbox SET sent_at = datetime(sent_at, '-1 minute')"
        )
    assert reconcile() == [f"route:{case_id}"]
    assert Queue("default", connection=get_redis()).count == 1
    work_until_idle()
    assert snapshot(engine, case_id)["state"] == "resolved"


def test_a_worker_dying_after_commit_before_ack_does_not_run_the_step_again(
    hamyar: dict[str, str], engine: Engine
) -> None:
    case_id = open_test_case(engine)
    relay_pending()
    route_case(case_id)  # committed: the worker then "dies" before RQ hears of it
    job = Job.fetch(job_id_for(f"route:{case_id}"), connection=get_redis())
    job.set_status(JobStatus.STARTED)
    job.worker_name = "dead-worker"
    job.save()
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE outbox SET sent_at = sent_at - INTERVAL '1 minute'"
            if engine.dialect.name == "postgresql"
            else "UPDATE outbox SET sent_at = datetime(sent_at, '-1 minute')"
        )
    assert f"route:{case_id}" not in reconcile()  # the database says it is done
    route_case(case_id)  # and a stray redelivery is a no-op
    work_until_idle()
    after = snapshot(engine, case_id)
    assert after["actions"].count("routed") == 1
    assert after["actions"].count("handled") == 1
    assert len(after["tasks"]) == 1


@pytest.mark.slow
def test_retries_are_not_held_back_by_a_killed_workers_scheduler_lock(
    hamyar: dict[str, str], engine: Engine, start_worker, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    doomed = start_worker()
    wait_for(
        lambda: get_redis().get(RQScheduler.get_locking_key("default")) is not None,
        30,
        f"the first worker's courier to take the retry lock\n{doomed.output()}",
    )
    doomed.kill()  # its lock would live on for a minute

    fault = tmp_path / "blip"
    fault.touch()
    rescuer = start_worker(env={"HAMYAR_TEST_FAULT_FILE": str(fault)})
    case_id = open_test_case(engine, service="workertest.flaky")
    wait_for(
        lambda: any(row[1] for row in _attempts(engine)),
        30,
        f"the first failure\n{rescuer.output()}",
    )
    fault.unlink()
    wait_for(
        lambda: snapshot(engine, case_id)["state"] == "resolved",
        20,
        f"the retry, well before the dead worker's lock expires\n{rescuer.output()}",
    )


def _attempts(engine: Engine) -> list[tuple[str, int]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql("SELECT key, attempts FROM outbox")]
