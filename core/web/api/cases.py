"""`/api/cases`: list (filtered, searched, paginated), open, read, and move cases."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED
from sqlmodel import col, select

from hamyar.core.application import commands, idempotency
from hamyar.core.auth.access import get_case, may_write
from hamyar.core.cases.listing import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    CaseFilters,
    list_summaries,
)
from hamyar.core.engine.transition import available_transitions
from hamyar.core.storage.models import HistoryEntry, Task, utcnow
from hamyar.core.web.api.notes import casework_detail, with_changes
from hamyar.core.web.api.schemas import CaseDetail, CasePage, ok
from hamyar.core.web.api.transitions import TransitionRequest, event_view
from hamyar.core.web.dependencies import ActorDep, DbDep, PluginsDep, UowDep
from hamyar.core.web.limits import Id, IdOrCode, Line, Text
from hamyar.core.web.representation import (
    case_detail,
    history_view,
    summary_of,
    task_view,
    transition_view,
)


class CaseRequest(msgspec.Struct, forbid_unknown_fields=True):
    service: Line
    title: Line
    neighbourhood: IdOrCode | None = None
    """A neighbourhood id or code (GET /api/neighbourhoods)."""
    description: Text = ""
    data: dict[str, Any] = msgspec.field(default_factory=dict)
    """The service's form, as its JSON Schema (GET /api/services/{code}) describes."""
    channel: Line = "api"
    category: Line | None = None
    reporter: dict[str, Any] | None = None


class CaseController(Controller):
    path = "/cases"
    tags = ["cases"]  # noqa: RUF012  (Litestar reads a plain list)

    @get("/", sync_to_thread=True, responses=ok(CasePage, "A page of cases, newest first"))
    def list(
        self,
        db: DbDep,
        actor: ActorDep,
        state_filter: Annotated[Line | None, QueryParameter(name="state")] = None,
        agency: FromQuery[Line | None] = None,
        service: FromQuery[Line | None] = None,
        neighbourhood: FromQuery[Line | None] = None,
        q: FromQuery[Line | None] = None,
        overdue: FromQuery[bool | None] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
        cursor: FromQuery[Line | None] = None,
    ) -> dict[str, Any]:
        """Cases you may see, newest first; `next_cursor` fetches the next page."""
        filters = CaseFilters(
            state=state_filter,
            agency=agency,
            service=service,
            neighbourhood=neighbourhood,
            q=q,
            overdue=overdue,
        )
        page = list_summaries(db, actor, filters, limit=limit, cursor=cursor)
        now = utcnow()
        return {
            "items": [summary_of(row, now, row.content) for row in page.items],
            "next_cursor": page.next_cursor,
        }

    @post("/", status_code=HTTP_201_CREATED, sync_to_thread=True)
    def create(
        self,
        data: JSONBody[CaseRequest],
        uow: UowDep,
        actor: ActorDep,
        idempotency_key: Annotated[
            str | None,
            HeaderParameter(
                name=idempotency.HEADER,
                description="Any unique string (a UUID): a retry with the same key returns the "
                "first answer instead of opening a second case; kept for 24 hours.",
            ),
        ] = None,
    ) -> Response[dict[str, Any]]:
        """Open a case; a worker routes it to the agencies that must act.

        With an `Idempotency-Key`, a retry gets the first answer (and the header
        `Idempotent-Replayed: true`); the same key with another body is a 422.
        """

        def open_it() -> dict[str, Any]:
            case = commands.open_case(
                uow,
                actor,
                service=data.service,
                title=data.title,
                neighbourhood=data.neighbourhood,
                description=data.description,
                data=data.data,
                channel=data.channel,
                category=data.category,
                reporter=data.reporter,
            )
            return {
                "id": case.id,
                "tracking_code": case.tracking_code,
                "state": case.state,
                "version": case.version,
            }

        key = idempotency.clean_key(idempotency_key)
        if key is None:
            return Response(open_it(), status_code=HTTP_201_CREATED)
        answer = idempotency.once(
            uow,
            caller=f"user:{actor.username}",
            operation="cases.create",
            key=key,
            content=msgspec.to_builtins(data),
            run=open_it,
        )
        return Response(
            answer.body,
            status_code=answer.status_code,
            headers={"Idempotent-Replayed": "true"} if answer.replayed else None,
        )

    @get("/{case_id:int}", sync_to_thread=True, responses=ok(CaseDetail, "The case"))
    def detail(
        self, case_id: FromPath[Id], db: DbDep, actor: ActorDep, plugins: PluginsDep
    ) -> dict[str, Any]:
        """The case, its tasks, its history, and the transitions you may take now."""
        case, access = get_case(db, actor, case_id)
        now = utcnow()
        tasks = db.exec(select(Task).where(Task.case_id == case_id).order_by(Task.id)).all()  # type: ignore[arg-type]
        history = db.exec(
            select(HistoryEntry)
            .where(col(HistoryEntry.case_id) == case_id)
            .order_by(col(HistoryEntry.id))
        ).all()
        writer = may_write(actor)
        registry = plugins.registry
        body = case_detail(case, access, now)
        body["tasks"] = []
        for task in tasks:
            view = task_view(task, access, now)
            view["transitions"] = (
                [transition_view(t) for t in available_transitions(db, task, actor, registry)]
                if writer
                else []
            )
            body["tasks"].append(view)
        by_id = {t.id: t for t in tasks if t.id is not None}
        body["history"] = with_changes([history_view(h, access, by_id) for h in history])
        body.update(casework_detail(db, actor, case, access))
        body["transitions"] = (
            [transition_view(t) for t in available_transitions(db, case, actor, registry)]
            if writer
            else []
        )
        return body

    @post("/{case_id:int}/transitions", status_code=200, sync_to_thread=True)
    def transition(
        self,
        case_id: FromPath[Id],
        data: JSONBody[TransitionRequest],
        uow: UowDep,
        actor: ActorDep,
    ) -> Response[dict[str, Any]]:
        """Take a transition: 403 guard refused, 409 stale version, 422 not from this state."""
        done = commands.take_transition(
            uow,
            actor,
            "case",
            case_id,
            data.transition,
            comment=data.comment,
            version=data.version,
        )
        case = done.case
        return Response(
            {
                "id": case.id,
                "state": case.state,
                "version": case.version,
                "events": [event_view(e) for e in done.events],
            }
        )
