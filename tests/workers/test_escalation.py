"""Overdue tasks are escalated once per due date, and supervisors hear of it."""

from __future__ import annotations

import json
import time
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from hamyar.core.storage.broker import events_channel, get_redis
from hamyar.core.storage.models import Task, utcnow
from hamyar.workers.jobs import escalate_overdue, route_case
from tests.workers.world import open_test_case, snapshot


def _set_due(engine: Engine, case_id: int, hours_from_now: float) -> None:
    with Session(engine) as session:
        task = session.exec(select(Task).where(Task.case_id == case_id)).one()
        task.due_at = utcnow() + timedelta(hours=hours_from_now)
        session.add(task)
        session.commit()


def test_an_overdue_task_is_escalated_once_per_due_date(
    hamyar: dict[str, str], engine: Engine
) -> None:
    late = open_test_case(engine, service="workertest.slow")
    on_time = open_test_case(engine, service="workertest.slow", title="به‌موقع")
    for case_id in (late, on_time):
        route_case(case_id)  # tasks now wait in "processing" for their handler
    _set_due(engine, late, -5)
    _set_due(engine, on_time, +5)
    pubsub = get_redis().pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(events_channel())

    assert escalate_overdue() == 1
    assert escalate_overdue() == 0  # same due date: nothing new to say

    assert snapshot(engine, late)["actions"].count("escalate") == 1
    assert "escalate" not in snapshot(engine, on_time)["actions"]
    # Live events are published after the commit, off the caller's thread: routing's own
    # notices may still arrive after the subscription; the escalation's is the one asked for.
    notices = []
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not notices:
        message = pubsub.get_message(timeout=0.5)
        if message and json.loads(message["data"])["type"] == "task_escalated":
            notices.append(json.loads(message["data"]))
    assert notices, "no task_escalated notice was published"
    assert notices[0]["case_id"] == late and notices[0]["notify_roles"] == ["Supervisor"]

    _set_due(engine, late, -1)  # a new due date that has passed too
    assert escalate_overdue() == 1
    assert snapshot(engine, late)["actions"].count("escalate") == 2
    pubsub.close()
