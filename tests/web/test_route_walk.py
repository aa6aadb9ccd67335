"""Every route of the app, for every demo login and for an anonymous visitor.

The routes come from the app's own route table (the JSON API, the UI, every plugin's routes),
so a route is walked the day it is added — and this test fails until `ROUTES` below declares
who may use it. Each request is checked for what must hold everywhere:

- no 5xx, whoever asks, whatever the route;
- an anonymous visitor gets 401 (API) or is sent to the login page (UI) from a protected route;
- no response shows confidential text to anyone outside its agency (`access_world.MARKERS`:
  a confidential health case, the health and welfare tasks of a joint programme, a health
  incident's error text) — coordinators, managers and auditors included;
- the auditor's writes are refused (403) and change nothing;
- the role-restricted routes (queue, administration, metrics) refuse everyone else (403).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from hamyar.core.application.context import Application
from hamyar.core.demo_data import demo_users
from hamyar.core.storage.settings import get_settings
from hamyar.core.web.app import create_app
from hamyar.core.web.csrf import CSRF_COOKIE, CSRF_HEADER
from hamyar.core.web.rate_limits import fresh_stores
from tests.web.access_world import DEMO_PASSWORD, MARKERS, AccessWorld, build_access_world

PUBLIC = "public"
"""Anyone, signed in or not (login, citizen intake, probes, static files, the schema)."""
SELF = "self"
"""Any signed-in person, about their own session (logout, who am I); auditors included."""
READ = "read"
"""Any signed-in person; what they see is cut by `auth.access`."""
WRITE = "write"
"""Any signed-in person who may write: the auditor is refused (403)."""
QUEUE = "queue"
"""Queue readers (managers, coordinators, auditors, supervisors); others 403."""
QUEUE_WRITE = "queue-write"
"""Queue readers who may write: the auditor and caseworkers are refused."""
OVERSEER = "overseer"
"""Managers, coordinators and auditors (plugins and workflow pages); others 403."""
ADMIN_READ = "admin-read"
"""Managers and auditors; others 403."""
ADMIN_WRITE = "admin-write"
"""Managers only; others 403."""
OPERATOR = "operator"
"""Managers (or a bearer metrics token); anonymous 401, others 403."""


@dataclass(frozen=True)
class Route:
    rule: str
    body: dict[str, Any] | None = None
    """JSON for /api/ routes, a form for the rest."""
    params: dict[str, list[str]] = field(default_factory=dict)
    """Path parameter → values (`@key` takes a world id); defaults in `PARAMS`."""
    stream: bool = False
    """An endless stream: asked for by the anonymous visitor only (the test transport reads a
    response whole; signed-in streams are tested in tests/web/test_browser.py)."""
    last: bool = False
    """Run after every other request of the same login (logging out)."""


STALE = {"version": 0, "comment": "walk"}
TRACKING = {"tracking_code": ["@health_tracking", "@joint_tracking", "1234567890"]}
"""A confidential case's code, a non-public one's and an unknown one: all "not found"."""
ROUTES: dict[str, Route] = {
    # -- JSON API -----------------------------------------------------------------------------
    "POST /api/auth/token": Route(PUBLIC, {"username": "walk-nobody", "password": "wrong"}),
    "DELETE /api/auth/token": Route(SELF),
    "GET /api/auth/me": Route(SELF),
    "GET /api/agencies": Route(READ),
    "GET /api/services": Route(READ),
    "GET /api/services/{code:str}": Route(READ),
    "GET /api/neighbourhoods": Route(READ),
    "GET /api/cases": Route(READ),
    "POST /api/cases": Route(WRITE, {"service": "no.such-service", "title": "walk"}),
    "GET /api/cases/{case_id:int}": Route(READ),
    "POST /api/cases/{case_id:int}/transitions": Route(WRITE, {"transition": "resolve", **STALE}),
    "GET /api/tasks/{task_id:int}": Route(READ),
    "POST /api/tasks/{task_id:int}/transitions": Route(WRITE, {"transition": "complete", **STALE}),
    "GET /api/cases/{case_id:int}/assign": Route(READ),
    "POST /api/cases/{case_id:int}/assign": Route(
        WRITE, {"services": ["no.such-service"], "reason": "walk", "version": 0}
    ),
    "POST /api/tasks/{task_id:int}/reassign": Route(
        WRITE, {"service": "no.such-service", "reason": "walk", "version": 0}
    ),
    "POST /api/tasks/{task_id:int}/referrals": Route(
        WRITE, {"service": "no.such-service", "reason": "walk"}
    ),
    "PATCH /api/cases/{case_id:int}": Route(WRITE, {"title": "walk", "version": 0}),
    "POST /api/cases/{case_id:int}/notes": Route(WRITE, {"text": "", "visibility": "agency"}),
    "POST /api/cases/{case_id:int}/reopen": Route(WRITE, STALE),
    "POST /api/cases/{case_id:int}/attachments": Route(WRITE, {}),
    "GET /api/cases/{case_id:int}/attachments": Route(READ),
    "GET /api/attachments/{attachment_id:int}": Route(READ),
    "GET /api/attachments/{attachment_id:int}/thumbnail": Route(READ),
    "POST /api/attachments/{attachment_id:int}/public": Route(WRITE, {"public": True}),
    "POST /api/cases/{case_id:int}/duplicate-of": Route(WRITE, {"original": 1, "version": 0}),
    "DELETE /api/cases/{case_id:int}/duplicate-of": Route(WRITE, {"version": 0}),
    "POST /api/tasks/{task_id:int}/claim": Route(WRITE, {"version": 0}),
    "POST /api/tasks/{task_id:int}/unclaim": Route(WRITE, {"version": 0}),
    "PUT /api/tasks/{task_id:int}/assignee": Route(
        WRITE, {"username": "walk-nobody", "version": 0}
    ),
    "PUT /api/tasks/{task_id:int}/due": Route(
        WRITE, {"due_at": "not a date", "reason": "walk", "version": 0}
    ),
    "GET /api/worklists": Route(READ),
    "GET /api/worklists/{worklist_id:str}": Route(READ),
    "GET /api/queue": Route(QUEUE),
    "GET /api/incidents": Route(READ),
    "POST /api/incidents/{incident_id:int}/retry": Route(WRITE),
    "GET /api/reports/summary": Route(READ),
    "GET /api/reports/summary.csv": Route(READ),
    "GET /api/workflows": Route(READ),
    "GET /api/workflows/{workflow_id:str}": Route(READ),
    "GET /api/workflows/{workflow_id:str}/definition.xml": Route(READ),
    # -- operations ---------------------------------------------------------------------------
    "GET /health": Route(PUBLIC),
    "GET /metrics": Route(OPERATOR),
    "GET /static/{file_path:path}": Route(PUBLIC),
    # -- UI -----------------------------------------------------------------------------------
    "GET /login": Route(PUBLIC),
    "POST /login": Route(PUBLIC, {"username": "walk-nobody", "password": "wrong"}),
    "POST /logout": Route(SELF, {}, last=True),
    "GET /locale/{language:str}": Route(PUBLIC),
    "GET /events": Route(READ, stream=True),
    "GET /": Route(READ),
    "GET /worklists/counts": Route(READ),
    "GET /worklists/{worklist_id:str}": Route(READ),
    "GET /cases/new": Route(READ),
    "GET /cases/new/phone": Route(READ),
    "POST /cases/new/phone": Route(WRITE, {"caller": "walk"}),
    "GET /status": Route(PUBLIC),
    "GET /status/{tracking_code:str}": Route(PUBLIC, params=TRACKING),
    "POST /status/{tracking_code:str}/rating": Route(PUBLIC, {"rating": "4"}, params=TRACKING),
    "GET /api/public/status/{tracking_code:str}": Route(PUBLIC, params=TRACKING),
    "GET /report": Route(PUBLIC),
    "POST /report": Route(PUBLIC, {"category": "walk", "description": "walk"}),
    "POST /cases/new": Route(WRITE, {"service": "no.such-service", "title": "walk"}),
    "GET /cases/{case_id:int}": Route(READ),
    "POST /cases/{case_id:int}/transitions": Route(
        WRITE, {"transition": "resolve", "version": "0", "comment": "walk"}
    ),
    "POST /cases/{case_id:int}/assign": Route(
        WRITE, {"services": "no.such-service", "reason": "walk", "version": "0"}
    ),
    "POST /cases/{case_id:int}/tasks/{task_id:int}/reassign": Route(
        WRITE, {"service": "no.such-service", "reason": "walk", "version": "0"}
    ),
    "POST /cases/{case_id:int}/tasks/{task_id:int}/referrals": Route(
        WRITE, {"service": "no.such-service", "reason": "walk"}
    ),
    "GET /cases/{case_id:int}/original-picker": Route(READ),
    "POST /cases/{case_id:int}/notes": Route(WRITE, {"text": "", "visibility": "agency"}),
    "POST /cases/{case_id:int}/edit": Route(WRITE, {"title": "walk", "version": "0"}),
    "POST /cases/{case_id:int}/reopen": Route(WRITE, {"comment": "walk", "version": "0"}),
    "POST /cases/{case_id:int}/duplicate-of": Route(WRITE, {"original": "1", "version": "0"}),
    "POST /cases/{case_id:int}/incidents/{incident_id:int}/retry": Route(WRITE, {}),
    "POST /cases/{case_id:int}/attachments": Route(WRITE, {}),
    "POST /cases/{case_id:int}/attachments/{attachment_id:int}/public": Route(
        WRITE, {"public": "1"}
    ),
    # the public status page's photos: only those marked public, of a non-confidential case
    "GET /status/{tracking_code:str}/attachments/{attachment_id:int}": Route(PUBLIC),
    "GET /status/{tracking_code:str}/attachments/{attachment_id:int}/thumbnail": Route(PUBLIC),
    "POST /tasks/{task_id:int}/claim": Route(WRITE, {"version": "0"}),
    "POST /tasks/{task_id:int}/unclaim": Route(WRITE, {"version": "0"}),
    "POST /tasks/{task_id:int}/assignee": Route(WRITE, {"username": "walk-nobody", "version": "0"}),
    "POST /tasks/{task_id:int}/due": Route(
        WRITE, {"due_at": "not a date", "reason": "walk", "version": "0"}
    ),
    "GET /search": Route(READ),
    "GET /reports": Route(READ),
    "GET /reports/print": Route(READ),
    "GET /queue": Route(QUEUE),
    "POST /queue/incidents/{incident_id:int}/retry": Route(QUEUE_WRITE, {}),
    "GET /admin/plugins": Route(OVERSEER),
    "GET /admin/workflows/{workflow_id:str}": Route(OVERSEER),
    "POST /admin/services/{service_code:str}/workflow": Route(
        ADMIN_WRITE, {"workflow": ""}, params={"service_code": ["library.mobile_visit"]}
    ),
    "GET /admin/routing-rules": Route(ADMIN_READ),
    "POST /admin/routing-rules": Route(ADMIN_WRITE, {}),
    "POST /admin/routing-rules/{rule_id:int}/delete": Route(ADMIN_WRITE, {}),
    "GET /admin/calendar": Route(ADMIN_READ),
    "POST /admin/calendar": Route(ADMIN_WRITE, {}),
    "POST /admin/calendar/{override_id:int}/delete": Route(ADMIN_WRITE, {}),
    "GET /admin/users": Route(ADMIN_READ),
    "POST /admin/users": Route(ADMIN_WRITE, {}),
    "POST /admin/users/{user_id:int}/roles": Route(ADMIN_WRITE, {}),
    "POST /admin/users/{user_id:int}/roles/{assignment_id:int}/delete": Route(ADMIN_WRITE, {}),
    "POST /admin/users/{user_id:int}/deactivate": Route(ADMIN_WRITE, {}),
    # -- the library plugin's timetable (a periodic plan page) -------------------------------
    "GET /library/timetable": Route(READ),
    "POST /admin/groups": Route(ADMIN_WRITE, {}),
    "POST /admin/users/{user_id:int}/groups": Route(ADMIN_WRITE, {}),
    "POST /admin/users/{user_id:int}/groups/remove": Route(ADMIN_WRITE, {}),
    # -- Open311 (municipality plugin): citizen apps, no login --------------------------------
    "GET /open311/v2/{name:str}": Route(
        PUBLIC, params={"name": ["discovery.json", "services.json", "requests.json"]}
    ),
    "POST /open311/v2/{name:str}": Route(PUBLIC, {}, params={"name": ["requests.json"]}),
    "GET /open311/v2/services/{name:str}": Route(
        PUBLIC, params={"name": ["health.screening.json", "municipality.report.xml"]}
    ),
    "GET /open311/v2/requests/{name:str}": Route(
        PUBLIC, params={"name": ["@health_tracking.json", "@joint_tracking.json"]}
    ),
    "GET /open311/v2/tokens/{name:str}": Route(PUBLIC, params={"name": ["nothing.json"]}),
    "GET /open311/v2/requests": Route(PUBLIC),
    "GET /open311/v2/tokens": Route(PUBLIC),
    "GET /open311/v2/services": Route(PUBLIC),
    # -- the citizen's messages: the SMS gateway's webhook, the opt-out link --------------------
    # No login: a shared secret (absent here: 403 for everyone) and a signed token (a forged
    # one here: 404); tests/web/test_sms_inbound.py covers the good secret and a real token.
    "POST /sms/inbound": Route(PUBLIC, {"from": "09121234567", "message": "x", "messageid": "w"}),
    "GET /sms/inbound": Route(PUBLIC),
    "GET /notifications/opt-out/{token:str}": Route(PUBLIC),
    "POST /notifications/opt-out/{token:str}": Route(PUBLIC, {}),
    # -- the OpenAPI document -----------------------------------------------------------------
    "GET /schema": Route(PUBLIC),
    "GET /schema/{path:str}": Route(PUBLIC, params={"path": ["openapi.json"]}),
    **{
        f"GET /schema/{page}": Route(PUBLIC)
        for page in ("openapi.yaml", "openapi.yml", "openapi.json", "redoc")
    },
}
"""Who may use each route. A route missing here fails `test_every_route_is_declared`."""

PARAMS: dict[str, list[str]] = {
    "case_id": ["@health_case", "@joint_case"],
    "task_id": ["@health_task", "@joint_health_task"],
    "incident_id": ["@health_incident", "@joint_incident"],
    "attachment_id": ["@health_attachment", "@joint_attachment"],
    "tracking_code": ["@health_tracking", "@joint_tracking"],
    "code": ["health.screening"],
    "workflow_id": ["hamyar.task"],
    "language": ["en"],
    "file_path": ["hamyar.css"],
    "user_id": ["@victim"],
    "assignment_id": ["@assignment"],
    "rule_id": ["@rule"],
    "override_id": ["@override"],
    "worklist_id": ["@worklists"],
    "token": ["1.forged"],
}
UNCOUNTED_TABLES = {"login_attempt", "api_token", "ui_session"}
"""What signing in and out writes, for anyone: not a change the auditor makes to the data."""
_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


def route_table(app: Litestar) -> list[str]:
    """ "METHOD /path" of every route the app serves (HEAD and OPTIONS are Litestar's own)."""
    found = []
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
                found.append(f"{method} {route.path}")
    return sorted(found)


def urls(path: str, route: Route, world: AccessWorld) -> list[str]:
    """The concrete paths to ask for: every combination of the parameters' values."""
    paths = [path]
    for name in _PARAM.findall(path):
        values = route.params.get(name) or PARAMS.get(name)
        assert values, f"no value for the path parameter {name!r} of {path}: add it to PARAMS"
        expanded = []
        for value in values:
            if value == "@worklists":
                concrete = world.ids["worklists"]
            elif value.startswith("@"):
                key, _, suffix = value[1:].partition(".")
                concrete = [f"{world.ids[key]}{'.' + suffix if suffix else ''}"]
            else:
                concrete = [value]
            expanded.extend(concrete)
        pattern = re.compile(r"\{" + name + r"(?::\w+)?\}")
        paths = [pattern.sub(str(v), p) for p in paths for v in expanded]
    return paths


# -- the world and its logins -----------------------------------------------------------------


@pytest.fixture
def walk(
    engine: Engine, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Litestar, AccessWorld]]:
    # Every login walks the public pages too: the per-address limits are not what is tested.
    monkeypatch.setenv("HAMYAR_PUBLIC_LOOKUPS_PER_MINUTE", "100000")
    monkeypatch.setenv("HAMYAR_PUBLIC_REPORTS_PER_HOUR", "100000")
    get_settings.cache_clear()
    application = Application.build(engine=engine)
    world = build_access_world(application)
    app = create_app(application=application)
    app.stores = fresh_stores()
    yield app, world


def _agencies(username: str | None, application: Application) -> set[str]:
    if username is None:
        return set()
    return {u.agency for u in demo_users(application.registry) if u.username == username} - {None}  # type: ignore[return-value]


def _sign_in(client: TestClient[Litestar], username: str | None) -> None:
    client.get("/login")
    if username is not None:
        response = client.post(
            "/login",
            data={"username": username, "password": DEMO_PASSWORD, "next": "/"},
            headers={CSRF_HEADER: client.cookies.get(CSRF_COOKIE, "")},
            follow_redirects=False,
        )
        assert response.status_code == 303, (username, response.status_code, response.text)


def _fingerprint(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
            for t in SQLModel.metadata.sorted_tables
            if t.name not in UNCOUNTED_TABLES
        }


@dataclass
class Answer:
    key: str
    who: str | None
    method: str
    url: str
    status: int
    location: str
    body: str


def _ask(client: TestClient[Litestar], method: str, url: str, route: Route) -> tuple[int, str, str]:
    headers = {CSRF_HEADER: client.cookies.get(CSRF_COOKIE, "")}
    kwargs: dict[str, Any] = {}
    if route.body is not None:
        kwargs["json" if url.startswith("/api/") else "data"] = route.body
    response = client.request(method, url, headers=headers, follow_redirects=False, **kwargs)
    return response.status_code, response.headers.get("location", ""), response.text


def _walk(
    app: Litestar,
    client: TestClient[Litestar],
    world: AccessWorld,
    who: str | None,
    *,
    writes: bool,
) -> list[Answer]:
    answers = []
    table = route_table(app)
    ordered = sorted(
        (k for k in table if (k.split(" ")[0] != "GET") == writes and k in ROUTES),
        key=lambda k: ROUTES[k].last,
    )
    for key in ordered:
        method, path = key.split(" ", 1)
        route = ROUTES[key]
        if route.stream and who is not None:
            continue
        for url in urls(path, route, world):
            status, location, body = _ask(client, method, url, route)
            answers.append(Answer(key, who, method, url, status, location, body))
    return answers


def _check(answer: Answer, route: Route, application: Application) -> list[str]:
    """What is wrong with one answer (nothing, one hopes)."""
    who, status = answer.who, answer.status
    problems = []
    what = f"{who or 'anonymous'}: {answer.method} {answer.url} → {status}"
    if status >= 500:
        problems.append(f"{what}: a server error")
    mine = _agencies(who, application)
    for marker, agency in MARKERS.items():
        if agency not in mine and marker in answer.body:
            problems.append(f"{what}: shows {agency}'s confidential {marker}")
    if who is None:
        if route.rule != PUBLIC:
            to_login = status in (302, 303) and answer.location.startswith("/login")
            if not (status == 401 or to_login):
                problems.append(f"{what}: a protected route answers an anonymous visitor")
        return problems
    if status == 401 and route.rule not in (PUBLIC, SELF):
        problems.append(f"{what}: a signed-in person is treated as anonymous")
    is_admin, is_auditor = who == "admin", who == "auditor"
    reads_queue = is_admin or is_auditor or who == "coordinator" or who.endswith(".supervisor")
    allowed = {
        PUBLIC: True,
        SELF: True,
        READ: True,
        WRITE: not is_auditor,
        QUEUE: reads_queue,
        QUEUE_WRITE: reads_queue and not is_auditor,
        OVERSEER: is_admin or is_auditor or who == "coordinator",
        ADMIN_READ: is_admin or is_auditor,
        ADMIN_WRITE: is_admin,
        OPERATOR: is_admin,
    }[route.rule]
    if (
        allowed
        and status == 403
        and route.rule in (QUEUE, OVERSEER, ADMIN_READ, ADMIN_WRITE, OPERATOR)
    ):
        problems.append(f"{what}: refused to someone the rule '{route.rule}' lets in")
    if not allowed and status != 403:
        problems.append(f"{what}: the rule '{route.rule}' should refuse {who} (403)")
    return problems


# -- the tests --------------------------------------------------------------------------------


def test_every_route_is_declared(walk: tuple[Litestar, AccessWorld]) -> None:
    app, _world = walk
    table = route_table(app)
    missing = [k for k in table if k not in ROUTES]
    assert not missing, (
        "routes with no entry in tests/web/test_route_walk.py ROUTES — declare who may use "
        f"each one: {missing}"
    )
    stale = [k for k in ROUTES if k not in table]
    assert not stale, f"ROUTES names routes the app no longer has: {stale}"


SHARDS = 4
"""The logins are walked in this many tests, each on a world of its own: one walk of every
login took up to four minutes on a loaded machine, near the per-test timeout, and shards run
side by side under xdist."""


@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_login_walks_every_route(
    walk: tuple[Litestar, AccessWorld], engine: Engine, shard: int
) -> None:
    app, world = walk
    application = world.app
    logins: list[str | None] = [None, *world.usernames]
    mine = logins[shard::SHARDS]
    problems: list[str] = []
    with ExitStack() as stack:
        # Everyone signs in first: the walk's own wrong passwords then slow down only the
        # login routes, as the throttle should.
        clients = {who: stack.enter_context(TestClient(app)) for who in logins}
        for who, client in clients.items():
            _sign_in(client, who)
        world.ids["worklists"] = sorted(
            {w["id"] for who in world.usernames for w in _worklists(clients[who])}
        )
        for who in mine:
            for answer in _walk(app, clients[who], world, who, writes=False):
                problems += _check(answer, ROUTES[answer.key], application)
        if "auditor" in mine:
            before = _fingerprint(engine)
            for answer in _walk(app, clients["auditor"], world, "auditor", writes=True):
                problems += _check(answer, ROUTES[answer.key], application)
            assert _fingerprint(engine) == before, "the auditor's requests changed the data"
        for who in mine:
            if who != "auditor":
                for answer in _walk(app, clients[who], world, who, writes=True):
                    problems += _check(answer, ROUTES[answer.key], application)
    assert not problems, "\n".join(problems)


def _worklists(client: TestClient[Litestar]) -> list[dict[str, Any]]:
    response = client.get("/api/worklists")
    assert response.status_code == 200, response.text
    return list(response.json())


def test_the_queue_page_and_its_retry_keep_to_the_agency(
    walk: tuple[Litestar, AccessWorld],
) -> None:
    """Finding 2: /queue listed every open incident to every agency's supervisor and its form
    re-queued the step. Now the page, the API and the retry agree, case by case."""
    app, world = walk
    health_incident, joint_incident = world.ids["health_incident"], world.ids["joint_incident"]
    with TestClient(app) as library, TestClient(app) as health:
        _sign_in(library, "library.supervisor")
        _sign_in(health, "health.supervisor")
        page = library.get("/queue").text
        assert f'data-incident="{health_incident}"' not in page  # a confidential case
        assert f'data-incident="{joint_incident}"' in page  # the joint case is theirs too …
        assert "SECRET-HEALTH-INCIDENT" not in page  # … but not health's error text
        for incident in (health_incident, joint_incident):
            refused = library.post(
                f"/queue/incidents/{incident}/retry",
                headers={CSRF_HEADER: library.cookies[CSRF_COOKIE]},
                follow_redirects=False,
            )
            assert refused.status_code == 404
            api = library.post(
                f"/api/incidents/{incident}/retry",
                headers={CSRF_HEADER: library.cookies[CSRF_COOKIE]},
            )
            assert api.status_code == 404
        own = health.get("/queue").text
        assert "SECRET-HEALTH-INCIDENT" in own
        retried = health.post(
            f"/queue/incidents/{joint_incident}/retry",
            headers={CSRF_HEADER: health.cookies[CSRF_COOKIE]},
            follow_redirects=False,
        )
        assert retried.status_code == 303
