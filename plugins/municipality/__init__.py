"""The municipality: 137 citizen reports, crisis response, neighbourhood programmes.

From the seeds: Hamedan's 137 system takes reports by SMS, phone, web and app and answers
them through the district that owns the street; its crisis management prepares for floods and
snow; the cultural, social and sports organisation runs programmes in deprived neighbourhoods.
Reports route to the municipal district owning the neighbourhood (`Neighbourhood.district`).
Open311 intake lives in the `open311` sub-package.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import inspect

from hamyar import (
    JOINT_SCORE,
    AgencySpec,
    DemoContext,
    NeighbourhoodSnapshot,
    RouteProposal,
    RoutingContext,
    ServiceSpec,
    district_title,
    hookimpl,
    is_joint_partner,
)
from hamyar.plugins.municipality import forms
from hamyar.plugins.municipality.categories import (
    CRISIS_CATEGORIES,
    PROGRAMME_CATEGORIES,
    REPORT_CATEGORIES,
    UNROUTED,
)
from hamyar.plugins.municipality.open311 import Open311Client, ensure_demo_client
from hamyar.plugins.municipality.open311 import make_router as open311_router
from hamyar.plugins.municipality.open311.cli import open311_commands
from hamyar.plugins.municipality.workflows import CRISIS_WORKFLOW, crisis_workflow

AGENCY = "municipality"
REPORT = "municipality.report"
CRISIS = "municipality.crisis"
PROGRAMME = "municipality.programme"

SERVICES = (
    ServiceSpec(
        code=REPORT,
        agency=AGENCY,
        workflow="hamyar.task",
        title_fa="گزارش شهروندی سامانه ۱۳۷",
        title_en="137 citizen report",
        form=forms.ReportForm,
        sla_days=5,
        categories=tuple(REPORT_CATEGORIES),
        category_labels=REPORT_CATEGORIES,
        keywords=("۱۳۷", "روشنایی", "زباله", "آسفالت", "آب‌گرفتگی"),
        description_fa="گزارش مشکلات شهری به منطقه شهرداری صاحب محله ارجاع می‌شود.",
        description_en="Reports go to the municipal district that owns the neighbourhood.",
    ),
    ServiceSpec(
        code=CRISIS,
        agency=AGENCY,
        workflow=CRISIS_WORKFLOW,
        title_fa="مدیریت بحران (سیل و برف)",
        title_en="Crisis response (flood, snow)",
        form=forms.CrisisForm,
        sla_hours=6,
        priority=2,
        categories=tuple(CRISIS_CATEGORIES),
        category_labels=CRISIS_CATEGORIES,
        keywords=("سیل", "برف", "بحران"),
        description_fa="رسیدگی شبانه‌روزی؛ مهلت به ساعت شمرده می‌شود.",
        description_en="Staffed round the clock: the deadline counts hours.",
    ),
    ServiceSpec(
        code=PROGRAMME,
        agency=AGENCY,
        workflow="hamyar.task",
        title_fa="برنامه فرهنگی و ورزشی محلات کم‌برخوردار",
        title_en="Cultural and sports programmes for deprived neighbourhoods",
        form=forms.ProgrammeForm,
        sla_days=20,
        categories=tuple(PROGRAMME_CATEGORIES),
        category_labels=PROGRAMME_CATEGORIES,
        keywords=("فرهنگی", "ورزشی", "نشاط اجتماعی"),
        description_fa="ویژه محلات هدف؛ درخواست سایر محلات را هماهنگ‌کننده بررسی می‌کند.",
        description_en="For target neighbourhoods; a coordinator decides requests from others.",
    ),
)


@hookimpl
def register_agencies(register: Any) -> None:
    register(
        AgencySpec(code=AGENCY, title_fa="شهرداری", title_en="Municipality", thursday_closed=True)
    )


@hookimpl
def register_workflows(register: Any) -> None:
    register(crisis_workflow())


@hookimpl
def register_services(register: Any) -> None:
    for spec in SERVICES:
        register(spec)


def _district_proposal(nb: NeighbourhoodSnapshot | None, service: str) -> RouteProposal | None:
    if nb is None or not nb.district:
        return None
    return RouteProposal(
        service=service,
        score=1.0,
        variables={"district": nb.district},
        reason=f"{district_title(nb.district)}، محله {nb.name_fa}",
    )


@hookimpl
def propose_routes(context: RoutingContext) -> list[RouteProposal]:
    """Reports and crises go to the district owning the neighbourhood, programmes only for
    deprived neighbourhoods. "Other" reports and programmes elsewhere are proposed with score 0:
    a coordinator decides, and the district is known if they assign it."""
    case, nb = context.case, context.neighbourhood
    if case.service_code == REPORT:
        proposal = _district_proposal(nb, REPORT)
        if proposal and case.category in UNROUTED:  # the district, should a coordinator agree
            proposal = replace(proposal, score=0.0)
    elif case.service_code == CRISIS:
        proposal = _district_proposal(nb, CRISIS) or RouteProposal(
            service=CRISIS, score=1.0, reason="ستاد مدیریت بحران شهرداری"
        )
    elif case.service_code == PROGRAMME:
        proposal = _district_proposal(nb, PROGRAMME)
        if proposal and not nb.deprived:  # type: ignore[union-attr]
            proposal = replace(proposal, score=0.0)
    elif is_joint_partner(case, AGENCY):
        joint = _district_proposal(nb, PROGRAMME)
        proposal = joint and RouteProposal(
            service=PROGRAMME,
            joint=True,
            score=JOINT_SCORE,
            variables=joint.variables,
            reason=f"برنامه ورزشی و فرهنگی در برنامه مشترک محله؛ {joint.reason}",
        )
    else:
        proposal = None
    return [proposal] if proposal else []


@hookimpl
def register_routes(register: Any) -> None:
    """Open311 GeoReport v2 intake under /open311/v2/ (plugins/municipality/open311)."""
    register(open311_router())


@hookimpl
def register_commands(register: Any) -> None:
    """`hamyar open311 add-client|list|revoke`: the Open311 client applications' API keys."""
    register(open311_commands(), name="open311")


@hookimpl
def load_demo_data(context: DemoContext) -> None:
    """Demo 137 reports, crises and programmes, and the demo's Open311 client application
    (key `demo-open311-key`)."""
    from hamyar.plugins.municipality.demo import demo_cases

    context.add_cases(demo_cases())
    if inspect(context.session.connection()).has_table(Open311Client.__tablename__):
        ensure_demo_client(context.session)
