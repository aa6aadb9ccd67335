"""The relay: outbox rows reach RQ once, survive a Redis outage, and catch up afterwards."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from rq import Queue
from rq.job import Job, JobStatus
from sqlalchemy import update
from sqlalchemy.engine import Engine

from hamyar.core.storage.broker import get_redis
from hamyar.core.storage.models import OutboxMessage
from hamyar.workers import relay
from hamyar.workers.relay import enqueue_messages, job_id_for, plan, relay_pending
from hamyar.workers.worker import work_until_idle
from tests.workers.world import (
    RedisServerProcess,
    WorkerProcess,
    clear_caches,
    open_test_case,
    snapshot,
    wait_for,
)


def test_job_ids_are_stable_valid_and_distinct() -> None:
    keys = [
        "route:1",
        "handler:task:7:process:2",
        "handler:task:7:process:3",
        "periodic:library.timetable:2024-01-01T00:00:00+00:00",
        "route_1",
    ]
    ids = [job_id_for(k) for k in keys]
    assert ids == [job_id_for(k) for k in keys]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", i) for i in ids)


def test_relaying_twice_queues_one_job(hamyar: dict[str, str], engine: Engine) -> None:
    case_id = open_test_case(engine)
    assert relay_pending() == 1
    assert relay_pending() == 0
    queue = Queue("default", connection=get_redis())
    assert queue.job_ids == [job_id_for(f"route:{case_id}")]
    assert snapshot(engine, case_id)["outbox"] == {f"route:{case_id}": (True, False)}


def _rows(kind: str, *numbers: int) -> list[OutboxMessage]:
    return [
        OutboxMessage(id=n, key=f"{kind}:{n}", kind=kind, payload={"case_id": n}) for n in numbers
    ]


def test_one_relay_batch_replaces_finished_runs_and_leaves_live_jobs_be(redis_url: str) -> None:
    connection = get_redis()
    queue = Queue("default", connection=connection)
    finished, queued, *fresh = _rows("run_handler", 1, 2, 3, 4)
    short = _rows("route_case", 5, 6)  # two short steps: one job for both
    enqueue_messages([finished, queued], connection)
    done = Job.fetch(job_id_for(finished.key), connection=connection)
    queue.remove(done)
    done.set_status(JobStatus.FINISHED)  # a run kept for inspection
    live = Job.fetch(job_id_for(queued.key), connection=connection)
    live.meta["untouched"] = True
    live.save_meta()

    sent: list[OutboxMessage] = []
    enqueue_messages([finished, queued, *fresh, *short], connection, sent)

    assert sorted(m.key for m in sent) == sorted(m.key for m in [finished, queued, *fresh, *short])
    batch = plan(short)[0].job_id
    ids = [job_id_for(m.key) for m in [finished, queued, *fresh]] + [batch]
    assert sorted(queue.job_ids) == sorted(ids)  # each id queued once
    jobs = Job.fetch_many(ids, connection=connection)
    assert all(j is not None and j.get_status(refresh=False) == JobStatus.QUEUED for j in jobs)
    assert Job.fetch(live.id, connection=connection).meta == {"untouched": True}
    replaced = Job.fetch(done.id, connection=connection)
    assert replaced.kwargs == {"case_id": 1, "key": finished.key}
    assert Job.fetch(batch, connection=connection).kwargs["steps"][1]["key"] == "route_case:6"


def test_a_job_another_sender_queued_after_the_look_up_is_applied_once(
    hamyar: dict[str, str], engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = open_test_case(engine)
    assert relay_pending() == 1  # the other sender: it queued the job, not yet marked the row
    with engine.begin() as conn:
        conn.execute(update(OutboxMessage).values(sent_at=None))
    monkeypatch.setattr(  # and the look-up ran just before its job reached Redis
        relay, "_taken", lambda carriers, connection: [False] * len(carriers)
    )

    assert relay_pending() == 1
    queue = Queue("default", connection=get_redis())
    assert queue.job_ids == [job_id_for(f"route:{case_id}")] * 2  # delivered twice …
    work_until_idle()
    after = snapshot(engine, case_id)
    assert after["state"] == "resolved"
    assert after["actions"].count("routed") == 1  # … applied once
    assert after["outbox"][f"route:{case_id}"] == (True, True)


def test_rows_wait_while_redis_is_down_and_are_sent_when_it_returns(
    hamyar: dict[str, str],
    engine: Engine,
    own_redis: RedisServerProcess,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HAMYAR_REDIS_URL", own_redis.url)
    clear_caches()
    own_redis.stop()
    case_id = open_test_case(engine)  # the web app keeps taking cases: only the database matters
    with pytest.raises(RedisConnectionError):
        relay_pending()
    assert snapshot(engine, case_id)["outbox"] == {f"route:{case_id}": (False, False)}

    own_redis.start()
    work_until_idle()
    assert snapshot(engine, case_id)["state"] == "resolved"


@pytest.mark.slow
def test_a_case_created_while_redis_is_stopped_is_routed_by_a_running_worker_after_restart(
    hamyar: dict[str, str],
    engine: Engine,
    own_redis: RedisServerProcess,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("HAMYAR_REDIS_URL", own_redis.url)
    clear_caches()
    worker = WorkerProcess(
        {**hamyar, "HAMYAR_REDIS_URL": own_redis.url}, log=tmp_path / "worker.log"
    )
    try:
        first = open_test_case(engine)
        wait_for(lambda: snapshot(engine, first)["state"] == "resolved", 30, "the first case")

        own_redis.stop()
        second = open_test_case(engine, title="آب‌گرفتگی معبر")
        own_redis.start()  # an empty server: nothing of the second case was ever in Redis

        wait_for(
            lambda: snapshot(engine, second)["state"] == "resolved",
            60,
            f"the case created during the outage\n{worker.output()}",
        )
        after = snapshot(engine, second)
        assert after["actions"].count("routed") == 1
        assert after["actions"].count("handled") == 1
    finally:
        worker.stop()
