"""Worklists come most urgent first, filter, and page with a cursor that skips and repeats
nothing — with ties on every sort key, with no due date at all, and with rows arriving
between pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from hamyar.core.storage.models import Case, Task, utcnow
from tests.web.conftest import World

Client = TestClient[Litestar]
HEADERS = "municipality.supervisor"


@pytest.fixture
def crowded(world: World) -> World:
    """Twenty-four more municipality tasks: overdue and not, shared due times, no due time,
    and every priority, so that every sort key ties somewhere."""
    now = utcnow()
    shared = now + timedelta(days=2)
    dues = [now - timedelta(days=3), now - timedelta(hours=1), shared, shared, None, None]
    for i in range(24):
        name = f"crowd-{i}"
        world.add_case(name, "municipality.pothole", data={"street": "آزادی", "severity": 2})
        task = world.session.get(Task, world.tasks[name])
        case = world.session.get(Case, world.cases[name])
        assert task is not None and case is not None
        task.due_at = dues[i % len(dues)]
        case.priority = task.priority = (i // 6) % 3  # a task copies its case's priority
        world.session.add_all([task, case])
    world.session.commit()
    return world


def _expected(world: World, ids: list[int]) -> list[int]:
    """The order the product promises, worked out here in Python."""
    now = utcnow()
    rows = []
    for task_id in ids:
        task = world.session.get(Task, task_id)
        assert task is not None
        case = world.session.get(Case, task.case_id)
        assert case is not None
        late = task.due_at is not None and task.due_at < now and task.resolved_at is None
        rows.append(
            (
                case.priority < 2,  # crisis work first, late or not
                not late,
                task.due_at is None,
                task.due_at or now,
                -case.priority,
                task_id,
            )
        )
    world.session.rollback()
    return [row[-1] for row in sorted(rows)]


def _pages(
    client: Client, world: World, worklist: str, limit: int, **params: Any
) -> list[list[int]]:
    pages: list[list[int]] = []
    cursor: str | None = None
    while True:
        query = {"limit": limit, **params, **({"cursor": cursor} if cursor else {})}
        response = client.get(
            f"/api/worklists/{worklist}", params=query, headers=world.headers(HEADERS)
        )
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append([item["id"] for item in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 50, "the cursor does not advance"


def _municipality_tasks(world: World) -> list[int]:
    return [i for n, i in world.tasks.items() if n == "pothole" or n.startswith("crowd-")]


@pytest.mark.parametrize("limit", [1, 4, 5, 7, 25, 200])
def test_pages_hold_every_task_once_most_urgent_first(
    client: Client, crowded: World, limit: int
) -> None:
    pages = _pages(client, crowded, "my-tasks", limit)
    seen = [task_id for page in pages for task_id in page]
    assert seen == _expected(crowded, _municipality_tasks(crowded))
    assert all(len(page) == limit for page in pages[:-1])


def test_crisis_first_then_overdue_then_due_time_then_priority(
    client: Client, crowded: World
) -> None:
    items = client.get(
        "/api/worklists/my-tasks", params={"limit": 200}, headers=crowded.headers(HEADERS)
    ).json()["items"]
    crisis = [item["case"]["priority"] == 2 for item in items]
    assert crisis == sorted(crisis, reverse=True) and any(crisis)  # crisis work before the rest
    crisis_overdue = [item["overdue"] for item in items if item["case"]["priority"] == 2]
    assert crisis_overdue == sorted(crisis_overdue, reverse=True) and not all(crisis_overdue)
    items = [item for item in items if item["case"]["priority"] != 2]
    overdue = [item["overdue"] for item in items]
    assert overdue == sorted(overdue, reverse=True)  # every overdue task before the rest
    dues = [item["due_at"] for item in items if not item["overdue"]]
    assert dues[-6:] == [None] * 6  # no due time: last (two more are crisis work)
    timed = [d for d in dues if d is not None]
    assert timed == sorted(timed)
    same_due = [item for item in items if item["due_at"] == timed[0]]
    priorities = [item["case"]["priority"] for item in same_due]
    assert priorities == sorted(priorities, reverse=True) and len(set(priorities)) > 1


def test_rows_arriving_between_pages_do_not_shift_the_rest(client: Client, crowded: World) -> None:
    headers = crowded.headers(HEADERS)
    first = client.get("/api/worklists/my-tasks", params={"limit": 6}, headers=headers).json()
    before = _expected(crowded, _municipality_tasks(crowded))
    crowded.add_case("late-comer", "municipality.pothole", data={"street": "آزادی", "severity": 1})
    shown = [item["id"] for item in first["items"]]
    cursor, rest = first["next_cursor"], []
    while cursor:
        page = client.get(
            "/api/worklists/my-tasks", params={"limit": 6, "cursor": cursor}, headers=headers
        ).json()
        rest += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
    assert shown + [i for i in rest if i != crowded.tasks["late-comer"]] == before
    assert crowded.tasks["late-comer"] in rest  # no due time yet: it joins the end


def test_newest_first_pages_too(client: Client, crowded: World) -> None:
    pages = _pages(client, crowded, "my-tasks", 5, sort="newest")
    seen = [task_id for page in pages for task_id in page]
    assert seen == sorted(_municipality_tasks(crowded), reverse=True)


def test_filters_narrow_the_list_and_keep_the_order(client: Client, crowded: World) -> None:
    headers = crowded.headers(HEADERS)

    def ids(**params: Any) -> list[int]:
        body = client.get(
            "/api/worklists/my-tasks", params={"limit": 200, **params}, headers=headers
        ).json()
        return [item["id"] for item in body["items"]]

    everything = ids()
    late = ids(overdue="true")
    assert len(late) == 9 and late == [i for i in everything if i in late]  # in the same order
    assert sorted(ids(overdue="false") + late) == sorted(everything)
    assert ids(service="municipality.pothole") == everything
    assert ids(service="library.visit") == []
    assert ids(neighbourhood="khak-sefid") == everything
    assert ids(state="open") == everything
    assert ids(state="in_progress") == []
    assert [
        i for page in _pages(client, crowded, "my-tasks", 2, overdue="true") for i in page
    ] == late


def test_a_bad_sort_or_cursor_is_a_clear_422(client: Client, crowded: World) -> None:
    headers = crowded.headers(HEADERS)
    assert client.get("/api/worklists/my-tasks?sort=random", headers=headers).status_code == 422
    forged = client.get("/api/worklists/my-tasks?cursor=bm9wZQ", headers=headers)
    assert forged.status_code == 422
    assert "cursor" in forged.json()["detail"]
    cursor = client.get("/api/worklists/my-tasks?limit=2", headers=headers).json()["next_cursor"]
    other = client.get(
        "/api/worklists/my-tasks", params={"cursor": cursor, "sort": "newest"}, headers=headers
    )
    assert other.status_code == 422
    assert "sort=urgency" in other.json()["detail"]


def test_my_tasks_the_queue_and_the_team_follow_ownership(client: Client, crowded: World) -> None:
    pothole = crowded.tasks["pothole"]
    response = client.post(
        f"/api/tasks/{pothole}/claim",
        json={"version": 1},
        headers=crowded.headers("municipality.caseworker"),
    )
    assert response.status_code == 200, response.text
    mine = client.get(
        "/api/worklists/assigned-to-me", headers=crowded.headers("municipality.caseworker")
    ).json()
    assert [item["id"] for item in mine["items"]] == [pothole]
    assert mine["items"][0]["may"] == {"claim": False, "unclaim": True, "assign": False}
    queue = client.get(
        "/api/worklists/unassigned",
        params={"limit": 200},
        headers=crowded.headers("municipality.caseworker"),
    ).json()
    assert pothole not in [item["id"] for item in queue["items"]]
    assert queue["count"] == 24
    assert queue["items"][0]["may"]["claim"] is True
    team = client.get(
        "/api/worklists/team",
        params={"assignee": "municipality.caseworker"},
        headers=crowded.headers("municipality.supervisor"),
    ).json()
    assert [item["id"] for item in team["items"]] == [pothole]
    assert team["items"][0]["may"]["assign"] is True
    people = {p["username"]: p["count"] for p in team["people"]}
    assert people == {
        "municipality.caseworker": 1,
        "municipality.supervisor": 0,
        None: 24,  # the unassigned queue
    }
    unassigned = client.get(
        "/api/worklists/team",
        params={"assignee": "-", "limit": 1},
        headers=crowded.headers("municipality.supervisor"),
    ).json()
    assert unassigned["next_cursor"] is not None and unassigned["count"] == 24
    assert (
        client.get(
            "/api/worklists/team", headers=crowded.headers("municipality.caseworker")
        ).status_code
        == 404
    )  # the team list is for supervisors


def test_the_team_counts_those_who_left_exactly(client: Client, world: World) -> None:
    """Someone who has left the agency still holds open tasks: the supervisor sees them, to hand
    them on, and every count is exact, past a worklist's "1000+" too."""
    from sqlalchemy import insert

    template = world.session.get(Task, world.tasks["pothole"])
    assert template is not None
    row = {c.name: getattr(template, c.name) for c in Task.__table__.columns if c.name != "id"}  # type: ignore[attr-defined]
    world.session.execute(
        insert(Task),
        [{**row, "assignee": "municipality.left"}] * 1200
        + [{**row, "assignee": "municipality.caseworker"}] * 2
        + [{**row, "assignee": "municipality.caseworker", "resolved_at": utcnow()}],
    )
    world.session.commit()
    team = client.get("/api/worklists/team", headers=world.headers("municipality.supervisor"))
    people = {p["username"]: p["count"] for p in team.json()["people"]}
    assert people == {
        "municipality.left": 1200,
        "municipality.caseworker": 2,
        "municipality.supervisor": 0,
        None: 1,  # the pothole itself, still unassigned
    }
    page = client.get("/worklists/team", headers=world.headers("municipality.supervisor"))
    assert page.status_code == 200
    assert 'data-person="municipality.left"' in page.text
