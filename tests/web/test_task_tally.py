"""The open-task tally agrees with the tasks, however they change and whoever changes them.

A supervisor's counts per person come from `open_task_tally`, kept by triggers on `task`. Here
tasks open, change hands through the API (the engine's version-checked UPDATE) and through a
bulk statement, close, reopen, move agency and are deleted; after each the tally must say what
a GROUP BY over the tasks says, before and after a worker folds it, and it must be counted
afresh when its triggers went missing.
"""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from hamyar.core.cases import task_tally
from hamyar.core.storage.models import OpenTaskTally, Task, utcnow
from tests.web.conftest import World

Client = TestClient[Litestar]
AGENCIES = frozenset({"municipality", "health", "library", "welfare"})


def _truth(session: Session) -> dict[tuple[str, str | None], int]:
    rows = session.execute(
        select(col(Task.agency_code), col(Task.assignee), func.count())
        .where(col(Task.resolved_at).is_(None))
        .group_by(col(Task.agency_code), col(Task.assignee))
    )
    return {(agency, who): int(n) for agency, who, n in rows}


def _tally(session: Session) -> dict[tuple[str, str | None], int]:
    found = {}
    for agency in sorted(AGENCIES):
        for who, n in task_tally.held(session, frozenset({agency})).items():
            found[(agency, who)] = n
    return found


def _held(session: Session, agency: str) -> dict[str | None, int]:
    found = task_tally.held(session, frozenset({agency}))
    session.rollback()  # hold no transaction (on SQLite: the write lock) meanwhile
    return found


def _agrees(session: Session) -> None:
    session.expire_all()
    assert _tally(session) == _truth(session)
    session.rollback()


def test_the_tally_follows_every_change_of_a_task(client: Client, world: World) -> None:
    session = world.session
    for i in range(3):
        world.add_case(
            f"street-{i}", "municipality.pothole", data={"street": "آزادی", "severity": 2}
        )
    _agrees(session)
    assert _held(session, "municipality")[None] >= 4

    pothole = world.tasks["pothole"]
    claimed = client.post(
        f"/api/tasks/{pothole}/claim",
        json={"version": 1},
        headers=world.headers("municipality.caseworker"),
    )
    assert claimed.status_code == 200, claimed.text
    _agrees(session)
    assert _held(session, "municipality")["municipality.caseworker"] == 1

    # a bulk reassignment no ORM event sees, a closed task, a reopened one, a move, a deletion
    ids = [world.tasks[f"street-{i}"] for i in range(3)]
    session.execute(update(Task).where(col(Task.id).in_(ids)).values(assignee="someone.else"))
    session.execute(update(Task).where(col(Task.id) == ids[0]).values(resolved_at=utcnow()))
    session.commit()
    _agrees(session)
    session.execute(update(Task).where(col(Task.id) == ids[0]).values(resolved_at=None))
    session.execute(update(Task).where(col(Task.id) == ids[1]).values(agency_code="health"))
    session.execute(update(Task).where(col(Task.id) == ids[2]).values(state="in_progress"))
    session.commit()
    _agrees(session)
    session.execute(delete(Task).where(col(Task.id) == ids[2]))
    session.commit()
    _agrees(session)
    assert _held(session, "health").get("someone.else") == 1

    rows = session.execute(select(func.count()).select_from(OpenTaskTally)).scalar_one()
    removed = task_tally.compact(session)
    session.commit()
    assert removed > 0
    folded = session.execute(select(func.count()).select_from(OpenTaskTally)).scalar_one()
    assert folded == rows - removed == len(_truth(session))
    _agrees(session)
    assert task_tally.compact(session) == 0  # folded already: nothing written
    session.commit()


def test_a_tally_whose_triggers_went_missing_is_counted_afresh(
    world: World, engine: Engine
) -> None:
    session = world.session
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("DROP TRIGGER open_task_tally_update ON task")
        else:
            connection.exec_driver_sql("DROP TRIGGER open_task_tally_au")
    session.execute(update(Task).values(assignee="written.unseen"))
    session.commit()
    session.expire_all()
    assert _tally(session) != _truth(session)
    session.rollback()

    task_tally.ensure_task_tally(engine)
    _agrees(session)
    session.execute(update(Task).values(assignee=None))
    session.commit()
    _agrees(session)  # and the triggers count again
