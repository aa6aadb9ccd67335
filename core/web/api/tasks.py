"""`/api/tasks/{id}`: an agency's task on a case, and moving it through its workflow."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody
from sqlmodel import col, select

from hamyar.core.application import commands
from hamyar.core.auth.access import get_task, may_write
from hamyar.core.engine.transition import available_transitions
from hamyar.core.storage.models import HistoryEntry, utcnow
from hamyar.core.web.api.schemas import TaskDetail, ok
from hamyar.core.web.api.transitions import TransitionRequest, event_view
from hamyar.core.web.dependencies import ActorDep, DbDep, PluginsDep, UowDep
from hamyar.core.web.limits import Id
from hamyar.core.web.representation import case_summary, history_view, task_view, transition_view


class TaskController(Controller):
    path = "/tasks"
    tags = ["tasks"]  # noqa: RUF012  (Litestar reads a plain list)

    @get("/{task_id:int}", sync_to_thread=True, responses=ok(TaskDetail, "The task"))
    def detail(
        self, task_id: FromPath[Id], db: DbDep, actor: ActorDep, plugins: PluginsDep
    ) -> dict[str, Any]:
        """The task, a summary of its case, its history, and the transitions you may take."""
        task, case, access = get_task(db, actor, task_id)
        now = utcnow()
        body = task_view(task, access, now)
        body["case"] = case_summary(case, access, now)
        history = db.exec(
            select(HistoryEntry)
            .where(col(HistoryEntry.task_id) == task_id)
            .order_by(col(HistoryEntry.id))
        ).all()
        body["history"] = [history_view(h, access, {task_id: task}) for h in history]
        body["transitions"] = (
            [transition_view(t) for t in available_transitions(db, task, actor, plugins.registry)]
            if may_write(actor)
            else []
        )
        return body

    @post("/{task_id:int}/transitions", status_code=200, sync_to_thread=True)
    def transition(
        self,
        task_id: FromPath[Id],
        data: JSONBody[TransitionRequest],
        uow: UowDep,
        actor: ActorDep,
    ) -> dict[str, Any]:
        """Take a transition: 403 guard refused, 409 stale version, 422 not from this state."""
        done = commands.take_transition(
            uow,
            actor,
            "task",
            task_id,
            data.transition,
            comment=data.comment,
            version=data.version,
        )
        task, case = done.target, done.case
        return {
            "id": task.id,
            "state": task.state,
            "version": task.version,
            "case": {"id": case.id, "state": case.state, "version": case.version},
            "events": [event_view(e) for e in done.events],
        }
