"""Client applications and their API keys: issue, check, rate-limit, revoke.

Open311 makes `api_key` the only credential a submitting app has, so a key is issued once
(printed, never stored in clear), checked on every submission, and can be revoked without
touching any other client. The rate limit counts the client's own submissions in the last hour
from the database, which every web process shares.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from hamyar import InvalidInput, NotFound, utcnow
from hamyar.plugins.municipality.open311.errors import Forbidden, TooManyRequests
from hamyar.plugins.municipality.open311.models import Open311Client, Open311Submission

DEMO_CLIENT = "demo"
DEMO_KEY = "demo-open311-key"
WINDOW = timedelta(hours=1)
MAX_NAME = 150


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    return "o311_" + secrets.token_urlsafe(24)


def add_client(
    session: Session,
    name: str,
    *,
    rate_limit: int = 60,
    queued: bool = False,
    key: str | None = None,
) -> tuple[Open311Client, str]:
    """Create a client application; return it and its key, which is shown only this once."""
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise InvalidInput(
            f"a client name needs 1 to {MAX_NAME} characters",
            [{"field": "name", "message": "required"}],
        )
    if rate_limit < 0:
        raise InvalidInput(
            "the rate limit cannot be negative", [{"field": "rate_limit", "message": "0 or more"}]
        )
    if session.exec(select(Open311Client).where(Open311Client.name == name)).first():
        raise InvalidInput(
            f"an Open311 client named {name!r} already exists; pick another name "
            "or revoke it first",
            [{"field": "name", "message": "taken"}],
        )
    key = key or new_key()
    client = Open311Client(
        name=name, key_hash=hash_key(key), key_hint=key[-4:], rate_limit=rate_limit, queued=queued
    )
    session.add(client)
    session.flush()
    return client, key


def list_clients(session: Session) -> list[Open311Client]:
    return list(session.exec(select(Open311Client).order_by(Open311Client.id)).all())  # type: ignore[arg-type]


def revoke_client(session: Session, name: str) -> Open311Client:
    client = session.exec(select(Open311Client).where(Open311Client.name == name)).first()
    if client is None:
        raise NotFound(f"no Open311 client named {name!r}; `hamyar open311 list` shows them")
    if client.active:
        client.active = False
        client.revoked_at = utcnow()
        session.add(client)
    return client


def authenticate(session: Session, key: str | None, *, for_update: bool = False) -> Open311Client:
    """The active client holding `key`, or Forbidden (the specification's 403).

    `for_update` locks the client's row until the transaction ends (PostgreSQL; SQLite
    already serialises writers), so two processes cannot both take the last submission
    the rate limit allows.
    """
    if not key:
        raise Forbidden("api_key is required to submit a request; ask the municipality for one")
    digest = hash_key(key)
    statement = select(Open311Client).where(Open311Client.key_hash == digest)
    if for_update:
        statement = statement.with_for_update()
    client = session.exec(statement).first()
    if client is None or not hmac.compare_digest(client.key_hash, digest) or not client.active:
        raise Forbidden("api_key is not valid (unknown or revoked)")
    return client


def check_rate_limit(session: Session, client: Open311Client) -> None:
    """Refuse a submission once the client used up its hour; say when to try again."""
    since = utcnow() - WINDOW
    used, oldest = session.exec(
        select(func.count(), func.min(Open311Submission.created_at)).where(
            Open311Submission.client_id == client.id, Open311Submission.created_at > since
        )
    ).one()
    if used < client.rate_limit:
        return
    retry = 3600
    if oldest is not None:  # min() keeps the column's type: an aware UTC datetime
        retry = max(1, int((oldest + WINDOW - utcnow()).total_seconds()) + 1)
    raise TooManyRequests(
        f"this api_key may submit {client.rate_limit} requests per hour; try again in "
        f"{retry} seconds",
        retry_after=retry,
    )


def ensure_demo_client(session: Session) -> Open311Client:
    """The demo data's client application, with the well-known key `demo-open311-key`.

    Idempotent: the demo loader calls it on every start. Never call it in production: the key
    is printed in the documentation.
    """
    client = session.exec(select(Open311Client).where(Open311Client.name == DEMO_CLIENT)).first()
    if client is None:
        client, _ = add_client(session, DEMO_CLIENT, rate_limit=600, key=DEMO_KEY)
    return client
