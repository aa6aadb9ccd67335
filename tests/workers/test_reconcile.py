"""The reconciler questions steps sent a couple of seconds ago and re-sends only the lost ones:
a step whose job is queued, or running on a live worker, is left be however long it takes."""

from __future__ import annotations

import pytest
from rq import Queue
from rq.job import Job, JobStatus
from sqlalchemy import text
from sqlalchemy.engine import Engine

from hamyar.core.storage.broker import get_redis
from hamyar.workers.reconcile import Reconciler, reconcile
from hamyar.workers.relay import job_id_for, relay_pending
from tests.workers.world import open_test_case, snapshot, wait_for


def _backdate(engine: Engine) -> None:
    """Pretend every row was sent a minute ago."""
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE outbox SET sent_at = sent_at - INTERVAL '1 minute'"
                if engine.dialect.name == "postgresql"
                else "UPDATE outbox SET sent_at = datetime(sent_at, '-1 minute')"
            )
        )


def _attempts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {key: n for key, n in conn.execute(text("SELECT key, attempts FROM outbox"))}


def test_a_step_long_queued_is_left_in_its_queue(hamyar: dict[str, str], engine: Engine) -> None:
    cases = [open_test_case(engine, title=f"مورد {n}") for n in range(5)]
    relay_pending()
    _backdate(engine)  # a backlog: queued a minute ago, no worker has got to them yet

    assert reconcile() == []
    assert set(_attempts(engine).values()) == {0}
    assert Queue("default", connection=get_redis()).count == 1  # one batch, not re-queued
    assert all(snapshot(engine, c)["outbox"] == {f"route:{c}": (True, False)} for c in cases)


def test_passes_take_turns_through_a_long_list_of_questioned_rows(
    hamyar: dict[str, str], engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAMYAR_JOB_BATCH", "1")  # a job per step, each lost on its own
    from hamyar.workers.config import get_worker_settings

    get_worker_settings.cache_clear()
    cases = [open_test_case(engine, title=f"مورد {n}") for n in range(5)]
    relay_pending()
    get_redis().flushdb()  # every job lost
    _backdate(engine)

    reconciler = Reconciler(limit=2)
    passes = [reconciler.run_once() for _ in range(3)]
    assert passes == [
        [f"route:{cases[0]}", f"route:{cases[1]}"],
        [f"route:{cases[2]}", f"route:{cases[3]}"],
        [f"route:{cases[4]}"],
    ]
    assert reconciler.after == 0  # the short page sends the next pass back to the start
    assert set(_attempts(engine).values()) == {1}


@pytest.mark.slow
def test_a_long_step_on_a_live_worker_is_never_sent_again(
    hamyar: dict[str, str], engine: Engine, start_worker
) -> None:  # type: ignore[no-untyped-def]
    """The handler runs for several times the heartbeat's expiry, the reconciler's interval
    and the age at which it questions a step: it is questioned on every pass and left be."""
    case_id = open_test_case(engine, service="workertest.slow")
    worker = start_worker(env={"HAMYAR_TEST_HANDLER_SLEEP": "8"})
    connection = get_redis()

    def handler_started() -> bool:
        keys = [k for k in snapshot(engine, case_id)["outbox"] if k.startswith("handler:")]
        job = Job.fetch_many([job_id_for(k) for k in keys], connection=connection)
        return bool(job) and job[0] is not None and job[0].get_status() == JobStatus.STARTED

    wait_for(handler_started, 30, "the handler to start", logs=worker.output)
    start_worker(env={"HAMYAR_TEST_HANDLER_SLEEP": "0"})  # would run a re-sent copy at once
    wait_for(
        lambda: snapshot(engine, case_id)["state"] == "resolved",
        60,
        "the slow step",
        logs=worker.output,
    )

    after = snapshot(engine, case_id)
    assert after["actions"].count("handled") == 1
    assert _attempts(engine) == {k: 0 for k in after["outbox"]}
