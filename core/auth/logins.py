"""Checking a password, throttled, and recording every attempt.

Failed password checks are recorded; too many for one username or one address in a short window
refuse further tries for a while (HTTP 429) before the password is even looked at. The attempt
is written in the caller's transaction: the `log_in` command commits it whatever the outcome.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from hamyar.core.auth.passwords import hash_password, needs_rehash, verify_password
from hamyar.core.exceptions import TooManyAttempts
from hamyar.core.storage.models import LoginAttempt, User, utcnow

FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_ADDRESS = 30
_DUMMY_HASH = hash_password("timing-equaliser")


def check_password(
    session: Session, username: str, password: str, address: str = ""
) -> User | None:
    """The active user whose password this is, or None; the attempt is recorded either way.

    Raises TooManyAttempts (429), recording nothing, when this username or address failed too
    often lately. "No such user" and "wrong password" take the same time and answer the same.
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
    return user if ok else None
