"""Achievements (`/reports`) and their printable page (`/reports/print`).

Cases per province, county, neighbourhood, agency, service or state, for a Jalali month or
year (or any days), with resolved, rejected and duplicate apart and SLA compliance as
`hamyar.core.cases.reports` defines it — the page says so in words. Province and county rows
lead one level down; the CSV link and the printable page carry the same question.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template
from sqlalchemy import select
from sqlmodel import Session, col

from hamyar.core.cases import reports
from hamyar.core.cases.report_period import Period, jalali_years_until, resolve_period
from hamyar.core.exceptions import InvalidInput
from hamyar.core.i18n import format_date, format_number, gettext, localized
from hamyar.core.storage.models import County, Province, utcnow
from hamyar.core.time.jalali import EN_MONTHS, FA_MONTHS, to_tehran
from hamyar.core.web.dependencies import ActorDep, DbDep
from hamyar.core.web.ui.charts import Bar, Series, bar_chart
from hamyar.core.web.ui.page import Message, locale_of, plugins_of, render, t

STACK = (
    ("resolved", "Resolved"),
    ("rejected", "Rejected"),
    ("duplicate", "Duplicates"),
    ("overdue", "Overdue"),
    ("in_time", "Open, within the deadline"),
)
"""The chart's stacked series (they add up to the row's cases) and their catalogue entries."""
CHART_ROWS = 30
DATE_HELP = "Not a date: type it like 1402/07/03 (Jalali) or 2023-09-25."


def _worded(field: str, message: str) -> str:
    """The catalogue's sentence for a refused field: a date parser's own detail (in English,
    echoing the input) gives way to what to type, in the page's language."""
    if field in ("from", "to") and gettext("fa", message) == message:
        return DATE_HELP
    return message


@dataclass(frozen=True)
class Crumb:
    label: str
    href: str | None


def _place_name(db: Session, model: Any, code: str | None, locale: str) -> str | None:
    if not code:
        return None
    found = db.execute(select(model.name_fa, model.name_en).where(col(model.code) == code)).first()
    return localized(locale, found[0], found[1]) if found else code


def _county_province(db: Session, county: str | None) -> str | None:
    if not county:
        return None
    found = db.execute(
        select(col(Province.code))
        .join(County, col(County.province_id) == col(Province.id))
        .where(col(County.code) == county)
    ).first()
    return found[0] if found else None


def _query(base: dict[str, str], **changes: str | None) -> str:
    merged = {**base, **changes}
    return urlencode({k: v for k, v in merged.items() if v})


def _period_title(request: Request[Any, Any, Any], period: Period, locale: str) -> str:
    """What the report covers, as a sentence: "Cases opened in Mehr 1402"."""
    names = FA_MONTHS if locale == "fa" else EN_MONTHS
    if period.year is not None:
        year = format_number(str(period.year), locale)
        if period.month:
            return t(
                request, "Cases opened in {period}", period=f"{names[period.month - 1]} {year}"
            )
        return t(request, "Cases opened in the year {year}", year=year)
    if period.start or period.end:
        return t(
            request,
            "Cases opened from {start} to {end}",
            start=format_date(period.start, locale) if period.start else "…",
            end=format_date(period.end, locale) if period.end else "…",
        )
    return t(request, "Cases opened at any time")


def _report(
    request: Request[Any, Any, Any],
    db: Session,
    actor: ActorDep,
    template: str,
    params: dict[str, str],
) -> Template:
    locale = locale_of(request)
    registry = plugins_of(request).registry
    group_by = params["group_by"] or "agency"
    if params["year"]:  # the pickers: a Jalali year, and a month of it or none
        params["period"] = (
            f"{params['year']}-{params['month']}" if params["month"] else params["year"]
        )
    rows: list[reports.ReportRow] = []
    messages: list[Message] = []
    errors: dict[str, str] = {}
    status = 200
    period = Period()
    try:
        period = resolve_period(params["period"], params["from"], params["to"])
        scope = reports.Scope(province=params["province"] or None, county=params["county"] or None)
        rows = reports.summary(db, actor, registry, group_by=group_by, period=period, scope=scope)
    except InvalidInput as exc:
        errors = {e["field"]: t(request, _worded(e["field"], e["message"])) for e in exc.errors}
        shown = {"period", "from", "to"}
        other = [text for field, text in errors.items() if field not in shown]
        messages.append(
            Message(" ".join(other) or t(request, "Please correct the marked fields."), "error")
        )
        status = 422
    question = {
        "group_by": group_by,
        "period": period.code or "",
        "from": "" if period.code else params["from"],
        "to": "" if period.code else params["to"],
        "province": params["province"],
        "county": params["county"],
    }
    group_noun = reports.GROUP_NOUNS.get(group_by, "")
    child = reports.child_group(group_by)
    scope_key = {"province": "province", "county": "county"}.get(group_by)

    def drill(row: reports.ReportRow) -> str | None:
        if child is None or scope_key is None or row.key is None:
            return None
        return "/reports?" + _query(question, group_by=child, **{scope_key: row.key})

    links = {row.key: drill(row) for row in rows}
    series = [Series(name, t(request, title)) for name, title in STACK]
    chart = (
        bar_chart(
            [
                Bar(
                    localized(locale, r.label, r.label_en),
                    {
                        "resolved": r.resolved,
                        "rejected": r.rejected,
                        "duplicate": r.duplicate,
                        "overdue": r.overdue,
                        "in_time": r.open - r.overdue,
                    },
                    href=links[r.key] if template == "reports.html" else None,
                )
                for r in rows[:CHART_ROWS]
            ],
            series,
            rtl=locale == "fa",
            title=t(request, "Cases per {group}", group=t(request, group_noun).lower()),
            number=lambda n: format_number(n, locale),
            separator="، " if locale == "fa" else ", ",
        )
        if rows
        else None
    )
    province = params["province"] or _county_province(db, params["county"])
    crumbs = []
    if group_by in reports.PLACE_GROUPS and (province or params["county"]):
        crumbs.append(
            Crumb(
                t(request, "All provinces"),
                "/reports?" + _query(question, group_by="province", province=None, county=None),
            )
        )
        crumbs.append(
            Crumb(
                _place_name(db, Province, province, locale) or "",
                "/reports?" + _query(question, group_by="county", province=province, county=None)
                if params["county"]
                else None,
            )
        )
        if params["county"]:
            crumbs.append(Crumb(_place_name(db, County, params["county"], locale) or "", None))
    today = to_tehran(utcnow()).date()
    return render(
        request,
        template,
        actor=actor,
        status_code=status,
        page_title=t(request, "Reports"),
        rows=rows,
        links=links,
        totals=reports.totals(rows),
        chart=chart,
        groups=reports.GROUPS,
        group_by=group_by,
        group_noun=group_noun,
        period=period,
        period_title=_period_title(request, period, locale),
        years=jalali_years_until(today),
        months=list(enumerate(FA_MONTHS if locale == "fa" else EN_MONTHS, start=1)),
        date_from=question["from"],
        date_to=question["to"],
        province=params["province"],
        county=params["county"],
        crumbs=crumbs,
        errors=errors,
        messages=messages,
        generated=utcnow(),
        csv_url="/api/reports/summary.csv?" + _query(question, lang=locale),
        print_url="/reports/print?" + _query(question),
        screen_url="/reports?" + _query(question),
    )


def _params(**values: str) -> dict[str, str]:
    return {k: (v or "").strip() for k, v in values.items()}


@get("/reports", name="ui:reports", sync_to_thread=True)
def reports_page(
    request: Request[Any, Any, Any],
    db: DbDep,
    actor: ActorDep,
    group_by: FromQuery[str] = "agency",
    period: FromQuery[str] = "",
    year: FromQuery[str] = "",
    month: FromQuery[str] = "",
    date_from: Annotated[str, QueryParameter(name="from")] = "",
    date_to: Annotated[str, QueryParameter(name="to")] = "",
    province: FromQuery[str] = "",
    county: FromQuery[str] = "",
) -> Template:
    values = _params(
        group_by=group_by, period=period, year=year, month=month, province=province,
        county=county, **{"from": date_from, "to": date_to},
    )  # fmt: skip
    return _report(request, db, actor, "reports.html", values)


@get("/reports/print", name="ui:reports-print", sync_to_thread=True)
def reports_print(
    request: Request[Any, Any, Any],
    db: DbDep,
    actor: ActorDep,
    group_by: FromQuery[str] = "agency",
    period: FromQuery[str] = "",
    year: FromQuery[str] = "",
    month: FromQuery[str] = "",
    date_from: Annotated[str, QueryParameter(name="from")] = "",
    date_to: Annotated[str, QueryParameter(name="to")] = "",
    province: FromQuery[str] = "",
    county: FromQuery[str] = "",
) -> Template:
    """The same report on one A4 page: no menu, no form, the period and place in the title."""
    values = _params(
        group_by=group_by, period=period, year=year, month=month, province=province,
        county=county, **{"from": date_from, "to": date_to},
    )  # fmt: skip
    return _report(request, db, actor, "reports_print.html", values)
