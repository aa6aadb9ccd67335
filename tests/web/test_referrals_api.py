"""Referrals over the API: who may refer, consent for confidential cases, and what the
recipient sees before it accepts, after it accepts, and once the referral is rejected or revoked.

The health case is confidential: a welfare caseworker does not know it exists until health
refers it; while the referral is offered welfare sees what it needs to decide (service, reason,
neighbourhood, dates); once accepted, the file; once rejected or revoked, nothing again — a 404,
and no trace in lists, search or reports.
"""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from tests.web.conftest import World

Client = TestClient[Litestar]
CONSENT = {"given": True, "by": "مادر خانواده", "method": "in_person", "at": "2026-11-30T09:00:00Z"}
SECRET_WORD = "غربالگری"  # in the health case's title


def _refer(client: Client, world: World, task: int, user: str, **body: Any) -> Any:
    return client.post(f"/api/tasks/{task}/referrals", json=body, headers=world.headers(user))


def _offer_health_to_welfare(client: Client, world: World) -> dict[str, Any]:
    response = _refer(
        client,
        world,
        world.tasks["health"],
        "health.caseworker",
        service="welfare.empowerment",
        reason="خانوار به حمایت معیشتی نیاز دارد",
        consent=CONSENT,
        version=1,
    )
    assert response.status_code == 201, response.text
    return response.json()


def _move(client: Client, world: World, task: dict[str, Any], user: str, step: str) -> Any:
    response = client.post(
        f"/api/tasks/{task['id']}/transitions",
        json={"transition": step, "version": task["version"], "comment": "به دلیل کافی"},
        headers=world.headers(user),
    )
    assert response.status_code == 200, response.text
    return response.json()


def _sees(client: Client, world: World, user: str) -> dict[str, bool]:
    """Whether `user` finds the health case by id, in the list, by search, in reports."""
    headers = world.headers(user)
    case_id = world.cases["health"]
    by_id = client.get(f"/api/cases/{case_id}", headers=headers).status_code == 200
    listed = client.get("/api/cases", headers=headers).json()["items"]
    found = client.get("/api/cases", params={"q": SECRET_WORD}, headers=headers).json()["items"]
    report = client.get(
        "/api/reports/summary", params={"group_by": "service"}, headers=headers
    ).json()
    return {
        "id": by_id,
        "list": case_id in [c["id"] for c in listed],
        "search": case_id in [c["id"] for c in found],
        "report": "health.screening" in {r["key"] for r in report["rows"]},
    }


NOTHING = {"id": False, "list": False, "search": False, "report": False}


def test_a_referral_of_a_public_case_needs_no_consent(client: Client, world: World) -> None:
    response = _refer(
        client,
        world,
        world.tasks["pothole"],
        "municipality.caseworker",
        service="welfare.empowerment",
        reason="خانوار آسیب‌دیده از حادثه",
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["kind"], body["state"], body["agency"], body["referred_by"]) == (
        "referral",
        "offered",
        "welfare",
        "municipality",
    )
    assert body["due_at"]


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("library.caseworker", 403),  # sees the public case, holds no task of it
        ("coordinator", 403),  # routes cases; refers from no agency's task
        ("auditor", 403),
        ("nobody", 404),
    ],
)
def test_only_the_task_s_agency_refers_from_it(
    client: Client, world: World, user: str, status: int
) -> None:
    response = _refer(
        client,
        world,
        world.tasks["pothole"],
        user,
        service="welfare.empowerment",
        reason="دلیل",
    )
    assert response.status_code == status, response.text


def test_another_agency_cannot_refer_from_a_confidential_task(client: Client, world: World) -> None:
    response = _refer(
        client,
        world,
        world.tasks["health"],
        "welfare.caseworker",
        service="library.visit",
        reason="دلیل",
        consent=CONSENT,
    )
    assert response.status_code == 404  # the case does not exist for welfare


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"service": "nowhere.service", "reason": "دلیل"}, 422, "service"),
        ({"service": "welfare.empowerment", "reason": " "}, 422, "reason"),
        ({"service": "health.screening", "reason": "دلیل"}, 422, "service"),  # own agency
        (
            {
                "service": "welfare.empowerment",
                "reason": "دلیل",
                "consent": {**CONSENT, "method": "fax"},
            },
            422,
            "consent.method",
        ),
        (
            {"service": "welfare.empowerment", "reason": "دلیل", "consent": {**CONSENT, "by": ""}},
            422,
            "consent.by",
        ),
        (
            {
                "service": "welfare.empowerment",
                "reason": "دلیل",
                "consent": {**CONSENT, "at": "فردا"},
            },
            422,
            "consent.at",
        ),
    ],
)
def test_bad_input_says_what_is_wrong(
    client: Client, world: World, body: dict[str, Any], status: int, field: str
) -> None:
    response = _refer(client, world, world.tasks["health"], "health.caseworker", **body)
    assert response.status_code == status, response.text
    assert response.json()["errors"][0]["field"] == field
    assert response.json()["detail"]


def test_a_confidential_case_needs_consent_or_a_supervisor_s_override(
    client: Client, world: World
) -> None:
    task = world.tasks["health"]
    refer = {"service": "welfare.empowerment", "reason": "نیاز به حمایت"}
    without = _refer(client, world, task, "health.caseworker", **refer)
    assert without.status_code == 403
    assert "consent" in without.json()["detail"]
    refused = {**CONSENT, "given": False}
    caseworker = _refer(
        client,
        world,
        task,
        "health.caseworker",
        **refer,
        consent=refused,
        override_reason="کودک در خطر است",
    )
    assert caseworker.status_code == 403
    assert "supervisor" in caseworker.json()["detail"]
    supervisor = _refer(
        client,
        world,
        task,
        "health.supervisor",
        **refer,
        consent=refused,
        override_reason="کودک در خطر است",
    )
    assert supervisor.status_code == 201, supervisor.text
    assert supervisor.json()["consent"] is False
    history = client.get(
        f"/api/cases/{world.cases['health']}", headers=world.headers("health.supervisor")
    ).json()["history"]
    actions = {h["action"]: h["comment"] for h in history}
    assert actions["consent_override"] == "کودک در خطر است"
    assert actions["consent_refused"].startswith("مادر خانواده · حضوری · ۱۴۰۵/۰۹/۰۹")


def test_a_stale_task_version_is_refused(client: Client, world: World) -> None:
    response = _refer(
        client,
        world,
        world.tasks["health"],
        "health.caseworker",
        service="welfare.empowerment",
        reason="دلیل",
        consent=CONSENT,
        version=5,
    )
    assert response.status_code == 409


def test_the_recipient_decides_on_what_it_needs_then_reads_the_file(
    client: Client, world: World
) -> None:
    assert _sees(client, world, "welfare.caseworker") == NOTHING
    referral = _offer_health_to_welfare(client, world)
    headers = world.headers("welfare.caseworker")
    offered = client.get("/api/worklists/offered-referrals", headers=headers).json()
    assert offered["count"] == 1
    item = offered["items"][0]
    assert item["reason"] == "خانوار به حمایت معیشتی نیاز دارد"
    assert item["service"] == "welfare.empowerment" and item["due_at"]
    assert item["case"]["neighbourhood_id"] == world.neighbourhood_id
    assert item["case"]["title"] is None  # not the file, yet
    case = client.get(f"/api/cases/{world.cases['health']}", headers=headers).json()
    assert case["redacted"] is True and case["description"] is None
    assert next(t["transitions"] for t in case["tasks"] if t["id"] == referral["id"])
    accepted = _move(client, world, referral, "welfare.caseworker", "accept")
    case = client.get(f"/api/cases/{world.cases['health']}", headers=headers).json()
    assert case["redacted"] is False and case["description"] == "سابقه بیماری قلبی"
    done = _move(
        client,
        world,
        {"id": referral["id"], "version": accepted["version"]},
        "welfare.caseworker",
        "complete",
    )
    assert done["state"] == "done"
    assert _sees(client, world, "welfare.caseworker")["id"] is True


@pytest.mark.parametrize(
    ("step", "user"), [("revoke", "health.caseworker"), ("reject", "welfare.caseworker")]
)
def test_a_revoked_or_rejected_referral_ends_the_recipient_s_access(
    client: Client, world: World, step: str, user: str
) -> None:
    referral = _offer_health_to_welfare(client, world)
    assert _sees(client, world, "welfare.caseworker") == {
        "id": True,
        "list": True,
        "search": False,  # search reads content, which an offered referral does not show
        "report": True,
    }
    _move(client, world, referral, user, step)
    assert _sees(client, world, "welfare.caseworker") == NOTHING
    assert (
        client.get(
            f"/api/tasks/{referral['id']}", headers=world.headers("welfare.caseworker")
        ).status_code
        == 404
    )
    assert _sees(client, world, "health.caseworker") == {k: True for k in NOTHING}


def test_an_accepted_then_searched_referral_is_found(client: Client, world: World) -> None:
    referral = _offer_health_to_welfare(client, world)
    _move(client, world, referral, "welfare.caseworker", "accept")
    assert _sees(client, world, "welfare.caseworker") == {k: True for k in NOTHING}


def test_the_sender_revokes_but_the_recipient_cannot(client: Client, world: World) -> None:
    referral = _offer_health_to_welfare(client, world)
    response = client.post(
        f"/api/tasks/{referral['id']}/transitions",
        json={"transition": "revoke", "version": 1, "comment": "اشتباه"},
        headers=world.headers("welfare.caseworker"),
    )
    assert response.status_code == 403
