"""The `hamyar` command line.

Each module in this package adds its commands through `register(app)`; this module finds them,
so a new command is a new module, and plugins add theirs through `register_commands`. User
mistakes end as one line on stderr and exit status 2,
failures as exit status 1: never a traceback for something the user can mend.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import sys

import typer
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError

from hamyar.core.exceptions import HamyarError

app = typer.Typer(
    name="hamyar",
    help="Hamyar (همیار): route cases between public agencies.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Hamyar (همیار): route cases between public agencies."""


class UsageError(HamyarError):
    """Bad usage or input: exit status 2."""


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print one line to stderr and return the Exit to raise."""
    typer.echo(f"hamyar: {message}", err=True)
    return typer.Exit(code)


def _register_commands() -> None:
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module.name.startswith("_"):
            continue
        importlib.import_module(f"{__name__}.{module.name}").register(app)


def _register_plugin_commands() -> None:
    """The commands plugins add through `register_commands` (`hamyar open311 …`)."""
    from hamyar.core.cli._context import cli_plugins

    for entry in cli_plugins().registry.commands:
        if isinstance(entry.command, typer.Typer):
            app.add_typer(entry.command, name=entry.name)
        else:
            app.command(entry.name)(entry.command)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    _register_commands()
    try:
        _register_plugin_commands()
        app(standalone_mode=True)
    except HamyarError as exc:
        typer.echo(f"hamyar: {exc}", err=True)
        sys.exit(2 if exc.status_code < 500 else 1)
    except ValidationError as exc:  # a HAMYAR_… setting that does not parse
        typer.echo(f"hamyar: {_setting_errors(exc)}", err=True)
        sys.exit(2)
    except DBAPIError as exc:
        if _is_missing_table(exc):
            typer.echo(
                "hamyar: the database has no Hamyar tables yet; run `hamyar db upgrade` "
                "(HAMYAR_DATABASE_URL names the database)",
                err=True,
            )
            sys.exit(2)
        typer.echo(
            f"hamyar: the database failed: {str(exc.orig).strip().splitlines()[0]}", err=True
        )
        sys.exit(1)


def _setting_errors(exc: ValidationError) -> str:
    """One line naming each bad setting by its environment variable."""
    if not exc.title.endswith("Settings"):
        return str(exc).splitlines()[0]
    return "; ".join(
        f"HAMYAR_{'_'.join(map(str, error['loc'])).upper()}: {error['msg']} "
        f"(got {error['input']!r})"
        for error in exc.errors()
    )


def _is_missing_table(exc: DBAPIError) -> bool:
    message = str(exc.orig)
    return "no such table" in message or ("relation" in message and "does not exist" in message)
