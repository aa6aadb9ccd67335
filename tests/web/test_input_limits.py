"""No input is a 500 (issue 14, finding 4): numbers beyond the columns, non-ASCII digits, deep
JSON, control characters, dates out of range — each is a 4xx `{"status_code", "detail"}` with
a message from the catalogue, before it reaches the database, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import func, select

from hamyar.core.i18n.fa import MESSAGES
from hamyar.core.storage.models import Case
from hamyar.core.text.input_limits import CONTROL_CHARACTER_MESSAGE
from hamyar.core.time.jalali import DAY_RANGE_MESSAGE
from hamyar.core.web.input_guard import TOO_DEEP_MESSAGE
from hamyar.core.web.metrics import sample
from tests.web.conftest import World

Client = TestClient[Litestar]
BEYOND = [2**31, 2**63, 10**30]
"""Past PostgreSQL's INTEGER, past SQLite's, past both."""


def _refused(response: Any) -> dict[str, Any]:
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    body = response.json()
    assert body["status_code"] == response.status_code and body["detail"]
    return body


def _cases(world: World) -> int:
    world.session.expire_all()
    count = world.session.execute(select(func.count()).select_from(Case)).scalar_one()
    world.session.rollback()
    return count


@pytest.mark.parametrize("number", BEYOND)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/cases/{n}"),
        ("GET", "/api/tasks/{n}"),
        ("POST", "/api/incidents/{n}/retry"),
        ("POST", "/api/cases/{n}/transitions"),
        ("POST", "/api/tasks/{n}/transitions"),
    ],
)
def test_ids_beyond_the_column_in_a_path_are_a_4xx(
    client: Client, world: World, method: str, path: str, number: int
) -> None:
    body = {"transition": "start", "version": 1} if method == "POST" else None
    response = client.request(
        method, path.format(n=number), json=body, headers=world.headers("coordinator")
    )
    _refused(response)


@pytest.mark.parametrize("number", BEYOND)
def test_numbers_beyond_the_column_in_a_body_are_a_4xx(
    client: Client, world: World, number: int
) -> None:
    headers = world.headers("municipality.caseworker")
    before = _cases(world)
    opened = client.post(
        "/api/cases",
        headers=headers,
        json={"service": "municipality.pothole", "title": "t", "neighbourhood": number},
    )
    assert _refused(opened)["status_code"] in (400, 422)
    pothole = world.cases["pothole"]
    moved = client.post(
        f"/api/cases/{pothole}/transitions",
        headers=headers,
        json={"transition": "start", "version": number},
    )
    _refused(moved)
    token = client.post(
        "/api/auth/token", json={"username": "coordinator", "password": "x", "days": number}
    )
    _refused(token)
    assert _cases(world) == before


@pytest.mark.parametrize("number", [str(n) for n in BEYOND])
def test_numbers_beyond_the_column_in_a_query_or_a_form_are_a_4xx(
    client: Client, world: World, number: str
) -> None:
    headers = world.headers("coordinator")
    _refused(client.get("/api/cases", params={"neighbourhood": number}, headers=headers))
    _refused(client.get("/api/cases", params={"limit": number}, headers=headers))
    _refused(client.get("/api/incidents", params={"limit": number}, headers=headers))


@pytest.mark.parametrize("digits", ["²", "١٢", "۱۲", "1²"])
def test_only_ascii_digits_name_a_neighbourhood(client: Client, world: World, digits: str) -> None:
    headers = world.headers("municipality.caseworker")
    listed = client.get("/api/cases", params={"neighbourhood": digits}, headers=headers)
    assert _refused(listed)["status_code"] == 422
    opened = client.post(
        "/api/cases",
        headers=headers,
        json={"service": "municipality.pothole", "title": "t", "neighbourhood": digits},
    )
    assert _refused(opened)["status_code"] in (400, 422)


DEEP = "[" * 1000 + "]" * 1000
CASE_WITH_DEEP_DATA = '{"service": "municipality.pothole", "title": "t", "data": ' + DEEP + "}"
FORTY_DEEP = '{"data": {"a": ' + '{"a":' * 40 + "1" + "}" * 40 + "}}"


@pytest.mark.parametrize(
    ("path", "body", "authenticated"),
    [
        ("/api/auth/token", DEEP, False),  # nobody has logged in yet
        ("/api/cases", CASE_WITH_DEEP_DATA, True),
        ("/api/cases", FORTY_DEEP, True),
    ],
)
def test_json_nested_too_deep_is_a_400_at_the_edge(
    client: Client, world: World, path: str, body: str, authenticated: bool
) -> None:
    headers = {"content-type": "application/json"}
    if authenticated:
        headers |= world.headers("municipality.caseworker")
    response = client.post(path, content=body, headers=headers)
    assert _refused(response)["status_code"] == 400
    assert response.json()["detail"] == TOO_DEEP_MESSAGE


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1f", "\x0b"])
def test_control_characters_in_any_text_are_refused_before_the_database(
    client: Client, world: World, character: str
) -> None:
    headers = world.headers("municipality.caseworker")
    before = _cases(world)
    for body in (
        {"service": "municipality.pothole", "title": f"a{character}b"},
        {"service": "municipality.pothole", "title": "t", "description": f"x{character}"},
        {"service": "municipality.pothole", "title": "t", "data": {"street": f"{character}"}},
        {"service": "municipality.pothole", "title": "t", "data": {f"k{character}": 1}},
    ):
        response = client.post("/api/cases", json=body, headers=headers)
        assert _refused(response)["status_code"] == 400
        assert response.json()["detail"] == CONTROL_CHARACTER_MESSAGE
    for params in ({"q": f"a{character}"}, {"state": character}, {"service": character}):
        _refused(client.get("/api/cases", params=params, headers=headers))
    comment = client.post(
        f"/api/cases/{world.cases['pothole']}/transitions",
        json={"transition": "start", "version": 1, "comment": f"ok{character}"},
        headers=headers,
    )
    _refused(comment)
    login = client.post("/login", data={"username": f"a{character}", "password": "x"})
    assert 400 <= login.status_code < 500
    assert _cases(world) == before


def test_tab_and_newline_are_text(client: Client, world: World) -> None:
    response = client.post(
        "/api/cases",
        json={
            "service": "municipality.pothole",
            "title": "t",
            "description": "a\tb\nc\r\nd",
            "data": {"street": "xy", "severity": 1},
        },
        headers=world.headers("municipality.caseworker"),
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    "query",
    [{"from": "0001-01-01"}, {"to": "9999-12-31"}, {"from": "1899-12-31"}, {"to": "2300-01-01"}],
)
def test_report_dates_outside_the_sane_range_are_a_422(
    client: Client, world: World, query: dict[str, str]
) -> None:
    for path in ("/api/reports/summary", "/api/reports/summary.csv"):
        response = client.get(path, params=query, headers=world.headers("coordinator"))
        assert _refused(response)["status_code"] == 422
        assert response.json()["errors"][0]["message"] == DAY_RANGE_MESSAGE


def test_the_limits_messages_are_in_the_catalogue() -> None:
    from hamyar.core.text.input_limits import OUT_OF_RANGE_MESSAGE

    for message in (
        CONTROL_CHARACTER_MESSAGE,
        TOO_DEEP_MESSAGE,
        DAY_RANGE_MESSAGE,
        OUT_OF_RANGE_MESSAGE,
    ):
        assert MESSAGES.get(message), message


def test_metrics_count_a_refusal_by_a_middleware_under_its_own_status(
    client: Client, world: World
) -> None:
    """A form post without its CSRF token is refused by a middleware with a 403 (and a body
    nested too deep with a 400): the request counter must say 403 and 400, not 500."""
    labels = {"method": "POST", "route": "/cases/new"}

    def count(status: str) -> float:
        return sample("hamyar_http_requests_total", **labels, status=status) or 0.0

    before = {s: count(s) for s in ("403", "500")}
    assert client.post("/cases/new", data={"title": "x"}).status_code == 403
    assert count("403") == before["403"] + 1
    assert count("500") == before["500"]
    labels = {"method": "POST", "route": "/api/auth/token"}
    before = {s: count(s) for s in ("400", "500")}
    response = client.post(
        "/api/auth/token", content=DEEP, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert count("400") == before["400"] + 1
    assert count("500") == before["500"]
