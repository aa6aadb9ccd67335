"""What Open311 shows of a case: its public status, notes and place, never its reporter.

A case is `closed` to the public once its workflow says the work is over for the citizen:
resolved (every agency finished), closed, rejected or marked duplicate. `status_notes` is then
the comment that closed it, so "closing the case" and "what the citizen reads" are one act.
Contact details stay in `Case.reporter`; nothing here reads that column.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_
from sqlmodel import Session, col, select

from hamyar import (
    CASE_WORKFLOW,
    FINISHED_PUBLIC_STATES,
    Case,
    HistoryEntry,
    Neighbourhood,
    Registry,
    attachments,
    get_settings,
    public_state,
    publicly_readable_cases,
    utcnow,
)
from hamyar.plugins.municipality.open311.catalogue import (
    Offering,
    category_title,
    code_of,
    find_offering,
    service_notice,
    title,
)
from hamyar.plugins.municipality.open311.errors import BadRequest
from hamyar.plugins.municipality.open311.models import Open311Submission

MAX_DESCRIPTION = 4000
MAX_RESULTS = 1000
MAX_SPAN = timedelta(days=90)


def closed_states(registry: Registry) -> frozenset[str]:
    """The case states that read as `closed`: those whose public state (the status page's,
    `hamyar.public_state`) is finished — resolved, rejected or duplicate."""
    definition = registry.workflow(CASE_WORKFLOW)
    terminal = frozenset(definition.terminal_states)
    return frozenset(
        s
        for s in definition.states
        if public_state(s, terminal=s in terminal) in FINISHED_PUBLIC_STATES
    )


def public_status(case: Case, registry: Registry) -> str:
    return "closed" if case.state in closed_states(registry) else "open"


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with the offset of the configured zone (`+03:30` in Tehran)."""
    if moment is None:
        return None
    return moment.astimezone(_zone(get_settings().timezone)).isoformat(timespec="seconds")


def closing_notes(entries: Sequence[HistoryEntry], closed: frozenset[str]) -> str | None:
    """The comment of the transition that closed the case.

    `entries` are the case's history, oldest first. Walk back through the run of entries
    since the case last entered an open state: a comment on the case's own closing step
    (close, reject, mark duplicate) wins; else the comment of the agency task that finished
    the work (the case resolves automatically when its tasks are done, and the engine copies
    "agency: comment" onto that step, which we would rather show in the task's own words);
    else any other comment in that run.
    """
    found: dict[str, str] = {}
    for entry in reversed(entries):
        if entry.task_id is None and entry.to_state is not None and entry.to_state not in closed:
            break
        comment = entry.comment.strip()
        if not comment:
            continue
        if entry.task_id is None:
            if not entry.automatic:
                return comment
            found.setdefault("automatic", comment)
        elif entry.to_state == "done":
            found.setdefault("task_done", comment)
        else:
            found.setdefault("other", comment)
    return found.get("task_done") or found.get("automatic") or found.get("other")


def _history(session: Session, case_ids: Iterable[int]) -> dict[int, list[HistoryEntry]]:
    ids = list(case_ids)
    found: dict[int, list[HistoryEntry]] = {i: [] for i in ids}
    if not ids:
        return found
    rows = session.exec(
        select(HistoryEntry)
        .where(col(HistoryEntry.case_id).in_(ids))
        .order_by(col(HistoryEntry.id))
    ).all()
    for row in rows:
        found[row.case_id].append(row)
    return found


def views(
    session: Session,
    registry: Registry,
    cases: Sequence[Case],
    locale: str,
    base_url: str = "",
) -> list[dict[str, Any]]:
    """The GET requests items for `cases`, loading what they share in a few queries.

    `media_url` is the case's first public photo on this server (`base_url` + the status
    page's public copy) once a caseworker marked one public, else the URL the client sent."""
    closed = closed_states(registry)
    ids = [c.id for c in cases if c.id is not None]
    submissions = {
        s.case_id: s
        for s in session.exec(
            select(Open311Submission).where(col(Open311Submission.case_id).in_(ids))
        ).all()
    }
    places = {c.neighbourhood_id for c in cases if c.neighbourhood_id is not None}
    neighbourhoods = {
        n.id: n
        for n in session.exec(select(Neighbourhood).where(col(Neighbourhood.id).in_(places))).all()
    }
    history = _history(session, [c.id for c in cases if c.id is not None and c.state in closed])
    definition = registry.workflow(CASE_WORKFLOW)
    items = []
    for case in cases:
        spec = registry.services.get(case.service_code)
        agency = registry.agencies.get(case.agency_code or "")
        submission = submissions.get(case.id or 0)
        place = neighbourhoods.get(case.neighbourhood_id or 0)
        if case.state in closed:
            notes = closing_notes(history.get(case.id or 0, []), closed)
        else:
            state = definition.states.get(case.state)
            notes = (state.title_en if locale == "en" else state.title) if state else None
        lat = (
            submission.lat
            if submission and submission.lat is not None
            else (place.lat if place else None)
        )
        lon = (
            submission.long
            if submission and submission.long is not None
            else (place.lon if place else None)
        )
        address = (
            submission.address_string
            if submission and submission.address_string
            else (
                (place.name_en if locale == "en" and place.name_en else place.name_fa)
                if place
                else None
            )
        )
        items.append(
            {
                "service_request_id": case.tracking_code,
                "status": "closed" if case.state in closed else "open",
                "status_notes": notes,
                "service_name": _service_name(case, registry, locale),
                "service_code": code_of(case, registry),
                "description": case.description[:MAX_DESCRIPTION] or None,
                "agency_responsible": title(agency, locale) if agency else None,
                "service_notice": service_notice(spec, locale) if spec else None,
                "requested_datetime": iso(case.created_at),
                "updated_datetime": iso(case.updated_at),
                "expected_datetime": iso(case.due_at),
                "address": address,
                "address_id": (
                    submission.address_id
                    if submission and submission.address_id
                    else (place.code if place else None)
                ),
                "zipcode": None,
                "lat": lat,
                "long": lon,
                "media_url": _media_url(session, registry, case, submission, base_url),
            }
        )
    return items


def _media_url(
    session: Session,
    registry: Registry,
    case: Case,
    submission: Open311Submission | None,
    base_url: str,
) -> str | None:
    shown = attachments.public_attachments(session, registry, case)
    if shown and base_url:
        return f"{base_url}/status/{case.tracking_code}/attachments/{shown[0].id}"
    return submission.media_url if submission else None


def _service_name(case: Case, registry: Registry, locale: str) -> str | None:
    spec = registry.services.get(case.service_code)
    if spec is None:
        return None
    if code_of(case, registry) != case.service_code and case.category:
        return category_title(case.category, locale)
    return title(spec, locale)


def _of_offering(offering: Offering) -> Any:
    condition = col(Case.service_code) == offering.spec.code
    return condition & (col(Case.category) == offering.category) if offering.category else condition


def _visible(registry: Registry) -> Any:
    """The cases Open311 serves: those the public may read (`hamyar.publicly_readable_cases`,
    the status page's rule too)."""
    return publicly_readable_cases(registry)


def find_case(session: Session, registry: Registry, service_request_id: str) -> Case | None:
    """The case Open311 knows by this id (its tracking code), if Open311 may show it."""
    return session.exec(
        select(Case).where(Case.tracking_code == service_request_id, _visible(registry))
    ).first()


def case_of(session: Session, registry: Registry, submission: Open311Submission) -> Case | None:
    """The case a token stands for, if Open311 may still show it."""
    return session.exec(
        select(Case).where(Case.id == submission.case_id, _visible(registry))
    ).first()


EARLIEST_YEAR, LATEST_YEAR = 1900, 2299
"""Dates outside these name no report, and year 9999 overflows once 90 days are added."""


def parse_moment(name: str, value: str) -> datetime:
    """An ISO 8601 date-time with a time zone (`2024-01-01T00:00:00Z`, `…+03:30`)."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise BadRequest(
            f"{name} must be an ISO 8601 date-time such as 2024-01-01T00:00:00Z, not {value!r}"
        ) from None
    if moment.tzinfo is None:
        raise BadRequest(f"{name} needs a time zone, e.g. {value}Z or {value}+03:30")
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise BadRequest(f"{name} must be between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return moment


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def query(
    session: Session,
    registry: Registry,
    params: dict[str, str | None],
    locale: str,
    base_url: str = "",
) -> list[dict[str, Any]]:
    """GET requests with the specification's filters; a bad filter is a 400, never ignored."""
    statement = select(Case).where(_visible(registry))
    ids = _split(params.get("service_request_id"))
    if ids:  # the specification: service_request_id overrides every other filter
        statement = statement.where(col(Case.tracking_code).in_(ids))
    else:
        codes = _split(params.get("service_code"))
        found = {c: find_offering(registry, c) for c in codes}
        unknown = [c for c, offering in found.items() if offering is None]
        if unknown:
            raise BadRequest(
                *(
                    f"service_code {c!r} is not one of ours; GET services lists them"
                    for c in unknown
                )
            )
        if codes:
            statement = statement.where(or_(*(_of_offering(o) for o in found.values() if o)))
        statuses = set(_split(params.get("status")))
        if statuses - {"open", "closed"}:
            raise BadRequest(
                "status must be open, closed or both (comma-separated), not "
                f"{params.get('status')!r}"
            )
        if len(statuses) == 1:
            closed = list(closed_states(registry))
            in_closed = col(Case.state).in_(closed)
            statement = statement.where(in_closed if "closed" in statuses else ~in_closed)
        start, end = _window(params.get("start_date"), params.get("end_date"))
        statement = statement.where(Case.created_at >= start, Case.created_at <= end)
    statement = statement.order_by(col(Case.created_at).desc(), col(Case.id).desc())
    cases = session.exec(statement.limit(MAX_RESULTS)).all()
    return views(session, registry, cases, locale, base_url)


def _window(start_text: str | None, end_text: str | None) -> tuple[datetime, datetime]:
    """The specification's date range: the last 90 days unless told, never more than 90."""
    start = parse_moment("start_date", start_text) if start_text else None
    end = parse_moment("end_date", end_text) if end_text else None
    if start is None and end is None:
        end = utcnow()
    if start is None:
        assert end is not None
        start = end - MAX_SPAN
    if end is None:
        end = start + MAX_SPAN
    if start > end:
        raise BadRequest("start_date must not be after end_date")
    if end - start > MAX_SPAN:
        raise BadRequest("a date range may not span more than 90 days; query it in parts")
    return start, end
