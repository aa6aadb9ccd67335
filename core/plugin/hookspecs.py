"""The plugin contract: every hook an agency plugin may implement.

Registration hooks hand the plugin a `register` callback (as llm does) so the core can check each
registration the moment it happens and say which plugin made a bad one. Registration hooks are
called once per process, when plugins load; the others are called as cases move.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from hamyar.core.demo_data.context import DemoContext
    from hamyar.core.engine.contexts import RoutingContext
    from hamyar.core.engine.events import TransitionEvent
    from hamyar.core.routing.proposals import RouteProposal

hookspec = pluggy.HookspecMarker("hamyar")
hookimpl = pluggy.HookimplMarker("hamyar")


@hookspec
def register_agencies(register: Any) -> None:
    """Register the agency this plugin speaks for: `register(AgencySpec(code=…, …))`.

    The code is the plugin's name (`welfare`), used in role assignments and URLs.
    """


@hookspec
def register_roles(register: Any) -> None:
    """Register the roles this plugin adds: `register(RoleSpec("Nurse", "پرستار", "Nurse"))`.

    A role has a Persian and an English title and is held within an agency (the default) or
    globally; once registered it may be assigned to users and groups and named in permission
    maps and guards. The core's roles (Manager, Coordinator, Auditor, Supervisor, Caseworker and
    the implicit Owner, Authenticated, Anonymous) cannot be registered again.
    """


@hookspec
def register_services(register: Any) -> None:
    """Register each service the agency offers: `register(ServiceSpec(…))`.

    A service names its workflow, SLA, confidentiality, routing categories and form (a pydantic
    model whose JSON Schema drives the new-case form and the API's validation).
    """


@hookspec
def register_workflows(register: Any) -> None:
    """Register workflow definitions: `register(WorkflowDefinition.build(…))`."""


@hookspec
def register_handlers(register: Any) -> None:
    """Register worker handlers by name: `register("library.book_visit", function)`.

    A transition names its handler; a worker runs it after the transition commits, with a
    `HandlerContext`. Handlers must be safe to run again: delivery is at least once.
    """


@hookspec
def register_periodic_jobs(register: Any) -> None:
    """Register jobs run on a schedule: `register(PeriodicJob(name=…, cron="0 6 * * 6", …))`.

    Each run gets a `PeriodicContext` (the period, a session in the run's transaction).
    """


@hookspec
def register_routes(register: Any) -> None:
    """Register extra web route handlers or Litestar routers: `register(router)`."""


@hookspec
def register_templates(register: Any) -> None:
    """Register a template folder: `register(Path(__file__).parent / "templates")`.

    Plugin folders are searched before the core's, so a plugin can override a page; a template
    can still extend the original as `"core:base.html"`.
    """


@hookspec
def register_commands(register: Any) -> None:
    """Register command-line commands: `register(typer_app, name="open311")` adds
    `hamyar open311 …`; `register(function)` adds one command named after the function.

    A command that changes something runs an `hamyar` command in a unit of work, as the web
    app does; `hamyar.cli_application()` gives it the application the CLI built.
    """


@hookspec
def register_migrations(register: Any) -> None:
    """Register the folder of the plugin's own Alembic revisions: `register(Path(__file__).parent
    / "migrations")`.

    The revisions form one Alembic branch labelled with the plugin's name (its first revision
    says `branch_labels = ("library",)` and `depends_on` the core revision its tables refer to).
    `hamyar db upgrade` applies the core's branch and every enabled plugin's;
    `hamyar db downgrade library@base` removes one plugin's tables. A plugin may register one
    folder.
    """


@hookspec
def register_sms_senders(register: Any) -> None:
    """Register SMS senders by URL scheme: `register("mygateway", factory)`.

    `HAMYAR_SMS_URL=mygateway://…` then makes workers send reporters' text messages through
    `factory(url, timeout=seconds)`, an object with `send(SmsMessage) -> str` (the gateway's
    message id) that raises `SmsSendError` when the gateway does not take the message. The core
    ships `kavenegar` and the webhook sender (`https`, `http`); a plugin may not take a scheme
    another already holds.
    """


@hookspec
def propose_routes(context: RoutingContext) -> list[RouteProposal] | None:
    """Say which agency services should act on a new case, with a reason and a score.

    `context.case` and `context.neighbourhood` are snapshots of the case and where it is;
    `context.session` may be used to look things up. Return `RouteProposal`s (or nothing).
    """


@hookspec
def transition_applied(event: TransitionEvent) -> None:
    """Observe a transition after its transaction committed (notifications, live pages).

    Called once per applied transition, automatic ones included. Raising here is logged and
    never undoes the transition.
    """


@hookspec
def load_demo_data(context: DemoContext) -> None:
    """Add this plugin's demo cases (`context.add_cases([...])`) and settings (rows of its own
    tables, in `context.session`); must be idempotent: it runs on every demo start."""
