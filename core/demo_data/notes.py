"""Demo notes: an agency's internal note and a note shared with every agency, on a few cases
of each plugin, so a newcomer sees both kinds in the case timeline in the first minute.

Written through `hamyar.core.cases.notes.add_note` as the agency's demo caseworker, so the
visibility rules are the real ones. Idempotent: a case that already has a note is left alone.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session, select

from hamyar.core.auth.access import case_access, task_agencies
from hamyar.core.cases.notes import add_note
from hamyar.core.demo_data.users import actor_for
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import Case, CaseNote, Task

NOTES = (
    ("agency", "با خانوار تماس گرفته شد؛ مدارک کامل نیست و پیگیری ادامه دارد."),
    ("shared", "هماهنگی با دستگاه‌های دیگر انجام شد؛ نتیجه در همین پرونده ثبت می‌شود."),
)
CASES_PER_PLUGIN = 2


def add_notes(session: Session, registry: Registry, keyed: Mapping[str, Case]) -> int:
    """Notes on the first open, routed cases among `keyed`; return how many were written."""
    written = 0
    chosen = [
        case
        for _key, case in sorted(keyed.items())
        if case.state == "in_progress" and case.agency_code
    ][:CASES_PER_PLUGIN]
    for index, case in enumerate(chosen):
        assert case.id is not None
        if session.exec(select(CaseNote.id).where(CaseNote.case_id == case.id)).first():
            continue
        if not session.exec(select(Task.id).where(Task.case_id == case.id)).first():
            continue
        username = f"{case.agency_code}.caseworker"
        try:
            actor = actor_for(username, registry)
        except StopIteration:  # an agency without demo logins
            continue
        allowed = case_access(actor, case, task_agencies(session, [case.id])[case.id])
        for visibility, text in NOTES[: index + 1]:
            note = add_note(session, actor, case, allowed, text=text, visibility=visibility)
            note.created_at = case.created_at + (case.updated_at - case.created_at) / 2
            session.add(note)
            written += 1
    session.flush()
    return written
