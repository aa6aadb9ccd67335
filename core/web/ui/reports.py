"""Achievements: cases per neighbourhood, agency, service or state, with SLA compliance, a bar
chart drawn on the server and the same figures as CSV (`/api/reports/summary.csv`)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template

from hamyar.core.cases import reports
from hamyar.core.exceptions import InvalidInput
from hamyar.core.i18n import format_number, localized
from hamyar.core.time.jalali import DAY_RANGE_MESSAGE
from hamyar.core.web.dependencies import ActorDep, DbDep
from hamyar.core.web.ui.charts import Bar, bar_chart
from hamyar.core.web.ui.page import Message, locale_of, plugins_of, render, t

SERIES = ("count", "resolved", "overdue")
SERIES_LABELS = {"count": "Cases", "resolved": "Resolved", "overdue": "Overdue"}
"""Each series' name on the page (the table's headings), for the chart's tooltips."""
DATE_HELP = "Not a date: type it like 1402/07/03 (Jalali) or 2023-09-25."
CHART_ROWS = 30


@get("/reports", name="ui:reports", sync_to_thread=True)
def reports_page(
    request: Request[Any, Any, Any],
    db: DbDep,
    actor: ActorDep,
    group_by: FromQuery[str] = "agency",
    date_from: Annotated[str, QueryParameter(name="from")] = "",
    date_to: Annotated[str, QueryParameter(name="to")] = "",
) -> Template:
    locale = locale_of(request)
    registry = plugins_of(request).registry
    rows: list[reports.ReportRow] = []
    messages: list[Message] = []
    errors: dict[str, str] = {}
    status = 200
    try:
        rows = reports.summary(
            db,
            actor,
            registry,
            group_by=group_by,
            date_from=reports.parse_day(date_from, "from"),
            date_to=reports.parse_day(date_to, "to"),
        )
    except InvalidInput as exc:
        # The engine's sentence names the field and echoes the input in English; the page
        # says what to type, in the page's language, beside the field.
        errors = {
            e["field"]: e["message"] if e["message"] == DAY_RANGE_MESSAGE else DATE_HELP
            for e in exc.errors
        }
        messages.append(Message(t(request, "Please correct the marked fields."), "error"))
        status = 422
    chart = (
        bar_chart(
            [
                Bar(localized(locale, r.label, r.label_en), {s: getattr(r, s) for s in SERIES})
                for r in rows[:CHART_ROWS]
            ],
            SERIES,
            rtl=locale == "fa",
            title=t(request, "Cases per group"),
            number=lambda n: format_number(n, locale),
            series_labels={s: t(request, label) for s, label in SERIES_LABELS.items()},
        )
        if rows
        else None
    )
    query = {k: v for k, v in {"group_by": group_by, "from": date_from, "to": date_to}.items() if v}
    return render(
        request,
        "reports.html",
        actor=actor,
        status_code=status,
        page_title=t(request, "Reports"),
        rows=rows,
        totals=reports.totals(rows),
        chart=chart,
        groups=reports.GROUPS,
        group_by=group_by,
        date_from=date_from,
        date_to=date_to,
        errors=errors,
        messages=messages,
        csv_url="/api/reports/summary.csv?" + urlencode(query),
    )
