"""What the main resources look like in answers, for the OpenAPI document (and its clients).

The handlers build plain dicts or these structs (`hamyar.core.web.representation`); the structs
describe the answers so the schema says more than "an object", and schemathesis holds every
answer to it. A list builds `CaseSummary` structs straight from its query's rows: msgspec
encodes them without a dict per case. A field a
caller may not read is null (`redacted` says so). Extra fields may appear: new ones are added.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar.openapi import ResponseSpec


class TransitionView(msgspec.Struct):
    id: str
    title: Any
    title_en: Any
    to_state: str | None
    requires_comment: bool


class HistoryView(msgspec.Struct):
    id: int
    task_id: int | None
    action: str
    actor: str
    comment: str | None
    from_state: str | None
    to_state: str | None
    version: int | None
    automatic: bool
    at: datetime


class CaseSummary(msgspec.Struct):
    id: int
    tracking_code: str
    service: str
    agency: str | None
    neighbourhood_id: int | None
    title: str | None
    state: str
    version: int
    priority: int
    confidential: bool
    channel: str
    category: str | None
    created_at: datetime
    updated_at: datetime
    due_at: datetime | None
    resolved_at: datetime | None
    overdue: bool
    redacted: bool


class TaskView(msgspec.Struct):
    id: int
    case_id: int
    agency: str
    service: str
    state: str
    version: int
    reason: str | None
    assignee: str | None
    confidential: bool
    created_at: datetime
    due_at: datetime | None
    resolved_at: datetime | None
    overdue: bool
    transitions: list[TransitionView] | msgspec.UnsetType = msgspec.UNSET


class CaseDetail(CaseSummary):
    description: str | None
    tasks: list[TaskView]
    history: list[HistoryView]
    transitions: list[TransitionView]


class TaskDetail(TaskView):
    case: CaseSummary | msgspec.UnsetType = msgspec.UNSET
    history: list[HistoryView] | msgspec.UnsetType = msgspec.UNSET


class CasePage(msgspec.Struct):
    items: list[CaseSummary]
    next_cursor: str | None


class WorklistCount(msgspec.Struct):
    id: str
    title: Any
    title_en: Any
    kind: str
    count: int
    count_capped: bool


class WorklistPage(WorklistCount):
    items: list[dict[str, Any]]
    """Case summaries or task views (with their case), as `kind` says."""
    next_cursor: str | None


def ok(model: Any, description: str) -> dict[int, ResponseSpec]:
    """`responses=` for a handler whose 200 answer is `model`."""
    return {
        200: ResponseSpec(data_container=model, description=description, generate_examples=False)
    }
