"""`hamyar db upgrade`: bring the database up to the newest schema."""

from __future__ import annotations

import typer

from hamyar.core.cli import fail


def register(app: typer.Typer) -> None:
    db = typer.Typer(help="The database schema.", no_args_is_help=True)
    app.add_typer(db, name="db")

    @db.command("upgrade")
    def upgrade_command(
        revision: str = typer.Argument("head", help="Target revision (default: the newest)."),
    ) -> None:
        """Apply migrations to HAMYAR_DATABASE_URL, then mirror the plugins into it."""
        from sqlalchemy.exc import OperationalError

        from hamyar.core.storage.migrations import upgrade
        from hamyar.core.storage.settings import get_settings

        url = get_settings().database_url
        try:
            upgrade(url, revision)
        except OperationalError as exc:
            raise fail(
                f"cannot reach the database at {url.split('@')[-1]}: "
                f"{str(exc.orig).strip().splitlines()[0]}",
                1,
            ) from None
        from hamyar.core.application.setup import prepare_database
        from hamyar.core.cli._context import cli_application

        prepare_database(cli_application())
        typer.echo(f"database is at {revision} ({url.split('@')[-1]})")
