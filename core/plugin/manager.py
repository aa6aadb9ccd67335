"""The plugin manager: built-in plugins, then every entry point in the `hamyar` group.

Built-in plugins are ordinary plugins (Datasette's habit): the core's default workflows are
registered the same way an agency registers its own, so any of them can be overridden.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pluggy

from hamyar.core.plugin import hookspecs
from hamyar.core.plugin.registry import RegistrationError, Registry
from hamyar.core.workflow import WorkflowError

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "hamyar"
DEFAULT_PLUGINS = (
    "hamyar.core.default_plugins.workflows",
    "hamyar.core.default_plugins.events",
    "hamyar.core.default_plugins.sms",
)


def make_plugin_manager(
    disabled: Iterable[str] = (), *, entry_points_group: str | None = ENTRY_POINT_GROUP
) -> pluggy.PluginManager:
    """A fresh manager: hookspecs, the default plugins, then installed plugins not disabled.

    A plugin that cannot even be imported is logged and skipped; `hamyar plugins` shows it
    among the failures, and every other plugin still loads.
    """
    pm = pluggy.PluginManager("hamyar")
    pm.add_hookspecs(hookspecs)
    blocked = set(disabled)
    pm.load_failures = []  # type: ignore[attr-defined]
    for module_name in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(module_name), name=module_name)
    if entry_points_group:
        for ep in entry_points(group=entry_points_group):
            if ep.name in blocked or pm.has_plugin(ep.name):
                continue
            try:
                pm.register(ep.load(), name=ep.name)
            except Exception as exc:  # reported once, by build_registry, with the plugin's name
                pm.load_failures.append((ep.name, f"{type(exc).__name__}: {exc}"))  # type: ignore[attr-defined]
    pm.check_pending()
    return pm


@dataclass(frozen=True)
class HookResult:
    plugin: str
    value: Any


def call_each(pm: pluggy.PluginManager, hook_name: str, **kwargs: Any) -> list[HookResult]:
    """Call every implementation on its own, so one raising plugin never stops the others.

    pluggy stops a hook call at the first exception; for hooks that observe or propose we
    want every other plugin's answer, and the failure logged with the plugin's name.
    """
    results: list[HookResult] = []
    hook = getattr(pm.hook, hook_name)
    for impl in reversed(hook.get_hookimpls()):  # pluggy's own order: last registered first
        args = {name: kwargs[name] for name in impl.argnames}
        try:
            results.append(HookResult(impl.plugin_name, impl.function(**args)))
        except Exception:
            log.exception("plugin %s raised in hook %s", impl.plugin_name, hook_name)
    return results


def build_registry(pm: pluggy.PluginManager) -> Registry:
    """Ask every plugin to register its things; keep what is valid, report what is not."""
    registry = Registry()
    for name, error in getattr(pm, "load_failures", []):
        registry.fail(name, "import", error)

    adders: dict[str, Any] = {
        "register_roles": registry.add_role,
        "register_agencies": registry.add_agency,
        "register_services": registry.add_service,
        "register_workflows": registry.add_workflow,
        "register_periodic_jobs": registry.add_periodic_job,
        "register_routes": lambda route, plugin: registry.routes.append(route),
        "register_templates": lambda path, plugin: registry.template_dirs.append(Path(path)),
        "register_commands": registry.add_command,
        "register_sms_senders": registry.add_sms_sender,
    }
    # Workflows first: services name them, and the order of plugins must not matter.
    order = [
        "register_roles",
        "register_workflows",
        "register_agencies",
        "register_handlers",
        *adders,
    ]
    for hook_name in dict.fromkeys(order):
        hook = getattr(pm.hook, hook_name)
        for impl in reversed(hook.get_hookimpls()):
            plugin = impl.plugin_name

            def register(
                *args: Any, _hook: str = hook_name, _plugin: str = plugin, **kwargs: Any
            ) -> None:
                try:
                    add = registry.add_handler if _hook == "register_handlers" else adders[_hook]
                    add(*args, **{**kwargs, "plugin": _plugin})
                except (RegistrationError, WorkflowError, TypeError) as exc:
                    registry.fail(_plugin, _hook, str(exc))

            try:
                impl.function(register=register)
            except Exception as exc:
                log.exception("plugin %s raised in %s", plugin, hook_name)
                registry.fail(plugin, hook_name, f"{type(exc).__name__}: {exc}")
    registry.check_references()
    return registry


@dataclass(frozen=True)
class Plugins:
    """The loaded plugin manager and the registry it built."""

    pm: pluggy.PluginManager
    registry: Registry


def build_plugins(
    disabled: Iterable[str] = (), *, extra: Iterable[object] = (), installed: bool = True
) -> Plugins:
    """Load the default plugins, the installed ones (but `disabled`) and `extra` ones (modules
    or objects with `@hookimpl` methods, as a test registers a plugin of its own), and build
    their registry.

    Called once per process by whoever builds the `Application` (the web app, the CLI, a
    worker); everything below them is handed the result.
    """
    pm = make_plugin_manager(disabled, entry_points_group=ENTRY_POINT_GROUP if installed else None)
    for plugin in extra:
        pm.register(plugin, name=getattr(plugin, "name", None) or getattr(plugin, "__name__", None))
    pm.check_pending()
    return Plugins(pm=pm, registry=build_registry(pm))
