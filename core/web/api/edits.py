"""`PATCH /api/cases/{id}`, `POST /api/cases/{id}/reopen`, `POST|DELETE
/api/cases/{id}/duplicate-of`: correcting a case, reopening it with the tasks that must act
again, and marking or unmarking a duplicate. Each is one command of
`hamyar.core.application.casework`."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, delete, patch, post
from litestar.params import FromPath, JSONBody

from hamyar.core.application import casework
from hamyar.core.application.commands import Transitioned
from hamyar.core.web.api.transitions import event_view
from hamyar.core.web.dependencies import ActorDep, UowDep
from hamyar.core.web.limits import Id, IdOrCode, Line, Text, Version


class EditRequest(msgspec.Struct, forbid_unknown_fields=True):
    version: Version
    """The version you corrected: a newer one means someone changed it first (409)."""
    title: Line | None = None
    description: Text | None = None
    neighbourhood: IdOrCode | None = None
    data: dict[str, Any] | None = None
    """Form answers to change, merged into the form's (`null` removes one); the whole form
    must still satisfy the service's schema."""


class ReopenRequest(msgspec.Struct, forbid_unknown_fields=True):
    version: Version
    comment: Text
    tasks: list[Id] | None = None
    """The finished tasks that must act again; all of them when left out."""


class DuplicateRequest(msgspec.Struct, forbid_unknown_fields=True):
    original: IdOrCode
    """The original case's id or tracking code."""
    version: Version
    comment: Text = ""


class NotDuplicateRequest(msgspec.Struct, forbid_unknown_fields=True):
    version: Version
    comment: Text = ""


def _moved(done: Transitioned) -> dict[str, Any]:
    case = done.case
    return {
        "id": case.id,
        "state": case.state,
        "version": case.version,
        "duplicate_of_id": case.duplicate_of_id,
        "events": [event_view(e) for e in done.events],
    }


class CaseEditController(Controller):
    path = "/cases"
    tags = ["cases"]  # noqa: RUF012  (Litestar reads a plain list)

    @patch("/{case_id:int}", sync_to_thread=True)
    def edit(
        self, case_id: FromPath[Id], data: JSONBody[EditRequest], uow: UowDep, actor: ActorDep
    ) -> dict[str, Any]:
        """Correct a case: 403 not yours to change, 409 stale version, 422 bad fields."""
        case, changed = casework.edit_case(
            uow,
            actor,
            case_id,
            version=data.version,
            title=data.title,
            description=data.description,
            neighbourhood=data.neighbourhood,
            data=data.data,
        )
        return {"id": case.id, "version": case.version, "changed": changed}

    @post("/{case_id:int}/reopen", status_code=200, sync_to_thread=True)
    def reopen(
        self, case_id: FromPath[Id], data: JSONBody[ReopenRequest], uow: UowDep, actor: ActorDep
    ) -> dict[str, Any]:
        """Reopen a resolved case and the finished tasks that must act again."""
        return _moved(
            casework.reopen_case(
                uow, actor, case_id, comment=data.comment, version=data.version, tasks=data.tasks
            )
        )

    @post("/{case_id:int}/duplicate-of", status_code=200, sync_to_thread=True)
    def mark_duplicate(
        self,
        case_id: FromPath[Id],
        data: JSONBody[DuplicateRequest],
        uow: UowDep,
        actor: ActorDep,
    ) -> dict[str, Any]:
        """Mark the case a duplicate of `original`: 422 unknown original or the case itself."""
        return _moved(
            casework.mark_duplicate(
                uow,
                actor,
                case_id,
                original=data.original,
                version=data.version,
                comment=data.comment,
            )
        )

    @delete("/{case_id:int}/duplicate-of", status_code=200, sync_to_thread=True)
    def not_duplicate(
        self,
        case_id: FromPath[Id],
        data: JSONBody[NotDuplicateRequest],
        uow: UowDep,
        actor: ActorDep,
    ) -> dict[str, Any]:
        """Not a duplicate: unlink the original and send the case back to routing."""
        return _moved(
            casework.undo_duplicate(uow, actor, case_id, version=data.version, comment=data.comment)
        )
