"""`hamyar demo`: the whole system on the embedded default, in one command.

One process owns the pieces and their order: it starts the embedded Redis, migrates the SQLite
database, loads the demo data, then starts the web app, two workers (one of them also runs the
scheduler) as child processes pointed at the same database and Redis. Ctrl-C stops the children
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

DEMO_USERS = ("admin", "coordinator", "auditor")
AGENCIES = ("library", "municipality", "health", "welfare")
STOP_GRACE_SECONDS = 10


def _port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _wait_until_healthy(url: str, children: list[subprocess.Popen[bytes]], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(child.poll() is not None for child in children):
            raise fail("a demo process exited during start-up; see its messages above", 1)
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise fail(f"the web app did not answer at {url} within {timeout:.0f} s", 1)


def _stop(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for child in children:
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _banner(url: str) -> str:
    logins = [*DEMO_USERS, *(f"{a}.{r}" for a in AGENCIES for r in ("caseworker", "supervisor"))]
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

        signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops the demo as cleanly as Ctrl-C
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
            upgrade(env["HAMYAR_DATABASE_URL"])
            typer.echo("loading the demo data (idempotent)…")
            app = Application.build()
            load_demo_data(app)
            app.engine.dispose()

            command = [sys.executable, "-m", "hamyar"]
            children = [
                subprocess.Popen([*command, "serve", "--host", host, "--port", str(port)], env=env),
                subprocess.Popen(
                    [*command, "worker", "--quiet", "--name", "demo-worker-1"], env=env
                ),
                subprocess.Popen(
                    [*command, "worker", "--quiet", "--with-scheduler", "--name", "demo-worker-2"],
                    env=env,
                ),
            ]
            url = f"http://{host}:{port}"
            try:
                _wait_until_healthy(url, children, timeout=90)
                typer.echo(_banner(url))
                while all(child.poll() is None for child in children):
                    time.sleep(0.5)
                typer.echo("hamyar: a demo process stopped; stopping the others", err=True)
                raise typer.Exit(1)
            except KeyboardInterrupt:
                typer.echo("\nstopping…")
            finally:
                _stop(children)
        typer.echo("stopped.")
