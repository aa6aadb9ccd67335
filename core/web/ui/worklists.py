"""My worklists: the queues I work from (`hamyar.core.cases.worklists`), with counts that refresh
themselves.

Counts refresh over server-sent events (`hx-trigger="sse:worklists"`), so a case a worker
routes shows up without a reload. A task worklist is shown as the tasks' cases, each with the
task's own state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from sqlmodel import Session, select

from hamyar.core.auth.actor import Actor
from hamyar.core.cases import worklists as W
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import Case, Task
from hamyar.core.web.dependencies import ActorDep, DbDep
from hamyar.core.web.ui.case_rows import case_rows
from hamyar.core.web.ui.page import plugins_of, render, t

PAGE_SIZE = 50


@dataclass(frozen=True)
class WorklistCount:
    id: str
    title: str
    title_en: str
    kind: str
    count: W.Count


def counted(db: Session, registry: Registry, actor: Actor) -> list[WorklistCount]:
    return [
        WorklistCount(spec.id, spec.title, spec.title_en, spec.kind, W.count(db, spec, actor))
        for spec in W.worklists_for(actor, registry)
    ]


@get("/", name="ui:home", sync_to_thread=True)
def home(request: Request[Any, Any, Any], db: DbDep, actor: ActorDep) -> Template:
    plugins = plugins_of(request)
    return render(
        request,
        "worklists.html",
        actor=actor,
        page_title=t(request, "My worklists"),
        worklists=counted(db, plugins.registry, actor),
    )


@get("/worklists/counts", name="ui:worklist-counts", sync_to_thread=True)
def counts(request: Request[Any, Any, Any], db: DbDep, actor: ActorDep) -> Template:
    """The counts fragment alone, for the live refresh."""
    plugins = plugins_of(request)
    return render(
        request,
        "partials/worklist_counts.html",
        actor=actor,
        worklists=counted(db, plugins.registry, actor),
    )


@get("/worklists/{worklist_id:str}", name="ui:worklist", sync_to_thread=True)
def worklist_page(
    request: Request[Any, Any, Any],
    db: DbDep,
    actor: ActorDep,
    worklist_id: FromPath[str],
    cursor: FromQuery[str] = "",
) -> Template:
    registry = plugins_of(request).registry
    spec = W.find(actor, registry, worklist_id)
    items, next_cursor = W.items(db, spec, actor, limit=PAGE_SIZE, cursor=cursor or None)
    if spec.kind == "task":
        tasks: list[Task] = items
        ids = list(dict.fromkeys(task.case_id for task in tasks))
        found = {c.id: c for c in db.exec(select(Case).where(Case.id.in_(ids)))}  # type: ignore[union-attr]
        rows = case_rows(
            db,
            registry,
            actor,
            [found[i] for i in ids if i in found],
            tasks={task.case_id: task for task in reversed(tasks)},
        )
    else:
        rows = case_rows(db, registry, actor, items)
    return render(
        request,
        "worklist.html",
        actor=actor,
        worklist=spec,
        worklist_id=worklist_id,
        count=W.count(db, spec, actor),
        rows=rows,
        next_cursor=next_cursor,
        page_title=spec.title,
    )
