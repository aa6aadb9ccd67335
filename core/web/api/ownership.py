"""`/api/tasks/{id}/claim`, `/unclaim`, `/assignee` and `/due`: who holds a task, and by when.

Thin handlers over `hamyar.core.application.ownership`: 403 for the wrong agency or role (and
for auditors), 404 for a task the caller may not see, 409 for a stale version or a task someone
else holds, 422 with the field for input that cannot stand.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, post, put
from litestar.params import FromPath, JSONBody

from hamyar.core.application import ownership
from hamyar.core.storage.models import Task
from hamyar.core.web.dependencies import ActorDep, UowDep
from hamyar.core.web.limits import Id, Line, Text, Version


class VersionRequest(msgspec.Struct, forbid_unknown_fields=True):
    version: Version
    """The version you saw: a newer one means someone changed the task first (409)."""


class AssigneeRequest(msgspec.Struct, forbid_unknown_fields=True):
    username: Line | None
    """A caseworker or supervisor of the task's agency; null or "" puts it back in the queue."""
    version: Version


class DueRequest(msgspec.Struct, forbid_unknown_fields=True):
    due_at: Line
    """A Jalali or Gregorian date ("1404/09/20": the end of that Tehran day), with an optional
    Tehran time ("1404/09/20 14:30"), or an ISO 8601 instant with its offset."""
    reason: Text
    version: Version


def _answer(task: Task) -> dict[str, Any]:
    return {
        "id": task.id,
        "case_id": task.case_id,
        "agency": task.agency_code,
        "state": task.state,
        "assignee": task.assignee,
        "due_at": task.due_at,
        "version": task.version,
    }


class OwnershipController(Controller):
    path = "/tasks"
    tags = ["tasks"]  # noqa: RUF012  (Litestar reads a plain list)

    @post("/{task_id:int}/claim", status_code=200, sync_to_thread=True)
    def claim(
        self, task_id: FromPath[Id], data: JSONBody[VersionRequest], uow: UowDep, actor: ActorDep
    ) -> dict[str, Any]:
        """Take an unassigned task of your agency (caseworkers and supervisors of it)."""
        return _answer(ownership.claim_task(uow, actor, task_id, version=data.version))

    @post("/{task_id:int}/unclaim", status_code=200, sync_to_thread=True)
    def unclaim(
        self, task_id: FromPath[Id], data: JSONBody[VersionRequest], uow: UowDep, actor: ActorDep
    ) -> dict[str, Any]:
        """Give a task you hold back to your agency's queue (a supervisor: anyone's)."""
        return _answer(ownership.unclaim_task(uow, actor, task_id, version=data.version))

    @put("/{task_id:int}/assignee", status_code=200, sync_to_thread=True)
    def assignee(
        self,
        task_id: FromPath[Id],
        data: JSONBody[AssigneeRequest],
        uow: UowDep,
        actor: ActorDep,
    ) -> dict[str, Any]:
        """A supervisor of the task's agency assigns it to a person of that agency."""
        task = ownership.assign_task(uow, actor, task_id, data.username, version=data.version)
        return _answer(task)

    @put("/{task_id:int}/due", status_code=200, sync_to_thread=True)
    def due(
        self, task_id: FromPath[Id], data: JSONBody[DueRequest], uow: UowDep, actor: ActorDep
    ) -> dict[str, Any]:
        """A supervisor of the task's agency moves its due date, with a reason."""
        task = ownership.move_due(
            uow, actor, task_id, data.due_at, data.reason, version=data.version
        )
        return _answer(task)
