"""News for a case's reporter, written in the transaction of the change it tells of.

Intake, a transition and a public note call in here with the session of their change; each
piece of news becomes one `Notification` row per channel the reporter can be reached on (email,
SMS) and one `send_notification` outbox step, both in that same transaction: the change never
lands without its messages, and a message is never written for a change that rolled back. The
key `{case}:{event}:{channel}:{ref}` keeps one message per piece of news. Workers word and send
them (`hamyar.workers.notify`); a gateway that keeps failing becomes an incident on the case,
never an error in the transition.

Confidential cases send nothing: a text on a shared phone must not say what a family asked a
welfare office for, and their status page answers "not found" anyway.
"""

from __future__ import annotations

import hashlib
import hmac
from email.utils import parseaddr
from typing import Any

from sqlmodel import Session, col, select

from hamyar.core.engine.outbox import SEND_NOTIFICATION
from hamyar.core.storage.models import Case, Notification, NotificationOptOut
from hamyar.core.storage.settings import get_settings

EVENTS = ("received", "assigned", "resolved", "rejected", "note", "rated")
ASSIGNING_TRANSITIONS = frozenset({"routed", "assign"})
"""Case transitions that hand the report to an agency."""
STATE_EVENTS = {"resolved": "resolved", "rejected": "rejected"}
"""Case states whose arrival the reporter is told of."""


def case_received(session: Session, case: Case) -> None:
    """A new case: its tracking code and status link."""
    _notify(session, case, "received", "1")


def case_moved(session: Session, case: Case, transition: str, to_state: str) -> None:
    """A case transition: assigned to an agency, resolved, or rejected."""
    if transition in ASSIGNING_TRANSITIONS and case.agency_code:
        _notify(session, case, "assigned", str(case.version), {"agency": case.agency_code})
    elif to_state in STATE_EVENTS:
        _notify(session, case, STATE_EVENTS[to_state], str(case.version))


def note_published(session: Session, case: Case, note_id: int, text: str) -> None:
    """A note a caseworker made public."""
    _notify(session, case, "note", str(note_id), {"note": text})


def rating_thanks(session: Session, case: Case, ref: str, rating: int) -> None:
    """The answer to a reporter who rated a resolved case by SMS (SMS only)."""
    _notify(session, case, "rated", ref, {"rating": rating}, channels=("sms",))


def contacts(case: Case) -> dict[str, str]:
    """channel → the reporter's address on it: the canonical phone, a plain email address."""
    found: dict[str, str] = {}
    email = clean_email((case.reporter or {}).get("email"))
    if email:
        found["email"] = email
    if case.reporter_phone:
        found["sms"] = case.reporter_phone
    return found


def clean_email(value: Any) -> str | None:
    """A single plain address (no display name, no line breaks), lower-cased; else None."""
    if not isinstance(value, str) or len(value) > 254 or any(c in value for c in "\r\n,;<>"):
        return None
    name, address = parseaddr(value.strip())
    if name or address.count("@") != 1 or " " in address:
        return None
    local, domain = address.split("@")
    return address.lower() if local and "." in domain else None


def configured_channels() -> set[str]:
    """The channels this installation can send on (`HAMYAR_SMTP_URL`, `HAMYAR_SMS_URL`)."""
    settings = get_settings()
    return {c for c, url in (("email", settings.smtp_url), ("sms", settings.sms_url)) if url}


def opted_out(session: Session, addresses: list[str]) -> set[str]:
    if not addresses:
        return set()
    rows = session.exec(
        select(NotificationOptOut.contact).where(
            col(NotificationOptOut.contact).in_(addresses),
            col(NotificationOptOut.opted_out_at).is_not(None),
        )
    ).all()
    return set(rows)


def _notify(
    session: Session,
    case: Case,
    event: str,
    ref: str,
    params: dict[str, Any] | None = None,
    *,
    channels: tuple[str, ...] = ("email", "sms"),
) -> None:
    if case.confidential or case.id is None:
        return
    usable = configured_channels()
    reach = {c: a for c, a in contacts(case).items() if c in usable and c in channels}
    blocked = opted_out(session, list(reach.values()))
    locale = (case.reporter or {}).get("locale")
    for channel, address in reach.items():
        if address in blocked:
            continue
        key = f"{case.id}:{event}:{channel}:{ref}"
        if session.exec(select(Notification.id).where(Notification.key == key)).first():
            continue
        session.add(
            Notification(
                key=key,
                case_id=case.id,
                event=event,
                channel=channel,
                ref=ref,
                recipient=address,
                locale=locale if locale in ("fa", "en") else get_settings().locale,
                params={"code": case.tracking_code, "service": case.service_code, **(params or {})},
            )
        )
        session.add(SEND_NOTIFICATION.message({"notification": key}, priority=0, case_id=case.id))


# -- opt-out links ----------------------------------------------------------------------------


def _signature(notification_id: int) -> str:
    secret = get_settings().effective_secret_key().encode()
    message = f"hamyar-opt-out:{notification_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:24]


def opt_out_token(notification_id: int) -> str:
    """The token of an email's opt-out link: the notification's id, signed; nothing stored."""
    return f"{notification_id}.{_signature(notification_id)}"


def notification_of_token(token: str) -> int | None:
    """The notification id a token was made for, or None for a forged or broken one."""
    number, _, signature = (token or "").partition(".")
    if not number.isascii() or not number.isdigit() or len(number) > 12:
        return None
    if not hmac.compare_digest(signature, _signature(int(number))):
        return None
    return int(number)
