"""Checking a password, throttled by growing delays, and recording every attempt.

OWASP's advice, not a lock-out: after a few failures the next try must wait, and each further
failure doubles the wait (2, 4, 8 … seconds, capped), per username and per client address. An
attempt made while waiting is refused (HTTP 429 with `Retry-After`) before the password is even
looked at and is not recorded, so hammering does not lengthen the wait; the right password
after the wait works. A success clears the username's count. Addresses come from the socket, or
from X-Forwarded-For only when HAMYAR_TRUSTED_PROXIES names the proxy (uvicorn does that part,
see `hamyar serve`), so a rotating header buys an attacker nothing.

The attempt is written in the caller's transaction: the `log_in` command commits it whatever
the outcome.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from hamyar.core.auth.passwords import hash_password, needs_rehash, verify_password
from hamyar.core.exceptions import TooManyAttempts
from hamyar.core.storage.models import LoginAttempt, User, utcnow

FREE_FAILURES_PER_USER = 3
"""Typos are free: the fourth consecutive failure for a username starts the delays."""
FREE_FAILURES_PER_ADDRESS = 10
"""One office behind one address mistypes more often; guessing from it still slows down."""
MAX_DELAY_PER_USER = timedelta(minutes=5)
"""A username's wait never grows beyond this: an attacker cannot lock its owner out."""
MAX_DELAY_PER_ADDRESS = timedelta(minutes=15)
ADDRESS_WINDOW = timedelta(hours=1)
"""An address's failures count for this long."""
USER_WINDOW = timedelta(days=1)
"""A username's failures count until a success, or for this long."""
_DUMMY_HASH = hash_password("timing-equaliser")


def backoff(failures: int, free: int, cap: timedelta) -> timedelta:
    """The wait after `failures` failures: none for the first `free`, then 2^k seconds."""
    if failures < free:
        return timedelta(0)
    exponent = failures - free + 1
    if exponent > math.log2(cap.total_seconds()):
        return cap
    return timedelta(seconds=2**exponent)


def _aware(moment: datetime | None) -> datetime | None:
    """Aggregates come back as the driver gives them: naive on SQLite, UTC by convention."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _failures(session: Session, *conditions: ColumnElement[bool]) -> tuple[int, datetime | None]:
    """How many failures match, and when the latest was."""
    row = session.exec(
        select(func.count(), func.max(LoginAttempt.created_at)).where(
            col(LoginAttempt.succeeded).is_(False), *conditions
        )
    ).one()
    return int(row[0]), _aware(row[1])


def _user_failures(session: Session, username: str, now: datetime) -> tuple[int, datetime | None]:
    last_success = session.exec(
        select(func.max(LoginAttempt.created_at)).where(
            LoginAttempt.username == username,
            LoginAttempt.succeeded == True,  # noqa: E712
        )
    ).one()
    since = now - USER_WINDOW
    succeeded = _aware(last_success)
    if succeeded is not None:
        since = max(since, succeeded)
    return _failures(
        session, col(LoginAttempt.username) == username, col(LoginAttempt.created_at) > since
    )


def wait_before_trying(session: Session, username: str, address: str) -> timedelta:
    """How long `username` (from `address`) must still wait before the next password check."""
    now = utcnow()
    waits = [timedelta(0)]
    count, latest = _user_failures(session, username, now)
    if latest is not None:
        waits.append(latest + backoff(count, FREE_FAILURES_PER_USER, MAX_DELAY_PER_USER) - now)
    if address:
        count, latest = _failures(
            session,
            col(LoginAttempt.address) == address,
            col(LoginAttempt.created_at) > now - ADDRESS_WINDOW,
        )
        if latest is not None:
            delay = backoff(count, FREE_FAILURES_PER_ADDRESS, MAX_DELAY_PER_ADDRESS)
            waits.append(latest + delay - now)
    return max(waits)


def check_password(
    session: Session, username: str, password: str, address: str = ""
) -> User | None:
    """The active user whose password this is, or None; the attempt is recorded either way.

    Raises TooManyAttempts (429, with `retry_after` seconds), recording nothing, while this
    username or address must still wait. "No such user" and "wrong password" take the same
    time and answer the same.
    """
    username, address = username[:150], address[:64]
    wait = wait_before_trying(session, username, address)
    if wait > timedelta(0):
        seconds = max(1, math.ceil(wait.total_seconds()))
        raise TooManyAttempts(
            f"too many failed logins; wait {seconds} seconds and try again", retry_after=seconds
        )
    user = session.exec(select(User).where(User.username == username)).first()
    ok = verify_password(user.password_hash if user else _DUMMY_HASH, password) and bool(
        user and user.active
    )
    session.add(LoginAttempt(username=username, address=address, succeeded=ok))
    if ok and user is not None and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.add(user)
    return user if ok else None
