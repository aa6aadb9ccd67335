"""Welfare (بهزیستی / سازمان خدمات اجتماعی): programmes for families at risk.

From the seeds: empowerment of female-headed households through home-based job training,
life-skills and parenting workshops, Partow centres for working and street children, and
social-resilience workshops in less-developed neighbourhoods. Every service is confidential;
two of them check eligibility (the `welfare.check_eligibility` handler) before work starts.
"""

from __future__ import annotations

from typing import Any

from hamyar import (
    AgencySpec,
    DemoContext,
    HandlerContext,
    RouteProposal,
    RoutingContext,
    ServiceSpec,
    direct_request,
    hookimpl,
    joint_partner,
)
from hamyar.plugins.welfare import forms
from hamyar.plugins.welfare.eligibility import decide
from hamyar.plugins.welfare.workflows import ASSESSED_WORKFLOW, assessed_workflow

AGENCY = "welfare"

SERVICES = (
    ServiceSpec(
        code="welfare.household_empowerment",
        agency=AGENCY,
        workflow=ASSESSED_WORKFLOW,
        title_fa="توانمندسازی زنان سرپرست خانوار",
        title_en="Empowerment of female-headed households",
        form=forms.HouseholdEmpowermentForm,
        sla_days=15,
        confidential=True,
        categories=("household_empowerment",),
        category_labels={"household_empowerment": ("توانمندسازی خانوار", "Household empowerment")},
        keywords=("سرپرست خانوار", "مشاغل خانگی"),
    ),
    ServiceSpec(
        code="welfare.life_skills",
        agency=AGENCY,
        workflow="hamyar.task",
        title_fa="کارگاه مهارت‌های زندگی و فرزندپروری",
        title_en="Life-skills and parenting workshops",
        form=forms.WorkshopForm,
        sla_days=20,
        confidential=True,
        categories=("life_skills", "parenting"),
        category_labels={
            "life_skills": ("مهارت‌های زندگی", "Life skills"),
            "parenting": ("فرزندپروری", "Parenting"),
        },
        keywords=("مهارت زندگی", "فرزندپروری"),
    ),
    ServiceSpec(
        code="welfare.working_children",
        agency=AGENCY,
        workflow=ASSESSED_WORKFLOW,
        title_fa="کودکان کار و خیابان (مرکز پرتو)",
        title_en="Working and street children (Partow)",
        form=forms.WorkingChildForm,
        sla_days=5,
        confidential=True,
        priority=1,
        categories=("working_children",),
        category_labels={"working_children": ("کودکان کار", "Working children")},
        keywords=("کودک کار", "پرتو"),
    ),
    ServiceSpec(
        code="welfare.resilience",
        agency=AGENCY,
        workflow="hamyar.task",
        title_fa="کارگاه تاب‌آوری اجتماعی",
        title_en="Social-resilience workshop",
        form=forms.ResilienceForm,
        sla_days=20,
        confidential=True,
        categories=("social_resilience",),
        category_labels={"social_resilience": ("تاب‌آوری اجتماعی", "Social resilience")},
        keywords=("تاب آوری", "آسیب اجتماعی"),
    ),
)


@hookimpl
def register_agencies(register: Any) -> None:
    register(
        AgencySpec(
            code=AGENCY,
            title_fa="سازمان بهزیستی و خدمات اجتماعی",
            title_en="Welfare and social services",
            thursday_closed=True,
        )
    )


@hookimpl
def register_workflows(register: Any) -> None:
    register(assessed_workflow())


@hookimpl
def register_services(register: Any) -> None:
    for spec in SERVICES:
        register(spec)


def check_eligibility(ctx: HandlerContext) -> None:
    """Decide from the case's form; eligible tasks move on, others wait for a supervisor.

    Idempotent: a task no longer `assessing` was decided already.
    """
    task = ctx.task
    if task is None or task.state != "assessing":
        return
    data = ctx.case.data if ctx.case.service_code == task.service_code else {}
    decision = decide(task.service_code, data)
    task.variables = {**task.variables, "eligible": decision.eligible}
    ctx.transition(
        task, "found_eligible" if decision.eligible else "found_ineligible", comment=decision.reason
    )


@hookimpl
def register_handlers(register: Any) -> None:
    register("welfare.check_eligibility", check_eligibility)


@hookimpl
def propose_routes(context: RoutingContext) -> list[RouteProposal]:
    case = context.case
    proposal = direct_request(case, AGENCY, reason="درخواست مستقیم از بهزیستی") or joint_partner(
        case,
        AGENCY,
        "welfare.life_skills",
        reason="کارگاه مهارت‌های زندگی برای مادران در برنامه مشترک محله",
    )
    return [proposal] if proposal else []


@hookimpl
def load_demo_data(context: DemoContext) -> None:
    from hamyar.plugins.welfare.demo import demo_cases

    context.add_cases(demo_cases())
