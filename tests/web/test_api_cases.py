"""Opening, listing and moving cases through the API, and every way a request can be wrong.

Bad input is always a 4xx with a JSON `{"status_code", "detail"}` a person can act on — never a
500, and never a half-written case.
"""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import func, select

from hamyar.core.storage.models import Case
from hamyar.core.web.app import MAX_BODY_BYTES
from tests.web.conftest import World

Client = TestClient[Litestar]


def _count_cases(world: World) -> int:
    world.session.expire_all()
    count = world.session.execute(select(func.count()).select_from(Case)).scalar_one()
    world.session.rollback()  # end the read: SQLite sessions hold the write lock until then
    return count


def test_open_a_case(client: Client, world: World) -> None:
    response = client.post(
        "/api/cases",
        headers=world.headers("municipality.caseworker"),
        json={
            "service": "municipality.pothole",
            "neighbourhood": "khak-sefid",
            "title": "چاله عمیق",
            "description": "کنار ایستگاه اتوبوس",
            "data": {"street": "دماوند", "severity": 4},
            "channel": "api",
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"id", "tracking_code", "state", "version"}
    assert (body["state"], body["version"]) == ("new", 1)
    case = client.get(
        f"/api/cases/{body['id']}", headers=world.headers("municipality.caseworker")
    ).json()
    assert case["data"] == {"street": "دماوند", "severity": 4}
    assert case["neighbourhood_id"] == world.neighbourhood_id
    assert case["history"][0]["action"] == "create"


BAD_BODIES: list[tuple[str, Any, int, str]] = [
    ("malformed JSON", b'{"service": "municipality.pothole", "title": ', 400, "JSON"),
    ("wrong type", {"service": "municipality.pothole", "title": 12}, 400, "title"),
    ("missing field", {"service": "municipality.pothole"}, 400, "title"),
    (
        "unknown field",
        {"service": "municipality.pothole", "title": "x", "colour": "red"},
        400,
        "colour",
    ),
    ("not an object", [1, 2, 3], 400, ""),
    ("unknown service", {"service": "nowhere.nothing", "title": "x"}, 422, "unknown service"),
    (
        "form error",
        {
            "service": "municipality.pothole",
            "title": "x",
            "data": {"street": "آزادی", "severity": 9},
        },
        422,
        "severity",
    ),
    (
        "unknown neighbourhood",
        {"service": "library.visit", "title": "x", "neighbourhood": "atlantis"},
        422,
        "neighbourhood",
    ),
    (
        "unknown channel",
        {"service": "library.visit", "title": "x", "channel": "pigeon"},
        422,
        "channel",
    ),
    ("empty title", {"service": "library.visit", "title": "   "}, 422, "title"),
]


@pytest.mark.parametrize(
    ("why", "body", "status", "mentions"), BAD_BODIES, ids=[b[0] for b in BAD_BODIES]
)
def test_bad_input_is_a_4xx_that_says_why(
    client: Client, world: World, why: str, body: Any, status: int, mentions: str
) -> None:
    before = _count_cases(world)
    kwargs: dict[str, Any] = (
        {
            "content": body,
            "headers": {**world.headers("library.caseworker"), "content-type": "application/json"},
        }
        if isinstance(body, bytes)
        else {"json": body, "headers": world.headers("library.caseworker")}
    )
    response = client.post("/api/cases", **kwargs)
    assert response.status_code == status, response.text
    error = response.json()
    assert error["status_code"] == status
    assert mentions in error["detail"] or any(
        mentions in e["field"] for e in error.get("errors", [])
    )
    assert _count_cases(world) == before


def test_form_errors_name_each_field(client: Client, world: World) -> None:
    response = client.post(
        "/api/cases",
        headers=world.headers("library.caseworker"),
        json={"service": "municipality.pothole", "title": "x", "data": {"severity": 0}},
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"street", "severity"}


def test_an_oversized_body_is_refused_with_413(client: Client, world: World) -> None:
    huge = {"service": "library.visit", "title": "x", "description": "ب" * MAX_BODY_BYTES}
    response = client.post("/api/cases", json=huge, headers=world.headers("library.caseworker"))
    assert response.status_code == 413
    assert response.json() == {"status_code": 413, "detail": "the request body is too large"}


@pytest.mark.parametrize(
    "query",
    [
        {"limit": "0"},
        {"limit": "lots"},
        {"limit": "1000"},
        {"cursor": "not-a-cursor"},
        {"overdue": "maybe"},
        {"neighbourhood": "atlantis"},
    ],
)
def test_bad_query_parameters_are_4xx(client: Client, world: World, query: dict[str, str]) -> None:
    response = client.get("/api/cases", params=query, headers=world.headers("coordinator"))
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["detail"]


def test_unknown_routes_and_methods_are_json_4xx(client: Client, world: World) -> None:
    headers = world.headers("coordinator")
    missing = client.get("/api/nothing-here", headers=headers)
    assert missing.status_code == 404 and "/api/nothing-here" in missing.json()["detail"]
    wrong = client.delete(f"/api/cases/{world.cases['pothole']}", headers=headers)
    assert wrong.status_code == 405 and wrong.json()["status_code"] == 405


def test_pages_are_keyed_and_complete(client: Client, world: World) -> None:
    for i in range(7):
        world.add_case(f"extra{i}", "library.visit", title=f"بازدید {i}")
    headers = world.headers("coordinator")
    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": "3", **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/cases", params=params, headers=headers).json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(world.cases.values(), reverse=True)


def test_filters(client: Client, world: World) -> None:
    headers = world.headers("coordinator")

    def ids(**params: str) -> set[int]:
        body = client.get("/api/cases", params=params, headers=headers).json()
        return {item["id"] for item in body["items"]}

    c = world.cases
    assert ids(state="new") == {c["unrouted"]}
    assert ids(state="new,in_progress") == set(c.values())
    assert ids(service="municipality.pothole") == {c["pothole"], c["unrouted"]}
    assert ids(agency="health") == {c["health"]}
    assert ids(overdue="true") == {c["pothole"]}
    assert c["pothole"] not in ids(overdue="false")
    assert ids(neighbourhood="khak-sefid") == set(c.values())
    assert ids(neighbourhood=str(world.neighbourhood_id)) == set(c.values())


def _move(
    client: Client,
    world: World,
    user: str,
    task: str,
    transition: str,
    version: int,
    comment: str = "",
) -> Any:
    return client.post(
        f"/api/tasks/{world.tasks[task]}/transitions",
        json={"transition": transition, "version": version, "comment": comment},
        headers=world.headers(user),
    )


def test_transitions_report_what_happened(client: Client, world: World) -> None:
    started = _move(client, world, "municipality.caseworker", "pothole", "start", 1)
    assert started.status_code == 200
    assert (started.json()["state"], started.json()["version"]) == ("in_progress", 2)
    done = _move(client, world, "municipality.caseworker", "pothole", "complete", 2, "پر شد")
    body = done.json()
    assert body["state"] == "done"
    assert body["case"]["state"] == "resolved"  # the case resolves itself when its tasks are done
    case = client.get(
        f"/api/cases/{world.cases['pothole']}", headers=world.headers("municipality.caseworker")
    ).json()
    assert [h["action"] for h in case["history"]][-2:] == ["complete", "resolve"]
    assert case["history"][-2]["comment"] == "پر شد"
    assert [t["id"] for t in case["transitions"]] == []  # closing is the coordinators' job
    coordinator_view = client.get(
        f"/api/cases/{world.cases['pothole']}", headers=world.headers("coordinator")
    ).json()
    assert [t["id"] for t in coordinator_view["transitions"]] == ["close", "reopen"]


def test_a_stale_version_is_a_409_and_changes_nothing(client: Client, world: World) -> None:
    assert _move(client, world, "municipality.caseworker", "pothole", "start", 1).status_code == 200
    stale = _move(client, world, "municipality.supervisor", "pothole", "complete", 1)
    assert stale.status_code == 409
    assert "reload" in stale.json()["detail"]
    task = client.get(
        f"/api/tasks/{world.tasks['pothole']}", headers=world.headers("municipality.caseworker")
    ).json()
    assert (task["state"], task["version"]) == ("in_progress", 2)


def test_a_transition_not_from_this_state_is_a_422(client: Client, world: World) -> None:
    response = _move(client, world, "municipality.caseworker", "pothole", "accept", 1)
    assert response.status_code == 422
    assert "does not leave state 'open'" in response.json()["detail"]


def test_a_missing_comment_is_a_422(client: Client, world: World) -> None:
    response = _move(client, world, "municipality.caseworker", "pothole", "not_responsible", 1)
    assert response.status_code == 422
    assert "comment" in response.json()["detail"]


def test_a_transition_needs_the_version_you_saw(client: Client, world: World) -> None:
    response = client.post(
        f"/api/tasks/{world.tasks['pothole']}/transitions",
        json={"transition": "start"},
        headers=world.headers("municipality.caseworker"),
    )
    assert response.status_code == 400
    assert "version" in response.json()["detail"]


def test_case_transitions(client: Client, world: World) -> None:
    case_id = world.cases["unrouted"]
    headers = world.headers("coordinator")
    response = client.post(
        f"/api/cases/{case_id}/transitions",
        headers=headers,
        json={"transition": "reject", "version": 1, "comment": "تکراری نیست"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "rejected"
    guard = client.post(
        f"/api/cases/{world.cases['library']}/transitions",
        headers=world.headers("library.caseworker"),
        json={"transition": "cancel", "version": 2, "comment": "x"},
    )
    assert guard.status_code == 403
