"""`/api/cases/{id}/assign` and `/api/tasks/{id}/reassign`: a coordinator's routing by hand.

`GET /api/cases/{id}/assign` is the service picker: services whose routing covers the case
first (with the reason they gave), then the others, and why the case is in triage.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from hamyar.core.application import assignment
from hamyar.core.auth.access import CaseAccess
from hamyar.core.storage.models import utcnow
from hamyar.core.web.dependencies import ActorDep, DbDep, PluginsDep, UowDep
from hamyar.core.web.limits import Id, Line, Text, Version
from hamyar.core.web.representation import task_view


class AssignRequest(msgspec.Struct, forbid_unknown_fields=True):
    services: list[Line]
    """Service codes (GET /api/services); from triage the first becomes the primary task."""
    reason: Text
    version: Version
    """The case's version you saw: a newer one means someone routed it first (409)."""


class ReassignRequest(msgspec.Struct, forbid_unknown_fields=True):
    service: Line
    reason: Text
    version: Version
    """The task's version you saw."""


@get("/cases/{case_id:int}/assign", sync_to_thread=True, tags=["cases"])
def assign_choices(
    case_id: FromPath[Id], db: DbDep, actor: ActorDep, plugins: PluginsDep
) -> dict[str, Any]:
    """The services a coordinator may assign the case to, those covering it first."""
    case, found, why = assignment.choices(db, actor, case_id, plugins)
    return {
        "case": {"id": case.id, "state": case.state, "version": case.version},
        "triage_reason": why,
        "services": [
            {
                "code": c.spec.code,
                "agency": c.spec.agency,
                "title": c.spec.title_fa,
                "title_en": c.spec.title_en,
                "covers": c.covers,
                "reason": c.reason,
                "assigned": c.taken,
            }
            for c in found
        ],
    }


@post(
    "/cases/{case_id:int}/assign", status_code=HTTP_201_CREATED, sync_to_thread=True, tags=["cases"]
)
def assign_case(
    case_id: FromPath[Id], data: JSONBody[AssignRequest], uow: UowDep, actor: ActorDep
) -> dict[str, Any]:
    """Open a task for each service, with its deadline: 403 not a coordinator, 409 stale
    version, 422 unknown service, missing reason or a case that cannot be assigned now."""
    case, tasks = assignment.assign(
        uow, actor, case_id, services=data.services, reason=data.reason, version=data.version
    )
    now = utcnow()
    full = _full()
    return {
        "case": {"id": case.id, "state": case.state, "version": case.version},
        "tasks": [task_view(t, full, now) for t in tasks],
    }


@post(
    "/tasks/{task_id:int}/reassign",
    status_code=HTTP_201_CREATED,
    sync_to_thread=True,
    tags=["tasks"],
)
def reassign_task(
    task_id: FromPath[Id], data: JSONBody[ReassignRequest], uow: UowDep, actor: ActorDep
) -> dict[str, Any]:
    """Move an open task to another service: the old one is cancelled with the reason, a new
    one opens there with its own deadline."""
    old, new = assignment.reassign(
        uow, actor, task_id, service=data.service, reason=data.reason, version=data.version
    )
    now = utcnow()
    full = _full()
    return {"closed": task_view(old, full, now), "task": task_view(new, full, now)}


def _full() -> CaseAccess:
    """The coordinator wrote these reasons: they read them back."""
    return CaseAccess(visible=True, content=True, reporter=False)


ASSIGNMENT_ROUTES = [assign_choices, assign_case, reassign_task]
