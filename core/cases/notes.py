"""Notes on a case: writing one, and reading those a person may read.

Who may write a note, with which visibility, and who reads it are decided in
`hamyar.core.auth.access` (`may_work_on`, `note_visibilities`, `note_readable`); this module
only writes the row and asks.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from hamyar.core.auth import access
from hamyar.core.auth.access import CaseAccess
from hamyar.core.auth.actor import Actor
from hamyar.core.engine import notifications
from hamyar.core.exceptions import InvalidInput
from hamyar.core.storage.models import Case, CaseNote, Task
from hamyar.core.storage.models.note import NOTE_VISIBILITIES

MAX_NOTE = 5_000


def writing_agency(session: Session, actor: Actor, case: Case) -> str | None:
    """The involved agency the actor writes for (the case's own first), or None."""
    involved = [case.agency_code] if case.agency_code else []
    involved += sorted(session.exec(select(Task.agency_code).where(Task.case_id == case.id)).all())
    return next((a for a in involved if a in actor.agencies), None)


def add_note(
    session: Session, actor: Actor, case: Case, allowed: CaseAccess, *, text: str, visibility: str
) -> CaseNote:
    """Write a note; InvalidInput (422) for an empty or long text or a visibility not allowed."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput("a note needs some text", [{"field": "text", "message": "required"}])
    if len(text) > MAX_NOTE:
        raise InvalidInput(
            f"a note is at most {MAX_NOTE} characters",
            [{"field": "text", "message": f"at most {MAX_NOTE} characters"}],
        )
    if visibility not in NOTE_VISIBILITIES:
        raise InvalidInput(
            f"visibility must be one of {', '.join(NOTE_VISIBILITIES)}",
            [{"field": "visibility", "message": "agency, shared or public"}],
        )
    allowed_here = access.note_visibilities(actor, allowed, confidential=case.confidential)
    if visibility not in allowed_here:
        reason = (
            "a confidential case shows nothing publicly"
            if visibility == "public"
            else "an agency note needs an agency of yours that works on this case"
        )
        raise InvalidInput(
            f"you may not write a {visibility!r} note here: {reason}",
            [{"field": "visibility", "message": reason}],
        )
    assert case.id is not None
    note = CaseNote(
        case_id=case.id,
        author=actor.username,
        agency_code=writing_agency(session, actor, case),
        visibility=visibility,
        text=text,
    )
    session.add(note)
    session.flush()
    if visibility == "public":  # the reporter is told, in this same transaction
        assert note.id is not None
        notifications.note_published(session, case, note.id, text)
    return note


def notes_for(session: Session, actor: Actor, case: Case, allowed: CaseAccess) -> list[CaseNote]:
    """The case's notes `actor` may read, oldest first."""
    if not allowed.content:
        return []
    rows = session.exec(
        select(CaseNote).where(CaseNote.case_id == case.id).order_by(col(CaseNote.id))
    ).all()
    return [
        n
        for n in rows
        if access.note_readable(
            actor, allowed, visibility=n.visibility, agency=n.agency_code, author=n.author
        )
    ]
