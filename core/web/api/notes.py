"""`/api/cases/{id}/notes`, and what the case's detail adds for casework: its notes, its
duplicates and original, the failed steps its workers may retry, and what each correction
changed."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED
from sqlmodel import Session, col, select

from hamyar.core.application import casework
from hamyar.core.auth import access
from hamyar.core.auth.access import CaseAccess
from hamyar.core.auth.actor import Actor
from hamyar.core.cases.corrections import EDIT_ACTION, parse_change
from hamyar.core.cases.incidents import case_incidents
from hamyar.core.cases.notes import notes_for
from hamyar.core.exceptions import NotFound
from hamyar.core.storage.models import Case, CaseNote
from hamyar.core.web.dependencies import ActorDep, UowDep
from hamyar.core.web.limits import Id, Line, Text


class NoteRequest(msgspec.Struct, forbid_unknown_fields=True):
    text: Text
    visibility: Line = "agency"
    """agency (your agency only), shared (every agency on the case) or public."""


def note_view(note: CaseNote) -> dict[str, Any]:
    return {
        "id": note.id,
        "case_id": note.case_id,
        "author": note.author,
        "agency": note.agency_code,
        "visibility": note.visibility,
        "text": note.text,
        "at": note.created_at,
    }


def case_links(session: Session, actor: Actor, case: Case) -> dict[str, Any]:
    """The original a duplicate repeats and the duplicates of this case, as far as `actor`
    may see them."""
    original: dict[str, Any] | None = None
    if case.duplicate_of_id is not None:
        try:
            found, seen = access.get_case(session, actor, case.duplicate_of_id)
        except NotFound:  # an original hidden from this reader is not named
            found = None
        if found is not None:
            original = {
                "id": found.id,
                "tracking_code": found.tracking_code,
                "title": found.title if seen.content else None,
                "state": found.state,
            }
    rows = session.exec(
        select(Case)
        .where(col(Case.duplicate_of_id) == case.id, access.visible_cases(actor))
        .order_by(col(Case.id))
    ).all()
    agencies = access.task_agencies(session, [c.id for c in rows if c.id is not None])
    duplicates = []
    for row in rows:
        seen = access.case_access(actor, row, agencies[row.id])  # type: ignore[index]
        duplicates.append(
            {
                "id": row.id,
                "tracking_code": row.tracking_code,
                "title": row.title if seen.content else None,
                "state": row.state,
            }
        )
    return {"original": original, "duplicates": duplicates}


def casework_detail(
    session: Session, actor: Actor, case: Case, allowed: CaseAccess
) -> dict[str, Any]:
    """What `GET /api/cases/{id}` adds: notes the caller may read, links, incidents."""
    assert case.id is not None
    body: dict[str, Any] = {
        "notes": [note_view(n) for n in notes_for(session, actor, case, allowed)]
    }
    body.update(case_links(session, actor, case))
    body["may_work_on"] = access.may_work_on(actor, allowed)
    body["note_visibilities"] = list(
        access.note_visibilities(actor, allowed, confidential=case.confidential)
    )
    body["incidents"] = (
        [
            {
                "id": i.id,
                "kind": i.kind,
                "error": error,
                "redacted": error is None,
                "attempts": i.attempts,
                "created_at": i.created_at,
                "retried_at": i.retried_at,
            }
            for i, error in case_incidents(session, actor, case.id)
        ]
        if body["may_work_on"]
        else []
    )
    return body


def with_changes(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """History views with each correction's `change` ({field, from, to}) spelled out."""
    for entry in history:
        if entry["action"] == EDIT_ACTION and entry.get("comment"):
            entry["change"] = parse_change(entry["comment"])
    return history


class NoteController(Controller):
    path = "/cases"
    tags = ["cases"]  # noqa: RUF012  (Litestar reads a plain list)

    @post("/{case_id:int}/notes", status_code=HTTP_201_CREATED, sync_to_thread=True)
    def add(
        self, case_id: FromPath[Id], data: JSONBody[NoteRequest], uow: UowDep, actor: ActorDep
    ) -> dict[str, Any]:
        """Write a note on the case without moving it: 403 for those who may not work on it."""
        note = casework.add_note(uow, actor, case_id, text=data.text, visibility=data.visibility)
        return note_view(note)
