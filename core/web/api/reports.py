"""`/api/reports/summary` (JSON) and `/api/reports/summary.csv` (spreadsheet export).

Both take `group_by=province|county|neighbourhood|agency|service|state`, a period — a Jalali
`period=1402-07` / `period=1402`, or `from=`/`to=` days (Jalali or ISO) — and may be narrowed to
one place with `province=` / `county=` codes. What is counted is defined once, in
`hamyar.core.cases.reports`; who counts what, in `hamyar.core.auth.access`.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.params import FromQuery, QueryParameter

from hamyar.core.cases import report_export, reports
from hamyar.core.cases.report_period import resolve_period
from hamyar.core.i18n import normalize_locale
from hamyar.core.web.dependencies import ActorDep, DbDep, PluginsDep, application_of
from hamyar.core.web.limits import Line

LOCALE_COOKIE = "hamyar_locale"


def _run(
    db: DbDep,
    actor: ActorDep,
    plugins: PluginsDep,
    group_by: str,
    query: dict[str, str | None],
) -> tuple[list[reports.ReportRow], dict[str, Any]]:
    period = resolve_period(query["period"], query["from"], query["to"])
    scope = reports.Scope(province=query["province"] or None, county=query["county"] or None)
    rows = reports.summary(
        db, actor, plugins.registry, group_by=group_by, period=period, scope=scope
    )
    return rows, {**period.as_dict(), "province": scope.province, "county": scope.county}


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
        period: FromQuery[Line | None] = None,
        date_from: Annotated[Line | None, QueryParameter(name="from")] = None,
        date_to: Annotated[Line | None, QueryParameter(name="to")] = None,
        province: FromQuery[Line | None] = None,
        county: FromQuery[Line | None] = None,
    ) -> dict[str, Any]:
        """Cases opened in the period, per group: count, resolved, rejected, duplicate, open,
        overdue, and SLA compliance (of the cases whose outcome against their due time is known,
        the share resolved in time) — each counted as `hamyar.core.cases.reports` defines."""
        query = {"period": period, "from": date_from, "to": date_to}
        rows, echo = _run(
            db, actor, plugins, group_by, {**query, "province": province, "county": county}
        )
        return {
            "group_by": group_by,
            **echo,
            "rows": [asdict(r) for r in rows],
            "totals": reports.totals(rows),
        }

    @get("/summary.csv", sync_to_thread=True)
    def summary_csv(
        self,
        request: Request[Any, Any, Any],
        db: DbDep,
        actor: ActorDep,
        plugins: PluginsDep,
        group_by: FromQuery[Line] = "agency",
        period: FromQuery[Line | None] = None,
        date_from: Annotated[Line | None, QueryParameter(name="from")] = None,
        date_to: Annotated[Line | None, QueryParameter(name="to")] = None,
        province: FromQuery[Line | None] = None,
        county: FromQuery[Line | None] = None,
        lang: FromQuery[Line | None] = None,
    ) -> Response[bytes]:
        """The same rows and their total as CSV (UTF-8 with a byte-order mark), headers in
        `lang` (fa or en; default: the UI's language switch, then the site's language)."""
        query = {"period": period, "from": date_from, "to": date_to}
        rows, echo = _run(
            db, actor, plugins, group_by, {**query, "province": province, "county": county}
        )
        default = application_of(request).settings.locale
        locale = normalize_locale(lang or request.cookies.get(LOCALE_COOKIE), default)
        name = "-".join(
            p for p in ("hamyar", group_by, echo["period"] or "", echo["county"] or "") if p
        )
        text = report_export.to_csv(rows, group_by=group_by, locale=locale)
        return Response(
            text.encode("utf-8"),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
