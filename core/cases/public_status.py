"""What the public status page (and its JSON) shows of a case, and nothing more.

`public_status` reads a case the public may read (`access.get_public_case`: a public,
non-confidential service, a citizen's channel) and picks out what the citizen is told: the
service, the neighbourhood, the public state (`status.public_state`), the agencies working on
it, the public reason of a rejection, the original of a duplicate (when that too is public),
the dates, the notes a caseworker published as `public`, and the rating given. The reporter's
details, the description, internal notes and confidential tasks are never read here, so no
template or serializer can leak them by mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from hamyar.core.auth import access
from hamyar.core.cases import status
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import (
    Attachment,
    Case,
    CaseNote,
    HistoryEntry,
    Neighbourhood,
    SatisfactionRating,
    Task,
)


@dataclass(frozen=True)
class Named:
    """A thing's Persian and English names (the page picks its language)."""

    title_fa: str
    title_en: str


@dataclass(frozen=True)
class PublicNote:
    text: str
    created_at: datetime


@dataclass(frozen=True)
class PublicStatus:
    tracking_code: str
    service: Named
    neighbourhood: Named | None
    state: str
    """One of `status.PUBLIC_STATES`."""
    agencies: list[Named]
    """Who works on it now (with_agency): the agencies of its open, non-confidential tasks."""
    reason: str
    """The comment of the step that rejected it, as written for the reporter; "" if none."""
    duplicate_of: str | None
    """The original's tracking code, when the original is publicly readable too."""
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    notes: list[PublicNote]
    rating: int | None
    may_rate: bool
    """Resolved: the reporter may rate the outcome now (a new rating replaces the old)."""
    attachments: list[Attachment]
    """The photos and documents a caseworker marked public."""


def public_attachments(session: Session, registry: Registry, case: Case) -> list[Attachment]:
    """What the public status page (and Open311's `media_url`) shows of a case's files: the
    ones a caseworker marked public, and nothing at all of a case the public may not read."""
    if not access.publicly_readable(registry, case):
        return []
    return list(
        session.exec(
            select(Attachment)
            .where(col(Attachment.case_id) == case.id, col(Attachment.public).is_(True))
            .order_by(col(Attachment.id))
        ).all()
    )


def _named(fa: str | None, en: str | None, fallback: str) -> Named:
    return Named(fa or en or fallback, en or fa or fallback)


def may_rate(case: Case) -> bool:
    """Only a resolved (or closed) case is rated: the rating is of the outcome."""
    return status.public_state(case.state) == status.RESOLVED


def _working_agencies(session: Session, registry: Registry, case: Case) -> list[Named]:
    tasks = session.exec(
        select(Task).where(
            Task.case_id == case.id,
            col(Task.resolved_at).is_(None),
            col(Task.confidential).is_(False),
        )
    ).all()
    codes = sorted(
        {
            t.agency_code
            for t in tasks
            if not (
                t.kind == access.REFERRAL
                and t.state in access.ENDED_REFERRAL_STATES + access.OFFERED_REFERRAL_STATES
            )
        }
    )
    if not codes and case.agency_code:
        codes = [case.agency_code]
    found = []
    for code in codes:
        agency = registry.agencies.get(code)
        found.append(
            _named(agency.title_fa, agency.title_en, code) if agency else _named(code, code, code)
        )
    return found


def _reason(session: Session, case: Case) -> str:
    """The comment on the case's own step into its rejected state, the latest one."""
    entry = session.exec(
        select(HistoryEntry)
        .where(
            HistoryEntry.case_id == case.id,
            col(HistoryEntry.task_id).is_(None),
            col(HistoryEntry.to_state).in_(status.REJECTED_STATES),
        )
        .order_by(col(HistoryEntry.id).desc())
    ).first()
    return entry.comment.strip() if entry else ""


def public_status(session: Session, registry: Registry, tracking_code: str) -> PublicStatus:
    """The public view of the case with this code; NotFound (the same for every reason)."""
    case = access.get_public_case(session, registry, tracking_code)
    return view_of(session, registry, case)


def view_of(session: Session, registry: Registry, case: Case) -> PublicStatus:
    """The public view of a case the caller already knows the public may read."""
    definition = registry.workflows.get(case.workflow_id)
    terminal = bool(definition and case.state in definition.terminal_states)
    state = status.public_state(case.state, terminal=terminal)
    spec = registry.services.get(case.service_code)
    service = (
        _named(spec.title_fa, spec.title_en, case.service_code)
        if spec
        else _named(case.service_code, case.service_code, case.service_code)
    )
    place = session.get(Neighbourhood, case.neighbourhood_id) if case.neighbourhood_id else None
    duplicate_of = None
    if state == status.DUPLICATE and case.duplicate_of_id is not None:
        duplicate_of = session.exec(
            select(Case.tracking_code).where(
                Case.id == case.duplicate_of_id, access.publicly_readable_cases(registry)
            )
        ).first()
    notes = session.exec(
        select(CaseNote)
        .where(CaseNote.case_id == case.id, CaseNote.visibility == "public")
        .order_by(col(CaseNote.id))
    ).all()
    rating = session.get(SatisfactionRating, case.id)
    return PublicStatus(
        tracking_code=case.tracking_code,
        service=service,
        neighbourhood=_named(place.name_fa, place.name_en, place.code) if place else None,
        state=state,
        agencies=_working_agencies(session, registry, case) if state == status.WITH_AGENCY else [],
        reason=_reason(session, case) if state == status.REJECTED else "",
        duplicate_of=duplicate_of,
        created_at=case.created_at,
        updated_at=case.updated_at,
        resolved_at=case.resolved_at,
        notes=[PublicNote(n.text, n.created_at) for n in notes],
        rating=rating.rating if rating else None,
        may_rate=may_rate(case),
        attachments=public_attachments(session, registry, case),
    )
