"""Jobs: a case goes from the outbox to routed to done, each step exactly once."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from hamyar.workers.jobs import route_case, run_handler
from hamyar.workers.steps import DONE, SKIPPED
from hamyar.workers.worker import work_until_idle
from tests.workers.world import open_test_case, snapshot


def test_a_new_case_is_routed_and_its_handler_completes_it(
    hamyar: dict[str, str], engine: Engine
) -> None:
    case_id = open_test_case(engine)
    assert snapshot(engine, case_id)["outbox"] == {f"route:{case_id}": (False, False)}

    work_until_idle()

    after = snapshot(engine, case_id)
    assert after["state"] == "resolved"
    assert after["tasks"] == [("workertest.record", "done")]
    assert after["actions"].count("handled") == 1
    assert all(sent and done for sent, done in after["outbox"].values())


def test_a_step_delivered_twice_is_applied_once(hamyar: dict[str, str], engine: Engine) -> None:
    case_id = open_test_case(engine)
    assert route_case(case_id) == DONE
    assert route_case(case_id) == SKIPPED
    (key,) = [k for k in snapshot(engine, case_id)["outbox"] if k.startswith("handler:")]
    _, kind, task_id, transition, version = key.split(":")
    args = ("workertest.record", kind, int(task_id), transition, int(version))
    assert run_handler(*args) == DONE
    assert run_handler(*args) == SKIPPED

    after = snapshot(engine, case_id)
    assert after["actions"].count("handled") == 1
    assert after["actions"].count("routed") == 1
    assert after["state"] == "resolved"
