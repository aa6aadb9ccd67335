"""The demo data set: everything the demo promises, loaded twice without duplicating anything."""

from __future__ import annotations

import time
from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from hamyar.core.application.context import Application
from hamyar.core.auth.passwords import verify_password
from hamyar.core.demo_data import GOALS, load_demo_data
from hamyar.core.storage.database import read_only
from hamyar.core.storage.models import (
    Case,
    Neighbourhood,
    ReferralConsent,
    RoleAssignment,
    Task,
    User,
    utcnow,
)


def _counts(session: Session) -> dict[str, int]:
    return {
        t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
        for t in SQLModel.metadata.sorted_tables
    }


def test_the_demo_data_loads_everything_once(engine: Engine) -> None:
    app = Application.build(engine=engine)
    registry = app.registry
    with Session(read_only(engine), expire_on_commit=False) as session:
        started = time.perf_counter()
        first = load_demo_data(app)
        elapsed = time.perf_counter() - started
        assert first["failed_plugins"] == []
        assert first["cases"] >= 300 and first["neighbourhoods"] >= 60
        assert first["pending_referrals"] >= 4
        before = _counts(session)
        session.rollback()  # end the read, so the second load is not held behind it
        second = load_demo_data(app)
        assert _counts(session) == before
        assert {k: v for k, v in second.items() if v} == {}

        places = session.exec(select(Neighbourhood)).scalars().all()  # type: ignore[call-overload]
        assert sum(p.deprived for p in places) >= 30 and all(p.district and p.lat for p in places)

        users = {u.username: u for u in session.execute(select(User)).scalars()}
        for name in (
            "admin",
            "coordinator",
            "auditor",
            "welfare.caseworker",
            "library.supervisor",
            "municipality.caseworker",
            "health.supervisor",
        ):
            assert verify_password(users[name].password_hash, "demo")
        roles = {
            (users_by_id.username, r.role, r.agency_code)
            for r in session.execute(select(RoleAssignment)).scalars()
            for users_by_id in [next(u for u in users.values() if u.id == r.user_id)]
        }
        assert ("welfare.caseworker", "Caseworker", "welfare") in roles
        assert ("admin", "Manager", None) in roles

        states: dict[str, set[str]] = defaultdict(set)
        for case in session.execute(select(Case)).scalars():
            states[case.service_code].add(case.state)
        assert set(states) == set(registry.services)
        for service, seen in states.items():
            assert seen == set(GOALS), service

        tasks = list(session.execute(select(Task)).scalars())
        now = utcnow()
        assert any(
            t.due_at and t.due_at < now and t.state in ("open", "in_progress") for t in tasks
        ), "some tasks are overdue"
        assert {t.kind for t in tasks} == {"primary", "joint", "referral"}
        assert {t.state for t in tasks if t.kind == "referral"} >= {"done", "rejected", "revoked"}
        assert any(t.state == "scheduled" for t in tasks)  # a library visit was booked
        consented = {c.task_id for c in session.execute(select(ReferralConsent)).scalars()}
        pending = {t.state for t in tasks if t.kind == "referral" and t.id in consented}
        assert pending == {"offered", "accepted"}  # a newcomer has referrals to answer
        open_tasks = [t for t in tasks if t.resolved_at is None and t.state != "offered"]
        holders = {t.assignee for t in open_tasks}
        assert None in holders, "some open tasks wait in their agency's queue"
        assert {"municipality.caseworker", "municipality.caseworker2"} <= holders
        assert all(
            t.assignee is None or t.assignee.startswith(f"{t.agency_code}.") for t in open_tasks
        ), "a task is held by someone of its own agency"
        assert ("municipality.caseworker2", "Caseworker", "municipality") in roles
    if engine.dialect.name == "sqlite":
        assert elapsed < 120  # ~12 s on an idle laptop; a guard against regressions only
