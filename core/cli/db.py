"""`hamyar db upgrade` / `hamyar db downgrade BRANCH@REV`: the schema, the core's and the plugins'.

Every branch of migrations (the core's, and one per plugin that ships its own) moves through
these two commands; a disabled plugin's branch is left alone (HAMYAR_DISABLE_PLUGINS).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import typer

from hamyar.core.cli import fail


@contextmanager
def _reported(url: str) -> Iterator[None]:
    """An unreachable database or a revision Alembic cannot find: one line, no traceback."""
    from alembic.util import CommandError
    from sqlalchemy.exc import OperationalError

    try:
        yield
    except OperationalError as exc:
        raise fail(
            f"cannot reach the database at {url.split('@')[-1]}: "
            f"{str(exc.orig).strip().splitlines()[0]}",
            1,
        ) from None
    except CommandError as exc:
        raise fail(f"{exc} (name a revision such as core@0005, or BRANCH@base)") from None


def _migrate(run: Callable[[str, frozenset[str]], object]) -> str:
    from hamyar.core.storage.settings import get_settings

    settings = get_settings()
    url = settings.database_url
    with _reported(url):
        run(url, settings.disabled_plugins)
    return url


def register(app: typer.Typer) -> None:
    db = typer.Typer(help="The database schema.", no_args_is_help=True)
    app.add_typer(db, name="db")

    @db.command("upgrade")
    def upgrade_command(
        revision: str = typer.Argument(
            "heads", help="Target (default: every branch's newest revision), e.g. core@0005."
        ),
    ) -> None:
        """Apply the core's and every enabled plugin's migrations to HAMYAR_DATABASE_URL, then
        mirror the plugins into it."""
        from hamyar.core.storage.migrations import upgrade

        moved: list[str] = []
        url = _migrate(lambda url, off: moved.extend(upgrade(url, revision, disabled=off)))
        from hamyar.core.application.setup import prepare_database
        from hamyar.core.cli._context import cli_application

        prepare_database(cli_application())
        where = "its newest revision" if revision in ("head", "heads") else revision
        typer.echo(f"database is at {where} ({', '.join(moved)}) ({url.split('@')[-1]})")

    @db.command("downgrade")
    def downgrade_command(
        target: str = typer.Argument(
            ..., help="BRANCH@REV: library@base removes the library plugin's tables."
        ),
    ) -> None:
        """Take one branch of migrations down (a plugin's, or the core's) to a revision."""
        from hamyar.core.storage.migrations import downgrade

        url = _migrate(lambda url, off: downgrade(url, target, disabled=off))
        typer.echo(f"database is at {target} ({url.split('@')[-1]})")
