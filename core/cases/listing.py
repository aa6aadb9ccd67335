"""Listing cases: filters, the caller's visibility, full-text search and keyset pagination.

Pages are keyed on the case id, newest first: the next page is "ids below the last one shown",
which an index answers in the same time on page 1 and page 1,000, and which never repeats or
skips a case when new ones arrive between pages. The cursor is opaque to clients.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import Select, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import defer
from sqlmodel import Session, col

from hamyar.core.auth.access import readable_cases, visible_cases
from hamyar.core.auth.actor import Actor
from hamyar.core.cases.search import search_condition
from hamyar.core.cases.status import case_is_overdue
from hamyar.core.exceptions import InvalidInput
from hamyar.core.i18n import phrase
from hamyar.core.storage.models import Case, Neighbourhood, Task, utcnow
from hamyar.core.text.input_limits import MAX_INT

Item = TypeVar("Item")
MAX_LIMIT = 200
DEFAULT_LIMIT = 50
LIST_DEFERRED = tuple(
    defer(getattr(Case, name))
    for name in ("description", "data", "variables", "search_text", "reporter")
)
"""A page of cases shows none of these; a page of 50 would otherwise read and decode a few
hundred kilobytes of text and JSON it never shows (a caller that needs one loads it then)."""


@dataclass(frozen=True)
class CaseFilters:
    state: str | None = None
    """One state, or several separated by commas."""
    agency: str | None = None
    """Cases the agency holds or has a task in."""
    service: str | None = None
    neighbourhood: int | str | None = None
    """An id or a neighbourhood code."""
    q: str | None = None
    overdue: bool | None = None


SUMMARY_COLUMNS = (
    col(Case.id),
    col(Case.tracking_code),
    col(Case.service_code),
    col(Case.agency_code),
    col(Case.neighbourhood_id),
    col(Case.title),
    col(Case.state),
    col(Case.version),
    col(Case.priority),
    col(Case.confidential),
    col(Case.channel),
    col(Case.category),
    col(Case.created_at),
    col(Case.updated_at),
    col(Case.due_at),
    col(Case.resolved_at),
)
"""What a page of cases shows of each (`SummaryRow`)."""


class SummaryRow(Protocol):
    """A row of `list_summaries`: the `SUMMARY_COLUMNS`, and `content`, whether the caller
    may read the case's content (its title) — decided in the query, by the same permission
    maps `case_access` reads."""

    id: int
    tracking_code: str
    service_code: str
    agency_code: str | None
    neighbourhood_id: int | None
    title: str
    state: str
    version: int
    priority: int
    confidential: bool
    channel: str
    category: str | None
    created_at: datetime
    updated_at: datetime
    due_at: datetime | None
    resolved_at: datetime | None
    content: bool


@dataclass(frozen=True)
class Page(Generic[Item]):
    items: list[Item]
    next_cursor: str | None


def encode_cursor(case_id: int) -> str:
    return base64.urlsafe_b64encode(f"c1:{case_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, value = raw.partition(":")
        if prefix != "c1":
            raise ValueError
        if not 1 <= int(value) <= MAX_INT:
            raise ValueError
        return int(value)
    except ValueError:
        raise InvalidInput(
            "cursor is not one this API gave out; start again without it",
            [{"field": "cursor", "message": "invalid cursor"}],
        ) from None


def resolve_neighbourhood(session: Session, value: int | str) -> int:
    """The id of a neighbourhood given by id (ASCII digits, within the column's range) or code."""
    if isinstance(value, int) or (value.isascii() and value.isdigit()):
        number = value if isinstance(value, int) else int(value)
        if not 1 <= number <= MAX_INT:
            raise InvalidInput(
                f"unknown neighbourhood {value!r}; GET /api/neighbourhoods lists them",
                [{"field": "neighbourhood", "message": "unknown neighbourhood"}],
            )
        return number
    found = session.execute(
        select(col(Neighbourhood.id)).where(col(Neighbourhood.code) == value)
    ).first()
    if found is None:
        raise InvalidInput(
            f"unknown neighbourhood {value!r}; GET /api/neighbourhoods lists them",
            [{"field": "neighbourhood", "message": "unknown neighbourhood"}],
        )
    return int(found[0])


def list_cases(
    session: Session,
    actor: Actor,
    filters: CaseFilters,
    *,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    now: datetime | None = None,
) -> Page[Case]:
    """One page of the cases `actor` may see that match `filters`, newest first, as cases
    (without the columns a page never shows: `LIST_DEFERRED`)."""
    query = cases_query(session, actor, filters, cursor=cursor, now=now)
    return _page(session, query.options(*LIST_DEFERRED), filters, limit, scalars=True)


def list_summaries(
    session: Session,
    actor: Actor,
    filters: CaseFilters,
    *,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    now: datetime | None = None,
) -> Page[SummaryRow]:
    """The same page as `list_cases`, as rows of the columns a list shows and whether the
    caller may read each case's content: no ORM objects and no second query for access, so
    an API page costs one indexed query."""
    query = cases_query(
        session,
        actor,
        filters,
        cursor=cursor,
        now=now,
        columns=(*SUMMARY_COLUMNS, readable_cases(actor).label("content")),
    )
    return _page(session, query, filters, limit, scalars=False)


def summaries_of(session: Session, actor: Actor, case_ids: list[int]) -> dict[int, SummaryRow]:
    """case id → the summary row of each of `case_ids`, for a page of items whose query already
    kept only what the caller may see (a worklist's tasks): one query, access decided in it."""
    if not case_ids:
        return {}
    found = session.execute(
        select(*SUMMARY_COLUMNS, readable_cases(actor).label("content")).where(
            col(Case.id).in_(sorted(set(case_ids)))
        )
    )
    return {row.id: row for row in found}


def _page(
    session: Session, query: Select[Any], filters: CaseFilters, limit: int, *, scalars: bool
) -> Page[Any]:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(
            f"limit must be 1..{MAX_LIMIT}", [{"field": "limit", "message": f"1..{MAX_LIMIT}"}]
        )
    statement = query.order_by(col(Case.id).desc()).limit(limit + 1)
    if filters.q and filters.q.strip() and session.get_bind().dialect.name == "postgresql":
        rows = _bounded_search(session, statement, scalars=scalars)
    else:
        result = session.execute(statement)
        rows = list(result.scalars() if scalars else result)
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1].id) if more and rows[-1].id is not None else None
    return Page(items=rows, next_cursor=next_cursor)


SEARCH_TIME_LIMIT_MS = 3000
"""How long a search may take on PostgreSQL before it is answered "too broad". The planner
answers almost every search by index in milliseconds (a common word: the newest cases, read
backwards until a page is full; a rare one: the trigram index); this bounds the rest, a word
the planner misjudges at a million cases, so a search box never holds a request for 30 s."""
TOO_BROAD = (
    "This search matches too many cases to list in time; add a word, or narrow it by state, "
    "agency or service."
)


def _bounded_search(session: Session, statement: Select[Any], *, scalars: bool) -> list[Any]:
    """Run a search under `SEARCH_TIME_LIMIT_MS`, in a savepoint so a cancelled statement
    leaves the request's transaction usable; past the limit, a 422 that says what to do."""
    try:
        with session.begin_nested():
            session.execute(text(f"SET LOCAL statement_timeout = {SEARCH_TIME_LIMIT_MS}"))
            result = session.execute(statement)
            rows = list(result.scalars() if scalars else result)
            session.execute(text("SET LOCAL statement_timeout = DEFAULT"))
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) != QUERY_CANCELED:
            raise
        words = phrase(TOO_BROAD)
        raise InvalidInput(words, [{"field": "q", "message": words}]) from None
    return rows


QUERY_CANCELED = "57014"
"""PostgreSQL's SQLSTATE for a statement stopped by statement_timeout."""


def cases_query(
    session: Session,
    actor: Actor,
    filters: CaseFilters,
    *,
    cursor: str | None = None,
    now: datetime | None = None,
    columns: tuple[Any, ...] | None = None,
) -> Select[Any]:
    """The SELECT of the cases `actor` may see that match `filters` (below `cursor`),
    unordered: of whole cases, or of `columns`."""
    query = (select(*columns) if columns else select(Case)).where(visible_cases(actor))
    if filters.state:
        states = [s.strip() for s in filters.state.split(",") if s.strip()]
        query = query.where(Case.state.in_(states))  # type: ignore[attr-defined]
    if filters.agency:
        # The agency holding a case holds its primary task (routing sets `Case.agency_code`
        # from it), so "holds the case or has a task in it" is "has a task in it": a semi-join
        # the database walks in id order beside the case list (`ix_task_agency_case`), as fast
        # at a million cases as at ten thousand. An OR with the case's own column would turn
        # it into a lookup of every task of the agency on every page.
        query = query.where(
            col(Case.id).in_(
                select(col(Task.case_id)).where(col(Task.agency_code) == filters.agency)
            )
        )
    if filters.service:
        query = query.where(col(Case.service_code) == filters.service)
    if filters.neighbourhood not in (None, ""):
        assert filters.neighbourhood is not None
        query = query.where(
            col(Case.neighbourhood_id) == resolve_neighbourhood(session, filters.neighbourhood)
        )
    if filters.overdue is not None:
        late = case_is_overdue(now or utcnow())
        query = query.where(late if filters.overdue else ~late)
    if filters.q and filters.q.strip():
        condition = search_condition(actor, filters.q, session.get_bind().dialect.name)
        if condition is not None:
            query = query.where(condition)
    if cursor:
        query = query.where(col(Case.id) < decode_cursor(cursor))
    return query
