"""The worker tests' world: a test agency, cases opened the way channels open them, worker
and Redis processes to start and kill. Plain helpers; the fixtures live in conftest.py.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from hamyar.core.auth.actor import Actor
from hamyar.core.cases.intake import open_case
from hamyar.core.storage import broker
from hamyar.core.storage.models import Case, HistoryEntry, OutboxMessage, Task
from hamyar.core.storage.settings import get_settings
from hamyar.workers import runtime
from hamyar.workers.config import get_worker_settings

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SHIPPED_PLUGINS = "library,municipality,health,welfare"
CLERK = Actor(username="clerk")

TEST_SETTINGS = {
    "HAMYAR_DISABLE_PLUGINS": SHIPPED_PLUGINS,
    "HAMYAR_RETRY_INTERVALS": "1,1",
    "HAMYAR_RELAY_INTERVAL": "0.05",
    "HAMYAR_MAINTENANCE_INTERVAL": "5",
}


def clear_caches() -> None:
    get_settings.cache_clear()
    get_worker_settings.cache_clear()
    runtime.install(None)
    broker.reset()


def open_test_case(
    engine: Engine, service: str = "workertest.record", title: str = "چراغ خاموش", **kwargs: Any
) -> int:
    """A case written the way every channel writes one: with its routing step in the outbox."""
    with Session(engine, expire_on_commit=False) as session:
        case = open_case(
            session,
            runtime.application().registry,
            CLERK,
            service=service,
            title=title,
            channel="api",
            **kwargs,
        )
        session.commit()
        assert case.id is not None
        return case.id


def snapshot(engine: Engine, case_id: int) -> dict[str, Any]:
    """What a case looks like now: state, tasks, history actions, outbox.

    Read without taking SQLite's write lock: a handler may hold it for as long as it works.
    """
    with Session(engine.execution_options(sqlite_read_only=True)) as session:
        case = session.get(Case, case_id)
        assert case is not None
        tasks = session.exec(select(Task).where(Task.case_id == case_id)).all()
        history = session.exec(
            select(HistoryEntry).where(HistoryEntry.case_id == case_id).order_by(HistoryEntry.id)
        ).all()  # type: ignore[arg-type]
        outbox = session.exec(select(OutboxMessage).where(OutboxMessage.case_id == case_id)).all()
        return {
            "state": case.state,
            "version": case.version,
            "tasks": [(t.service_code, t.state) for t in tasks],
            "actions": [h.action for h in history],
            "outbox": {o.key: (o.sent_at is not None, o.done_at is not None) for o in outbox},
        }


def wait_for(
    condition: Callable[[], bool],
    timeout: float = 30.0,
    what: str = "",
    *,
    logs: Callable[[], str] | None = None,
) -> None:
    """Poll until `condition` holds; on time-out say what was awaited and, from `logs`, what
    the processes involved printed meanwhile."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    printed = f"\n{logs()}" if logs is not None else ""
    raise AssertionError(f"timed out after {timeout}s waiting for {what or condition}{printed}")


class WorkerProcess:
    """`hamyar worker` in a process of its own, stopped (or killed) by the test."""

    def __init__(self, env: dict[str, str], *args: str, log: Path) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "hamyar", "worker", *args],
            env=env,
            cwd=ROOT,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def terminate(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


class RedisServerProcess:
    """A redis-server of our own on a free port, to stop and start again mid-test."""

    def __init__(self, workdir: Path) -> None:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
                "--maxmemory-policy",
                "noeviction",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        from redis import Redis

        client = Redis.from_url(self.url)
        wait_for(lambda: pings(client), 10, "redis-server to start")
        client.close()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


def pings(client: Any) -> bool:
    try:
        return bool(client.ping())
    except Exception:
        return False
