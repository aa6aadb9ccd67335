"""Getting in: bearer tokens for systems, the session cookie for people, CSRF, throttling."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from litestar import Litestar, Request, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import select

from hamyar.core.storage.models import ApiToken, User, utcnow
from hamyar.core.storage.settings import get_settings
from hamyar.core.web.app import create_app
from hamyar.core.web.auth import login
from hamyar.core.web.csrf import CSRF_COOKIE, CSRF_HEADER
from hamyar.core.web.dependencies import ActorDep, UowDep
from tests.web.conftest import PASSWORD, World

Client = TestClient[Litestar]


def test_a_password_buys_a_bearer_token(client: Client, world: World) -> None:
    response = client.post(
        "/api/auth/token",
        json={"username": "welfare.caseworker", "password": PASSWORD, "name": "case system"},
    )
    assert response.status_code == 201, response.text
    token = response.json()["token"]
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json() == {
        "username": "welfare.caseworker",
        "global_roles": [],
        "agency_roles": {"welfare": ["Caseworker"]},
    }
    stored = world.session.exec(select(ApiToken).where(ApiToken.name == "case system")).one()
    assert token not in stored.token_hash and len(stored.token_hash) == 64  # only a hash is kept


@pytest.mark.parametrize(
    "body",
    [
        {"username": "welfare.caseworker", "password": "wrong"},
        {"username": "no-such-person", "password": PASSWORD},
    ],
)
def test_wrong_credentials_get_one_answer(
    client: Client, world: World, body: dict[str, str]
) -> None:
    response = client.post("/api/auth/token", json=body)
    assert response.status_code == 401
    assert response.json()["detail"] == "wrong username or password"


def test_an_expired_token_is_refused(client: Client, world: World) -> None:
    token = world.session.exec(select(ApiToken)).first()
    assert token is not None
    user = world.session.get(User, token.user_id)
    assert user is not None
    headers = world.headers(user.username)
    world.session.rollback()  # end the read: SQLite sessions hold the write lock until then
    assert client.get("/api/cases", headers=headers).status_code == 200
    token.expires_at = utcnow() - timedelta(seconds=1)
    world.session.add(token)
    world.session.commit()
    response = client.get("/api/cases", headers=headers)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_revoked_token_is_refused(client: Client, world: World) -> None:
    headers = world.headers("health.caseworker")
    assert client.delete("/api/auth/token", headers=headers).status_code == 204
    assert client.get("/api/cases", headers=headers).status_code == 401
    assert client.get("/api/cases", headers=world.headers("health.supervisor")).status_code == 200


def test_a_bad_bearer_token_never_falls_back_to_the_cookie(
    world: World, cookie_client: Client
) -> None:
    cookie_client.get("/test/login/coordinator")
    assert cookie_client.get("/api/cases").status_code == 200
    response = cookie_client.get("/api/cases", headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 401


def test_token_lifetimes_are_bounded(client: Client, world: World) -> None:
    response = client.post(
        "/api/auth/token", json={"username": "auditor", "password": PASSWORD, "days": 10_000}
    )
    assert response.status_code == 422


# -- the session cookie and CSRF ---------------------------------------------------------------


@get("/test/login/{username:str}", sync_to_thread=True)
def _login(username: FromPath[str], request: Request[Any, Any, Any], uow: UowDep) -> str:
    """What the UI's login form does after checking the password."""
    user = uow.session.exec(select(User).where(User.username == username)).one()
    login(request, uow, user)
    return "ok"


@post("/test/form", sync_to_thread=False)
def _form(actor: ActorDep, data: URLEncodedBody[dict[str, str]]) -> str:
    return f"{actor.username}: {data.get('comment')}"


@pytest.fixture
def cookie_app(world: World, engine: Engine) -> Litestar:
    return create_app(
        plugins=world.plugins,
        engine=engine,
        settings=get_settings(),
        route_handlers=[_login, _form],
    )


@pytest.fixture
def cookie_client(cookie_app: Litestar) -> Iterator[Client]:
    with TestClient(cookie_app) as client:
        yield client


def test_a_form_post_without_its_csrf_token_is_refused(cookie_client: Client) -> None:
    cookie_client.get("/test/login/library.caseworker")
    refused = cookie_client.post("/test/form", data={"comment": "سلام"})
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    token = cookie_client.cookies[CSRF_COOKIE]
    accepted = cookie_client.post("/test/form", data={"comment": "سلام", "_csrf_token": token})
    assert accepted.status_code == 201
    assert accepted.text == "library.caseworker: سلام"


def test_cookie_authenticated_api_posts_need_the_csrf_header(cookie_client: Client) -> None:
    cookie_client.get("/test/login/library.caseworker")
    body = {"service": "library.visit", "title": "بازدید تازه"}
    assert cookie_client.post("/api/cases", json=body).status_code == 403
    token = cookie_client.cookies[CSRF_COOKIE]
    assert (
        cookie_client.post("/api/cases", json=body, headers={CSRF_HEADER: token}).status_code == 201
    )


def test_bearer_calls_need_no_csrf_token(client: Client, world: World) -> None:
    response = client.post(
        "/api/cases",
        headers=world.headers("library.caseworker"),
        json={"service": "library.visit", "title": "بازدید"},
    )
    assert response.status_code == 201


def test_anonymous_api_posts_are_401_not_csrf_403(client: Client, world: World) -> None:
    response = client.post("/api/cases", json={"service": "library.visit", "title": "x"})
    assert response.status_code == 401


def test_the_session_cookie_is_httponly_lax_and_secure_over_https(cookie_app: Litestar) -> None:
    with TestClient(cookie_app, base_url="http://hamyar.test") as plain:
        cookie = plain.get("/test/login/admin").headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    with TestClient(cookie_app, base_url="https://hamyar.test") as tls:
        cookie = tls.get("/test/login/admin").headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" in cookie
