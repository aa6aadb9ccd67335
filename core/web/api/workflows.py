"""`/api/workflows`: the definitions plugins registered and those imported into the database,
as JSON and as DCWorkflow `definition.xml`."""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Response, get
from litestar.params import FromPath
from sqlmodel import select

from hamyar.core.exceptions import NotFound
from hamyar.core.storage.models import WorkflowRecord
from hamyar.core.web.dependencies import ActorDep, DbDep, PluginsDep
from hamyar.core.web.limits import Line
from hamyar.core.workflow import WorkflowDefinition


def _all(db: DbDep, plugins: PluginsDep) -> dict[str, tuple[WorkflowDefinition, str]]:
    found = {
        wid: (d, "plugin:" + plugins.registry.owner("workflow", wid))
        for wid, d in plugins.registry.workflows.items()
    }
    from hamyar.core.workflow.dcworkflow import parse_definition

    for record in db.exec(select(WorkflowRecord)).all():
        if record.id not in found:
            try:
                found[record.id] = (parse_definition(record.xml), "database")
            except ValueError:
                continue
    return found


def _guard(guard: Any) -> dict[str, Any]:
    return {
        "roles": list(guard.roles),
        "permissions": list(guard.permissions),
        "groups": list(guard.groups),
        "expression": guard.expression.text if guard.expression is not None else None,
    }


def definition_view(d: WorkflowDefinition, source: str) -> dict[str, Any]:
    return {
        "id": d.id,
        "title": d.title,
        "title_en": d.title_en,
        "source": source,
        "initial_state": d.initial_state,
        "states": [
            {
                "id": s.id,
                "title": s.title,
                "title_en": s.title_en,
                "transitions": list(s.transitions),
                "terminal": s.terminal,
                "permissions": {p: list(r) for p, r in s.permission_roles.items()},
            }
            for s in d.states.values()
        ],
        "transitions": [
            {
                "id": t.id,
                "title": t.title,
                "title_en": t.title_en,
                "new_state": t.new_state or None,
                "trigger": t.trigger.value,
                "guard": _guard(t.guard),
                "handler": t.handler,
                "requires_comment": t.requires_comment,
            }
            for t in d.transitions.values()
        ],
        "worklists": [
            {
                "id": w.id,
                "title": w.title,
                "title_en": w.title_en,
                "matches": {k: list(v) for k, v in w.matches.items()},
            }
            for w in d.worklists.values()
        ],
    }


class WorkflowController(Controller):
    path = "/workflows"
    tags = ["workflows"]  # noqa: RUF012  (Litestar reads a plain list)

    @get("/", sync_to_thread=True)
    def list(self, db: DbDep, plugins: PluginsDep, actor: ActorDep) -> list[dict[str, Any]]:
        return [
            {
                "id": wid,
                "title": d.title,
                "title_en": d.title_en,
                "source": source,
                "states": len(d.states),
                "transitions": len(d.transitions),
            }
            for wid, (d, source) in sorted(_all(db, plugins).items())
        ]

    @get("/{workflow_id:str}", sync_to_thread=True)
    def detail(
        self, workflow_id: FromPath[Line], db: DbDep, plugins: PluginsDep, actor: ActorDep
    ) -> dict[str, Any]:
        found = _all(db, plugins).get(workflow_id)
        if found is None:
            raise NotFound(f"no workflow {workflow_id!r}; GET /api/workflows lists them")
        return definition_view(*found)

    @get("/{workflow_id:str}/definition.xml", sync_to_thread=True)
    def definition_xml(
        self, workflow_id: FromPath[Line], db: DbDep, plugins: PluginsDep, actor: ActorDep
    ) -> Response[str]:
        """The definition as GenericSetup `definition.xml`, as Plone would export it."""
        found = _all(db, plugins).get(workflow_id)
        if found is None:
            raise NotFound(f"no workflow {workflow_id!r}; GET /api/workflows lists them")
        from hamyar.core.workflow.dcworkflow import dump_definition

        return Response(dump_definition(found[0]), media_type=MediaType.XML)
