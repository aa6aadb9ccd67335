"""Short steps travel several to a job, and each is still applied once and accounted alone."""

from __future__ import annotations

from pkgutil import resolve_name

import pytest
from rq import Queue
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from hamyar.core.engine.outbox import STEP_KINDS
from hamyar.core.storage.broker import get_redis
from hamyar.core.storage.models import OutboxMessage
from hamyar.workers.jobs import StepsFailed, run_steps
from hamyar.workers.reconcile import reconcile
from hamyar.workers.relay import relay_pending
from hamyar.workers.worker import work_until_idle
from tests.workers.world import open_test_case, snapshot


def _rows(engine: Engine) -> list[OutboxMessage]:
    with Session(engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())  # type: ignore[arg-type]


def test_every_step_kind_names_a_job_function_that_exists() -> None:
    for kind in STEP_KINDS.values():
        assert callable(resolve_name(kind.job)), kind.name
    assert [k.name for k in STEP_KINDS.values() if k.batched] == ["route_case"]


def test_waiting_routing_steps_share_jobs_and_each_case_is_routed_once(
    hamyar: dict[str, str], engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAMYAR_JOB_BATCH", "20")
    from hamyar.workers.config import get_worker_settings

    get_worker_settings.cache_clear()
    cases = [open_test_case(engine, title=f"گزارش {n}") for n in range(45)]

    assert relay_pending() == 45
    assert Queue("default", connection=get_redis()).count == 3  # 20 + 20 + 5
    carriers = [row.job_id for row in _rows(engine)]
    assert len(set(carriers)) == 3 and None not in carriers

    work_until_idle()
    for case_id in cases:
        after = snapshot(engine, case_id)
        assert after["state"] == "resolved"
        assert after["actions"].count("routed") == 1


def test_a_failing_step_does_not_hold_back_the_others_in_its_job(
    hamyar: dict[str, str], engine: Engine
) -> None:
    good = open_test_case(engine)
    broken = "handler:task:10000:process:1"  # no such task: the step fails
    steps = [
        {
            "key": broken,
            "kind": "run_handler",
            "payload": {
                "handler": "workertest.record",
                "kind": "task",
                "id": 10_000,
                "transition": "process",
                "version": 1,
            },
        },
        {"key": f"route:{good}", "kind": "route_case", "payload": {"case_id": good}},
    ]

    with pytest.raises(StepsFailed, match=f"1 of 2 steps failed: {broken}"):
        run_steps(steps)
    assert snapshot(engine, good)["actions"].count("routed") == 1
    failed = next(r for r in _rows(engine) if r.key == broken)
    assert failed.attempts == 1 and failed.done_at is None and "NotFound" in failed.last_error

    with pytest.raises(StepsFailed):  # RQ's retry: the done step is skipped, not re-applied
        run_steps(steps)
    assert snapshot(engine, good)["actions"].count("routed") == 1


def test_steps_of_a_job_lost_from_redis_are_each_sent_again(
    hamyar: dict[str, str], engine: Engine
) -> None:
    cases = [open_test_case(engine) for _ in range(3)]
    relay_pending()
    assert Queue("default", connection=get_redis()).count == 1
    get_redis().flushdb()  # a restarted server without persistence: the batch is gone
    with engine.begin() as conn:  # sent a minute ago
        conn.execute(
            text(
                "UPDATE outbox SET sent_at = sent_at - INTERVAL '1 minute'"
                if engine.dialect.name == "postgresql"
                else "UPDATE outbox SET sent_at = datetime(sent_at, '-1 minute')"
            )
        )

    assert sorted(reconcile()) == sorted(f"route:{c}" for c in cases)
    work_until_idle()
    for case_id in cases:
        assert snapshot(engine, case_id)["actions"].count("routed") == 1
