"""`/api/reports/summary` (JSON) and `/api/reports/summary.csv` (spreadsheet export)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from litestar import Controller, Response, get
from litestar.params import FromQuery, QueryParameter

from hamyar.core.cases import reports
from hamyar.core.web.dependencies import ActorDep, DbDep, PluginsDep
from hamyar.core.web.limits import Line


def _run(
    db: DbDep,
    actor: ActorDep,
    plugins: PluginsDep,
    group_by: str,
    date_from: str | None,
    date_to: str | None,
) -> tuple[list[reports.ReportRow], dict[str, Any]]:
    start = reports.parse_day(date_from, "from")
    end = reports.parse_day(date_to, "to")
    rows = reports.summary(
        db, actor, plugins.registry, group_by=group_by, date_from=start, date_to=end
    )
    period = {"from": start.isoformat() if start else None, "to": end.isoformat() if end else None}
    return rows, period


class ReportController(Controller):
    path = "/reports"
    tags = ["reports"]  # noqa: RUF012  (Litestar reads a plain list)

    @get("/summary", sync_to_thread=True)
    def summary(
        self,
        db: DbDep,
        actor: ActorDep,
        plugins: PluginsDep,
        group_by: FromQuery[Line] = "agency",
        date_from: Annotated[Line | None, QueryParameter(name="from")] = None,
        date_to: Annotated[Line | None, QueryParameter(name="to")] = None,
    ) -> dict[str, Any]:
        """Counts, resolved, overdue and SLA compliance per neighbourhood|agency|service|state."""
        rows, period = _run(db, actor, plugins, group_by, date_from, date_to)
        return {
            "group_by": group_by,
            **period,
            "rows": [asdict(r) for r in rows],
            "totals": reports.totals(rows),
        }

    @get("/summary.csv", sync_to_thread=True)
    def summary_csv(
        self,
        db: DbDep,
        actor: ActorDep,
        plugins: PluginsDep,
        group_by: FromQuery[Line] = "agency",
        date_from: Annotated[Line | None, QueryParameter(name="from")] = None,
        date_to: Annotated[Line | None, QueryParameter(name="to")] = None,
    ) -> Response[str]:
        rows, _period = _run(db, actor, plugins, group_by, date_from, date_to)
        return Response(
            reports.to_csv(rows),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="hamyar-{group_by}.csv"'},
        )
