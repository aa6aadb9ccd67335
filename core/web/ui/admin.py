"""Administration pages: installed plugins, the services they offer, each workflow as a diagram.

Read from the registry the process built (`hamyar plugins` shows the same); diagrams are the
Mermaid text `hamyar.core.workflow.render` produces, drawn in the browser by the vendored Mermaid.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from litestar import Request, get
from litestar.params import FromPath
from litestar.response import Template

from hamyar.core.auth.actor import Actor
from hamyar.core.exceptions import GuardRefused, NotFound
from hamyar.core.plugin.manager import Plugins
from hamyar.core.plugin.registry import Registry
from hamyar.core.web.dependencies import ActorDep
from hamyar.core.web.ui.page import plugins_of, render, t
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


@get("/admin/plugins", name="ui:admin-plugins")
async def plugins_page(request: Request[Any, Any, Any], actor: ActorDep) -> Template:
    plugins = plugins_of(request)
    require_reader(actor)
    registry = plugins.registry
    return render(
        request,
        "admin_plugins.html",
        actor=actor,
        page_title=t(request, "Plugins"),
        plugin_list=plugin_views(plugins),
        registry=registry,
        services=sorted(registry.services.values(), key=lambda s: (s.agency, s.code)),
        workflows=sorted(registry.workflows.values(), key=lambda w: w.id),
    )


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


def _workflow(registry: Registry, workflow_id: str) -> WorkflowDefinition:
    definition = registry.workflows.get(workflow_id)
    if definition is None:
        raise NotFound(f"no workflow {workflow_id!r}; /admin/plugins lists them")
    return definition


@get("/admin/workflows/{workflow_id:str}", name="ui:admin-workflow")
async def workflow_page(
    request: Request[Any, Any, Any], actor: ActorDep, workflow_id: FromPath[str]
) -> Template:
    plugins = plugins_of(request)
    require_reader(actor)
    from hamyar.core.web.ui.page import locale_of

    definition = _workflow(plugins.registry, workflow_id)
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
    )
