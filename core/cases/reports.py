"""The achievements report: cases per neighbourhood, agency, service or state, over a period.

For each group: cases opened in the period, how many are resolved, how many are open past their
due date, and SLA compliance — of the cases whose deadline has been decided (resolved, or open
and already late), the share resolved by their due date. Only cases the caller may see are
counted (a coordinator counts confidential cases; their content plays no part here).
Dates are Jalali (`1402-07-03`) or Gregorian ISO (`2023-09-25`), whole days in Tehran time.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, select
from sqlmodel import Session, col

from hamyar.core.auth.access import visible_cases
from hamyar.core.auth.actor import Actor
from hamyar.core.cases.status import case_is_overdue, case_is_resolved
from hamyar.core.exceptions import InvalidInput
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import Case, Neighbourhood, utcnow
from hamyar.core.time.jalali import DAY_RANGE_MESSAGE, DateOutOfRange, parse_date

GROUPS = ("neighbourhood", "agency", "service", "state")
TEHRAN = ZoneInfo("Asia/Tehran")


@dataclass(frozen=True)
class ReportRow:
    key: str | None
    label: str
    label_en: str
    count: int
    resolved: int
    overdue: int
    sla_met: int
    sla_missed: int
    sla_compliance: float | None
    """0..1, or None when no deadline has been decided yet."""


def parse_day(value: str | None, field: str) -> date | None:
    if value is None or not value.strip():
        return None
    try:
        return parse_date(value.strip())
    except DateOutOfRange:
        raise InvalidInput(
            f"{field}: {DAY_RANGE_MESSAGE}", [{"field": field, "message": DAY_RANGE_MESSAGE}]
        ) from None
    except ValueError as exc:
        raise InvalidInput(f"{field}: {exc}", [{"field": field, "message": str(exc)}]) from None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=TEHRAN)


def _labels(
    session: Session, registry: Registry, group_by: str, keys: list[Any]
) -> dict[Any, tuple[str, str]]:
    if group_by == "neighbourhood":
        ids = [k for k in keys if k is not None]
        names = select(
            col(Neighbourhood.id), col(Neighbourhood.name_fa), col(Neighbourhood.name_en)
        )
        rows: Any = session.execute(names.where(col(Neighbourhood.id).in_(ids))) if ids else []
        return {i: (fa, en) for i, fa, en in rows}
    if group_by == "agency":
        return {a.code: (a.title_fa, a.title_en) for a in registry.agencies.values()}
    if group_by == "service":
        return {s.code: (s.title_fa, s.title_en) for s in registry.services.values()}
    labels: dict[Any, tuple[str, str]] = {}
    for definition in registry.workflows.values():
        for state in definition.states.values():
            labels.setdefault(state.id, (state.title or state.id, state.title_en or state.id))
    return labels


def summary(
    session: Session,
    actor: Actor,
    registry: Registry,
    *,
    group_by: str,
    date_from: date | None = None,
    date_to: date | None = None,
    now: datetime | None = None,
) -> list[ReportRow]:
    """One row per group, largest first."""
    if group_by not in GROUPS:
        raise InvalidInput(
            f"group_by must be one of {', '.join(GROUPS)}",
            [{"field": "group_by", "message": "unknown grouping"}],
        )
    if date_from and date_to and date_to < date_from:
        raise InvalidInput("`to` is before `from`", [{"field": "to", "message": "before from"}])
    now = now or utcnow()
    column = {
        "neighbourhood": Case.neighbourhood_id,
        "agency": Case.agency_code,
        "service": Case.service_code,
        "state": Case.state,
    }[group_by]
    resolved = case_is_resolved()
    resolved_at = func.coalesce(Case.resolved_at, Case.updated_at)
    late_open = case_is_overdue(now)
    met = and_(resolved, Case.due_at.is_not(None), resolved_at <= Case.due_at)  # type: ignore[union-attr]
    missed_resolved = and_(resolved, Case.due_at.is_not(None), resolved_at > Case.due_at)  # type: ignore[union-attr]

    def total(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    query = (
        # The grouping column's type depends on `group_by`; the select is right for each.
        select(  # type: ignore[call-overload]
            column,
            func.count(),
            total(resolved),
            total(late_open),
            total(met),
            total(missed_resolved),
        )
        .where(visible_cases(actor))
        .group_by(column)
    )
    if date_from:
        query = query.where(Case.created_at >= _start_of(date_from))
    if date_to:
        query = query.where(Case.created_at < _start_of(date_to + timedelta(days=1)))
    raw = list(session.execute(query))
    labels = _labels(session, registry, group_by, [r[0] for r in raw])
    rows = []
    for key, count, n_resolved, overdue, n_met, n_missed in raw:
        missed = int(n_missed) + int(overdue)
        decided = int(n_met) + missed
        fa, en = labels.get(
            key, (str(key) if key is not None else "—", str(key) if key is not None else "—")
        )
        rows.append(
            ReportRow(
                key=None if key is None else str(key),
                label=fa,
                label_en=en,
                count=int(count),
                resolved=int(n_resolved),
                overdue=int(overdue),
                sla_met=int(n_met),
                sla_missed=missed,
                sla_compliance=round(int(n_met) / decided, 4) if decided else None,
            )
        )
    rows.sort(key=lambda r: (-r.count, r.label))
    return rows


def totals(rows: list[ReportRow]) -> dict[str, Any]:
    met = sum(r.sla_met for r in rows)
    missed = sum(r.sla_missed for r in rows)
    return {
        "count": sum(r.count for r in rows),
        "resolved": sum(r.resolved for r in rows),
        "overdue": sum(r.overdue for r in rows),
        "sla_met": met,
        "sla_missed": missed,
        "sla_compliance": round(met / (met + missed), 4) if met + missed else None,
    }


def to_csv(rows: list[ReportRow]) -> str:
    """CSV with a byte-order mark, so spreadsheet programs read the Persian labels right."""
    out = io.StringIO()
    fields = list(ReportRow.__dataclass_fields__)
    writer = csv.DictWriter(out, fieldnames=fields)
    writer.writeheader()
    for row in rows:
        writer.writerow(asdict(row))
    return "\ufeff" + out.getvalue()
