"""Cases, tasks and history as JSON-ready dicts, with what the caller may not read left out.

`hamyar.core.auth.access` decides how much an actor may see; this module only obeys it: a case
whose content
is hidden keeps its routing (service, agencies, states, dates) and loses its title, description,
form data, task reasons and history comments, and says so with `"redacted": true`. A
confidential task's reason and comments are left out for everyone outside its agency
(`CaseAccess.reads`), on any case.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import msgspec

from hamyar.core.auth.access import CaseAccess, may_read_comment, may_read_reason
from hamyar.core.cases.listing import SummaryRow
from hamyar.core.cases.status import is_overdue
from hamyar.core.storage.models import Case, HistoryEntry, Task
from hamyar.core.web.api.schemas import CaseSummary
from hamyar.core.workflow import Transition


def case_summary(case: Case, access: CaseAccess, now: datetime) -> dict[str, Any]:
    """`summary_of` a loaded case, as a dict its detail adds to."""
    return msgspec.structs.asdict(summary_of(case, now, access.content))


def summary_of(case: SummaryRow | Case, now: datetime, content: bool) -> CaseSummary:
    """What a list shows of a case (a row of `list_summaries` or a loaded case), its title only
    when the caller reads its `content`, as the struct msgspec encodes directly."""
    assert case.id is not None
    readable = bool(content)  # a row's is the query's answer, 0 or 1 on SQLite
    return CaseSummary(
        id=case.id,
        tracking_code=case.tracking_code,
        service=case.service_code,
        agency=case.agency_code,
        neighbourhood_id=case.neighbourhood_id,
        title=case.title if readable else None,
        state=case.state,
        version=case.version,
        priority=case.priority,
        confidential=case.confidential,
        channel=case.channel,
        category=case.category,
        created_at=case.created_at,
        updated_at=case.updated_at,
        due_at=case.due_at,
        resolved_at=case.resolved_at,
        overdue=is_overdue(case.due_at, case.resolved_at, now, case.state),
        redacted=not readable,
    )


def case_detail(case: Case, access: CaseAccess, now: datetime) -> dict[str, Any]:
    body = case_summary(case, access, now)
    body.update(
        {
            "description": case.description if access.content else None,
            "data": case.data if access.content else None,
            "variables": case.variables if access.content else None,
            "duplicate_of_id": case.duplicate_of_id,
            "reporter": case.reporter if access.reporter else None,
            "created_by": case.created_by if access.content else None,
            "workflow": case.workflow_id,
        }
    )
    return body


def task_view(task: Task, access: CaseAccess, now: datetime) -> dict[str, Any]:
    return {
        "id": task.id,
        "case_id": task.case_id,
        "agency": task.agency_code,
        "service": task.service_code,
        "workflow": task.workflow_id,
        "state": task.state,
        "version": task.version,
        "kind": task.kind,
        "reason": task.reason if may_read_reason(access, task) else None,
        "referred_by": task.referred_by,
        "consent": task.consent,
        "assignee": task.assignee,
        "confidential": task.confidential,
        "created_at": task.created_at,
        "updated_at": task.updated_at,
        "due_at": task.due_at,
        "resolved_at": task.resolved_at,
        "overdue": is_overdue(task.due_at, task.resolved_at, now),
    }


def history_view(
    entry: HistoryEntry, access: CaseAccess, tasks: Mapping[int, Task]
) -> dict[str, Any]:
    """One history entry; `tasks` (id → task) says whose task an entry is about, so that a
    confidential task's comments stay with its agency."""
    task = tasks.get(entry.task_id) if entry.task_id is not None else None
    readable = may_read_comment(access, entry.action, task)
    return {
        "id": entry.id,
        "task_id": entry.task_id,
        "action": entry.action,
        "actor": entry.actor,
        "comment": entry.comment if readable else None,
        "from_state": entry.from_state,
        "to_state": entry.to_state,
        "version": entry.version,
        "automatic": entry.automatic,
        "at": entry.created_at,
    }


def transition_view(transition: Transition) -> dict[str, Any]:
    return {
        "id": transition.id,
        "title": transition.title,
        "title_en": transition.title_en,
        "to_state": transition.new_state or None,
        "requires_comment": transition.requires_comment,
    }
