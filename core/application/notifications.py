"""Commands around messages to reporters: a worker's try at one, its outcome, and opting out.

A try is written down before anything leaves (`begin_attempt`: the count, the time, the words
fixed once so every retry sends the very same message under the same id), and its success after
(`mark_sent`, in the transaction that also marks the outbox step done). A worker killed between
the two leaves a row in "sending": the next try sends again under the same id, which the SMS
gateway deduplicates (Kavenegar's `localid`) and mail readers collapse (one Message-ID).
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import make_msgid

from sqlmodel import select

from hamyar.core.application.unit_of_work import UnitOfWork
from hamyar.core.engine import notification_text as words
from hamyar.core.engine.notifications import notification_of_token, opt_out_token, opted_out
from hamyar.core.exceptions import NotFound
from hamyar.core.i18n import localized
from hamyar.core.storage.models import Notification, NotificationOptOut, utcnow
from hamyar.core.storage.settings import get_settings


@dataclass(frozen=True)
class Delivery:
    """What a worker sends for one notification (or that it should send nothing)."""

    key: str
    notification_id: int
    case_id: int
    channel: str
    recipient: str
    subject: str
    body: str
    message_id: str
    """The email's Message-ID; for SMS Hamyar's ref (the notification id) goes to the gateway."""
    attempt: int
    skip: bool = False


def begin_attempt(uow: UnitOfWork, key: str) -> Delivery | None:
    """Count a try and fix the message's words; None when no such notification exists.

    A notification already sent, or whose address has opted out since, comes back with `skip`.
    """
    with uow:
        session = uow.session
        row = session.exec(
            select(Notification).where(Notification.key == key).with_for_update()
        ).first()
        if row is None:
            return None
        assert row.id is not None
        if row.status in ("pending", "sending") and opted_out(session, [row.recipient]):
            row.status = "skipped"
        if row.status in ("sent", "skipped"):
            session.add(row)
            return _delivery(row, skip=True)
        if not row.body:
            _word(uow, row)
        row.attempts += 1
        row.status = "sending"
        row.attempted_at = utcnow()
        session.add(row)
        return _delivery(row)


def _delivery(row: Notification, *, skip: bool = False) -> Delivery:
    assert row.id is not None
    return Delivery(
        key=row.key,
        notification_id=row.id,
        case_id=row.case_id,
        channel=row.channel,
        recipient=row.recipient,
        subject=row.subject,
        body=row.body,
        message_id=row.provider_ref,
        attempt=row.attempts,
        skip=skip,
    )


def _word(uow: UnitOfWork, row: Notification) -> None:
    settings = get_settings()
    assert row.id is not None
    params = row.params
    locale = row.locale
    agency_spec = uow.registry.agencies.get(str(params.get("agency") or ""))
    agency = localized(locale, agency_spec.title_fa, agency_spec.title_en) if agency_spec else ""
    service_spec = uow.registry.services.get(str(params.get("service") or ""))
    service = (
        localized(locale, service_spec.title_fa, service_spec.title_en) if service_spec else ""
    )
    code = str(params.get("code") or "")
    link = words.status_link(settings.public_url, code)
    if row.channel == "sms":
        row.body = words.sms_text(row.event, locale, code=code, link=link, agency=agency)
        return
    opt_out = f"{settings.public_url.rstrip('/')}/notifications/opt-out/{opt_out_token(row.id)}"
    worded = words.email_text(
        row.event,
        locale,
        code=code,
        link=link,
        service=service,
        agency=agency,
        opt_out_link=opt_out,
        params=params,
    )
    row.subject, row.body = worded.subject[:300], worded.body
    domain = (settings.mail_from.rpartition("@")[2].strip(" >") or "hamyar.local")[:200]
    row.provider_ref = make_msgid(f"notification.{row.id}", domain=domain)


def mark_sent(uow: UnitOfWork, key: str, provider_ref: str) -> None:
    """Record that the message left (the gateway's id for an SMS)."""
    with uow:
        row = uow.session.exec(select(Notification).where(Notification.key == key)).first()
        if row is None:
            return
        row.status = "sent"
        row.sent_at = utcnow()
        if row.channel == "sms" and provider_ref:
            row.provider_ref = provider_ref[:255]
        row.last_error = ""
        uow.session.add(row)


def record_error(uow: UnitOfWork, key: str, error: str) -> None:
    """Note why a try failed (the step's own failure count and incident are the worker's)."""
    with uow:
        row = uow.session.exec(select(Notification).where(Notification.key == key)).first()
        if row is not None:
            row.last_error = error[-2000:]
            uow.session.add(row)


def address_of_token(uow: UnitOfWork, token: str) -> str:
    """The address an opt-out link was sent to; NotFound (404) for a forged or stale token."""
    with uow:
        notification_id = notification_of_token(token)
        row = uow.session.get(Notification, notification_id) if notification_id else None
        if row is None:
            raise NotFound("this link is not valid")
        return row.recipient


def opt_out(uow: UnitOfWork, token: str) -> str:
    """Stop every later message to the address an opt-out link was sent to; return it."""
    with uow:
        address = address_of_token(uow, token)
        opt_out_address(uow, address)
        return address


def opt_out_address(uow: UnitOfWork, address: str) -> None:
    """Stop every later message to `address` (an email, or a canonical phone); idempotent.
    Messages already written and not yet sent are skipped by their next try."""
    with uow:
        session = uow.session
        row = session.exec(
            select(NotificationOptOut).where(NotificationOptOut.contact == address)
        ).first()
        if row is None:
            row = NotificationOptOut(contact=address)
        if row.opted_out_at is None:
            row.opted_out_at = utcnow()
        session.add(row)
