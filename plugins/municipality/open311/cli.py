"""`hamyar open311 add-client|list|revoke`: the API keys of Open311 client applications.

Added to the command line by the municipality plugin's `register_commands` hook. A key is
printed once, when it is made; the database keeps only its hash, so a lost key is revoked and
replaced, never looked up. Refusals are `hamyar` errors, which the CLI prints as one line.
"""

from __future__ import annotations

import json

import typer

from hamyar import cli_application
from hamyar.plugins.municipality.open311.clients import add_client, list_clients, revoke_client


def open311_commands() -> typer.Typer:
    o311 = typer.Typer(help="Open311 client applications and their API keys.", no_args_is_help=True)

    @o311.command("add-client")
    def add_client_command(
        name: str = typer.Argument(..., help="A name for the application, e.g. tehran-137-app."),
        rate_limit: int = typer.Option(60, "--rate-limit", help="Submissions per hour."),
        queued: bool = typer.Option(
            False, "--queued", help="Answer submissions with a token, not the request id."
        ),
    ) -> None:
        """Create a client application and print its API key (shown only this once)."""
        with cli_application().unit_of_work() as uow:
            _client, key = add_client(uow.session, name, rate_limit=rate_limit, queued=queued)
        typer.echo(key)
        typer.echo(f"created Open311 client {name!r}; the key above is not shown again", err=True)

    @o311.command("list")
    def list_command(
        as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
    ) -> None:
        """Client applications: name, key ending, rate limit, whether active."""
        with cli_application().read_session() as session:
            rows = [
                {
                    "name": c.name,
                    "key_ends_with": c.key_hint,
                    "rate_limit": c.rate_limit,
                    "queued": c.queued,
                    "active": c.active,
                    "created_at": c.created_at.isoformat(timespec="seconds"),
                }
                for c in list_clients(session)
            ]
        if as_json:
            typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            state = "active" if row["active"] else "revoked"
            typer.echo(
                f"{row['name']}\t…{row['key_ends_with']}\t{row['rate_limit']}/hour\t"
                f"{'queued' if row['queued'] else 'realtime'}\t{state}"
            )

    @o311.command("revoke")
    def revoke_command(name: str = typer.Argument(..., help="The client's name.")) -> None:
        """Refuse every further submission made with this client's key."""
        with cli_application().unit_of_work() as uow:
            revoke_client(uow.session, name)
        typer.echo(f"revoked Open311 client {name!r}")

    return o311
