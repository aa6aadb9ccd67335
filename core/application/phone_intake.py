"""A 137 operator takes a call: open a case for the caller, or add to one of theirs.

Before opening, the operator's form shows the caller's earlier open reports
(`search.open_reports_by_phone`); the operator either adds the call to one of them as a note
(`casework.add_note`, visible to every agency on it) or opens a new case anyway
(`open_phone_case`, channel `phone`, through the same checks as the public form). Who may: whoever
may open a case (`access.require_writer`, as the new-case form); the earlier reports are found
only among the cases whose reporter the operator may read (`access.reporter_readable_cases`).
"""

from __future__ import annotations

from hamyar.core.application import casework
from hamyar.core.application.public_report import Contact, open_report
from hamyar.core.application.unit_of_work import UnitOfWork
from hamyar.core.auth import access
from hamyar.core.auth.actor import Actor
from hamyar.core.exceptions import InvalidInput
from hamyar.core.storage.models import Case, CaseNote
from hamyar.core.text.phone_numbers import phone_key

CALL_NOTE_VISIBILITY = "shared"
"""A repeat call is news for every agency on the case, not only the operator's."""


def caller_phone(text: str) -> str:
    """The caller's number, canonical; InvalidInput naming `caller` when it is none."""
    phone = phone_key(text)
    if phone is None:
        raise InvalidInput(
            "not a phone number",
            [{"field": "caller", "message": "This is not an Iranian phone number (09… or 021…)."}],
        )
    return phone


def open_phone_case(
    uow: UnitOfWork,
    actor: Actor,
    *,
    caller: str,
    category: str,
    neighbourhood: str | None,
    place: str,
    description: str,
) -> Case:
    """Open a case for the caller (channel `phone`); 403 for those who may not open cases,
    422 naming each field to correct."""
    access.require_writer(actor)
    errors: list[dict[str, str]] = []
    try:
        phone: str | None = caller_phone(caller)
    except InvalidInput as exc:
        errors += exc.errors
        phone = None
    return open_report(
        uow,
        actor,
        category=category,
        neighbourhood=neighbourhood,
        place=place,
        description=description,
        reporter=Contact(phone=phone),
        channel="phone",
        errors=errors,
    )


def add_call_to_case(uow: UnitOfWork, actor: Actor, case_id: int, *, description: str) -> CaseNote:
    """Record a repeat call on an earlier case as a note (404 unseen case, 403, 422 no text)."""
    return casework.add_note(uow, actor, case_id, text=description, visibility=CALL_NOTE_VISIBILITY)
