"""My worklists: the queues I work from (`hamyar.core.cases.worklists`), with counts that refresh
themselves.

Counts refresh over server-sent events (`hx-trigger="sse:worklists"`), so a case a worker
routes shows up without a reload. A task worklist shows one row per task — its case, its state,
who holds it and by when — with the claim and assign forms the reader may use, most urgent
first, with sort and filter controls and a "next page" link that keeps them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.params import FromPath
from litestar.response import Template
from sqlmodel import Session, select

from hamyar.core.auth.actor import Actor
from hamyar.core.cases import worklists as W
from hamyar.core.cases.worklist_order import SORTS, UNASSIGNED, URGENCY
from hamyar.core.exceptions import InvalidInput
from hamyar.core.i18n import localized
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import Neighbourhood
from hamyar.core.text.collation import sorted_by_name
from hamyar.core.web.dependencies import ActorDep, DbDep
from hamyar.core.web.ui.case_rows import case_rows
from hamyar.core.web.ui.page import Message, locale_of, plugins_of, render, t
from hamyar.core.web.ui.task_rows import task_rows

PAGE_SIZE = 50


@dataclass(frozen=True)
class WorklistCount:
    id: str
    title: str
    title_en: str
    kind: str
    count: W.Count


def counted(db: Session, registry: Registry, actor: Actor) -> list[WorklistCount]:
    specs = W.worklists_for(actor, registry)
    return [
        WorklistCount(spec.id, spec.title, spec.title_en, spec.kind, found)
        for spec, found in zip(specs, W.counts(db, specs, actor), strict=True)
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


FILTERS = ("sort", "service", "neighbourhood", "state", "overdue", "assignee")
"""The query parameters a worklist page keeps from page to page."""


@get("/worklists/{worklist_id:str}", name="ui:worklist", sync_to_thread=True)
def worklist_page(
    request: Request[Any, Any, Any], db: DbDep, actor: ActorDep, worklist_id: FromPath[str]
) -> Template:
    return render_worklist(request, db, actor, worklist_id, dict(request.query_params))


def _filters(params: Mapping[str, str], kind: str) -> W.WorklistFilters:
    overdue = params.get("overdue", "")
    return W.WorklistFilters(
        service=params.get("service") or None,
        neighbourhood=params.get("neighbourhood") or None,
        state=params.get("state") or None,
        overdue=True if overdue == "1" else False if overdue == "0" else None,
        assignee=(params.get("assignee") or None) if kind == "task" else None,
    )


def _states(registry: Registry, spec: W.WorklistSpec) -> list[Any]:
    from hamyar.core.default_plugins.workflows import CASE_WORKFLOW

    workflows = (
        [registry.workflows[CASE_WORKFLOW]]
        if spec.kind == "case"
        else [w for w in registry.workflows.values() if w.id != CASE_WORKFLOW]
    )
    found: dict[str, Any] = {}
    for workflow in workflows:
        for state in workflow.states.values():
            if spec.kind == "case" or state.id not in workflow.terminal_states:
                found.setdefault(state.id, state)
    return list(found.values())


def render_worklist(
    request: Request[Any, Any, Any],
    db: Session,
    actor: Actor,
    worklist_id: str,
    params: Mapping[str, str],
    *,
    messages: list[Message] | None = None,
    status_code: int = 200,
) -> Template:
    """The worklist page for `params` (sort, filters, cursor), with `messages` above it (a
    refused claim or assignment comes back here, saying why)."""
    registry = plugins_of(request).registry
    spec = W.find(actor, registry, worklist_id)
    kept = {k: str(params[k]) for k in FILTERS if params.get(k)}
    sort = kept.get("sort", URGENCY)
    filters = _filters(kept, spec.kind)
    messages = list(messages or [])
    items: list[Any] = []
    next_cursor = None
    try:
        items, next_cursor = W.items(
            db,
            spec,
            actor,
            limit=PAGE_SIZE,
            cursor=str(params.get("cursor") or "") or None,
            sort=sort,
            filters=filters,
        )
        found = W.count(db, spec, actor, filters)
    except InvalidInput as exc:
        messages.append(Message(str(exc), "error"))
        status_code = 422
        found = W.Count(0)
    if spec.kind == "task":
        rows: list[Any] = task_rows(db, registry, actor, items, locale_of(request))
    else:
        rows = case_rows(db, registry, actor, items, locale=locale_of(request))
    here = f"/worklists/{worklist_id}"
    return render(
        request,
        "worklist.html",
        actor=actor,
        status_code=status_code,
        worklist=spec,
        worklist_id=worklist_id,
        count=found,
        rows=rows,
        filters=kept,
        sorts=SORTS,
        unassigned=UNASSIGNED,
        page_url=here + (f"?{urlencode(kept)}" if kept else ""),
        next_url=f"{here}?{urlencode({**kept, 'cursor': next_cursor})}" if next_cursor else None,
        services=_services(registry, actor, spec),
        states=_states(registry, spec),
        neighbourhoods=sorted_by_name(
            db.exec(select(Neighbourhood)).all(),
            lambda n: localized(locale_of(request), n.name_fa, n.name_en),
        ),
        people=W.by_person(db, spec),
        messages=messages,
        page_title=spec.title,
    )


def _services(registry: Registry, actor: Actor, spec: W.WorklistSpec) -> list[Any]:
    """The services worth filtering by: my agencies' for an agency's list, all for the rest."""
    services = sorted(registry.services.values(), key=lambda s: s.code)
    if spec.implies_visible and actor.agencies:
        return [s for s in services if s.agency in actor.agencies]
    return services
