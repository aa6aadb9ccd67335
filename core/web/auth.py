"""Who is calling: bearer tokens for systems, the session cookie for people.

Two ways in, never mixed. A request with an `Authorization` header is judged by that header
alone (a bad token is a 401, not a fall-back to the cookie), which is what lets the CSRF check
skip bearer calls safely: a forged cross-site request cannot set that header. Without the
header, the signed session cookie the UI sets at login decides. Passwords and tokens themselves
are `hamyar.core.auth.logins` and `hamyar.core.auth.tokens`; signing in is a command
(`hamyar.core.application.accounts`).
"""

from __future__ import annotations

import hashlib
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.di import NamedDependency
from litestar.middleware.session.client_side import ClientSideSessionBackend, CookieBackendConfig
from litestar.params import SkipValidation
from litestar.types import Empty, Message, Scope
from sqlmodel import Session

from hamyar.core.application import accounts
from hamyar.core.application.accounts import user_for_token
from hamyar.core.application.context import Application
from hamyar.core.application.unit_of_work import UnitOfWork
from hamyar.core.auth.actor import Actor
from hamyar.core.auth.caller_cache import callers
from hamyar.core.auth.groups import actor_of
from hamyar.core.auth.sessions import SESSION_TTL, session_user
from hamyar.core.exceptions import NotAuthenticated
from hamyar.core.storage.models import User, utcnow

SESSION_COOKIE = "hamyar_session"
SESSION_MAX_AGE = int(SESSION_TTL.total_seconds())
"""The cookie lives as long as the server-side session it names (`auth.sessions`)."""


# -- people and their roles ----------------------------------------------------------------------


def actor_for(session: Session, user: User) -> Actor:
    """The user's roles (their own and their groups'), global and per agency, and their groups,
    as the engine's Actor."""
    return actor_of(session, user)


def bearer_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """The token of an `Authorization: Bearer …` header; "" for any other Authorization."""
    header = connection.headers.get("authorization")
    if header is None:
        return None
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


# -- the session cookie ----------------------------------------------------------------------------


def login(request: Request[Any, Any, Any], uow: UnitOfWork, user: User) -> None:
    """Start a UI session for `user` (the UI's login form calls this after `log_in`): a
    server-side record, named by a random key in the encrypted cookie."""
    key = accounts.start_session(uow, user)
    request.set_session({"uid": user.id, "sid": key, "at": int(utcnow().timestamp())})


def logout(request: Request[Any, Any, Any], uow: UnitOfWork) -> None:
    """End the session on the server (a copy of the cookie stops working too), then drop it."""
    data = request.scope.get("session")
    key = data.get("sid") if isinstance(data, dict) else None
    if isinstance(key, str):
        accounts.end_session(uow, key)
    request.clear_session()


def _session_key(connection: ASGIConnection[Any, Any, Any, Any]) -> tuple[int, str] | None:
    """The user id and server-side session key the request's cookie names, if any."""
    if "session" not in connection.scope:
        return None
    data = connection.scope["session"]
    if not isinstance(data, dict):
        return None
    uid, key = data.get("uid"), data.get("sid")
    if not isinstance(uid, int) or not isinstance(key, str):
        return None  # a cookie from before server-side sessions: sign in again
    return uid, key


def _session_secret(secret_key: str) -> bytes:
    return hashlib.sha256(("hamyar-session:" + secret_key).encode()).digest()


class HamyarSessionBackend(ClientSideSessionBackend):
    """Litestar's encrypted cookie session, with `Secure` set on every request that came over
    HTTPS (directly, or through a proxy uvicorn trusts), so one deployment serves both."""

    async def store_in_message(
        self, scope_session: Any, message: Message, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> None:
        headers = MutableScopeHeaders.from_message(message)
        params = {
            **self._set_cookie_params,
            "secure": self.config.secure or connection.scope.get("scheme") == "https",
        }
        sent: set[str] = set()
        if scope_session and scope_session is not Empty:
            data = self.dump_data(scope_session, scope=connection.scope)
            keys = (
                [self.config.key]
                if len(data) == 1
                else [f"{self.config.key}-{i}" for i in range(len(data))]
            )
            for key, datum in zip(keys, data, strict=True):
                cookie = Cookie(value=datum.decode("utf-8"), key=key, **params)
                headers.add("Set-Cookie", cookie.to_header(header=""))
                sent.add(key)
        for key in self.get_cookie_key_set(connection) - sent:
            cookie = Cookie(value="null", key=key, expires=0, **self._clear_cookie_params)
            headers.add("Set-Cookie", cookie.to_header(header=""))


class HamyarSessionConfig(CookieBackendConfig):
    _backend_class = HamyarSessionBackend


def session_config(secret_key: str) -> CookieBackendConfig:
    """HttpOnly, SameSite=Lax, AES-GCM-encrypted with a key derived from HAMYAR_SECRET_KEY."""
    return HamyarSessionConfig(
        secret=_session_secret(secret_key),
        key=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=False,
    )


# -- the request's actor --------------------------------------------------------------------------


def resolve_actor(app: Application, connection: ASGIConnection[Any, Any, Any, Any]) -> Actor | None:
    """The actor behind a request, or None; cached on the request's state, and for a few
    seconds in the process (`hamyar.core.auth.caller_cache`).

    Read in a session of its own that never takes SQLite's write lock, so finding out who is
    calling never holds back (or waits for) a writer; a token's last-use note is a short unit
    of work of its own.
    """
    state = connection.scope.setdefault("state", {})
    if "hamyar_actor" in state:
        return state["hamyar_actor"]
    token = bearer_token(connection)
    cookie = _session_key(connection) if token is None else None
    key: tuple[str, ...] | None = None
    if token:
        key = (app.settings.database_url, "token", _digest(token))
    elif cookie is not None:
        key = (app.settings.database_url, "session", str(cookie[0]), _digest(cookie[1]))
    actor = callers.get(key) if key is not None else None
    if actor is None and key is not None:
        generation = callers.generation()
        with app.read_session() as session:
            if token:
                found = user_for_token(session, app.unit_of_work(), token)
            else:
                assert cookie is not None
                found = session_user(session, *cookie)
            if found is not None:
                actor = actor_for(session, found[0])
                callers.put(key, actor, generation, valid_until=found[1])
    state["hamyar_actor"] = actor
    return actor


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def current_actor(
    request: Request[Any, Any, Any], app: NamedDependency[SkipValidation[Application]]
) -> Actor:
    """Dependency: the calling actor; 401 when the request carries no valid credentials."""
    actor = resolve_actor(app, request)
    if actor is None:
        if bearer_token(request) is not None:
            raise NotAuthenticated(
                "the bearer token is unknown, expired or revoked; "
                "POST /api/auth/token for a new one"
            )
        raise NotAuthenticated("log in first: POST /api/auth/token, or the login page")
    return actor


def optional_actor(
    request: Request[Any, Any, Any], app: NamedDependency[SkipValidation[Application]]
) -> Actor | None:
    """Dependency for pages anyone may open (the login page): the actor, or None."""
    return resolve_actor(app, request)


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else ""
