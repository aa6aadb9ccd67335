"""Claiming, unclaiming and assigning tasks, and moving due dates, through the API.

For each route: who may (role × agency), what a stale version gets (409), and what the history
says afterwards. The world is `tests/web/conftest.py`'s, plus a second municipality caseworker
so a supervisor has someone to assign to.
"""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlmodel import col, select

from hamyar.core.auth.tokens import new_token
from hamyar.core.storage.models import Case, HistoryEntry, RoleAssignment, Task, User
from hamyar.core.workflow import roles as R
from tests.web.conftest import PASSWORD_HASH, World

Client = TestClient[Litestar]
SECOND = "municipality.caseworker2"


@pytest.fixture
def team(world: World) -> World:
    """A second municipality caseworker, and a deactivated one who may not be given work."""
    for username, active in ((SECOND, True), ("municipality.gone", False)):
        user = User(username=username, password_hash=PASSWORD_HASH, active=active)
        world.session.add(user)
        world.session.flush()
        assert user.id is not None
        world.session.add(
            RoleAssignment(user_id=user.id, role=R.CASEWORKER, agency_code="municipality")
        )
        world.session.commit()
        if active:
            world.tokens[username] = new_token(world.session, user, name="test")[0]
    world.session.commit()
    return world


def _task(client: Client, world: World, name: str, user: str = "coordinator") -> dict[str, Any]:
    response = client.get(f"/api/tasks/{world.tasks[name]}", headers=world.headers(user))
    assert response.status_code == 200, response.text
    return dict(response.json())


def _claim(client: Client, world: World, user: str, name: str = "pothole") -> Any:
    version = _task(client, world, name)["version"]
    return client.post(
        f"/api/tasks/{world.tasks[name]}/claim",
        json={"version": version},
        headers=world.headers(user),
    )


def _history(world: World, task_id: int) -> list[tuple[str, str, str]]:
    """(action, actor, comment) of the task's history entries, oldest first."""
    world.session.expire_all()
    entries = [
        (e.action, e.actor, e.comment)
        for e in world.session.exec(
            select(HistoryEntry)
            .where(col(HistoryEntry.task_id) == task_id)
            .order_by(col(HistoryEntry.id))
        ).all()
    ]
    world.session.rollback()  # hold no transaction (on SQLite: the write lock) meanwhile
    return entries


def test_a_caseworker_claims_an_unassigned_task_of_their_agency(
    client: Client, team: World
) -> None:
    before = _task(client, team, "pothole")
    response = _claim(client, team, "municipality.caseworker")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["assignee"] == "municipality.caseworker"
    assert body["version"] == before["version"] + 1
    assert body["state"] == before["state"]  # ownership is not a state change
    assert _history(team, team.tasks["pothole"])[-1] == (
        "claim",
        "municipality.caseworker",
        "— → municipality.caseworker",
    )
    assert _task(client, team, "pothole")["assignee"] == "municipality.caseworker"


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("municipality.caseworker", 200),
        ("municipality.supervisor", 200),
        ("welfare.caseworker", 403),  # sees the (public) case, works for another agency
        ("library.supervisor", 403),
        ("coordinator", 403),  # routes cases, holds no task
        ("admin", 403),
        ("auditor", 403),  # writes nothing
        ("nobody", 404),  # holds no role: sees no case of anyone else
    ],
)
def test_who_may_claim(client: Client, team: World, user: str, status: int) -> None:
    assert _claim(client, team, user).status_code == status


def test_a_confidential_task_of_another_agency_does_not_exist_for_the_claimer(
    client: Client, team: World
) -> None:
    response = client.post(
        f"/api/tasks/{team.tasks['health']}/claim",
        json={"version": 1},
        headers=team.headers("municipality.caseworker"),
    )
    assert response.status_code == 404


def test_a_claim_on_a_stale_version_is_refused_and_changes_nothing(
    client: Client, team: World
) -> None:
    version = _task(client, team, "pothole")["version"]
    url = f"/api/tasks/{team.tasks['pothole']}/claim"
    first = client.post(url, json={"version": version}, headers=team.headers(SECOND))
    assert first.status_code == 200
    second = client.post(
        url, json={"version": version}, headers=team.headers("municipality.caseworker")
    )
    assert second.status_code == 409
    assert "reload" in second.json()["detail"]
    assert _task(client, team, "pothole")["assignee"] == SECOND


def test_a_task_someone_holds_cannot_be_claimed_from_them(client: Client, team: World) -> None:
    assert _claim(client, team, SECOND).status_code == 200
    taken = _claim(client, team, "municipality.caseworker")
    assert taken.status_code == 409
    assert SECOND in taken.json()["detail"]


def test_claiming_needs_a_version(client: Client, team: World) -> None:
    response = client.post(
        f"/api/tasks/{team.tasks['pothole']}/claim",
        json={},
        headers=team.headers("municipality.caseworker"),
    )
    assert response.status_code == 400
    assert "version" in response.json()["detail"]


def test_unclaim_gives_the_task_back_to_the_queue(client: Client, team: World) -> None:
    assert _claim(client, team, "municipality.caseworker").status_code == 200
    task_id = team.tasks["pothole"]
    version = _task(client, team, "pothole")["version"]
    other = client.post(
        f"/api/tasks/{task_id}/unclaim", json={"version": version}, headers=team.headers(SECOND)
    )
    assert other.status_code == 403  # not theirs
    stale = client.post(
        f"/api/tasks/{task_id}/unclaim",
        json={"version": version - 1},
        headers=team.headers("municipality.caseworker"),
    )
    assert stale.status_code == 409
    mine = client.post(
        f"/api/tasks/{task_id}/unclaim",
        json={"version": version},
        headers=team.headers("municipality.caseworker"),
    )
    assert mine.status_code == 200, mine.text
    assert mine.json()["assignee"] is None
    assert _history(team, task_id)[-1][2] == "municipality.caseworker → —"
    again = client.post(
        f"/api/tasks/{task_id}/unclaim",
        json={"version": version + 1},
        headers=team.headers("municipality.caseworker"),
    )
    assert again.status_code == 422  # nobody holds it now


def test_a_supervisor_may_give_back_anyones_task(client: Client, team: World) -> None:
    assert _claim(client, team, SECOND).status_code == 200
    version = _task(client, team, "pothole")["version"]
    response = client.post(
        f"/api/tasks/{team.tasks['pothole']}/unclaim",
        json={"version": version},
        headers=team.headers("municipality.supervisor"),
    )
    assert response.status_code == 200
    assert response.json()["assignee"] is None


def _assign(client: Client, world: World, user: str, username: str | None, version: int) -> Any:
    return client.put(
        f"/api/tasks/{world.tasks['pothole']}/assignee",
        json={"username": username, "version": version},
        headers=world.headers(user),
    )


def test_a_supervisor_assigns_and_reassigns_within_the_agency(client: Client, team: World) -> None:
    version = _task(client, team, "pothole")["version"]
    first = _assign(client, team, "municipality.supervisor", "municipality.caseworker", version)
    assert first.status_code == 200, first.text
    assert first.json()["assignee"] == "municipality.caseworker"
    second = _assign(client, team, "municipality.supervisor", SECOND, version + 1)
    assert second.status_code == 200
    assert _history(team, team.tasks["pothole"])[-1] == (
        "assign_to",
        "municipality.supervisor",
        f"municipality.caseworker → {SECOND}",
    )
    back = _assign(client, team, "municipality.supervisor", None, version + 2)
    assert back.status_code == 200
    assert back.json()["assignee"] is None


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("municipality.supervisor", 200),
        ("municipality.caseworker", 403),  # caseworkers claim; supervisors assign
        ("welfare.supervisor", 403),
        ("coordinator", 403),
        ("admin", 403),
        ("auditor", 403),
    ],
)
def test_who_may_assign(client: Client, team: World, user: str, status: int) -> None:
    version = _task(client, team, "pothole")["version"]
    assert _assign(client, team, user, SECOND, version).status_code == status


@pytest.mark.parametrize(
    "username", ["welfare.caseworker", "coordinator", "municipality.gone", "no-such-person"]
)
def test_a_task_goes_only_to_an_active_worker_of_its_agency(
    client: Client, team: World, username: str
) -> None:
    version = _task(client, team, "pothole")["version"]
    response = _assign(client, team, "municipality.supervisor", username, version)
    assert response.status_code == 422
    body = response.json()
    assert "not an active caseworker or supervisor of municipality" in body["detail"]
    assert _task(client, team, "pothole")["assignee"] is None


def test_an_assignment_on_a_stale_version_is_refused(client: Client, team: World) -> None:
    version = _task(client, team, "pothole")["version"]
    assert _claim(client, team, "municipality.caseworker").status_code == 200
    response = _assign(client, team, "municipality.supervisor", SECOND, version)
    assert response.status_code == 409
    assert _task(client, team, "pothole")["assignee"] == "municipality.caseworker"


def _due(client: Client, world: World, user: str, due_at: str, version: int, reason: str) -> Any:
    return client.put(
        f"/api/tasks/{world.tasks['pothole']}/due",
        json={"due_at": due_at, "reason": reason, "version": version},
        headers=world.headers(user),
    )


def test_a_supervisor_moves_the_due_date_with_a_reason(client: Client, team: World) -> None:
    before = _task(client, team, "pothole")
    assert before["overdue"] is True
    response = _due(
        client,
        team,
        "municipality.supervisor",
        "1499/01/15",
        before["version"],
        "the contractor needs a week",
    )
    assert response.status_code == 200, response.text
    after = _task(client, team, "pothole")
    assert after["version"] == before["version"] + 1
    assert after["overdue"] is False
    assert after["due_at"].startswith("2120-04-04T20:29:59")  # the end of 15 Farvardin 1499
    action, _actor, comment = _history(team, team.tasks["pothole"])[-1]
    assert action == "move_due"
    assert comment.endswith("→ 1499-01-15 23:59: the contractor needs a week")
    case = team.session.get(Case, team.cases["pothole"])
    task = team.session.get(Task, team.tasks["pothole"])
    assert case is not None and task is not None
    assert case.due_at == task.due_at  # the case's deadline follows its primary task's


def test_an_iso_due_instant_is_accepted(client: Client, team: World) -> None:
    version = _task(client, team, "pothole")["version"]
    response = _due(
        client, team, "municipality.supervisor", "2100-01-02T10:00:00Z", version, "agreed"
    )
    assert response.status_code == 200
    assert response.json()["due_at"].startswith("2100-01-02T10:00:00")


@pytest.mark.parametrize(
    ("due_at", "reason", "field"),
    [
        ("1499/01/15", "  ", "reason"),
        ("someday", "agreed", "due_at"),
        ("1499/13/01", "agreed", "due_at"),
        ("1400/01/01", "agreed", "due_at"),  # already passed
    ],
)
def test_a_bad_due_date_or_missing_reason_is_named(
    client: Client, team: World, due_at: str, reason: str, field: str
) -> None:
    version = _task(client, team, "pothole")["version"]
    response = _due(client, team, "municipality.supervisor", due_at, version, reason)
    assert response.status_code == 422
    assert response.json()["detail"].startswith(field)


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("municipality.supervisor", 200),
        ("municipality.caseworker", 403),
        ("welfare.supervisor", 403),
        ("coordinator", 403),
        ("auditor", 403),
    ],
)
def test_who_may_move_a_due_date(client: Client, team: World, user: str, status: int) -> None:
    version = _task(client, team, "pothole")["version"]
    assert _due(client, team, user, "1499/01/15", version, "agreed").status_code == status


def test_moving_a_due_date_on_a_stale_version_is_refused(client: Client, team: World) -> None:
    version = _task(client, team, "pothole")["version"]
    assert _claim(client, team, "municipality.caseworker").status_code == 200
    response = _due(client, team, "municipality.supervisor", "1499/01/15", version, "agreed")
    assert response.status_code == 409


def test_a_finished_task_keeps_its_owner(client: Client, team: World) -> None:
    task = _task(client, team, "pothole")
    done = client.post(
        f"/api/tasks/{team.tasks['pothole']}/transitions",
        json={"transition": "complete", "version": task["version"]},
        headers=team.headers("municipality.caseworker"),
    )
    assert done.status_code == 200, done.text
    response = _claim(client, team, "municipality.caseworker")
    assert response.status_code == 422
    assert "finished" in response.json()["detail"]
