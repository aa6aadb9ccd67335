"""`hamyar user add NAME --role ROLE [--agency CODE] [--group NAME] --password-stdin`."""

from __future__ import annotations

import sys

import typer

from hamyar.core.cli import fail
from hamyar.core.workflow import roles as R

_FLAGS = {
    "username": "NAME",
    "role": "--role",
    "agency": "--agency",
    "password": "--password-stdin",
    "group": "--group",
}
"""Which option to name when `hamyar.core.auth.users` refuses a field."""

user_app = typer.Typer(help="People who log in, and their roles.", no_args_is_help=True)


@user_app.command("add")
def add(
    name: str = typer.Argument(..., help="The login name."),
    role: list[str] = typer.Option(
        [], "--role", help=f"One of {', '.join(R.ROLES)} or a plugin's role; repeatable."
    ),
    group: list[str] = typer.Option(
        [], "--group", help="A group (`hamyar group add`) to put the user in; repeatable."
    ),
    agency: str | None = typer.Option(
        None, "--agency", help="Agency code, for Caseworker and Supervisor."
    ),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input."
    ),
    full_name: str = typer.Option("", "--full-name"),
) -> None:
    """Create a user (or give an existing one more roles)."""
    from hamyar.core.application import administration as admin
    from hamyar.core.application.setup import prepare_database
    from hamyar.core.auth.actor import OPERATOR
    from hamyar.core.auth.users import find_user
    from hamyar.core.cli._context import cli_application
    from hamyar.core.exceptions import InvalidInput
    from hamyar.core.storage.models import Agency

    password = ""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise fail("standard input held no password")
    try:
        app = cli_application()
        with app.read_session() as session:
            known_agency = agency is None or session.get(Agency, agency) is not None
        if not known_agency:
            prepare_database(app)  # the plugins may be newer than the rows
        with app.unit_of_work() as uow:
            user = find_user(uow.session, name)
            if user is None or user.id is None:
                admin.add_user(
                    uow,
                    OPERATOR,
                    name,
                    password,
                    roles=role,
                    agency=agency,
                    full_name=full_name,
                    groups=group,
                )
            else:
                if not (role or group or password):
                    raise fail("--role or --group: say what to give the existing user")
                if password:
                    admin.set_password(uow, OPERATOR, user.id, password)
                for r in role:
                    admin.assign_role(uow, OPERATOR, user.id, r, agency)
                for g in group:
                    admin.add_to_group(uow, OPERATOR, user.id, g)
    except InvalidInput as exc:
        error = exc.errors[0] if exc.errors else {"field": "", "message": str(exc)}
        raise fail(f"{_FLAGS.get(error['field'], error['field'])}: {error['message']}") from None
    where = f" in {agency}" if agency and role else ""
    held = ", ".join(role) + where
    if group:
        held = ", ".join(x for x in (held, "groups " + ", ".join(group)) if x)
    typer.echo(f"user {name}: {held}")


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
