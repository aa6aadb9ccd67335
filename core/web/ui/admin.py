"""Administration pages: installed plugins, the services they offer, each workflow as a diagram.

The services' workflow bindings and the workflows' versions come from `admin_workflows`.

Read from the registry the process built (`hamyar plugins` shows the same); diagrams are the
Mermaid text `hamyar.core.workflow.render` produces, drawn in the browser by the vendored Mermaid.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from litestar import Request, get
from litestar.params import FromPath
from litestar.response import Template
from sqlmodel import Session

from hamyar.core.auth.actor import Actor
from hamyar.core.exceptions import GuardRefused, NotFound
from hamyar.core.plugin.manager import Plugins
from hamyar.core.storage.workflow_store import get_workflow
from hamyar.core.web.dependencies import ActorDep, DbDep
from hamyar.core.web.ui import admin_workflows
from hamyar.core.web.ui.page import Message, plugins_of, render, t
from hamyar.core.workflow import WorkflowDefinition
from hamyar.core.workflow.render import render_mermaid, render_text


@dataclass
class PluginView:
    name: str
    agencies: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    workflows: list[str] = field(default_factory=list)
    handlers: list[str] = field(default_factory=list)
    periodic_jobs: list[str] = field(default_factory=list)
    hooks: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def require_reader(actor: Actor) -> None:
    """Administration pages are for managers, coordinators and auditors (auditors only read)."""
    if not (actor.is_manager or actor.is_coordinator or actor.is_auditor):
        raise GuardRefused("administration pages are for managers, coordinators and auditors")


def plugin_views(plugins: Plugins) -> list[PluginView]:
    registry = plugins.registry
    views = {name: PluginView(name=name) for name, _ in plugins.pm.list_name_plugin()}
    kinds = {
        "agency": "agencies",
        "service": "services",
        "workflow": "workflows",
        "handler": "handlers",
        "periodic job": "periodic_jobs",
    }
    for key, plugin in registry.owners.items():
        kind, name = key.split(":", 1)
        if kind in kinds:
            getattr(views.setdefault(plugin, PluginView(name=plugin)), kinds[kind]).append(name)
    for plugin_name, module in plugins.pm.list_name_plugin():
        views[plugin_name].hooks = sorted(
            impl_name
            for impl_name in dir(module)
            if hasattr(plugins.pm.hook, impl_name) and callable(getattr(module, impl_name, None))
        )
    for failure in registry.failures:
        views.setdefault(failure.plugin, PluginView(name=failure.plugin)).failures.append(
            f"{failure.hook}: {failure.error}"
        )
    return sorted(views.values(), key=lambda v: (v.name.startswith("hamyar.core."), v.name))


def plugins_template(
    request: Request[Any, Any, Any],
    db: Session,
    actor: Actor,
    *,
    messages: list[Message] | None = None,
    status_code: int = 200,
) -> Template:
    plugins = plugins_of(request)
    require_reader(actor)
    registry = plugins.registry
    return render(
        request,
        "admin_plugins.html",
        actor=actor,
        status_code=status_code,
        page_title=t(request, "Plugins"),
        plugin_list=plugin_views(plugins),
        registry=registry,
        services=sorted(registry.services.values(), key=lambda s: (s.agency, s.code)),
        may_bind=admin_workflows.may_bind(actor),
        messages=messages or [],
        **admin_workflows.binding_context(db, registry),
    )


@get("/admin/plugins", name="ui:admin-plugins", sync_to_thread=True)
def plugins_page(request: Request[Any, Any, Any], db: DbDep, actor: ActorDep) -> Template:
    return plugins_template(request, db, actor)


def in_locale(definition: WorkflowDefinition, locale: str) -> WorkflowDefinition:
    """The definition with English titles, for drawing it on an English page."""
    if locale == "fa":
        return definition
    return replace(
        definition,
        title=definition.title_en or definition.title,
        states={k: replace(s, title=s.title_en or s.title) for k, s in definition.states.items()},
        transitions={
            k: replace(x, title=x.title_en or x.title) for k, x in definition.transitions.items()
        },
    )


@get("/admin/workflows/{workflow_id:str}", name="ui:admin-workflow", sync_to_thread=True)
def workflow_page(
    request: Request[Any, Any, Any], db: DbDep, actor: ActorDep, workflow_id: FromPath[str]
) -> Template:
    plugins = plugins_of(request)
    require_reader(actor)
    from hamyar.core.web.ui.page import locale_of

    try:
        stored = get_workflow(db, plugins.registry, workflow_id)
    except NotFound:
        raise NotFound(f"no workflow {workflow_id!r}; /admin/plugins lists them") from None
    definition = stored.definition
    shown = in_locale(definition, locale_of(request))
    return render(
        request,
        "admin_workflow.html",
        actor=actor,
        page_title=shown.title or shown.id,
        workflow=definition,
        mermaid=render_mermaid(shown, auto=t(request, "automatic")),
        text=render_text(definition),
        owner=plugins.registry.owner("workflow", workflow_id),
        source=stored.source,
        versions=admin_workflows.version_rows(db, workflow_id),
    )
