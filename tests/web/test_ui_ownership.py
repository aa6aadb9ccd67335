"""The ownership forms in the UI: offered only to those who may use them, and a refusal comes
back as the same page saying why (no dead buttons, no lost page)."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.testing import TestClient

from tests.web.conftest import PASSWORD, World
from tests.web.test_ui import TOKEN

Client = TestClient[Litestar]


def _log_in(client: Client, username: str) -> str:
    token = TOKEN.search(client.get("/login").text)
    assert token
    response = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "_csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    found = TOKEN.search(client.get("/").text)
    assert found
    return found.group(1)


def _forms(html: str, task_id: int) -> set[str]:
    return set(re.findall(rf'action="/tasks/{task_id}/(\w+)"', html))


def test_each_person_is_offered_only_what_they_may_do(client: Client, world: World) -> None:
    task, case = world.tasks["pothole"], world.cases["pothole"]
    offered = {}
    for user in (
        "municipality.caseworker",
        "municipality.supervisor",
        "welfare.caseworker",
        "auditor",
    ):
        client.cookies.clear()
        _log_in(client, user)
        page = client.get(f"/cases/{case}")
        assert page.status_code == 200
        assert "مسئول" in page.text  # the assignee line
        offered[user] = _forms(page.text, task)
    assert offered == {
        "municipality.caseworker": {"claim"},
        "municipality.supervisor": {"claim", "assignee", "due"},
        "welfare.caseworker": set(),
        "auditor": set(),
    }


def test_a_claim_lands_and_a_stale_one_says_so_on_the_same_page(
    client: Client, world: World
) -> None:
    task = world.tasks["pothole"]
    csrf = _log_in(client, "municipality.caseworker")
    queue = client.get("/worklists/unassigned?sort=urgency")
    assert f'data-task="{task}"' in queue.text and f"/tasks/{task}/claim" in queue.text
    back = "/worklists/unassigned?sort=urgency"
    done = client.post(
        f"/tasks/{task}/claim",
        data={"version": "1", "next": back, "_csrf_token": csrf},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == back
    mine = client.get("/worklists/assigned-to-me")
    assert f'data-task="{task}"' in mine.text
    again = client.post(
        f"/tasks/{task}/claim", data={"version": "1", "next": back, "_csrf_token": csrf}
    )
    assert again.status_code == 409
    assert "پیش از شما کس دیگری این وظیفه را تغییر داد" in again.text
    assert 'id="worklist-filters"' in again.text  # the worklist page, not an error page


def test_a_supervisor_moves_the_due_date_from_the_case_page(client: Client, world: World) -> None:
    task, case = world.tasks["pothole"], world.cases["pothole"]
    csrf = _log_in(client, "municipality.supervisor")
    bad = client.post(
        f"/tasks/{task}/due",
        data={
            "version": "1",
            "due_at": "1499/01/15",
            "reason": "",
            "next": f"/cases/{case}",
            "_csrf_token": csrf,
        },
    )
    assert bad.status_code == 422
    assert "دلیل تغییر مهلت را بنویسید" in bad.text
    good = client.post(
        f"/tasks/{task}/due",
        data={
            "version": "1",
            "due_at": "۱۴۹۹/۰۱/۱۵ ۱۴:۳۰",
            "reason": "پیمانکار یک هفته وقت خواست",
            "next": "https://elsewhere.example/",  # not ours: back to the task's case instead
            "_csrf_token": csrf,
        },
        follow_redirects=False,
    )
    assert good.status_code == 303 and good.headers["location"] == f"/cases/{case}"
    page = client.get(f"/cases/{case}").text
    assert "تغییر مهلت وظیفه" in page
    assert "1499-01-15 14:30: پیمانکار یک هفته وقت خواست" in page
