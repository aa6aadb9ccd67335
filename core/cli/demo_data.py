"""`hamyar demo-data load`: the demo data set, idempotent (safe on every demo start)."""

from __future__ import annotations

import time

import typer

from hamyar.core.cli import fail


def register(app: typer.Typer) -> None:
    demo = typer.Typer(help="The demo data set.", no_args_is_help=True)
    app.add_typer(demo, name="demo-data")

    @demo.command("load")
    def load_command() -> None:
        """Load places, demo logins (password `demo`), routing rules and demo cases."""
        from sqlalchemy import inspect
        from sqlalchemy.exc import OperationalError

        from hamyar.core.cli._context import cli_application
        from hamyar.core.demo_data import DEMO_PASSWORD, load_demo_data

        app = cli_application()
        url = app.settings.database_url
        try:
            missing = {"case", "user_account", "neighbourhood"} - set(
                inspect(app.engine).get_table_names()
            )
        except OperationalError as exc:
            raise fail(
                f"cannot reach the database at {url.split('@')[-1]}: "
                f"{str(exc.orig).strip().splitlines()[0]}",
                1,
            ) from None
        if missing:
            raise fail("the database has no schema yet; run `hamyar db upgrade` first")
        started = time.perf_counter()
        counts = load_demo_data(app)
        elapsed = time.perf_counter() - started
        failed = counts.pop("failed_plugins", [])
        added = ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in counts.items())
        typer.echo(f"demo data: added {added} ({elapsed:.1f} s)")
        if failed:
            typer.echo(
                f"hamyar: plugins whose demo data failed (see the log): {', '.join(failed)}",
                err=True,
            )
        typer.echo(
            f"demo logins (password {DEMO_PASSWORD!r}, for a demo only): admin, coordinator, "
            "auditor, <agency>.caseworker, <agency>.caseworker2, <agency>.supervisor"
        )
