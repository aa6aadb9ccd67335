"""Two workers on one queue, every step delivered twice: each step still lands once."""

from __future__ import annotations

import pytest
from rq import Queue
from sqlalchemy.engine import Engine

from hamyar.core.storage.broker import get_redis
from tests.workers.world import open_test_case, snapshot, wait_for

CASES = 30


@pytest.mark.slow
def test_two_workers_never_apply_a_step_twice(
    hamyar: dict[str, str], engine: Engine, start_worker
) -> None:  # type: ignore[no-untyped-def]
    cases = [open_test_case(engine, title=f"مورد {n}") for n in range(CASES)]
    # Besides the relay's job, queue a second copy of every routing step under another id, so
    # both workers are handed the same step at the same time.
    queue = Queue("default", connection=get_redis())
    for case_id in cases:
        queue.enqueue(
            "hamyar.workers.jobs.route_case",
            kwargs={"case_id": case_id},
            job_id=f"extra-route-{case_id}",
        )
    start_worker("--queues", "default")
    start_worker("--queues", "default")

    def settled() -> bool:
        return all(snapshot(engine, c)["state"] == "resolved" for c in cases)

    wait_for(settled, 60, "every case to be resolved")
    for case_id in cases:
        after = snapshot(engine, case_id)
        assert after["tasks"] == [("workertest.record", "done")], after
        assert after["actions"] == [
            "create",
            "open_primary",
            "routed",
            "process",
            "handled",
            "finish",
            "resolve",
        ], after
