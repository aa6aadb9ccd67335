"""`hamyar service set-workflow`: which workflow a service's new tasks follow."""

from __future__ import annotations

import typer

from hamyar.core.cli import fail


def register(app: typer.Typer) -> None:
    service = typer.Typer(help="Services the plugins registered.", no_args_is_help=True)
    app.add_typer(service, name="service")

    @service.command("set-workflow")
    def set_workflow_command(service_code: str, workflow_id: str) -> None:
        """Bind a workflow (a plugin's or an imported one) to a service, for its new tasks.

        Checked first: every role mapped, every handler registered, an initial state, every
        state reachable. Binding the service's own plugin workflow removes the binding.
        """
        from hamyar.core.application import administration as admin
        from hamyar.core.application.setup import prepare_database
        from hamyar.core.auth.actor import OPERATOR
        from hamyar.core.cli._context import cli_application
        from hamyar.core.exceptions import InvalidInput, NotFound

        app = cli_application()
        prepare_database(app)
        try:
            definition = admin.set_service_workflow(
                app.unit_of_work(), OPERATOR, service_code, workflow_id
            )
        except (InvalidInput, NotFound) as exc:
            raise fail(str(exc)) from None
        typer.echo(
            f"new tasks of {service_code} follow {definition.id} "
            f"(starting in {definition.initial_state})"
        )
