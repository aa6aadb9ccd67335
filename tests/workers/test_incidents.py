"""Failures: retried with backoff, then one incident; retried by a person, then completed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from hamyar.core.application import commands
from hamyar.core.auth.actor import Actor
from hamyar.core.exceptions import InvalidInput, NotFound
from hamyar.core.storage.models import Incident, OutboxMessage
from hamyar.workers import runtime
from hamyar.workers.incidents import open_incidents
from hamyar.workers.worker import work_until_idle
from tests.workers.world import open_test_case, snapshot, wait_for

COORDINATOR = Actor.from_assignments("coordinator", [("Coordinator", None)])


def retry_incident(incident_id: int) -> Incident:
    """What the queue page's retry button runs, as a coordinator."""
    return commands.retry_incident(runtime.application().unit_of_work(), COORDINATOR, incident_id)


def _incidents(engine: Engine) -> list[Incident]:
    with Session(engine) as session:
        return list(session.exec(select(Incident)).all())


def test_a_handler_that_always_fails_ends_in_one_incident_and_retrying_completes_the_case(
    hamyar: dict[str, str], engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fault = tmp_path / "booking-system-down"
    fault.touch()
    monkeypatch.setenv("HAMYAR_TEST_FAULT_FILE", str(fault))
    case_id = open_test_case(engine, service="workertest.flaky")

    work_until_idle()  # routes, then tries the handler three times (1 s apart)

    (incident,) = _incidents(engine)
    assert incident.kind == "run_handler"
    assert incident.case_id == case_id and incident.task_id is not None
    assert incident.attempts == 3
    assert "ConnectionError" in incident.error and "booking system" in incident.error
    assert incident.resolved_at is None
    assert snapshot(engine, case_id)["tasks"] == [("workertest.flaky", "processing")]
    with Session(engine) as session:
        assert [i.id for i in open_incidents(session)] == [incident.id]

    fault.unlink()  # the agency's system is back
    assert incident.id is not None
    retry_incident(incident.id)
    work_until_idle()

    after = snapshot(engine, case_id)
    assert after["state"] == "resolved"
    assert after["actions"].count("handled") == 1
    (closed,) = _incidents(engine)
    assert closed.retried_at is not None and closed.resolved_at is not None
    with Session(engine) as session:
        assert open_incidents(session) == []
        row = session.exec(
            select(OutboxMessage).where(OutboxMessage.key == closed.outbox_key)
        ).one()
        assert row.done_at is not None


def test_a_step_that_fails_once_is_retried_without_an_incident(
    hamyar: dict[str, str], engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fault = tmp_path / "blip"
    monkeypatch.setenv("HAMYAR_TEST_FAULT_FILE", str(fault))
    case_id = open_test_case(engine, service="workertest.flaky")
    fault.touch()
    from hamyar.workers.jobs import route_case

    route_case(case_id)
    key = next(k for k in snapshot(engine, case_id)["outbox"] if k.startswith("handler:"))
    from hamyar.workers.jobs import run_handler

    _, kind, task_id, transition, version = key.split(":")
    with pytest.raises(ConnectionError):
        run_handler("workertest.flaky", kind, int(task_id), transition, int(version))
    fault.unlink()
    work_until_idle()
    assert snapshot(engine, case_id)["state"] == "resolved"
    assert _incidents(engine) == []


def test_retrying_an_unknown_or_resolved_incident_is_refused(
    hamyar: dict[str, str], engine: Engine
) -> None:
    with pytest.raises(NotFound):
        retry_incident(999)
    from hamyar.core.storage.models import utcnow

    with Session(engine, expire_on_commit=False) as session:
        incident = Incident(outbox_key="route:1", kind="route_case", resolved_at=utcnow())
        session.add(incident)
        session.commit()
    assert incident.id is not None
    with pytest.raises(InvalidInput) as refused:
        retry_incident(incident.id)
    assert refused.value.status_code == 422


@pytest.mark.slow
def test_a_running_worker_retries_a_failed_step_once_its_backoff_has_passed(
    hamyar: dict[str, str], engine: Engine, tmp_path: Path, start_worker
) -> None:  # type: ignore[no-untyped-def]
    fault = tmp_path / "blip"
    fault.touch()
    worker = start_worker(
        env={"HAMYAR_TEST_FAULT_FILE": str(fault), "HAMYAR_RETRY_INTERVALS": "2,2"}
    )
    case_id = open_test_case(engine, service="workertest.flaky")
    wait_for(
        lambda: any(e.startswith("ConnectionError") or "booking" in e for e in _errors(engine)),
        30,
        f"the first failure\n{worker.output()}",
    )
    fault.unlink()  # the agency's system is back before the retry is due

    wait_for(
        lambda: snapshot(engine, case_id)["state"] == "resolved",
        30,
        f"the retry\n{worker.output()}",
    )
    assert snapshot(engine, case_id)["actions"].count("handled") == 1
    assert _incidents(engine) == []


def _errors(engine: Engine) -> list[str]:
    with Session(engine.execution_options(sqlite_read_only=True)) as session:
        return [
            row.last_error for row in session.exec(select(OutboxMessage)).all() if row.last_error
        ]
