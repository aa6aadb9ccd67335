"""Plugins: registration through hooks, checked as it happens, isolated when it fails."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pluggy
import pytest
import typer
from pydantic import BaseModel, Field
from sqlmodel import Session

from hamyar.core.demo_data.context import DemoContext
from hamyar.core.plugin.declarations import AgencySpec, PeriodicJob, ServiceSpec
from hamyar.core.plugin.hookspecs import hookimpl
from hamyar.core.plugin.manager import build_registry, call_each, make_plugin_manager
from hamyar.core.plugin.registry import Registry
from hamyar.core.routing.router import RouteProposal
from hamyar.core.workflow import State, Transition, WorkflowDefinition


class VisitForm(BaseModel):
    school: str = Field(title="نام مدرسه")
    attendees: int = Field(ge=1, le=500)


class GoodPlugin:
    @hookimpl
    def register_agencies(self, register: Any) -> None:
        register(AgencySpec(code="good", title_fa="خوب", title_en="Good"))

    @hookimpl
    def register_services(self, register: Any) -> None:
        register(
            ServiceSpec(
                code="good.visit",
                agency="good",
                title_fa="بازدید",
                title_en="Visit",
                workflow="hamyar.task",
                form=VisitForm,
                sla_days=5,
            )
        )

    @hookimpl
    def register_handlers(self, register: Any) -> None:
        register("good.book", lambda ctx: None)

    @hookimpl
    def register_periodic_jobs(self, register: Any) -> None:
        register(PeriodicJob(name="good.weekly", function=lambda context: None, cron="0 6 * * 6"))

    @hookimpl
    def register_routes(self, register: Any) -> None:
        register("a-route-object")

    @hookimpl
    def register_templates(self, register: Any) -> None:
        register(Path("/somewhere/templates"))


def _registry(*plugins: object) -> tuple[pluggy.PluginManager, Registry]:
    pm = make_plugin_manager(entry_points_group=None)
    for i, plugin in enumerate(plugins):
        pm.register(plugin, name=getattr(plugin, "name", f"plugin{i}"))
    return pm, build_registry(pm)


def test_hook_register_agencies() -> None:
    class Copycat:
        name = "copycat"

        @hookimpl
        def register_agencies(self, register: Any) -> None:
            register(AgencySpec(code="good", title_fa="تقلبی", title_en="Copy"))

    _, registry = _registry(GoodPlugin(), Copycat())
    assert registry.agencies["good"].title_en in ("Good", "Copy")
    [failure] = registry.failures
    assert failure.hook == "register_agencies" and "already registered" in failure.error


def test_hook_register_services() -> None:
    class Broken:
        name = "broken"

        @hookimpl
        def register_services(self, register: Any) -> None:
            register(
                ServiceSpec(
                    code="broken.x",
                    agency="good",
                    title_fa="x",
                    title_en="x",
                    workflow="no.such.workflow",
                )
            )

    _, registry = _registry(GoodPlugin(), Broken())
    schema = registry.services["good.visit"].form_schema()
    assert schema["required"] == ["school", "attendees"]
    assert "broken.x" not in registry.services
    assert [(f.plugin, f.hook) for f in registry.failures] == [("broken", "register_services")]
    assert "no.such.workflow" in registry.failures[0].error


def test_hook_register_workflows() -> None:
    class BadWorkflow:
        name = "bad"

        @hookimpl
        def register_workflows(self, register: Any) -> None:
            register(
                WorkflowDefinition(
                    id="bad.flow",
                    initial_state="a",
                    states={"a": State("a", transitions=("go",))},
                    transitions={"go": Transition("go", new_state="nowhere")},
                )
            )

    _, registry = _registry(BadWorkflow())
    assert "bad.flow" not in registry.workflows
    assert "nowhere" in registry.failures[0].error
    assert {"hamyar.case", "hamyar.task", "hamyar.referral"} <= set(registry.workflows)


def test_hook_register_handlers() -> None:
    class NotCallable:
        name = "nc"

        @hookimpl
        def register_handlers(self, register: Any) -> None:
            register("nc.handler", "not a function")

    _, registry = _registry(GoodPlugin(), NotCallable())
    assert registry.handlers["good.book"].plugin == "plugin0"
    assert "nc.handler" not in registry.handlers
    assert registry.failures[0].plugin == "nc"


def test_hook_register_periodic_jobs() -> None:
    _, registry = _registry(GoodPlugin())
    assert registry.periodic_jobs["good.weekly"].cron == "0 6 * * 6"


def test_hook_register_routes() -> None:
    _, registry = _registry(GoodPlugin())
    assert registry.routes == ["a-route-object"]


def test_hook_register_templates() -> None:
    _, registry = _registry(GoodPlugin())
    assert registry.template_dirs == [Path("/somewhere/templates")]


def test_a_plugin_raising_during_registration_does_not_stop_the_others() -> None:
    class Exploding:
        name = "exploding"

        @hookimpl
        def register_services(self, register: Any) -> None:
            raise RuntimeError("boom")

    _, registry = _registry(Exploding(), GoodPlugin())
    assert "good.visit" in registry.services
    assert registry.failures[0].plugin == "exploding" and "boom" in registry.failures[0].error


def test_hook_propose_routes() -> None:
    class Proposer:
        name = "proposer"

        @hookimpl
        def propose_routes(self, context: Any) -> list[RouteProposal]:
            return [RouteProposal(agency="good", service="good.visit", reason="x", score=0.5)]

    class Raising:
        name = "raising"

        @hookimpl
        def propose_routes(self, context: Any) -> list[RouteProposal]:
            raise ValueError("cannot decide")

    pm, _ = _registry(Proposer(), Raising())
    results = call_each(pm, "propose_routes", context=object())
    assert [(r.plugin, r.value[0].service) for r in results] == [("proposer", "good.visit")]


def test_hook_transition_applied() -> None:
    seen: list[Any] = []

    class Observer:
        name = "observer"

        @hookimpl
        def transition_applied(self, event: Any) -> None:
            seen.append(event)

    pm, _ = _registry(Observer())
    call_each(pm, "transition_applied", event="an event")
    assert seen == ["an event"]


def test_hook_load_demo_data(session: Session) -> None:
    calls: list[DemoContext] = []

    class Demo:
        name = "demo"

        @hookimpl
        def load_demo_data(self, context: DemoContext) -> None:
            calls.append(context)

    pm, registry = _registry(Demo())
    context = DemoContext(session=session, registry=registry, pm=pm)
    call_each(pm, "load_demo_data", context=context)
    assert calls == [context]


def test_a_misspelled_hook_is_caught_at_start_up() -> None:
    class Misspelled:
        @hookimpl
        def register_servics(self, register: Any) -> None:  # sic
            pass

    pm = make_plugin_manager(entry_points_group=None)
    pm.register(Misspelled())
    with pytest.raises(pluggy.PluginValidationError):
        pm.check_pending()


def test_disabled_plugins_are_not_loaded() -> None:
    pm = make_plugin_manager(disabled={"welfare"})
    assert not pm.has_plugin("welfare")


def test_the_four_agencies_are_installed(registry: Registry) -> None:
    assert {"library", "municipality", "health", "welfare"} <= set(registry.agencies)
    for agency in ("library", "municipality", "health", "welfare"):
        services = registry.services_of(agency)
        assert len(services) >= 3, agency
        if agency in ("health", "welfare"):
            assert all(s.confidential for s in services)
    assert not [f for f in registry.failures if f.hook == "import"]


def test_hook_register_commands() -> None:
    kiosks = typer.Typer(help="Kiosks")

    def add_kiosk(name: str) -> None:
        typer.echo(f"kiosk {name}")

    class Commands:
        name = "commands"

        @hookimpl
        def register_commands(self, register: Any) -> None:
            register(kiosks, name="kiosk")
            register(add_kiosk)
            register("not a command")

    class Copycat:
        name = "copycat"

        @hookimpl
        def register_commands(self, register: Any) -> None:
            register(typer.Typer(), name="kiosk")

    _pm, registry = _registry(Commands(), Copycat())
    names = sorted(c.name for c in registry.commands)
    assert names == ["add-kiosk", "kiosk"]  # one `kiosk`: whoever came second was refused
    errors = sorted(f.error for f in registry.failures)
    assert errors[0] == "command 'kiosk' is already registered by plugin " + repr(
        next(c.plugin for c in registry.commands if c.name == "kiosk")
    )
    assert errors[1] == "command 'not a command' is neither a function nor a typer.Typer"
