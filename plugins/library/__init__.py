"""Kanoon (کانون پرورش فکری کودکان و نوجوانان): mobile libraries for deprived neighbourhoods.

From the seeds: the mobile library serves the 64 deprived regions of Alborz on a timetable the
mobile section publishes, with reading, literary and life-skill activities for preschool,
primary and secondary pupils and their mothers, often jointly with health and welfare.
"""

from __future__ import annotations

from typing import Any

from hamyar import (
    JOINT_PROGRAMME,
    AgencySpec,
    DemoContext,
    HandlerContext,
    PeriodicContext,
    PeriodicJob,
    RouteProposal,
    RoutingContext,
    ServiceSpec,
    direct_request,
    hookimpl,
)
from hamyar.plugins.library import forms, models  # noqa: F401  (models registers the tables)
from hamyar.plugins.library.timetable import book_next_free_slot, publish
from hamyar.plugins.library.workflows import VISIT_WORKFLOW, visit_workflow

AGENCY = "library"

SERVICES = (
    ServiceSpec(
        code="library.mobile_visit",
        agency=AGENCY,
        workflow=VISIT_WORKFLOW,
        title_fa="بازدید کتابخانه سیار از مدرسه یا محله",
        title_en="Mobile library visit",
        form=forms.MobileVisitForm,
        sla_days=10,
        categories=("mobile_library",),
        category_labels={"mobile_library": ("کتابخانه سیار", "Mobile library")},
        keywords=("کتابخانه سیار", "کتاب", "مدرسه"),
        description_fa="کتابخانه سیار در نوبت بعدی برنامه هفتگی شهرستان به مدرسه یا محله می‌آید.",
        description_en="The county's mobile unit visits in the next free slot of its weekly route.",
    ),
    ServiceSpec(
        code="library.reading_workshop",
        agency=AGENCY,
        workflow="hamyar.task",
        title_fa="کارگاه کتاب‌خوانی و ادبی",
        title_en="Reading and literary workshop",
        form=forms.WorkshopForm,
        sla_days=15,
        categories=("reading_workshop",),
        category_labels={"reading_workshop": ("کارگاه کتاب‌خوانی", "Reading workshop")},
        keywords=("کتابخوانی", "قصه‌گویی", "شعر"),
    ),
    ServiceSpec(
        code="library.membership_drive",
        agency=AGENCY,
        workflow="hamyar.task",
        title_fa="طرح عضوگیری کانون",
        title_en="Membership drive",
        form=forms.MembershipDriveForm,
        sla_days=20,
        categories=("membership",),
        category_labels={"membership": ("عضوگیری", "Membership")},
        keywords=("عضویت", "عضوگیری"),
    ),
    ServiceSpec(
        code="library.joint_programme",
        agency=AGENCY,
        workflow="hamyar.task",
        title_fa="برنامه مشترک خدمت‌رسانی به محله کم‌برخوردار",
        title_en="Joint programme for a deprived neighbourhood",
        form=forms.JointProgrammeForm,
        sla_days=20,
        categories=(JOINT_PROGRAMME,),
        category_labels={JOINT_PROGRAMME: ("برنامه مشترک", "Joint programme")},
        public=False,
        keywords=("مناطق کم برخوردار", "برنامه مشترک"),
        description_fa="کانون، علوم پزشکی و بهزیستی هر یک وظیفه‌ای در یک پرونده می‌گیرند.",
        description_en="Kanoon leads; each partner agency gets a task of its own on the case.",
    ),
)


@hookimpl
def register_agencies(register: Any) -> None:
    register(
        AgencySpec(
            code=AGENCY,
            title_fa="کانون پرورش فکری کودکان و نوجوانان",
            title_en="Institute for the Intellectual Development of Children (Kanoon)",
            thursday_closed=True,
        )
    )


@hookimpl
def register_workflows(register: Any) -> None:
    register(visit_workflow())


@hookimpl
def register_services(register: Any) -> None:
    for spec in SERVICES:
        register(spec)


def book_visit(ctx: HandlerContext) -> None:
    """Book the visit into the next free slot of the county's route and mark the task scheduled.

    Run again after it succeeded (at-least-once delivery), it finds the task already past
    `booking` and does nothing.
    """
    task = ctx.task
    if task is None or task.state != "booking":
        return
    slot = book_next_free_slot(ctx.session, task, ctx.case, ctx.calendar(AGENCY))
    task.variables = {
        **task.variables,
        "visit_day": slot.day.isoformat(),
        "stop_id": slot.stop.id,
        "unit": slot.stop.unit,
    }
    ctx.transition(task, "booked", comment=f"نوبت بازدید: {slot.describe()}")


@hookimpl
def register_handlers(register: Any) -> None:
    register("library.book_visit", book_visit)


def publish_timetable(ctx: PeriodicContext) -> None:
    """The seeds' "timetable the mobile section provides": the coming weeks, per county."""
    publish(ctx.session, ctx.calendar(AGENCY))


@hookimpl
def register_periodic_jobs(register: Any) -> None:
    register(
        PeriodicJob(
            name="library.publish_timetable",
            function=publish_timetable,
            cron="0 6 * * 6",
            description="Publish the coming four weeks' route",
        )
    )


@hookimpl
def propose_routes(context: RoutingContext) -> list[RouteProposal]:
    direct = direct_request(context.case, AGENCY, reason="درخواست مستقیم از کانون")
    return [direct] if direct else []


@hookimpl
def load_demo_data(context: DemoContext) -> None:
    from hamyar.plugins.library.demo import add_route_stops, demo_cases

    add_route_stops(context.session)
    context.add_cases(demo_cases())
