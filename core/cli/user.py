"""`hamyar user add NAME --role ROLE [--agency CODE] --password-stdin`."""

from __future__ import annotations

import sys

import typer

from hamyar.core.auth import roles as R
from hamyar.core.cli import fail

_FLAGS = {
    "username": "NAME",
    "role": "--role",
    "agency": "--agency",
    "password": "--password-stdin",
}
"""Which option to name when `hamyar.core.auth.users` refuses a field."""

user_app = typer.Typer(help="People who log in, and their roles.", no_args_is_help=True)


@user_app.command("add")
def add(
    name: str = typer.Argument(..., help="The login name."),
    role: list[str] = typer.Option(..., "--role", help=f"One of {', '.join(R.ROLES)}; repeatable."),
    agency: str | None = typer.Option(
        None, "--agency", help="Agency code, for Caseworker and Supervisor."
    ),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input."
    ),
    full_name: str = typer.Option("", "--full-name"),
) -> None:
    """Create a user (or give an existing one more roles)."""
    from hamyar.core.auth.users import assign_role, create_user, find_user, set_password
    from hamyar.core.exceptions import InvalidInput
    from hamyar.core.storage.database import session_scope
    from hamyar.core.storage.models import Agency

    password = ""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise fail("standard input held no password")
    try:
        with session_scope() as session:
            if agency and session.get(Agency, agency) is None:
                from hamyar.core.plugin.manager import get_registry
                from hamyar.core.storage.registry_mirror import sync_registry

                sync_registry(session, get_registry())  # the plugins may be newer than the rows
                session.flush()
            user = find_user(session, name)
            if user is None:
                create_user(session, name, password, roles=role, agency=agency, full_name=full_name)
            else:
                if password:
                    set_password(session, user, password)
                for r in role:
                    assign_role(session, user, r, agency)
    except InvalidInput as exc:
        error = exc.errors[0] if exc.errors else {"field": "", "message": str(exc)}
        raise fail(f"{_FLAGS.get(error['field'], error['field'])}: {error['message']}") from None
    where = f" in {agency}" if agency else ""
    typer.echo(f"user {name}: {', '.join(role)}{where}")


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
