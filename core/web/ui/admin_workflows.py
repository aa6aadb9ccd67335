"""The workflow parts of `/admin/plugins` and `/admin/workflows/{id}`: which workflow each
service's new tasks follow (bound by a Manager from the page), and every workflow's versions
with how many open cases and tasks run on each.

The binding itself, and what makes it valid, is `administration.set_service_workflow`; the
versions are `hamyar.core.storage.workflow_versions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar import Request, post
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlmodel import Session

from hamyar.core.application import administration as admin
from hamyar.core.auth import access
from hamyar.core.auth.actor import Actor
from hamyar.core.exceptions import InvalidInput, NotFound
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.workflow_store import all_workflows, bindings
from hamyar.core.storage.workflow_versions import running_counts, versions_of
from hamyar.core.web.dependencies import ActorDep, UowDep
from hamyar.core.web.ui.page import FormData, Message, form_value, t


@dataclass(frozen=True)
class VersionRow:
    number: int
    created_at: datetime
    source: str
    open_cases: int
    open_tasks: int
    newest: bool


@dataclass(frozen=True)
class WorkflowRow:
    id: str
    definition: Any
    source: str
    versions: int
    newest: int | None
    open_cases: int
    open_tasks: int


def version_rows(db: Session, workflow_id: str) -> list[VersionRow]:
    rows = versions_of(db, workflow_id)
    counts = running_counts(db, workflow_id)
    newest = rows[-1].number if rows else None
    return [
        VersionRow(
            number=r.number,
            created_at=r.created_at,
            source=r.source,
            open_cases=counts.get(r.number, (0, 0))[0],
            open_tasks=counts.get(r.number, (0, 0))[1],
            newest=r.number == newest,
        )
        for r in rows
    ]


def workflow_rows(db: Session, registry: Registry) -> list[WorkflowRow]:
    """Every workflow the plugins and the database hold, with its versions' totals."""
    found = []
    for wid, stored in sorted(all_workflows(db, registry).items()):
        versions = version_rows(db, wid)
        found.append(
            WorkflowRow(
                id=wid,
                definition=stored.definition,
                source=stored.source,
                versions=len(versions),
                newest=versions[-1].number if versions else None,
                open_cases=sum(v.open_cases for v in versions),
                open_tasks=sum(v.open_tasks for v in versions),
            )
        )
    return found


def binding_context(db: Session, registry: Registry) -> dict[str, Any]:
    """What the services table needs: each service's bound workflow and the choices."""
    return {"bindings": bindings(db), "workflow_rows": workflow_rows(db, registry)}


@post(
    "/admin/services/{service_code:str}/workflow",
    name="ui:admin-service-workflow",
    sync_to_thread=True,
    status_code=303,
)
def bind_submit(
    request: Request[Any, Any, Any],
    uow: UowDep,
    actor: ActorDep,
    service_code: FromPath[str],
    data: FormData,
) -> Template | Redirect:
    """Bind the chosen workflow; a refusal comes back on the page with every problem listed."""
    from hamyar.core.web.ui.admin import plugins_template

    access.require_administrator(actor)  # a refusal first, before anything about the form
    workflow_id = form_value(data, "workflow")
    try:
        if not workflow_id:
            raise InvalidInput(t(request, "Choose a workflow."))
        admin.set_service_workflow(uow, actor, service_code, workflow_id)
    except (InvalidInput, NotFound) as exc:
        messages = [
            Message(t(request, "This workflow cannot run the service:") + f" {exc}", "error")
        ]
        return plugins_template(request, uow.session, actor, messages=messages, status_code=422)
    return Redirect(f"/admin/plugins#service-{service_code.replace('.', '-')}", status_code=303)


def may_bind(actor: Actor) -> bool:
    return actor.is_manager
