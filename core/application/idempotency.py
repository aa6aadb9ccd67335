"""Idempotency keys: a retried request gets the first answer instead of doing its work twice.

A client that sent `POST /api/cases` and lost the answer (a dropped connection, a web process
killed after the commit) cannot tell whether the case exists. Sending the request again with
the same `Idempotency-Key` header, as payment APIs let it, is then safe: the answer of the first
request that committed is returned, status and body, and nothing is written again.

The key's row is written first, in the same unit of work as the change itself: either both
commit or neither does, so an answer is kept exactly when there is something it answers for.
Two requests with one key at once cannot both write: on SQLite the write lock serialises them
and the second finds the first's row; on PostgreSQL the second waits on the unique index until
the first commits, fails, and reads the first's answer on its next try. A request that fails
(a 4xx, a 503) keeps nothing: its retry runs again, and fails or succeeds on its own merits.

Keys belong to one caller (a user, an Open311 client) and one operation, and expire after a
day; the same key with a different request is refused (422), since answering it with another
request's result would be wrong either way.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from hamyar.core.application.unit_of_work import UnitOfWork
from hamyar.core.exceptions import InvalidInput
from hamyar.core.storage.models import IdempotencyKey, utcnow

HEADER = "Idempotency-Key"
KEY_TTL = timedelta(hours=24)
MAX_KEY_LENGTH = 255


class KeyReused(InvalidInput):
    """The key was used with a different request (422)."""


@dataclass(frozen=True)
class Answer:
    """What to send back: the status and body of the first request with this key."""

    status_code: int
    body: Any
    replayed: bool
    """True when this is a retry answered from the kept row (the `Idempotent-Replayed`
    response header says so)."""


def clean_key(raw: str | None) -> str | None:
    """The key of a request, or None when it sent none; InvalidInput for one that cannot be a
    key (empty, longer than 255 characters, or not printable ASCII)."""
    if raw is None:
        return None
    key = raw.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not all(" " < ch <= "~" for ch in key):
        raise InvalidInput(
            "the Idempotency-Key header must be 1-255 printable ASCII characters",
            [{"field": HEADER, "message": "1-255 printable ASCII characters"}],
        )
    return key


def fingerprint(content: Any) -> str:
    """A stable digest of a request's content (key order does not matter)."""
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def once(
    uow: UnitOfWork,
    *,
    caller: str,
    operation: str,
    key: str,
    content: Any,
    run: Callable[[], Any],
    status_code: int = 201,
) -> Answer:
    """`run()` (a command joining `uow`, returning the JSON body to answer with) unless this
    caller already ran `operation` with `key`; then that first answer, and `run` is not called.

    InvalidInput (422) when the key was used with different content. Whatever `run` raises
    leaves no trace of the key, so the same request may be retried.
    """
    digest = fingerprint(content)
    for attempt in range(3):
        try:
            with uow:
                session = uow.session
                now = utcnow()
                row = session.exec(
                    select(IdempotencyKey).where(
                        IdempotencyKey.caller == caller,
                        IdempotencyKey.operation == operation,
                        IdempotencyKey.key == key,
                    )
                ).first()
                if row is not None and row.expires_at > now:
                    if row.fingerprint != digest:
                        raise KeyReused(
                            "this Idempotency-Key was already used with a different request; "
                            "use a new key for a new request",
                            [{"field": HEADER, "message": "used with a different request"}],
                        )
                    return Answer(row.status_code, row.response, replayed=True)
                # Expired keys go, this one's included: a day later it may be used afresh.
                session.execute(delete(IdempotencyKey).where(col(IdempotencyKey.expires_at) <= now))
                row = IdempotencyKey(
                    caller=caller[:200],
                    operation=operation,
                    key=key,
                    fingerprint=digest,
                    expires_at=now + KEY_TTL,
                )
                session.add(row)
                session.flush()  # a concurrent request with this key waits here, then fails
                body = run()
                row.status_code, row.response = status_code, body
                session.add(row)
            return Answer(status_code, body, replayed=False)
        except IntegrityError:
            if attempt == 2:
                raise
            # Another request with this key committed first: the next pass reads its answer.
    raise AssertionError("unreachable")  # pragma: no cover
