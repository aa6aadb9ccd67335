"""`hamyar demo`: the whole system on the embedded default, in one command.

One process owns the pieces and their order: it starts the embedded Redis, migrates the SQLite
database, loads the demo data, then starts the web app, two workers (one of them also runs the
scheduler) as child processes pointed at the same database and Redis. A worker that dies is
replaced (see _supervisor.py); if the web app dies the demo stops, since restarting it silently on
the same port would hide the failure from the user looking at it. Ctrl-C stops the children
first, then Redis, so no job is cut off mid-write by a vanished server.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import typer

from hamyar.core.cli import fail
from hamyar.core.cli._supervisor import (
    CrashLoop,
    Supervisor,
    describe_exit,
    has_exited,
    spawn,
    stop,
)

DEMO_USERS = ("admin", "coordinator", "auditor")
AGENCIES = ("library", "municipality", "health", "welfare")


def hamyar_command() -> list[str]:
    """How the demo starts its web app and workers: this Python, running the installed
    `hamyar`. `-P` keeps the working directory off the path: run from a checkout with
    `pip install .`, the checkout's own `hamyar/` folder (the public module, without the
    `core/` it maps) would otherwise be imported instead of the installed package."""
    return [sys.executable, "-P", "-m", "hamyar"]


def _port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _wait_until_healthy(
    url: str, web: subprocess.Popen[bytes], workers: Supervisor, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if has_exited(web):
            raise fail("the web app exited during start-up; see its messages above", 1)
        workers.check()
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise fail(f"the web app did not answer at {url} within {timeout:.0f} s", 1)


def _supervise(web: subprocess.Popen[bytes], workers: Supervisor) -> None:
    """Keep the workers running for as long as the web app runs."""
    while not has_exited(web):
        workers.check()
        time.sleep(0.3)


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _stop_quietly(children: list[subprocess.Popen[bytes]]) -> None:
    """Stop the children; a second Ctrl-C meanwhile must not leave them running."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)
    stop(children)


def _banner(url: str) -> str:
    logins = [
        *DEMO_USERS,
        *(f"{a}.{r}" for a in AGENCIES for r in ("caseworker", "caseworker2", "supervisor")),
    ]
    return "\n".join(
        [
            "",
            f"  Hamyar (همیار) is running at {url}",
            "",
            "  Demo logins, all with the password 'demo':",
            *(f"    {login}" for login in logins),
            "",
            "  WARNING: these logins and their password are for a demo only; never use this",
            "  data directory in production.",
            "",
            "  Press Ctrl-C to stop.",
            "",
        ]
    )


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo_command(
        port: int = typer.Option(8000, "--port", help="Port for the web app."),
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
        data_dir: Path = typer.Option(
            Path(".hamyar-demo"), "--data-dir", help="Where the SQLite file and Redis live."
        ),
    ) -> None:
        """Everything on the embedded default with demo data: web app, two workers, scheduler."""
        from hamyar.core.application.context import Application
        from hamyar.core.demo_data import load_demo_data
        from hamyar.core.storage.broker import EmbeddedRedis
        from hamyar.core.storage.migrations import upgrade
        from hamyar.core.storage.settings import get_settings

        # `kill` and a closed terminal stop the demo as cleanly as Ctrl-C: the children lead
        # process groups of their own, so only the demo hears the terminal. SIGINT is named
        # too, because a shell starts a background job with it ignored.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, _interrupt)
        if not 0 < port < 65536:
            raise fail(f"--port must be between 1 and 65535, not {port}")
        if not _port_is_free(host, port):
            raise fail(f"port {port} on {host} is already in use; try --port {port + 1}", 1)
        data_dir = data_dir.resolve()
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise fail(f"cannot create the data directory {data_dir}: {exc.strerror}", 1) from None
        env = dict(os.environ)
        env["HAMYAR_DATABASE_URL"] = f"sqlite:///{data_dir / 'hamyar.db'}"
        env.pop("HAMYAR_REDIS_URL", None)
        os.environ.update(env)
        os.environ.pop("HAMYAR_REDIS_URL", None)
        get_settings.cache_clear()

        with EmbeddedRedis(data_dir) as redis:
            env["HAMYAR_REDIS_URL"] = os.environ["HAMYAR_REDIS_URL"] = redis.url
            get_settings.cache_clear()
            typer.echo(f"data directory: {data_dir}")
            typer.echo("migrating the database…")
            upgrade(env["HAMYAR_DATABASE_URL"], disabled=get_settings().disabled_plugins)
            typer.echo("loading the demo data (idempotent)…")
            app = Application.build()
            load_demo_data(app)
            app.engine.dispose()

            command = hamyar_command()
            web = spawn([*command, "serve", "--host", host, "--port", str(port)], env)
            workers = Supervisor(
                {
                    "demo-worker-1": [*command, "worker", "--quiet"],
                    "demo-worker-2": [*command, "worker", "--quiet", "--with-scheduler"],
                },
                env,
            )
            url = f"http://{host}:{port}"
            try:
                workers.start()
                _wait_until_healthy(url, web, workers, timeout=90)
                typer.echo(_banner(url))
                _supervise(web, workers)
                stop([web])  # reaped, to say how it ended
                raise fail(f"the web app {describe_exit(web.returncode)}; stopping the demo", 1)
            except CrashLoop as exc:
                raise fail(str(exc), 1) from None
            except KeyboardInterrupt:
                typer.echo("\nstopping the demo…")
            finally:
                _stop_quietly([web, *workers.children()])
        typer.echo("stopped.")
