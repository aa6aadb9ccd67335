"""Sessions end on the server, and every response carries the security headers (issue 14,
finding 8): logout and a password change end sessions at once; CSP without inline script,
no framing, nosniff, a referrer policy; Secure cookies behind HTTPS."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import select

from hamyar.core.application import administration
from hamyar.core.application.context import Application
from hamyar.core.auth.actor import Actor
from hamyar.core.storage.models import User
from hamyar.core.storage.settings import get_settings
from hamyar.core.web.app import TEMPLATES_DIR, create_app
from hamyar.core.web.auth import SESSION_COOKIE
from hamyar.core.web.csrf import CSRF_COOKIE, CSRF_HEADER
from hamyar.core.workflow import roles as R
from tests.web.conftest import PASSWORD, World

Client = TestClient[Litestar]
MANAGER = Actor.from_assignments("admin", [(R.MANAGER, None)])


def _sign_in(client: Client, username: str) -> str:
    client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "next": "/"},
        headers={CSRF_HEADER: client.cookies.get(CSRF_COOKIE, "")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return str(client.cookies[SESSION_COOKIE])


def _me(app: Litestar, cookie: str) -> int:
    with TestClient(app) as other:  # another browser holding a copy of the cookie
        other.cookies.set(SESSION_COOKIE, cookie)
        return other.get("/api/auth/me").status_code


def test_logging_out_ends_the_session_on_the_server(client: Client, world: World) -> None:
    cookie = _sign_in(client, "library.caseworker")
    assert _me(client.app, cookie) == 200
    out = client.post(
        "/logout", headers={CSRF_HEADER: client.cookies[CSRF_COOKIE]}, follow_redirects=False
    )
    assert out.status_code == 303
    assert _me(client.app, cookie) == 401  # the old cookie no longer signs anyone in
    page = client.get("/", follow_redirects=False)
    assert page.status_code in (302, 303) and page.headers["location"].startswith("/login")


def test_a_new_password_ends_every_session_of_the_user(
    client: Client, world: World, engine: Engine
) -> None:
    first = _sign_in(client, "welfare.caseworker")
    with TestClient(client.app) as laptop:
        second = _sign_in(laptop, "welfare.caseworker")
    untouched = _sign_in(client, "auditor")
    assert _me(client.app, first) == _me(client.app, second) == 200
    user = world.session.exec(select(User).where(User.username == "welfare.caseworker")).one()
    user_id = user.id
    assert user_id is not None
    world.session.rollback()  # end the fixture session's transaction: it holds SQLite's lock
    app = Application.build(engine=engine)
    administration.set_password(app.unit_of_work(), MANAGER, user_id, "a new long password")
    assert _me(client.app, first) == _me(client.app, second) == 401
    assert _me(client.app, untouched) == 200


@pytest.mark.parametrize(
    "path", ["/login", "/api/cases", "/api/cases/987654", "/static/hamyar.css"]
)
def test_every_response_carries_the_security_headers(
    client: Client, world: World, path: str
) -> None:
    response = client.get(path, headers=world.headers("coordinator"))
    csp = response.headers["content-security-policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split("; ")}
    assert directives["script-src"] == ["'self'"]  # no inline script, no eval
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


def test_no_template_holds_inline_script() -> None:
    folders = [TEMPLATES_DIR, *Path(__file__).resolve().parents[2].glob("plugins/*/templates")]
    for folder in folders:
        for template in folder.rglob("*.html"):
            text = template.read_text()
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template
            assert not re.search(r"\son[a-z]+\s*=", text), template  # onclick= and friends
            assert "hx-on" not in text and "js:" not in text, template
            assert not re.search(r"\[[^\]]*\(\)\]", text), template  # hx-trigger filters eval


def test_cookies_are_secure_over_https(app: Litestar, world: World) -> None:
    with TestClient(app, base_url="https://hamyar.test") as tls:
        tls.get("/login")
        csrf = tls.cookies[CSRF_COOKIE]
        response = tls.post(
            "/login",
            data={"username": "auditor", "password": PASSWORD},
            headers={CSRF_HEADER: csrf},
            follow_redirects=False,
        )
        cookies = response.headers.get_list("set-cookie")
        assert cookies and all("Secure" in c for c in cookies)
        first = tls.get("/login").headers.get_list("set-cookie")
        assert all("Secure" in c for c in first)
        assert "max-age" in response.headers["strict-transport-security"]


def test_secure_cookies_can_be_required_behind_an_unnamed_https_proxy(
    world: World, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAMYAR_SECURE_COOKIES", "true")
    get_settings.cache_clear()
    with TestClient(create_app(plugins=world.plugins, engine=engine)) as plain:
        cookies = plain.get("/login").headers.get_list("set-cookie")
        assert any(c.startswith(CSRF_COOKIE) for c in cookies)
        assert all("Secure" in c for c in cookies)
