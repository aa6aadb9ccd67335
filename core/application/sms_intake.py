"""An SMS to the 137 line: a new case in triage, a rating of a resolved case, or an opt-out.

The SMS gateway forwards each message it receives to `POST /sms/inbound` (Kavenegar's
receive-forward sends `from`, `to`, `message`, `messageid`). `receive_sms` decides what it is:

- "لغو" (or "stop"/"off"): the phone gets no more messages;
- a single digit 1–5 (Persian, Arabic-Indic or ASCII) from a phone whose case was resolved in
  the last `HAMYAR_SMS_RATING_DAYS` days: a rating of that case (`RatingReply`), answered
  with a thank-you, and no new case;
- anything else with text: a 137 case (channel "sms", service `HAMYAR_SMS_INTAKE_SERVICE`) put
  straight into the coordinators' triage, since a text names no service or place; the case's
  "received" notification is the reply carrying its tracking code.

A retried webhook (the same gateway message id) finds its first arrival and answers the same,
so a message never opens two cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from hamyar.core.application import satisfaction
from hamyar.core.application.notifications import opt_out_address
from hamyar.core.application.unit_of_work import UnitOfWork
from hamyar.core.auth import access
from hamyar.core.auth.actor import SYSTEM, intake_actor
from hamyar.core.cases import intake
from hamyar.core.cases.public_status import may_rate
from hamyar.core.cases.status import RESOLVED_STATES
from hamyar.core.engine import notifications
from hamyar.core.engine.transition import apply_transition
from hamyar.core.exceptions import InvalidInput
from hamyar.core.storage.models import Case, InboundSms, utcnow
from hamyar.core.storage.settings import get_settings
from hamyar.core.text.folding import normalize, to_ascii_digits
from hamyar.core.text.phone_numbers import phone_key

OPT_OUT_WORDS = frozenset({"لغو", "لغو۱۱", "لغو11", "stop", "off", "انصراف"})
MAX_SMS_TEXT = 1_000
TITLE_LENGTH = 60


@dataclass(frozen=True)
class RatingReply:
    """A reply that rates a resolved case, stored by `record_rating`."""

    case_id: int
    tracking_code: str
    rating: int


@dataclass(frozen=True)
class InboundResult:
    outcome: str
    """case, rating, opt_out or ignored."""
    case_id: int | None
    tracking_code: str | None
    repeated: bool = False
    """The gateway sent this message before; nothing new was done."""


def receive_sms(
    uow: UnitOfWork, *, sender: str, text: str, message_id: str, receiver: str = ""
) -> InboundResult:
    """Act on one inbound SMS once per gateway `message_id`. InvalidInput (422) for a sender
    that is not an Iranian phone number or a missing message id."""
    phone = phone_key(sender)
    if phone is None:
        raise InvalidInput(
            "from: not a phone number", [{"field": "from", "message": "a phone number"}]
        )
    message_id = (message_id or "").strip()[:128]
    if not message_id:
        raise InvalidInput(
            "messageid is required (it keeps a retried webhook from opening a second case)",
            [{"field": "messageid", "message": "required"}],
        )
    text = (text or "").strip()[:MAX_SMS_TEXT]
    with uow:
        session = uow.session
        earlier = _earlier(uow, message_id)
        if earlier is not None:
            return earlier
        row = InboundSms(message_id=message_id, sender=phone, receiver=receiver[:32], text=text)
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:  # the same message, arriving twice at once: the first one won
            earlier = _earlier(uow, message_id)
            if earlier is not None:
                return earlier
            raise
        result = _act(uow, phone, text, row)
        row.outcome, row.case_id = result.outcome, result.case_id
        session.add(row)
        return result


def _earlier(uow: UnitOfWork, message_id: str) -> InboundResult | None:
    row = uow.session.exec(select(InboundSms).where(InboundSms.message_id == message_id)).first()
    if row is None:
        return None
    case = uow.session.get(Case, row.case_id) if row.case_id is not None else None
    return InboundResult(
        row.outcome, row.case_id, case.tracking_code if case else None, repeated=True
    )


def _act(uow: UnitOfWork, phone: str, text: str, row: InboundSms) -> InboundResult:
    session = uow.session
    if normalize(text).lower().replace(" ", "") in OPT_OUT_WORDS:
        opt_out_address(uow, phone)
        return InboundResult("opt_out", None, None)
    rating = detect_rating(uow, phone, text)
    if rating is not None and record_rating(uow, rating):
        case = session.get(Case, rating.case_id)
        assert case is not None and row.id is not None
        notifications.rating_thanks(session, case, f"sms{row.id}", rating.rating)
        return InboundResult("rating", rating.case_id, rating.tracking_code)
    if not text or rating_digit(text) is not None:  # a bare digit with nothing to rate
        return InboundResult("ignored", None, None)
    case = open_sms_case(uow, phone, text)
    return InboundResult("case", case.id, case.tracking_code)


def rating_digit(text: str) -> int | None:
    """1–5 when the whole message is one such digit, in any of the digits phones send."""
    digits = to_ascii_digits(text.strip())
    return int(digits) if len(digits) == 1 and digits in "12345" else None


def detect_rating(uow: UnitOfWork, phone: str, text: str) -> RatingReply | None:
    """A rating when `text` is a digit 1–5 and `phone` reported a case resolved lately (the
    most recent one)."""
    digit = rating_digit(text)
    if digit is None:
        return None
    since = utcnow() - timedelta(days=get_settings().sms_rating_days)
    case = uow.session.exec(
        select(Case)
        .where(
            Case.reporter_phone == phone,
            col(Case.state).in_(RESOLVED_STATES),
            col(Case.updated_at) >= since,
            col(Case.confidential).is_(False),
        )
        .order_by(col(Case.updated_at).desc())
        .limit(1)
    ).first()
    if case is None or case.id is None:
        return None
    return RatingReply(case_id=case.id, tracking_code=case.tracking_code, rating=digit)


def record_rating(uow: UnitOfWork, reply: RatingReply) -> bool:
    """Store a rating that came by SMS, as the status page's form does (`rate_outcome`,
    channel `sms`), when the case may be rated by the public: checked first, so that a
    refusal never spoils the unit of work the inbound message is recorded in."""
    case = uow.session.get(Case, reply.case_id)
    if case is None or not access.publicly_readable(uow.registry, case) or not may_rate(case):
        return False
    satisfaction.rate_outcome(
        uow, tracking_code=reply.tracking_code, rating=reply.rating, channel="sms"
    )
    return True


def open_sms_case(uow: UnitOfWork, phone: str, text: str) -> Case:
    """A 137 case from an SMS, in triage: a coordinator reads it and names the agency."""
    service = get_settings().sms_intake_service
    if service not in uow.registry.services:
        raise InvalidInput(
            f"HAMYAR_SMS_INTAKE_SERVICE names {service!r}, which no enabled plugin offers",
            [{"field": "service", "message": "unknown service"}],
        )
    title = text if len(text) <= TITLE_LENGTH else text[: TITLE_LENGTH - 1].rstrip() + "…"
    case = intake.open_case(
        uow.session,
        uow.registry,
        intake_actor("sms"),
        service=service,
        title=title,
        description=text,
        channel="sms",
        reporter={"phone": phone},
    )
    uow.announce(apply_transition(uow.session, case, "to_triage", SYSTEM, uow.registry))
    return case
