"""The core's own workflows: the case, a generic agency task, and a referral between agencies.

They are registered through the same hook an agency plugin uses; a plugin that needs a different
task lifecycle registers its own workflow and names it in its services.
"""

from __future__ import annotations

from typing import Any

from hamyar.core.plugin.hookspecs import hookimpl
from hamyar.core.workflow import Transition, WorkflowDefinition
from hamyar.core.workflow import roles as R
from hamyar.core.workflow.builders import (
    agency_state,
    automatic_transition,
    not_responsible,
    returned_state,
    user_transition,
    when,
)

CASE_WORKFLOW = "hamyar.case"
TASK_WORKFLOW = "hamyar.task"
REFERRAL_WORKFLOW = "hamyar.referral"
NOTHING: frozenset[str] = frozenset()
"""Acquired from nowhere: what a referral's state does not grant, its recipient does not hold."""
CASE_MODIFIERS = (*R.WORKERS, *R.COORDINATORS)
"""Who notes and corrects a case, in every state: its agencies' staff and the coordinators."""


def case_workflow() -> WorkflowDefinition:
    """new → (routed) in_progress → (all tasks done) resolved → closed; triage when unroutable."""
    system = (R.SYSTEM, *R.COORDINATORS)
    return WorkflowDefinition.build(
        CASE_WORKFLOW,
        title="گردش کار پرونده",
        title_en="Case workflow",
        state_variable="state",
        initial_state="new",
        states=[
            agency_state(
                "new",
                "ثبت‌شده",
                "New",
                ("routed", "to_triage", "mark_duplicate", "reject"),
                modify=CASE_MODIFIERS,
            ),
            agency_state(
                "triage",
                "در انتظار تعیین مسئول",
                "Triage",
                ("assign", "mark_duplicate", "reject"),
                modify=CASE_MODIFIERS,
            ),
            agency_state(
                "in_progress",
                "در دست اقدام",
                "In progress",
                ("resolve", "back_to_triage", "cancel"),
                modify=CASE_MODIFIERS,
            ),
            agency_state(
                "resolved", "رسیدگی‌شده", "Resolved", ("close", "reopen"), modify=CASE_MODIFIERS
            ),
            agency_state("closed", "بسته‌شده", "Closed", modify=CASE_MODIFIERS, terminal=True),
            agency_state(
                "duplicate",
                "تکراری",
                "Duplicate",
                ("not_duplicate",),
                modify=CASE_MODIFIERS,
                terminal=True,
            ),
            agency_state("rejected", "ردشده", "Rejected", modify=CASE_MODIFIERS, terminal=True),
        ],
        transitions=[
            user_transition("routed", "ارجاع خودکار", "Routed", "in_progress", system),
            user_transition(
                "to_triage", "ارسال به بررسی هماهنگ‌کننده", "Send to triage", "triage", system
            ),
            user_transition(
                "assign", "تعیین دستگاه مسئول", "Assign", "in_progress", R.COORDINATORS
            ),
            user_transition(
                "mark_duplicate",
                "ثبت به‌عنوان تکراری",
                "Mark duplicate",
                "duplicate",
                system,
                comment=True,
            ),
            user_transition(
                "not_duplicate", "تکراری نیست", "Not a duplicate", "new", R.COORDINATORS
            ),
            user_transition(
                "reject", "رد درخواست", "Reject", "rejected", R.COORDINATORS, comment=True
            ),
            user_transition("cancel", "لغو", "Cancel", "rejected", R.COORDINATORS, comment=True),
            automatic_transition(
                "resolve",
                "رسیدگی کامل",
                "Resolve",
                "resolved",
                condition="open_tasks == 0 and done_tasks > 0",
            ),
            automatic_transition(
                "back_to_triage",
                "بازگشت به بررسی",
                "Back to triage",
                "triage",
                condition="open_tasks == 0 and done_tasks == 0",
            ),
            user_transition("close", "بستن پرونده", "Close", "closed", R.COORDINATORS),
            user_transition(
                "reopen", "بازگشایی", "Reopen", "in_progress", R.COORDINATORS, comment=True
            ),
        ],
    )


def task_workflow() -> WorkflowDefinition:
    """An agency's task: open → in progress → done, or handed back as "not responsible"."""
    return WorkflowDefinition.build(
        TASK_WORKFLOW,
        title="گردش کار وظیفه",
        title_en="Task workflow",
        state_variable="state",
        initial_state="open",
        states=[
            agency_state(
                "open", "جدید", "Open", ("start", "complete", "not_responsible", "cancel")
            ),
            agency_state(
                "in_progress",
                "در دست اقدام",
                "In progress",
                ("complete", "not_responsible", "cancel"),
            ),
            agency_state("done", "انجام‌شده", "Done", done=True),
            returned_state(),
            agency_state("cancelled", "لغوشده", "Cancelled", terminal=True),
        ],
        transitions=[
            user_transition("start", "شروع رسیدگی", "Start", "in_progress", R.WORKERS),
            user_transition("complete", "انجام شد", "Complete", "done", R.WORKERS),
            not_responsible(),
            user_transition("cancel", "لغو", "Cancel", "cancelled", R.COORDINATORS, comment=True),
        ],
    )


def referral_workflow() -> WorkflowDefinition:
    """Primero's referral: offered → accepted or rejected (with a reason) → done; revocable
    by the referring agency while pending."""
    return WorkflowDefinition.build(
        REFERRAL_WORKFLOW,
        title="گردش کار ارجاع",
        title_en="Referral workflow",
        state_variable="state",
        initial_state="offered",
        states=[
            # Offered: the recipient knows of the case and decides, without reading the file.
            agency_state(
                "offered",
                "پیشنهادشده",
                "Offered",
                ("accept", "reject", "revoke"),
                view=(),
                modify=(),
                acquired=NOTHING,
            ),
            agency_state("accepted", "پذیرفته‌شده", "Accepted", ("complete",)),
            agency_state("done", "انجام‌شده", "Done", done=True),
            # Rejected or revoked: the recipient's staff hold nothing on the case any more.
            agency_state(
                "rejected",
                "ردشده",
                "Rejected",
                access=(),
                view=(),
                modify=(),
                acquired=NOTHING,
                terminal=True,
            ),
            agency_state(
                "revoked",
                "لغو ارجاع",
                "Revoked",
                access=(),
                view=(),
                modify=(),
                acquired=NOTHING,
                terminal=True,
            ),
        ],
        transitions=[
            user_transition("accept", "پذیرش ارجاع", "Accept", "accepted", R.WORKERS),
            user_transition("reject", "رد ارجاع", "Reject", "rejected", R.WORKERS, comment=True),
            Transition(
                id="revoke",
                title="لغو ارجاع",
                title_en="Revoke",
                new_state="revoked",
                guard=when(
                    "'Caseworker' in referrer_roles or 'Supervisor' in referrer_roles "
                    "or 'Coordinator' in roles"
                ),
                requires_comment=True,
            ),
            user_transition("complete", "انجام شد", "Complete", "done", R.WORKERS),
        ],
    )


@hookimpl
def register_workflows(register: Any) -> None:
    register(case_workflow())
    register(task_workflow())
    register(referral_workflow())
