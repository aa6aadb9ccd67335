"""Who is calling: passwords, bearer tokens for systems, the session cookie for people.

Two ways in, never mixed. A request with an `Authorization` header is judged by that header
alone (a bad token is a 401, not a fall-back to the cookie), which is what lets the CSRF check
skip bearer calls safely: a forged cross-site request cannot set that header. Without the
header, the signed session cookie the UI sets at login decides.

Failed password checks are recorded; too many for one username or one address in a short window
refuse further tries for a while (HTTP 429) before the password is even looked at.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.di import NamedDependency
from litestar.middleware.session.client_side import ClientSideSessionBackend, CookieBackendConfig
from litestar.types import Empty, Message, Scope
from sqlalchemy import func
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from hamyar.core.auth.actor import Actor
from hamyar.core.auth.passwords import hash_password, needs_rehash, verify_password
from hamyar.core.exceptions import HamyarError
from hamyar.core.storage.models import ApiToken, LoginAttempt, RoleAssignment, User, utcnow

TOKEN_PREFIX = "hmy_"
TOKEN_TTL = timedelta(days=30)
MAX_TOKEN_TTL = timedelta(days=365)
SESSION_COOKIE = "hamyar_session"
SESSION_MAX_AGE = 12 * 3600
"""A working day and a bit: a UI login does not outlive the shift it was made for."""
FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_ADDRESS = 30
_TOUCH_EVERY = timedelta(minutes=5)
_DUMMY_HASH = hash_password("timing-equaliser")


class NotAuthenticated(HamyarError):
    status_code = 401


class TooManyAttempts(HamyarError):
    status_code = 429


# -- people and their roles ----------------------------------------------------------------------


def actor_for(session: Session, user: User) -> Actor:
    """The user's roles, global and per agency, as the engine's Actor."""
    rows = session.exec(
        select(RoleAssignment.role, RoleAssignment.agency_code).where(
            RoleAssignment.user_id == user.id
        )
    ).all()
    return Actor.from_assignments(user.username, [(role, agency) for role, agency in rows])


def authenticate(session: Session, username: str, password: str, address: str = "") -> User:
    """Check a password, throttled; return the active user or raise.

    Raises TooManyAttempts (429) when this username or address failed too often lately, else
    NotAuthenticated (401) with one message for "no such user" and "wrong password" alike.
    The attempt is recorded and committed here, whatever the outcome.
    """
    since = utcnow() - FAILURE_WINDOW
    failures = (
        select(func.count())
        .select_from(LoginAttempt)
        .where(
            LoginAttempt.succeeded == False,  # noqa: E712
            LoginAttempt.created_at >= since,
        )
    )
    by_user = session.exec(failures.where(LoginAttempt.username == username)).one()
    by_address = (
        session.exec(failures.where(LoginAttempt.address == address)).one() if address else 0
    )
    if by_user >= MAX_FAILURES_PER_USER or by_address >= MAX_FAILURES_PER_ADDRESS:
        minutes = int(FAILURE_WINDOW.total_seconds() // 60)
        raise TooManyAttempts(f"too many failed logins; wait {minutes} minutes and try again")
    user = session.exec(select(User).where(User.username == username)).first()
    ok = verify_password(user.password_hash if user else _DUMMY_HASH, password) and bool(
        user and user.active
    )
    session.add(LoginAttempt(username=username[:150], address=address[:64], succeeded=ok))
    if ok and user is not None and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.add(user)
    session.commit()
    if not ok or user is None:
        raise NotAuthenticated("wrong username or password")
    return user


# -- bearer tokens -------------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    session: Session, user: User, *, name: str = "", ttl: timedelta = TOKEN_TTL
) -> tuple[str, ApiToken]:
    """A new token for `user` (returned once, stored hashed), committed."""
    ttl = min(ttl, MAX_TOKEN_TTL)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    assert user.id is not None
    row = ApiToken(
        user_id=user.id, token_hash=_digest(raw), name=name[:150], expires_at=utcnow() + ttl
    )
    session.add(row)
    session.commit()
    return raw, row


def find_token(session: Session, raw: str) -> ApiToken | None:
    """The stored token for `raw` if it is still valid (not expired, not revoked)."""
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == _digest(raw))).first()
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        return None
    return row


def revoke_token(session: Session, token: ApiToken) -> None:
    token.revoked_at = utcnow()
    session.add(token)
    session.commit()


def user_for_token(session: Session, raw: str) -> User | None:
    row = find_token(session, raw)
    if row is None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > _TOUCH_EVERY:
        row.last_used_at = now  # coarse on purpose: not one write per API call
        session.add(row)
        try:
            session.commit()
        except OperationalError:  # a busy database must not fail the request over a stamp
            session.rollback()
    return user


def bearer_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """The token of an `Authorization: Bearer …` header; "" for any other Authorization."""
    header = connection.headers.get("authorization")
    if header is None:
        return None
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


# -- the session cookie ----------------------------------------------------------------------------


def login(request: Request[Any, Any, Any], user: User) -> None:
    """Start a UI session for `user` (the UI's login form calls this after `authenticate`)."""
    request.set_session({"uid": user.id, "at": int(utcnow().timestamp())})


def logout(request: Request[Any, Any, Any]) -> None:
    request.clear_session()


def _session_user(session: Session, connection: ASGIConnection[Any, Any, Any, Any]) -> User | None:
    if "session" not in connection.scope:
        return None
    data = connection.scope["session"]
    uid = data.get("uid") if isinstance(data, dict) else None
    if not isinstance(uid, int):
        return None
    user = session.get(User, uid)
    return user if user is not None and user.active else None


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


def resolve_actor(db: Session, connection: ASGIConnection[Any, Any, Any, Any]) -> Actor | None:
    """The actor behind a request, or None; cached on the request's state."""
    state = connection.scope.setdefault("state", {})
    if "hamyar_actor" in state:
        return state["hamyar_actor"]
    token = bearer_token(connection)
    if token is not None:
        user = user_for_token(db, token) if token else None
    else:
        user = _session_user(db, connection)
    actor = actor_for(db, user) if user is not None else None
    state["hamyar_actor"] = actor
    return actor


def current_actor(request: Request[Any, Any, Any], db: NamedDependency[Session]) -> Actor:
    """Dependency: the calling actor; 401 when the request carries no valid credentials."""
    actor = resolve_actor(db, request)
    if actor is None:
        if bearer_token(request) is not None:
            raise NotAuthenticated(
                "the bearer token is unknown, expired or revoked; "
                "POST /api/auth/token for a new one"
            )
        raise NotAuthenticated("log in first: POST /api/auth/token, or the login page")
    return actor


def optional_actor(request: Request[Any, Any, Any], db: NamedDependency[Session]) -> Actor | None:
    """Dependency for pages anyone may open (the login page): the actor, or None."""
    return resolve_actor(db, request)


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else ""
