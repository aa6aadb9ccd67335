"""Who sees what, route by route: the role × route table of the API.

Confidential services (health, welfare here) are invisible outside their agency — a 404, never a
403, so an id does not even confirm the case exists. Coordinators, managers and auditors see
that such a case exists and where it is routed, not its content. Auditors never write.
"""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from tests.web.conftest import World

Client = TestClient[Litestar]

STAFF_OF = {
    "health": ["health.caseworker", "health.supervisor"],
    "welfare": ["welfare.caseworker", "welfare.supervisor"],
}
OVERSEERS = ["admin", "coordinator", "auditor"]
OUTSIDERS_OF_HEALTH = [
    "welfare.caseworker",
    "welfare.supervisor",
    "municipality.caseworker",
    "library.supervisor",
    "nobody",
]


@pytest.mark.parametrize(
    ("user", "status", "redacted"),
    [
        *[(u, 200, False) for u in STAFF_OF["health"]],
        *[(u, 200, True) for u in OVERSEERS],
        *[(u, 404, None) for u in OUTSIDERS_OF_HEALTH],
    ],
)
def test_a_confidential_case_by_id(
    client: Client, world: World, user: str, status: int, redacted: bool | None
) -> None:
    response = client.get(f"/api/cases/{world.cases['health']}", headers=world.headers(user))
    assert response.status_code == status, response.text
    if status == 404:
        assert response.json() == {"status_code": 404, "detail": f"no case {world.cases['health']}"}
        return
    body = response.json()
    assert body["redacted"] is redacted
    assert body["service"] == "health.screening" and body["agency"] == "health"
    assert [t["agency"] for t in body["tasks"]] == ["health"]  # where it is routed: always
    if redacted:
        assert body["title"] is None and body["description"] is None and body["data"] is None
        assert all(h["comment"] is None for h in body["history"])
    else:
        assert body["title"] == "غربالگری محرمانه خانم الف"


def test_a_missing_case_and_a_hidden_one_look_the_same(client: Client, world: World) -> None:
    hidden = client.get(
        f"/api/cases/{world.cases['health']}", headers=world.headers("welfare.caseworker")
    )
    missing = client.get("/api/cases/987654", headers=world.headers("welfare.caseworker"))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"].replace(str(world.cases["health"]), "N") == missing.json()[
        "detail"
    ].replace("987654", "N")


@pytest.mark.parametrize(
    ("user", "status"),
    [
        *[(u, 200) for u in STAFF_OF["health"] + OVERSEERS],
        *[(u, 404) for u in OUTSIDERS_OF_HEALTH],
    ],
)
def test_a_confidential_task_by_id(client: Client, world: World, user: str, status: int) -> None:
    response = client.get(f"/api/tasks/{world.tasks['health']}", headers=world.headers(user))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("user", "visible"),
    [
        ("admin", {"health", "welfare", "pothole", "library", "unrouted"}),
        ("coordinator", {"health", "welfare", "pothole", "library", "unrouted"}),
        ("auditor", {"health", "welfare", "pothole", "library", "unrouted"}),
        ("health.caseworker", {"health", "pothole", "library", "unrouted"}),
        ("welfare.supervisor", {"welfare", "pothole", "library", "unrouted"}),
        ("municipality.caseworker", {"pothole", "library", "unrouted"}),
        ("nobody", set()),
    ],
)
def test_lists_hold_only_what_the_caller_may_see(
    client: Client, world: World, user: str, visible: set[str]
) -> None:
    names = {v: k for k, v in world.cases.items()}
    body = client.get("/api/cases", headers=world.headers(user)).json()
    assert {names[item["id"]] for item in body["items"]} == visible
    for item in body["items"]:
        hidden_content = item["confidential"] and not user.startswith(names[item["id"]])
        assert item["redacted"] is hidden_content
        assert (item["title"] is None) is hidden_content


@pytest.mark.parametrize(
    "user",
    [
        "coordinator",
        "auditor",
        "health.caseworker",
        "welfare.supervisor",
        "municipality.caseworker",
    ],
)
def test_a_list_hides_what_the_case_itself_hides(client: Client, world: World, user: str) -> None:
    """A list decides in its query what `case_access` decides for one case: the same cases
    are shown redacted in both."""
    headers = world.headers(user)
    for item in client.get("/api/cases", headers=headers).json()["items"]:
        case = client.get(f"/api/cases/{item['id']}", headers=headers).json()
        assert item["redacted"] is case["redacted"], (user, item["id"])
        assert item["title"] == case["title"]


@pytest.mark.parametrize(
    ("user", "finds_it"),
    [
        ("health.caseworker", True),
        ("health.supervisor", True),
        ("coordinator", False),  # knows it exists, may not search its content
        ("auditor", False),
        ("welfare.caseworker", False),
        ("municipality.caseworker", False),
    ],
)
def test_search_never_reveals_confidential_content(
    client: Client, world: World, user: str, finds_it: bool
) -> None:
    body = client.get(
        "/api/cases", params={"q": "غربالگری محرمانه"}, headers=world.headers(user)
    ).json()
    assert ([i["id"] for i in body["items"]] == [world.cases["health"]]) is finds_it


@pytest.mark.parametrize(
    ("user", "services"),
    [
        (
            "coordinator",
            {"health.screening", "welfare.empowerment", "municipality.pothole", "library.visit"},
        ),
        (
            "auditor",
            {"health.screening", "welfare.empowerment", "municipality.pothole", "library.visit"},
        ),
        ("welfare.caseworker", {"welfare.empowerment", "municipality.pothole", "library.visit"}),
        ("health.supervisor", {"health.screening", "municipality.pothole", "library.visit"}),
        ("nobody", set()),
    ],
)
def test_reports_count_only_visible_cases(
    client: Client, world: World, user: str, services: set[str]
) -> None:
    body = client.get(
        "/api/reports/summary", params={"group_by": "service"}, headers=world.headers(user)
    ).json()
    assert {row["key"] for row in body["rows"]} == services


OWNED = {"assigned-to-me": 0, "unassigned": 1, "offered-referrals": 0}
"""Every agency member's lists besides the agency's open and overdue tasks: nobody holds its
one task yet, and no referral is offered to it."""


@pytest.mark.parametrize(
    ("user", "lists"),
    [
        ("municipality.caseworker", {**OWNED, "my-tasks": 1, "my-overdue": 1}),
        (
            "library.caseworker",
            {**OWNED, "my-tasks": 1, "my-overdue": 0, "webtest.visit:to_visit": 1},
        ),
        ("health.supervisor", {**OWNED, "team": 1, "my-tasks": 1, "my-overdue": 0}),
        ("coordinator", {"triage": 0, "unrouted": 1, "overdue": 1}),
        ("auditor", {"triage": 0, "unrouted": 1, "overdue": 1}),
        ("nobody", {}),
    ],
)
def test_worklists_per_role(client: Client, world: World, user: str, lists: dict[str, int]) -> None:
    body = client.get("/api/worklists", headers=world.headers(user)).json()
    assert {w["id"]: w["count"] for w in body} == lists


def test_a_long_worklist_is_counted_up_to_the_limit(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hamyar.core.cases.worklists

    monkeypatch.setattr(hamyar.core.cases.worklists, "COUNT_LIMIT", 2)
    headers = world.headers("health.caseworker")

    def my_tasks() -> dict[str, object]:
        body = client.get("/api/worklists", headers=headers).json()
        return next(
            {"count": w["count"], "capped": w["count_capped"]}
            for w in body
            if w["id"] == "my-tasks"
        )

    world.add_case("health-2", "health.screening")
    assert my_tasks() == {"count": 2, "capped": False}  # exactly the limit: still exact
    world.add_case("health-3", "health.screening")
    assert my_tasks() == {"count": 2, "capped": True}
    page = client.get("/api/worklists/my-tasks", headers=headers).json()
    assert (page["count"], page["count_capped"], len(page["items"])) == (2, True, 3)


def test_a_worklist_page_names_its_cases(client: Client, world: World) -> None:
    body = client.get("/api/worklists/my-tasks", headers=world.headers("health.caseworker")).json()
    assert [item["id"] for item in body["items"]] == [world.tasks["health"]]
    assert body["items"][0]["case"]["title"] == "غربالگری محرمانه خانم الف"
    other = client.get("/api/worklists/triage", headers=world.headers("health.caseworker"))
    assert other.status_code == 404


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("municipality.caseworker", 200),
        ("municipality.supervisor", 200),
        ("welfare.caseworker", 403),  # sees the public case, holds no role in its agency
        ("auditor", 403),
        ("nobody", 404),  # a person with no role sees no case at all
    ],
)
def test_who_may_move_a_task(client: Client, world: World, user: str, status: int) -> None:
    response = client.post(
        f"/api/tasks/{world.tasks['pothole']}/transitions",
        json={"transition": "start", "version": 1},
        headers=world.headers(user),
    )
    assert response.status_code == status, response.text


def test_an_outsider_cannot_move_a_hidden_case_either(client: Client, world: World) -> None:
    response = client.post(
        f"/api/tasks/{world.tasks['health']}/transitions",
        json={"transition": "start", "version": 1},
        headers=world.headers("welfare.supervisor"),
    )
    assert response.status_code == 404


def test_auditors_read_but_never_write(client: Client, world: World) -> None:
    headers = world.headers("auditor")
    assert (
        client.get(f"/api/cases/{world.cases['pothole']}", headers=headers).json()["transitions"]
        == []
    )
    created = client.post(
        "/api/cases", headers=headers, json={"service": "library.visit", "title": "بازدید"}
    )
    assert created.status_code == 403
    assert "auditors" in created.json()["detail"]


def test_every_api_route_requires_credentials(client: Client, app: Litestar) -> None:
    open_routes = {"/api/auth/token"}
    for route in app.routes:
        if (
            not route.path.startswith("/api/")
            or route.path in open_routes
            or route.path.startswith("/api/public/")  # the citizen's status, for anyone
        ):
            continue
        path = (
            route.path.replace("{case_id:int}", "1")
            .replace("{task_id:int}", "1")
            .replace("{incident_id:int}", "1")
            .replace("{attachment_id:int}", "1")
            .replace("{code:str}", "x")
            .replace("{workflow_id:str}", "hamyar.case")
            .replace("{worklist_id:str}", "x")
        )
        for method in sorted(route.methods - {"OPTIONS", "HEAD"}):
            response = client.request(method, path, json={})
            assert response.status_code == 401, (method, path, response.text)


@pytest.mark.parametrize("user", [None, "admin", "coordinator", "auditor", "health.caseworker"])
def test_the_citizen_routes_grant_nothing_to_a_login(
    client: Client, world: World, user: str | None
) -> None:
    """The SMS webhook answers to its shared secret alone, and an opt-out link to its token
    alone: a staff login (a manager's included) opens neither, and nobody is told more."""
    headers = world.headers(user) if user else {}
    form = {"from": "09121234567", "message": "چراغ خاموش", "messageid": f"a-{user}"}
    assert client.post("/sms/inbound", data=form, headers=headers).status_code == 403
    assert client.get("/sms/inbound", params=form, headers=headers).status_code == 403
    page = client.get(f"/notifications/opt-out/{world.cases['health']}.0", headers=headers)
    assert page.status_code == 404
    assert "غربالگری" not in page.text


def test_two_people_of_the_same_roles_each_see_only_the_case_they_recorded(
    client: Client, world: World
) -> None:
    """Every caseworker of an agency shares one compiled list statement (their username is
    bound, not written in): each still finds the confidential case they recorded, and not the
    one the other did."""
    from sqlmodel import select

    from hamyar.core.auth.tokens import new_token
    from hamyar.core.storage.models import Case, RoleAssignment, User
    from hamyar.core.workflow import roles as R

    session = world.session
    twin = User(username="welfare.caseworker.twin", password_hash="!")
    session.add(twin)
    session.flush()
    session.add(RoleAssignment(user_id=twin.id, role=R.CASEWORKER, agency_code="welfare"))  # type: ignore[arg-type]
    world.tokens[twin.username] = new_token(session, twin, name="test")[0]
    mine = session.get(Case, world.cases["health"])
    assert mine is not None
    mine.created_by = "welfare.caseworker"
    theirs_id = world.add_case("health-twin", "health.screening", title="پرونده محرمانه دوم")
    theirs = session.get(Case, theirs_id)
    assert theirs is not None
    theirs.created_by = twin.username
    session.commit()
    assert session.exec(select(Case.confidential).where(Case.id == theirs_id)).one()
    for _ in range(2):  # the second round runs on statements the first compiled
        for user, own, other in (
            ("welfare.caseworker", world.cases["health"], theirs_id),
            (twin.username, theirs_id, world.cases["health"]),
        ):
            listed = {
                i["id"]
                for i in client.get("/api/cases", headers=world.headers(user)).json()["items"]
            }
            assert own in listed and other not in listed, user
