"""Welfare's programme workflow: eligibility is checked before anyone starts work.

open → (automatic, runs `welfare.check_eligibility`) assessing → eligible | review;
a supervisor decides a review (approve with a reason, or decline); eligible → in progress → done.
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

ASSESSED_WORKFLOW = "welfare.assessed"


def assessed_workflow() -> WorkflowDefinition:
    return WorkflowDefinition.build(
        ASSESSED_WORKFLOW,
        title="برنامه حمایتی با بررسی استحقاق",
        title_en="Programme with eligibility check",
        state_variable="state",
        initial_state="open",
        states=[
            agency_state("open", "جدید", "Open", ("assess", "not_responsible")),
            agency_state(
                "assessing",
                "بررسی استحقاق",
                "Assessing",
                ("found_eligible", "found_ineligible", "not_responsible"),
            ),
            agency_state("review", "بررسی سرپرست", "Supervisor review", ("approve", "decline")),
            agency_state("eligible", "واجد شرایط", "Eligible", ("start", "not_responsible")),
            agency_state(
                "in_progress", "در دست اقدام", "In progress", ("complete", "not_responsible")
            ),
            agency_state("done", "انجام‌شده", "Done", done=True),
            agency_state("declined", "فاقد شرایط", "Declined", terminal=True),
            returned_state(),
        ],
        transitions=[
            automatic_transition(
                "assess",
                "بررسی استحقاق",
                "Check eligibility",
                "assessing",
                handler="welfare.check_eligibility",
            ),
            user_transition("found_eligible", "واجد شرایط", "Eligible", "eligible", (R.SYSTEM,)),
            user_transition(
                "found_ineligible", "نیازمند بررسی", "Needs review", "review", (R.SYSTEM,)
            ),
            user_transition(
                "approve",
                "تأیید استثنا",
                "Approve exception",
                "eligible",
                (R.SUPERVISOR,),
                comment=True,
            ),
            user_transition(
                "decline", "عدم احراز شرایط", "Decline", "declined", (R.SUPERVISOR,), comment=True
            ),
            user_transition("start", "شروع برنامه", "Start", "in_progress", R.WORKERS),
            user_transition("complete", "پایان برنامه", "Complete", "done", R.WORKERS),
            not_responsible(),
        ],
    )
