"""`/api/worklists`: the caller's queues with counts, and a page of each one's items."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, get
from litestar.params import FromPath, FromQuery, QueryParameter
from sqlmodel import col, select

from hamyar.core.auth.access import listed_access, needs_page_access, page_access
from hamyar.core.cases import ownership as O
from hamyar.core.cases import worklists as W
from hamyar.core.cases.listing import DEFAULT_LIMIT, LIST_DEFERRED, MAX_LIMIT, summaries_of
from hamyar.core.cases.worklist_order import URGENCY
from hamyar.core.storage.models import Case, Task, utcnow
from hamyar.core.web.api.schemas import WorklistCount, WorklistPage, ok
from hamyar.core.web.dependencies import ActorDep, DbDep, PluginsDep
from hamyar.core.web.limits import Line
from hamyar.core.web.representation import summary_of, task_view


class WorklistController(Controller):
    path = "/worklists"
    tags = ["worklists"]  # noqa: RUF012  (Litestar reads a plain list)

    @get("/", sync_to_thread=True, responses=ok(list[WorklistCount], "Your worklists"))
    def list(self, db: DbDep, actor: ActorDep, plugins: PluginsDep) -> list[dict[str, Any]]:
        """Your worklists, each with the number of items in it now (counted up to
        `hamyar.core.cases.worklists.COUNT_LIMIT`; `count_capped` says there are more)."""
        specs = W.worklists_for(actor, plugins.registry)
        return [
            {
                "id": spec.id,
                "title": spec.title,
                "title_en": spec.title_en,
                "kind": spec.kind,
                "count": found.value,
                "count_capped": found.more,
            }
            for spec, found in zip(specs, W.counts(db, specs, actor), strict=True)
        ]

    @get("/{worklist_id:str}", sync_to_thread=True, responses=ok(WorklistPage, "A page"))
    def detail(
        self,
        worklist_id: FromPath[Line],
        db: DbDep,
        actor: ActorDep,
        plugins: PluginsDep,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
        cursor: FromQuery[Line | None] = None,
        sort: FromQuery[str] = URGENCY,
        service: FromQuery[Line | None] = None,
        neighbourhood: FromQuery[Line | None] = None,
        state_filter: Annotated[Line | None, QueryParameter(name="state")] = None,
        overdue: FromQuery[bool | None] = None,
        assignee: FromQuery[Line | None] = None,
    ) -> dict[str, Any]:
        """A page of the worklist's items, most urgent first (`sort=urgency`: overdue, then
        the nearest due time, then priority) or `sort=newest`; filtered by service,
        neighbourhood (id or code), state, overdue and, on task lists, assignee (`-` for
        nobody). `next_cursor` fetches the next page with the same sort. A task item's
        `may` says which ownership commands you may use on it; the team list adds `people`,
        its open tasks per person."""
        spec = W.find(actor, plugins.registry, worklist_id)
        filters = W.WorklistFilters(
            service=service,
            neighbourhood=neighbourhood,
            state=state_filter,
            overdue=overdue,
            assignee=assignee,
        )
        rows, next_cursor = W.items(
            db, spec, actor, limit=limit, cursor=cursor, sort=sort, filters=filters
        )
        now = utcnow()
        summaries = summaries_of(
            db, actor, [r.id if spec.kind == "case" else r.case_id for r in rows]
        )
        if spec.kind == "case":
            items: list[Any] = [
                summary_of(summaries[c.id], now, summaries[c.id].content) for c in rows
            ]
        else:
            hidden = [t.case_id for t in rows if needs_page_access(t, summaries[t.case_id].content)]
            full = page_access(db, actor, _cases(db, hidden)) if hidden else {}
            items = []
            for task in rows:
                assert isinstance(task, Task)
                row = summaries[task.case_id]
                access = full.get(task.case_id) or listed_access(actor, row.content)
                view = task_view(task, access, now)
                view["case"] = summary_of(row, now, row.content)
                view["may"] = {
                    "claim": O.may_claim(actor, task),
                    "unclaim": O.may_unclaim(actor, task),
                    "assign": O.may_assign(actor, task),
                }
                items.append(view)
        body = {
            "id": spec.id,
            "title": spec.title,
            "title_en": spec.title_en,
            "kind": spec.kind,
            **_count(db, spec, actor, filters),
            "sort": sort,
            "items": items,
            "next_cursor": next_cursor,
        }
        if spec.team:
            body["people"] = [
                {"username": p.username, "full_name": p.full_name, "count": p.count}
                for p in W.by_person(db, spec)
            ]
        return body


def _cases(db: DbDep, case_ids: list[int]) -> list[Case]:
    return list(
        db.exec(select(Case).options(*LIST_DEFERRED).where(col(Case.id).in_(sorted(set(case_ids)))))
    )


def _count(
    db: DbDep, spec: W.WorklistSpec, actor: ActorDep, filters: W.WorklistFilters | None = None
) -> dict[str, Any]:
    found = W.count(db, spec, actor, filters)
    return {"count": found.value, "count_capped": found.more}
