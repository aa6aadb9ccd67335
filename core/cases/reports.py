"""The achievements report: cases per place, agency, service or state, over a period.

What is counted, for each group, of the cases **opened in the period** that the caller may see
(`auth.access.visible_cases`: a coordinator counts confidential cases, an agency counts the
confidential cases it works on, nobody reads their content here — a report holds counts only):

- **resolved** — the case was served: it is `resolved` or `closed`;
- **rejected** — refused or cancelled (`rejected`), **duplicate** — a repeat of another case;
  both are finished but not achievements, so they are counted apart and never as resolved;
- **open** — everything else; **overdue** — open and past its due time.

**SLA compliance** is, of the cases with a due time whose outcome against it is known — resolved
ones, and open ones already past it — the share resolved by their due time. A case is resolved
at the last time it entered `resolved` (a reopened case counts its latest resolution). Rejected
and duplicate cases, cases without a due time, and open cases still within it take no part.

Places nest: province → county → neighbourhood; `province=` / `county=` narrow a report to one,
so the rows of a drill-down add up to the row above it. Periods are `report_period.Period`s.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, select, text
from sqlmodel import Session, col

from hamyar.core.auth.access import visible_cases
from hamyar.core.auth.actor import Actor
from hamyar.core.cases.report_period import Period
from hamyar.core.cases.status import DUPLICATE_STATES, REJECTED_STATES, RESOLVED_STATES
from hamyar.core.exceptions import InvalidInput
from hamyar.core.i18n import gettext
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import (
    Case,
    County,
    HistoryEntry,
    Neighbourhood,
    Province,
    SatisfactionRating,
    utcnow,
)

GROUPS = ("province", "county", "neighbourhood", "agency", "service", "state")
PLACE_GROUPS = ("province", "county", "neighbourhood")
TEHRAN = ZoneInfo("Asia/Tehran")
NUMBERS = (
    "count",
    "resolved",
    "rejected",
    "duplicate",
    "open",
    "overdue",
    "sla_met",
    "sla_missed",
)
"""The counted columns, in the order pages and exports show them."""
COUNTED = (None, "resolved", "rejected", "duplicate", "overdue", "met", "late")
"""What `summary` adds up per group: every case (None), how it finished, and its outcome."""
GROUP_NOUNS = {
    "province": "Province",
    "county": "County",
    "neighbourhood": "Neighbourhood",
    "agency": "Agency",
    "service": "Service",
    "state": "State",
}
"""The grouping as a noun (a catalogue entry), for headings and headers."""
NO_GROUP = {
    "province": "No neighbourhood given",
    "county": "No neighbourhood given",
    "neighbourhood": "No neighbourhood given",
    "agency": "Not yet routed",
    "service": "—",
    "state": "—",
}
"""The row label (a catalogue entry) for cases that have no value for the grouping."""


@dataclass(frozen=True)
class ReportRow:
    key: str | None
    label: str
    label_en: str
    count: int
    resolved: int
    rejected: int
    duplicate: int
    open: int
    overdue: int
    sla_met: int
    sla_missed: int
    sla_compliance: float | None
    """0..1, or None when no case's outcome against its due time is known yet."""
    ratings: int = 0
    """How many of the group's cases their reporter rated (`SatisfactionRating`, one a case)."""
    rating_average: float | None = None
    """The average of those ratings (1–5, one decimal), None when none was given."""


@dataclass(frozen=True)
class Scope:
    """Which place a report is narrowed to (codes, as `/api/neighbourhoods` names them)."""

    province: str | None = None
    county: str | None = None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=TEHRAN)


def _labels(
    session: Session, registry: Registry, group_by: str, keys: list[Any]
) -> dict[Any, tuple[str, str]]:
    wanted = [k for k in keys if k is not None]
    if group_by in PLACE_GROUPS:
        model: Any = {"province": Province, "county": County, "neighbourhood": Neighbourhood}[
            group_by
        ]
        key = model.id if group_by == "neighbourhood" else model.code
        if not wanted:
            return {}
        rows = session.execute(
            select(key, model.name_fa, model.name_en).where(col(key).in_(wanted))
        )
        return {k: (fa, en) for k, fa, en in rows}
    if group_by == "agency":
        return {a.code: (a.title_fa, a.title_en) for a in registry.agencies.values()}
    if group_by == "service":
        return {s.code: (s.title_fa, s.title_en) for s in registry.services.values()}
    labels: dict[Any, tuple[str, str]] = {}
    for definition in registry.workflows.values():
        for state in definition.states.values():
            labels.setdefault(state.id, (state.title or state.id, state.title_en or state.id))
    return labels


def _check_scope(session: Session, scope: Scope) -> None:
    """A province or county code that does not exist is a mistake to mend, not an empty table."""
    models: tuple[tuple[str, Any, str | None], ...] = (
        ("province", Province, scope.province),
        ("county", County, scope.county),
    )
    for field, model, code in models:
        if code and session.execute(select(model.id).where(model.code == code)).first() is None:
            message = f"no {field} with the code {code!r}; see /api/neighbourhoods"
            raise InvalidInput(message, [{"field": field, "message": message}])


def _scoped(query: Any, group_by: str, scope: Scope, period: Period) -> Any:
    """`query` on cases joined to their place (as far as the grouping or the scope needs it),
    narrowed to the scope and to the cases opened in the period."""
    if group_by in ("province", "county") or scope.province or scope.county:
        query = (
            query.outerjoin(Neighbourhood, col(Neighbourhood.id) == col(Case.neighbourhood_id))
            .outerjoin(County, col(County.id) == col(Neighbourhood.county_id))
            .outerjoin(Province, col(Province.id) == col(County.province_id))
        )
    if scope.province:
        query = query.where(col(Province.code) == scope.province)
    if scope.county:
        query = query.where(col(County.code) == scope.county)
    if period.start:
        query = query.where(col(Case.created_at) >= _start_of(period.start))
    if period.end:
        query = query.where(col(Case.created_at) < _start_of(period.end + timedelta(days=1)))
    return query


def resolution_time() -> Any:
    """SQL: when the case last entered `resolved` (a closed case was resolved before it was
    closed); the engine's stamp, or its last change, for a case resolved some other way."""
    entered = (
        select(func.max(HistoryEntry.created_at))
        .where(
            col(HistoryEntry.case_id) == col(Case.id),
            col(HistoryEntry.task_id).is_(None),
            col(HistoryEntry.to_state) == "resolved",
        )
        .correlate(Case)
        .scalar_subquery()
    )
    return func.coalesce(entered, Case.resolved_at, Case.updated_at)


def summary(
    session: Session,
    actor: Actor,
    registry: Registry,
    *,
    group_by: str,
    period: Period | None = None,
    scope: Scope | None = None,
    now: datetime | None = None,
) -> list[ReportRow]:
    """One row per group, largest first; see the module's docstring for what each number is."""
    if group_by not in GROUPS:
        message = f"group_by must be one of {', '.join(GROUPS)}"
        raise InvalidInput(message, [{"field": "group_by", "message": message}])
    period = period or Period()
    scope = scope or Scope()
    _check_scope(session, scope)
    now = now or utcnow()
    column: Any = {
        "province": Province.code,
        "county": County.code,
        "neighbourhood": Case.neighbourhood_id,
        "agency": Case.agency_code,
        "service": Case.service_code,
        "state": Case.state,
    }[group_by]
    state = col(Case.state)
    resolved = state.in_(RESOLVED_STATES)
    rejected = state.in_(REJECTED_STATES)
    duplicate = state.in_(DUPLICATE_STATES)
    is_open = ~or_(resolved, rejected, duplicate, col(Case.resolved_at).is_not(None))
    has_due = col(Case.due_at).is_not(None)
    # Each case's outcome against its due time, worked out once per case, and its resolution
    # time looked up only for a resolved case with a due time (the history, per case).
    outcome = case(
        (and_(is_open, col(Case.due_at) < now), "overdue"),
        (and_(resolved, has_due, resolution_time() <= Case.due_at), "met"),
        (and_(resolved, has_due), "late"),
        else_=None,
    )
    finished = case((resolved, "resolved"), (rejected, "rejected"), (duplicate, "duplicate"))
    # Grouped by the case's group, how it finished and its outcome: each expression is worked
    # out once per case (the database would repeat one per aggregate it appears in), and the
    # few groups are added up here.
    query = _scoped(
        select(
            column.label("group_key"),
            finished.label("finished"),
            outcome.label("outcome"),
            func.count(),
        )
        .select_from(Case)
        .where(visible_cases(actor))
        .group_by(text("group_key"), text("finished"), text("outcome")),
        group_by,
        scope,
        period,
    )
    sums: dict[Any, dict[str | None, int]] = {}
    for key, end, result, n in session.execute(query):
        counted = sums.setdefault(key, {})
        counted[None] = counted.get(None, 0) + int(n)
        for name in (end, result):
            if name is not None:
                counted[name] = counted.get(name, 0) + int(n)
    raw = [(key, *(c.get(name, 0) for name in COUNTED)) for key, c in sums.items()]

    # Ratings counted from the ratings' side: one case in many was rated, so the cases rated
    # are found by their ratings rather than every case probed for one.
    rated = {
        key: (int(n), average)
        for key, n, average in session.execute(
            _scoped(
                select(column, func.count(), func.avg(col(SatisfactionRating.rating)))
                .select_from(SatisfactionRating)
                .join(Case, col(Case.id) == col(SatisfactionRating.case_id))
                .where(visible_cases(actor)),
                group_by,
                scope,
                period,
            ).group_by(column)
        )
    }
    labels = _labels(session, registry, group_by, [r[0] for r in raw])
    rows = []
    for (
        key,
        count,
        n_resolved,
        n_rejected,
        n_duplicate,
        n_overdue,
        n_met,
        n_late,
    ) in raw:
        n_rated, avg = rated.get(key, (0, None))
        fallback = NO_GROUP[group_by]
        fa, en = labels.get(key) or (
            (gettext("fa", fallback), fallback) if key is None else (str(key), str(key))
        )
        n_finished = int(n_resolved) + int(n_rejected) + int(n_duplicate)
        rows.append(
            _rated(
                _row(
                    None if key is None else str(key),
                    fa,
                    en,
                    count=int(count),
                    resolved=int(n_resolved),
                    rejected=int(n_rejected),
                    duplicate=int(n_duplicate),
                    open=int(count) - n_finished,
                    overdue=int(n_overdue),
                    sla_met=int(n_met),
                    sla_missed=int(n_late) + int(n_overdue),
                ),
                int(n_rated),
                avg,
            )
        )
    rows.sort(key=lambda r: (r.key is None, -r.count, r.label))
    return rows


def _rated(row: ReportRow, count: int, average: Any) -> ReportRow:
    """`row` with its satisfaction ratings: how many, and their average to one decimal."""
    mean = round(float(average), 1) if count and average is not None else None
    return replace(row, ratings=count, rating_average=mean)


def _row(key: str | None, label: str, label_en: str, **numbers: int) -> ReportRow:
    decided = numbers["sla_met"] + numbers["sla_missed"]
    share = round(numbers["sla_met"] / decided, 4) if decided else None
    return ReportRow(key, label, label_en, sla_compliance=share, **numbers)


def totals(rows: list[ReportRow]) -> dict[str, Any]:
    """The sums of every counted column, and the SLA compliance of them all together."""
    sums = {name: sum(getattr(r, name) for r in rows) for name in NUMBERS}
    total = _row(None, "", "", **sums)
    rated = sum(r.ratings for r in rows)
    points = sum((r.rating_average or 0) * r.ratings for r in rows)
    average = round(points / rated, 1) if rated else None
    return {
        **sums,
        "sla_compliance": total.sla_compliance,
        "ratings": rated,
        "rating_average": average,
    }


def child_group(group_by: str) -> str | None:
    """The grouping one level down a place drill-down (province → county → neighbourhood)."""
    if group_by in ("province", "county"):
        return PLACE_GROUPS[PLACE_GROUPS.index(group_by) + 1]
    return None
