"""`hamyar group add NAME [--agency CODE] [--role ROLE …]`: groups of users."""

from __future__ import annotations

import typer

from hamyar.core.cli import fail

group_app = typer.Typer(help="Groups of users, named in role assignments and guards.")


@group_app.command("add")
def add(
    name: str = typer.Argument(..., help="The group's name, as guards name it."),
    agency: str | None = typer.Option(
        None, "--agency", help="The agency the group belongs to; leave out for one across them."
    ),
    role: list[str] = typer.Option(
        [], "--role", help="A role every member holds (within the group's agency); repeatable."
    ),
) -> None:
    """Create a group (or give an existing one more roles)."""
    from hamyar.core.application import administration as admin
    from hamyar.core.application.setup import prepare_database
    from hamyar.core.auth.actor import OPERATOR
    from hamyar.core.auth.groups import find_group
    from hamyar.core.cli._context import cli_application
    from hamyar.core.exceptions import InvalidInput
    from hamyar.core.storage.models import Agency

    try:
        app = cli_application()
        with app.read_session() as session:
            known_agency = agency is None or session.get(Agency, agency) is not None
            existing = find_group(session, name)
        if not known_agency:
            prepare_database(app)  # the plugins may be newer than the rows
        with app.unit_of_work() as uow:
            if existing is None:
                admin.add_group(uow, OPERATOR, name, agency=agency, roles=role)
            else:
                if (existing.agency_code or None) != (agency or None):
                    raise fail(f"group {name!r} exists in another agency; choose another name")
                for r in role:
                    admin.give_group_role(uow, OPERATOR, name, r)
    except InvalidInput as exc:
        error = exc.errors[0] if exc.errors else {"field": "", "message": str(exc)}
        flag = {"name": "NAME", "agency": "--agency", "role": "--role"}.get(error["field"], "")
        raise fail(f"{flag or error['field']}: {error['message']}") from None
    where = f" in {agency}" if agency else " across agencies"
    roles = f", roles {', '.join(role)}" if role else ""
    typer.echo(f"group {name}{where}{roles}")


def register(app: typer.Typer) -> None:
    app.add_typer(group_app, name="group")
