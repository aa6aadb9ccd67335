"""`hamyar worker`: an RQ worker with every plugin loaded; safe to run many, on many hosts."""

from __future__ import annotations

import logging
import os

import typer

from hamyar.core.cli import fail


def register(app: typer.Typer) -> None:
    @app.command("worker")
    def worker_command(
        burst: bool = typer.Option(False, "--burst", help="Quit when nothing is left to do."),
        with_scheduler: bool = typer.Option(
            False,
            "--with-scheduler",
            help="Also run the periodic-job scheduler (safe to run on several hosts).",
        ),
        queues: str = typer.Option(
            "urgent,default,bulk",
            "--queues",
            help="Comma-separated queues, highest priority first.",
        ),
        name: str | None = typer.Option(None, "--name", help="Worker name (default: random)."),
        quiet: bool = typer.Option(False, "--quiet", help="Log warnings and errors only."),
    ) -> None:
        """Work the job queues: route cases, run handlers, fire automatic steps, schedules."""
        from redis.exceptions import RedisError

        from hamyar.core.engine.outbox import QUEUES
        from hamyar.workers.config import get_worker_settings
        from hamyar.workers.worker import run_worker

        names = [q.strip() for q in queues.split(",") if q.strip()]
        unknown = [q for q in names if q not in QUEUES]
        if not names or unknown:
            raise fail(f"unknown queue {(unknown or [''])[0]!r}; choose from {', '.join(QUEUES)}")
        if quiet:
            os.environ["HAMYAR_WORKER_LOG_LEVEL"] = "WARNING"
            get_worker_settings.cache_clear()
        logging.getLogger().setLevel(logging.WARNING if quiet else logging.INFO)
        try:
            run_worker(names, burst=burst, with_scheduler=with_scheduler, name=name)
        except RedisError as exc:
            raise fail(f"cannot reach Redis ({exc}); check HAMYAR_REDIS_URL", code=1) from None
