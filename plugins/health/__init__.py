"""Health (دانشگاه علوم پزشکی): screenings, mental-health counselling, maternal and child care.

Every health service is confidential: a case is seen by the health agency and the coordinators
who route it, and is referred elsewhere only with the family's recorded consent. In the seeds'
joint programme, health brings a screening station to the neighbourhood.
"""

from __future__ import annotations

from typing import Any

from hamyar import (
    AgencySpec,
    DemoContext,
    RouteProposal,
    RoutingContext,
    ServiceSpec,
    direct_request,
    hookimpl,
    joint_partner,
)
from hamyar.plugins.health import forms

AGENCY = "health"

SERVICES = (
    ServiceSpec(
        code="health.screening",
        agency=AGENCY,
        workflow="hamyar.task",
        title_fa="غربالگری سلامت",
        title_en="Health screening",
        form=forms.ScreeningForm,
        sla_days=10,
        confidential=True,
        categories=("health_screening",),
        category_labels={"health_screening": ("غربالگری سلامت", "Health screening")},
        keywords=("غربالگری", "فشار خون", "دیابت"),
    ),
    ServiceSpec(
        code="health.counselling",
        agency=AGENCY,
        workflow="hamyar.task",
        title_fa="مشاوره سلامت روان",
        title_en="Mental-health counselling",
        form=forms.CounsellingForm,
        sla_days=3,
        confidential=True,
        priority=1,
        categories=("mental_health",),
        category_labels={"mental_health": ("سلامت روان", "Mental health")},
        keywords=("مشاوره", "سلامت روان"),
    ),
    ServiceSpec(
        code="health.maternal_child",
        agency=AGENCY,
        workflow="hamyar.task",
        title_fa="سلامت مادر و کودک",
        title_en="Maternal and child health",
        form=forms.MaternalChildForm,
        sla_days=5,
        confidential=True,
        categories=("maternal_child",),
        category_labels={"maternal_child": ("سلامت مادر و کودک", "Maternal and child health")},
        keywords=("بارداری", "مادر و کودک", "واکسن"),
    ),
)


@hookimpl
def register_agencies(register: Any) -> None:
    register(
        AgencySpec(
            code=AGENCY,
            title_fa="معاونت بهداشت دانشگاه علوم پزشکی",
            title_en="University of Medical Sciences, health deputy",
        )
    )


@hookimpl
def register_services(register: Any) -> None:
    for spec in SERVICES:
        register(spec)


@hookimpl
def propose_routes(context: RoutingContext) -> list[RouteProposal]:
    case = context.case
    proposal = direct_request(case, AGENCY, reason="درخواست مستقیم از بهداشت") or joint_partner(
        case, AGENCY, "health.screening", reason="ایستگاه غربالگری سلامت در برنامه مشترک محله"
    )
    return [proposal] if proposal else []


@hookimpl
def load_demo_data(context: DemoContext) -> None:
    from hamyar.plugins.health.demo import demo_cases

    context.add_cases(demo_cases())
