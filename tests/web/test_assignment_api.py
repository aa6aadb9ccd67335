"""Assigning from triage, adding agencies, reassigning and "not responsible", over the API.

A coordinator routes by hand what the router could not; every other role is refused, an
auditor writes nothing, a stale page is told so (409), and bad input says what is wrong.
"""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from hamyar.core.auth.actor import SYSTEM
from hamyar.core.engine.transition import apply_transition
from hamyar.core.storage.models import Case, RoutingRule
from tests.web.conftest import World

Client = TestClient[Litestar]


def _triage(world: World, name: str = "triage", service: str = "municipality.pothole") -> int:
    """A case the router sent to triage, with the router's reason."""
    case_id = world.add_case(name, service, routed=False, data={"street": "آزادی", "severity": 2})
    case = world.session.get(Case, case_id)
    assert case is not None
    apply_transition(
        world.session, case, "to_triage", SYSTEM, world.plugins.registry, comment="هیچ قاعده‌ای"
    )
    world.session.commit()
    return case_id


def _case(client: Client, world: World, case_id: int, user: str = "coordinator") -> Any:
    response = client.get(f"/api/cases/{case_id}", headers=world.headers(user))
    assert response.status_code == 200, response.text
    return response.json()


def _assign(client: Client, world: World, case_id: int, user: str, **body: Any) -> Any:
    return client.post(f"/api/cases/{case_id}/assign", json=body, headers=world.headers(user))


def test_a_coordinator_assigns_a_triage_case_to_two_services(client: Client, world: World) -> None:
    case_id = _triage(world)
    response = _assign(
        client,
        world,
        case_id,
        "coordinator",
        services=["municipality.pothole", "library.visit"],
        reason="خیابان در محدوده منطقه ۳ است",
        version=2,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["case"]["state"] == "in_progress"
    assert [(t["service"], t["kind"], t["state"]) for t in body["tasks"]] == [
        ("municipality.pothole", "primary", "open"),
        ("library.visit", "joint", "planned"),
    ]
    assert all(t["due_at"] for t in body["tasks"])
    case = _case(client, world, case_id)
    assert case["state"] == "in_progress" and case["agency"] == "municipality"
    assert [h["action"] for h in case["history"]][-1] == "assign"  # no back_to_triage after it
    assert case["history"][-1]["comment"] == "خیابان در محدوده منطقه ۳ است"
    # the municipality now works it
    tasks = client.get(
        "/api/worklists/my-tasks", headers=world.headers("municipality.caseworker")
    ).json()
    assert case_id in [t["case_id"] for t in tasks["items"]]


def test_the_triage_assign_transition_asks_for_the_form(client: Client, world: World) -> None:
    case_id = _triage(world)
    response = client.post(
        f"/api/cases/{case_id}/transitions",
        json={"transition": "assign", "version": 2},
        headers=world.headers("coordinator"),
    )
    assert response.status_code == 422
    assert "/assign" in response.json()["detail"]
    assert _case(client, world, case_id)["state"] == "triage"


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("municipality.caseworker", 403),
        ("municipality.supervisor", 403),
        ("auditor", 403),
        ("nobody", 404),  # holds no role: sees no case at all
    ],
)
def test_only_a_coordinator_assigns(client: Client, world: World, user: str, status: int) -> None:
    case_id = _triage(world)
    response = _assign(
        client, world, case_id, user, services=["municipality.pothole"], reason="x", version=2
    )
    assert response.status_code == status, response.text
    assert response.json()["detail"]
    assert _case(client, world, case_id)["state"] == "triage"


def test_a_stale_version_is_refused(client: Client, world: World) -> None:
    case_id = _triage(world)
    response = _assign(
        client,
        world,
        case_id,
        "coordinator",
        services=["municipality.pothole"],
        reason="دلیل",
        version=1,
    )
    assert response.status_code == 409
    assert "version" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"services": ["nowhere.service"], "reason": "دلیل"}, "services"),
        ({"services": [], "reason": "دلیل"}, "services"),
        ({"services": ["municipality.pothole"], "reason": "  "}, "reason"),
    ],
)
def test_bad_input_says_what_is_wrong(
    client: Client, world: World, body: dict[str, Any], field: str
) -> None:
    case_id = _triage(world)
    response = _assign(client, world, case_id, "coordinator", version=2, **body)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field
    assert response.json()["detail"]


def test_a_missing_field_is_a_400_with_its_name(client: Client, world: World) -> None:
    case_id = _triage(world)
    response = _assign(client, world, case_id, "coordinator", services=["municipality.pothole"])
    assert response.status_code == 400
    assert "reason" in response.json()["detail"]


def test_a_coordinator_adds_an_agency_to_a_case_in_progress(client: Client, world: World) -> None:
    case_id = world.cases["pothole"]
    version = _case(client, world, case_id)["version"]
    response = _assign(
        client,
        world,
        case_id,
        "coordinator",
        services=["welfare.empowerment"],
        reason="خانوار آسیب‌دیده",
        version=version,
    )
    assert response.status_code == 201, response.text
    assert [(t["agency"], t["kind"]) for t in response.json()["tasks"]] == [("welfare", "joint")]
    again = _assign(
        client,
        world,
        case_id,
        "coordinator",
        services=["welfare.empowerment"],
        reason="دوباره",
        version=version,
    )
    assert again.status_code == 422  # one open task per service
    assert again.json()["errors"][0]["message"] == "already assigned"


def test_the_picker_lists_services_covering_the_region_first(client: Client, world: World) -> None:
    world.session.add(
        RoutingRule(
            category="lighting",
            province_code="tehran",
            service_code="library.visit",
            note="کتابخانه تهران",
        )
    )
    world.session.commit()
    case_id = _triage(world)
    response = client.get(f"/api/cases/{case_id}/assign", headers=world.headers("coordinator"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["triage_reason"] == "هیچ قاعده‌ای"
    first = body["services"][0]
    assert (first["code"], first["covers"], first["reason"]) == (
        "library.visit",
        True,
        "کتابخانه تهران",
    )
    assert {s["code"] for s in body["services"]} == set(world.plugins.registry.services)
    assert not any(s["covers"] for s in body["services"][1:])


def test_a_coordinator_reassigns_an_open_task(client: Client, world: World) -> None:
    task_id = world.tasks["pothole"]
    refused = client.post(
        f"/api/tasks/{task_id}/reassign",
        json={"service": "library.visit", "reason": "کار کتابخانه است", "version": 1},
        headers=world.headers("municipality.supervisor"),
    )
    assert refused.status_code == 403
    stale = client.post(
        f"/api/tasks/{task_id}/reassign",
        json={"service": "library.visit", "reason": "کار کتابخانه است", "version": 7},
        headers=world.headers("coordinator"),
    )
    assert stale.status_code == 409
    response = client.post(
        f"/api/tasks/{task_id}/reassign",
        json={"service": "library.visit", "reason": "کار کتابخانه است", "version": 1},
        headers=world.headers("coordinator"),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["closed"]["state"] == "cancelled"
    assert (body["task"]["service"], body["task"]["kind"]) == ("library.visit", "primary")
    case = _case(client, world, world.cases["pothole"])
    assert case["state"] == "in_progress" and case["agency"] == "library"
    unknown = client.post(
        f"/api/tasks/{body['task']['id']}/reassign",
        json={"service": "nowhere", "reason": "x", "version": 1},
        headers=world.headers("coordinator"),
    )
    assert unknown.status_code == 422


def test_not_responsible_returns_to_triage_and_the_coordinator_reads_why(
    client: Client, world: World
) -> None:
    response = client.post(
        f"/api/tasks/{world.tasks['health']}/transitions",
        json={"transition": "not_responsible", "version": 1, "comment": "کار بهزیستی است"},
        headers=world.headers("health.caseworker"),
    )
    assert response.status_code == 200, response.text
    case = _case(client, world, world.cases["health"])
    assert case["state"] == "triage" and case["redacted"] is True
    assert case["title"] is None  # the content stays hidden ...
    reasons = [h["comment"] for h in case["history"] if h["action"] == "not_responsible"]
    assert reasons == ["کار بهزیستی است"]  # ... the reason does not
    picker = client.get(
        f"/api/cases/{world.cases['health']}/assign", headers=world.headers("coordinator")
    ).json()
    assert "کار بهزیستی است" in picker["triage_reason"]
    assigned = _assign(
        client,
        world,
        world.cases["health"],
        "coordinator",
        services=["welfare.empowerment"],
        reason="به بهزیستی",
        version=case["version"],
    )
    assert assigned.status_code == 201, assigned.text
