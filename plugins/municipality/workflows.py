"""Crisis response: dispatched at once, contained, then closed — counted in hours, not days.

open → dispatch → dispatched → contain → done; as with every task, a district that is not
responsible hands it back with the reason.
"""

from __future__ import annotations

from hamyar import (
    WorkflowDefinition,
    agency_state,
    not_responsible,
    returned_state,
    user_transition,
)
from hamyar import roles as R

CRISIS_WORKFLOW = "municipality.crisis"


def crisis_workflow() -> WorkflowDefinition:
    return WorkflowDefinition.build(
        CRISIS_WORKFLOW,
        title="واکنش به بحران",
        title_en="Crisis response",
        state_variable="state",
        initial_state="open",
        states=[
            agency_state("open", "اعلام‌شده", "Reported", ("dispatch", "not_responsible")),
            agency_state(
                "dispatched", "اعزام نیرو", "Team dispatched", ("contain", "not_responsible")
            ),
            agency_state("contained", "مهارشده", "Contained", ("complete",)),
            agency_state("done", "پایان عملیات", "Done", done=True),
            returned_state(),
        ],
        transitions=[
            user_transition("dispatch", "اعزام گروه", "Dispatch", "dispatched", R.WORKERS),
            user_transition("contain", "مهار حادثه", "Contained", "contained", R.WORKERS),
            user_transition("complete", "پایان عملیات", "Complete", "done", R.WORKERS),
            not_responsible(),
        ],
    )
