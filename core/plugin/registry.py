"""Everything the plugins registered, checked as it arrives and tagged with who registered it.

The registry is built by `hamyar.core.plugin.manager.build_plugins()`, once per process by its
composition root, so the CLI, the web app and every worker see the same agencies, services,
workflows and handlers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hamyar.core.plugin.declarations import (
    AgencySpec,
    HandlerSpec,
    PeriodicJob,
    RoleSpec,
    ServiceSpec,
)
from hamyar.core.workflow import WorkflowDefinition, WorkflowError
from hamyar.core.workflow import roles as R

log = logging.getLogger(__name__)


class RegistrationError(ValueError):
    """A plugin registered something the core cannot accept."""


@dataclass(frozen=True)
class PluginCommand:
    """A command-line command (a function) or group (a `typer.Typer`) a plugin adds."""

    command: Any
    name: str
    plugin: str


@dataclass
class PluginFailure:
    plugin: str
    hook: str
    error: str


def core_roles() -> dict[str, RoleSpec]:
    """The core's roles, assignable ones and the implicit Owner, Authenticated and Anonymous."""
    return {
        name: RoleSpec(name, fa, en, agency=name in R.AGENCY_ROLES)
        for name, (fa, en) in R.CORE_TITLES.items()
    }


@dataclass
class Registry:
    agencies: dict[str, AgencySpec] = field(default_factory=dict)
    services: dict[str, ServiceSpec] = field(default_factory=dict)
    workflows: dict[str, WorkflowDefinition] = field(default_factory=dict)
    handlers: dict[str, HandlerSpec] = field(default_factory=dict)
    periodic_jobs: dict[str, PeriodicJob] = field(default_factory=dict)
    routes: list[Any] = field(default_factory=list)
    template_dirs: list[Path] = field(default_factory=list)
    commands: list[PluginCommand] = field(default_factory=list)
    sms_senders: dict[str, Any] = field(default_factory=dict)
    """URL scheme → SMS sender factory (`hamyar.core.plugin.sms`)."""
    roles: dict[str, RoleSpec] = field(default_factory=core_roles)
    """Every role known to the system: the core's plus the plugins' (`register_roles`)."""
    owners: dict[str, str] = field(default_factory=dict)
    """"kind:name" → the plugin that registered it."""
    failures: list[PluginFailure] = field(default_factory=list)
    version_numbers: dict[str, int] = field(default_factory=dict)
    """Workflow id → the stored version number of the definition a plugin registered here (set
    when the registry is mirrored into the database)."""
    version_cache: dict[tuple[str, int], WorkflowDefinition] = field(default_factory=dict)
    """(workflow id, version number) → definition. Versions never change once stored, so a
    process may keep every one it has read for as long as it runs."""

    # -- lookups -------------------------------------------------------------------------------

    def workflow(self, workflow_id: str) -> WorkflowDefinition:
        try:
            return self.workflows[workflow_id]
        except KeyError:
            raise WorkflowError(f"no workflow {workflow_id!r} is registered") from None

    def service(self, code: str) -> ServiceSpec:
        try:
            return self.services[code]
        except KeyError:
            raise LookupError(f"no service {code!r}; see `hamyar plugins` for the list") from None

    def services_of(self, agency: str) -> list[ServiceSpec]:
        return [s for s in self.services.values() if s.agency == agency]

    def owner(self, kind: str, name: str) -> str:
        return self.owners.get(f"{kind}:{name}", "")

    def known_roles(self) -> frozenset[str]:
        """Every role a permission map, a guard or an import may name."""
        return frozenset(self.roles)

    def assignable_roles(self) -> tuple[str, ...]:
        """The roles a user or a group may be given (not Owner, Authenticated, Anonymous)."""
        return tuple(r for r in self.roles if r not in R.IMPLICIT_ROLES)

    def agency_roles(self) -> frozenset[str]:
        """The assignable roles held within one agency (Caseworker, Supervisor, …)."""
        return frozenset(r for r in self.assignable_roles() if self.roles[r].agency)

    def role_title(self, name: str, locale: str = "fa") -> str:
        spec = self.roles.get(name)
        if spec is None:
            return name
        return spec.title_en if locale == "en" else spec.title_fa

    # -- registration --------------------------------------------------------------------------

    def _claim(self, kind: str, name: str, plugin: str, existing: dict[str, Any]) -> None:
        if not name:
            raise RegistrationError(f"{kind} registered with an empty name")
        if name in existing:
            other = self.owner(kind, name)
            raise RegistrationError(f"{kind} {name!r} is already registered by plugin {other!r}")
        self.owners[f"{kind}:{name}"] = plugin

    def add_role(self, spec: RoleSpec, plugin: str) -> None:
        if not isinstance(spec, RoleSpec):
            raise RegistrationError(f"register_roles takes a RoleSpec, not {spec!r}")
        if not spec.name.strip() or any(c.isspace() for c in spec.name):
            raise RegistrationError(f"role {spec.name!r}: a role name has no spaces")
        if not (spec.title_fa.strip() and spec.title_en.strip()):
            raise RegistrationError(f"role {spec.name!r} needs both a Persian and an English title")
        if spec.name in self.roles and not self.owner("role", spec.name):
            raise RegistrationError(f"role {spec.name!r} is one of the core's roles")
        self._claim("role", spec.name, plugin, self.roles)
        self.roles[spec.name] = spec

    def add_agency(self, spec: AgencySpec, plugin: str) -> None:
        self._claim("agency", spec.code, plugin, self.agencies)
        self.agencies[spec.code] = spec

    def add_service(self, spec: ServiceSpec, plugin: str) -> None:
        if spec.sla_days is not None and spec.sla_hours is not None:
            raise RegistrationError(f"service {spec.code!r}: give sla_days or sla_hours, not both")
        try:
            spec.form_schema()
        except Exception as exc:  # a broken pydantic model must not take the registry down
            raise RegistrationError(
                f"service {spec.code!r}: form has no JSON Schema: {exc}"
            ) from exc
        self._claim("service", spec.code, plugin, self.services)
        self.services[spec.code] = spec

    def add_workflow(self, definition: WorkflowDefinition, plugin: str) -> None:
        definition.validate()
        self._claim("workflow", definition.id, plugin, self.workflows)
        self.workflows[definition.id] = definition

    def add_handler(self, name: str, function: Callable[..., None], plugin: str) -> None:
        if not callable(function):
            raise RegistrationError(f"handler {name!r} is not callable")
        self._claim("handler", name, plugin, self.handlers)
        self.handlers[name] = HandlerSpec(name=name, function=function, plugin=plugin)

    def add_periodic_job(self, job: PeriodicJob, plugin: str) -> None:
        self._claim("periodic job", job.name, plugin, self.periodic_jobs)
        self.periodic_jobs[job.name] = job

    def add_command(self, command: Any, name: str | None = None, *, plugin: str) -> None:
        if not callable(command):
            raise RegistrationError(
                f"command {name or command!r} is neither a function nor a typer.Typer"
            )
        name = name or getattr(command, "__name__", "").replace("_", "-")
        self._claim("command", name, plugin, {c.name: c for c in self.commands})
        self.commands.append(PluginCommand(command=command, name=name, plugin=plugin))

    def add_sms_sender(self, scheme: str, factory: Any, *, plugin: str) -> None:
        if not callable(factory):
            raise RegistrationError(f"SMS sender {scheme!r} is not callable")
        scheme = (scheme or "").lower()
        if not scheme.replace("+", "").replace("-", "").isalnum():
            raise RegistrationError(f"SMS sender scheme {scheme!r} is not a URL scheme")
        self._claim("SMS sender", scheme, plugin, self.sms_senders)
        self.sms_senders[scheme] = factory

    def check_references(self) -> None:
        """After all plugins registered: every reference must resolve, or the owner is told."""
        for spec in list(self.services.values()):
            problem = None
            if spec.agency not in self.agencies:
                problem = f"service {spec.code!r} names unknown agency {spec.agency!r}"
            elif spec.workflow not in self.workflows:
                problem = f"service {spec.code!r} names unknown workflow {spec.workflow!r}"
            if problem:
                self.fail(self.owner("service", spec.code), "register_services", problem)
                del self.services[spec.code]
        for definition in self.workflows.values():
            for transition in definition.transitions.values():
                if transition.handler and transition.handler not in self.handlers:
                    self.fail(
                        self.owner("workflow", definition.id),
                        "register_workflows",
                        f"workflow {definition.id!r}: transition {transition.id!r} names unknown "
                        f"handler {transition.handler!r}",
                    )

    def fail(self, plugin: str, hook: str, error: str) -> None:
        log.error("plugin %s failed in %s: %s", plugin, hook, error)
        self.failures.append(PluginFailure(plugin=plugin, hook=hook, error=error))
