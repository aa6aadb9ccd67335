"""The mobile-library visit workflow: a request books itself into the route timetable.

open → (automatic, runs `library.book_visit`) booking → (the handler) scheduled → done.
The automatic step fires as soon as routing opens the task, so a worker books the slot without
anyone pressing a button; a caseworker confirms the visit took place.
"""

from __future__ import annotations

from hamyar import (
    WorkflowDefinition,
    agency_state,
    automatic_transition,
    not_responsible,
    returned_state,
    user_transition,
)
from hamyar import roles as R

VISIT_WORKFLOW = "library.visit"


def visit_workflow() -> WorkflowDefinition:
    return WorkflowDefinition.build(
        VISIT_WORKFLOW,
        title="بازدید کتابخانه سیار",
        title_en="Mobile library visit",
        state_variable="state",
        initial_state="open",
        states=[
            agency_state("open", "جدید", "Open", ("request_slot", "not_responsible", "cancel")),
            agency_state(
                "booking",
                "در انتظار نوبت",
                "Booking a slot",
                ("booked", "not_responsible", "cancel"),
            ),
            agency_state(
                "scheduled", "نوبت داده‌شده", "Scheduled", ("complete", "not_responsible", "cancel")
            ),
            agency_state("done", "انجام‌شده", "Done", done=True),
            returned_state(),
            agency_state("cancelled", "لغوشده", "Cancelled", terminal=True),
        ],
        transitions=[
            automatic_transition(
                "request_slot",
                "درخواست نوبت",
                "Request a slot",
                "booking",
                handler="library.book_visit",
            ),
            user_transition("booked", "ثبت نوبت", "Slot booked", "scheduled", (R.SYSTEM,)),
            user_transition("complete", "بازدید انجام شد", "Visit held", "done", R.WORKERS),
            not_responsible(),
            user_transition(
                "cancel",
                "لغو",
                "Cancel",
                "cancelled",
                (*R.WORKERS, *R.COORDINATORS),
                comment=True,
            ),
        ],
    )
