"""Notes, corrections, reopening and duplicates through the API: who may, and what they see.

The world (tests/web/conftest.py): a public pothole case of the municipality, confidential
health and welfare cases, and an unrouted pothole report still in `new`.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import TestClient
from sqlmodel import select

from hamyar.core.storage.models import Incident, OutboxMessage, Task
from tests.web.conftest import World

Client = TestClient[Litestar]


def _detail(client: Client, world: World, user: str, case: str) -> dict[str, Any]:
    response = client.get(f"/api/cases/{world.cases[case]}", headers=world.headers(user))
    assert response.status_code == 200, response.text
    return response.json()


def _note(client: Client, world: World, user: str, case: str, text: str, visibility: str) -> Any:
    return client.post(
        f"/api/cases/{world.cases[case]}/notes",
        headers=world.headers(user),
        json={"text": text, "visibility": visibility},
    )


# -- notes -----------------------------------------------------------------------------------


def test_each_note_is_read_by_those_it_was_written_for(client: Client, world: World) -> None:
    for text, visibility in [("داخلی", "agency"), ("مشترک", "shared"), ("عمومی", "public")]:
        response = _note(client, world, "municipality.caseworker", "pothole", text, visibility)
        assert response.status_code == 201, response.text
        body = response.json()
        assert (body["author"], body["agency"], body["visibility"]) == (
            "municipality.caseworker",
            "municipality",
            visibility,
        )

    def texts(user: str) -> list[str]:
        return [n["text"] for n in _detail(client, world, user, "pothole")["notes"]]

    assert texts("municipality.caseworker") == ["داخلی", "مشترک", "عمومی"]
    assert texts("municipality.supervisor") == ["داخلی", "مشترک", "عمومی"]
    assert texts("coordinator") == ["مشترک", "عمومی"]
    assert texts("auditor") == ["مشترک", "عمومی"]  # what a coordinator reads
    assert texts("welfare.caseworker") == ["عمومی"]  # reads the public case, is not on it
    detail = _detail(client, world, "welfare.caseworker", "pothole")
    assert "داخلی" not in str(detail)


def test_who_may_not_write_a_note(client: Client, world: World) -> None:
    cases = [
        ("welfare.caseworker", "pothole", "shared", 403),  # an uninvolved agency
        ("auditor", "pothole", "shared", 403),
        ("nobody", "pothole", "shared", 404),  # a role-less account sees only its own
        ("welfare.caseworker", "health", "shared", 404),  # another agency's confidential case
        ("coordinator", "health", "shared", 403),  # may not read its content
    ]
    for user, case, visibility, status in cases:
        response = _note(client, world, user, case, "یادداشت", visibility)
        assert response.status_code == status, (user, case, response.text)
        assert response.json()["detail"]
    assert _detail(client, world, "municipality.caseworker", "pothole")["notes"] == []


def test_bad_notes_are_refused_with_a_reason(client: Client, world: World) -> None:
    refusals = [
        ("coordinator", "pothole", "x", "agency", "agency"),  # a coordinator has no agency
        ("health.caseworker", "health", "x", "public", "confidential"),
        ("municipality.caseworker", "pothole", "   ", "shared", "text"),
        ("municipality.caseworker", "pothole", "x", "everyone", "visibility"),
    ]
    for user, case, text, visibility, words in refusals:
        response = _note(client, world, user, case, text, visibility)
        assert response.status_code == 422, (user, response.text)
        assert words in response.text
    ok = _note(client, world, "coordinator", "pothole", "هماهنگی", "shared")
    assert ok.status_code == 201 and ok.json()["agency"] is None


# -- corrections -----------------------------------------------------------------------------


def _patch(client: Client, world: World, user: str, case: str, **body: Any) -> Any:
    return client.patch(f"/api/cases/{world.cases[case]}", headers=world.headers(user), json=body)


def test_a_correction_records_each_change_and_refreshes_search(
    client: Client, world: World
) -> None:
    version = _detail(client, world, "municipality.caseworker", "pothole")["version"]
    response = _patch(
        client,
        world,
        "municipality.caseworker",
        "pothole",
        title="چاله بزرگ خیابان جمهوری",
        data={"severity": 5},
        version=version,
    )
    assert response.status_code == 200, response.text
    assert response.json()["changed"] == ["title", "data.severity"]
    assert response.json()["version"] == version + 1
    detail = _detail(client, world, "municipality.caseworker", "pothole")
    assert detail["title"] == "چاله بزرگ خیابان جمهوری"
    assert detail["data"] == {"street": "آزادی", "severity": 5}
    changes = [h["change"] for h in detail["history"] if h["action"] == "edit"]
    assert changes == [
        {"field": "title", "from": "چاله خیابان آزادی", "to": "چاله بزرگ خیابان جمهوری"},
        {"field": "data.severity", "from": 3, "to": 5},
    ]
    found = client.get("/api/cases?q=جمهوری", headers=world.headers("coordinator")).json()
    assert [c["id"] for c in found["items"]] == [world.cases["pothole"]]
    stale = _patch(client, world, "coordinator", "pothole", title="دیگر", version=version)
    assert stale.status_code == 409 and "reload" in stale.json()["detail"]


def test_a_correction_must_satisfy_the_form(client: Client, world: World) -> None:
    version = _detail(client, world, "municipality.caseworker", "pothole")["version"]
    for body, field in [
        ({"data": {"severity": 9}}, "severity"),
        ({"data": {"street": None}}, "street"),  # a required answer cannot be removed
        ({"title": "  "}, "title"),
        ({"neighbourhood": "atlantis"}, "neighbourhood"),
    ]:
        response = _patch(
            client, world, "municipality.caseworker", "pothole", version=version, **body
        )
        assert response.status_code == 422, response.text
        assert field in response.text
    assert _detail(client, world, "coordinator", "pothole")["version"] == version


def test_who_may_correct_a_case(client: Client, world: World) -> None:
    version = _detail(client, world, "coordinator", "pothole")["version"]
    for user, case, status in [
        ("welfare.caseworker", "pothole", 403),
        ("auditor", "pothole", 403),
        ("coordinator", "health", 403),
        ("library.caseworker", "health", 404),
    ]:
        response = _patch(client, world, user, case, title="تغییر", version=version)
        assert response.status_code == status, (user, response.text)
    response = _patch(client, world, "health.caseworker", "health", title="عنوان تازه", version=2)
    assert response.status_code == 200, response.text
    coordinator_view = _detail(client, world, "coordinator", "health")
    edits = [h for h in coordinator_view["history"] if h["action"] == "edit"]
    assert edits and edits[0]["comment"] is None and "change" not in edits[0]
    assert "عنوان تازه" not in str(coordinator_view)


# -- reopen ----------------------------------------------------------------------------------


def _complete_task(client: Client, world: World, user: str = "municipality.caseworker") -> None:
    task = _detail(client, world, user, "pothole")["tasks"][0]
    response = client.post(
        f"/api/tasks/{task['id']}/transitions",
        headers=world.headers(user),
        json={"transition": "complete", "version": task["version"]},
    )
    assert response.status_code == 200, response.text


def test_reopening_a_resolved_case_reopens_the_picked_tasks(client: Client, world: World) -> None:
    _complete_task(client, world)
    case = _detail(client, world, "coordinator", "pothole")
    assert case["state"] == "resolved"
    task_id = case["tasks"][0]["id"]
    url = f"/api/cases/{world.cases['pothole']}/reopen"
    body = {"comment": "ترمیم ناقص بود", "version": case["version"]}
    refused = [
        ("municipality.caseworker", {**body, "tasks": [task_id]}, 403),
        ("auditor", {**body, "tasks": [task_id]}, 403),
        ("coordinator", {**body, "tasks": [task_id + 999]}, 422),
        ("coordinator", {**body, "tasks": []}, 422),
        ("coordinator", {**body, "comment": " ", "tasks": [task_id]}, 422),
        ("coordinator", {**body, "version": 1, "tasks": [task_id]}, 409),
    ]
    for user, payload, status in refused:
        response = client.post(url, headers=world.headers(user), json=payload)
        assert response.status_code == status, (user, payload, response.text)
        assert response.json()["detail"]
    response = client.post(
        url, headers=world.headers("coordinator"), json={**body, "tasks": [task_id]}
    )
    assert response.status_code == 200, response.text
    case = _detail(client, world, "coordinator", "pothole")
    assert case["state"] == "in_progress"  # and stays there: a task acts again
    assert case["tasks"][0]["state"] == "open"
    assert [h["action"] for h in case["history"]][-2:] == ["reopen", "reopen"]
    _complete_task(client, world)
    assert _detail(client, world, "coordinator", "pothole")["state"] == "resolved"


def test_the_bare_reopen_transition_reopens_every_finished_task(
    client: Client, world: World
) -> None:
    _complete_task(client, world)
    case = _detail(client, world, "coordinator", "pothole")
    assert "reopen" in [t["id"] for t in case["transitions"]]
    response = client.post(
        f"/api/cases/{world.cases['pothole']}/transitions",
        headers=world.headers("coordinator"),
        json={"transition": "reopen", "comment": "دوباره", "version": case["version"]},
    )
    assert response.status_code == 200, response.text
    case = _detail(client, world, "coordinator", "pothole")
    assert (case["state"], case["tasks"][0]["state"]) == ("in_progress", "open")


# -- duplicates ------------------------------------------------------------------------------


def test_marking_a_duplicate_records_the_original_and_undoing_it_routes_again(
    client: Client, world: World
) -> None:
    repeat = _detail(client, world, "coordinator", "unrouted")
    original = _detail(client, world, "coordinator", "pothole")
    url = f"/api/cases/{world.cases['unrouted']}/duplicate-of"
    refused = [
        ("coordinator", {"original": world.cases["unrouted"]}, 422, "itself"),
        ("coordinator", {"original": "1234567890"}, 422, "original"),
        ("coordinator", {"original": 99999}, 422, "original"),
        ("coordinator", {"original": original["id"], "version": 99}, 409, "reload"),
        ("welfare.caseworker", {"original": original["id"]}, 403, "may not"),
        ("auditor", {"original": original["id"]}, 403, "auditors"),
    ]
    for user, payload, status, words in refused:
        response = client.post(
            url, headers=world.headers(user), json={"version": repeat["version"], **payload}
        )
        assert response.status_code == status, (user, payload, response.text)
        assert words in response.json()["detail"]
    bare = client.post(
        f"/api/cases/{world.cases['unrouted']}/transitions",
        headers=world.headers("coordinator"),
        json={"transition": "mark_duplicate", "comment": "x", "version": repeat["version"]},
    )
    assert bare.status_code == 422 and "original" in bare.json()["detail"]
    response = client.post(
        url,
        headers=world.headers("coordinator"),
        json={"original": original["tracking_code"], "version": repeat["version"]},
    )
    assert response.status_code == 200, response.text
    marked = _detail(client, world, "municipality.caseworker", "unrouted")
    assert (marked["state"], marked["duplicate_of_id"]) == ("duplicate", original["id"])
    assert marked["original"]["tracking_code"] == original["tracking_code"]
    listed = _detail(client, world, "municipality.caseworker", "pothole")["duplicates"]
    assert [d["id"] for d in listed] == [world.cases["unrouted"]]

    stale = client.request("DELETE", url, headers=world.headers("coordinator"), json={"version": 1})
    assert stale.status_code == 409
    undo = client.request(
        "DELETE", url, headers=world.headers("coordinator"), json={"version": marked["version"]}
    )
    assert undo.status_code == 200, undo.text
    back = _detail(client, world, "coordinator", "unrouted")
    assert (back["state"], back["duplicate_of_id"], back["original"]) == ("new", None, None)
    assert _detail(client, world, "coordinator", "pothole")["duplicates"] == []
    world.session.expire_all()
    steps = world.session.exec(
        select(OutboxMessage.key).where(OutboxMessage.case_id == world.cases["unrouted"])
    ).all()
    world.session.rollback()
    assert any(key.startswith(f"route:{world.cases['unrouted']}:again:") for key in steps)
    again = client.request(
        "DELETE", url, headers=world.headers("coordinator"), json={"version": back["version"]}
    )
    assert again.status_code == 422 and "not marked" in again.json()["detail"]


# -- incidents -------------------------------------------------------------------------------


def test_a_case_shows_its_failed_steps_to_those_who_may_work_on_it(
    client: Client, world: World
) -> None:
    session = world.session
    incident = Incident(
        outbox_key=f"route:{world.cases['pothole']}",
        kind="route_case",
        case_id=world.cases["pothole"],
        error="RuntimeError: boom",
        attempts=5,
    )
    session.add(incident)
    session.commit()
    seen = _detail(client, world, "municipality.caseworker", "pothole")["incidents"]
    assert [i["error"] for i in seen] == ["RuntimeError: boom"]
    assert _detail(client, world, "coordinator", "pothole")["incidents"] != []
    assert _detail(client, world, "welfare.caseworker", "pothole")["incidents"] == []
    assert _detail(client, world, "auditor", "pothole")["incidents"] == []


def test_only_the_picked_tasks_act_again(client: Client, world: World) -> None:
    session = world.session
    second = Task(
        case_id=world.cases["pothole"],
        agency_code="library",
        service_code="library.visit",
        workflow_id="hamyar.task",
        state="done",
        kind="joint",
    )
    session.add(second)
    session.commit()
    _complete_task(client, world)
    case = _detail(client, world, "coordinator", "pothole")
    assert case["state"] == "resolved"
    first = world.tasks["pothole"]
    response = client.post(
        f"/api/cases/{world.cases['pothole']}/reopen",
        headers=world.headers("coordinator"),
        json={"comment": "فقط شهرداری", "version": case["version"], "tasks": [first]},
    )
    assert response.status_code == 200, response.text
    states = {
        t["id"]: t["state"] for t in _detail(client, world, "coordinator", "pothole")["tasks"]
    }
    assert states == {first: "open", second.id: "done"}
