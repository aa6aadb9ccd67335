"""The fault suite's world: real web and worker processes on the test database and a Redis.

Each test starts `hamyar serve` (uvicorn) in a subprocess, talks to it over real HTTP, and
breaks something on purpose: many writers at once, a frozen or restarted Redis, a web process
killed mid-request. The shipped plugins are loaded, as in production; the callers are
coordinators with bearer tokens of their own.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from hamyar.core.auth.tokens import new_token
from hamyar.core.storage.models import RoleAssignment, User
from tests.web.conftest import (  # noqa: F401  (the web tests' world, for in-process checks)
    app,
    client,
    web_plugins_fixture,
    world,
)
from tests.workers.world import RedisServerProcess

ROOT = Path(__file__).resolve().parents[2]
SERVICE = "municipality.report"
"""A shipped service whose form asks for nothing: a case needs only a title."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Process:
    """A `hamyar …` command in a process group of its own, its output in a log file."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "hamyar", *args],
            env=env,
            cwd=ROOT,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


class WebProcess(Process):
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        super().__init__(["serve", "--port", str(self.port)], env, log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the web app exited\n{self.output()}")
            try:
                httpx.get(f"{self.url}/health", timeout=2)
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError(f"the web app did not start\n{self.output()}")


@dataclass
class Faults:
    """What a fault test needs: the environment for processes, callers, and starters."""

    env: dict[str, str]
    engine: Engine
    tmp: Path
    tokens: list[str] = field(default_factory=list)
    started: list[Process] = field(default_factory=list)

    def headers(self, n: int = 0) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[n % len(self.tokens)]}"}

    def web(self, **env: str) -> WebProcess:
        web = WebProcess({**self.env, **env}, self.tmp / f"web{len(self.started)}.log")
        self.started.append(web)
        return web

    def worker(self, **env: str) -> Process:
        worker = Process(
            ["worker", "--quiet"], {**self.env, **env}, self.tmp / f"worker{len(self.started)}.log"
        )
        self.started.append(worker)
        return worker


@pytest.fixture
def faults(db_url: str, engine: Engine, redis_url: str, tmp_path: Path) -> Iterator[Faults]:
    """32 coordinators with tokens in an empty database; processes are stopped afterwards."""
    with Session(engine, expire_on_commit=False) as session:
        users = [User(username=f"coordinator{i}", password_hash="!") for i in range(32)]
        session.add_all(users)
        session.flush()
        session.add_all(RoleAssignment(user_id=u.id, role="Coordinator") for u in users)  # type: ignore[arg-type]
        tokens = [new_token(session, user, name="faults")[0] for user in users]
        session.commit()
    env = {
        **os.environ,
        "HAMYAR_DATABASE_URL": db_url,
        "HAMYAR_REDIS_URL": redis_url,
        "HAMYAR_SECRET_KEY": "test-secret-key-for-the-fault-suite",
        "HAMYAR_HEARTBEAT_TTL": "3",
        "HAMYAR_RELAY_INTERVAL": "0.1",
        "PYTHONPATH": str(ROOT),
    }
    made = Faults(env=env, engine=engine, tmp=tmp_path, tokens=tokens)
    yield made
    for process in made.started:
        process.stop()


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServerProcess]:
    """A redis-server of this test's own, to freeze and restart (never the machine's)."""
    server = RedisServerProcess(tmp_path)
    server.start()
    yield server
    if server.process is not None:
        server.process.send_signal(signal.SIGCONT)
    server.stop()


@dataclass
class Timed:
    status: int
    seconds: float
    body: Any = None


def run_concurrently(
    url: str, calls: list[Callable[[httpx.AsyncClient], Any]], timeout: float = 30
) -> list[Timed]:
    """Run `calls` (each an async function of a client, returning a response) all at once."""

    async def one(http: httpx.AsyncClient, call: Callable[[httpx.AsyncClient], Any]) -> Timed:
        start = time.monotonic()
        try:
            response = await call(http)
        except httpx.HTTPError as exc:
            return Timed(0, time.monotonic() - start, repr(exc))
        body = response.json() if response.content else None
        return Timed(response.status_code, time.monotonic() - start, body)

    async def main() -> list[Timed]:
        limits = httpx.Limits(max_connections=len(calls) + 4)
        async with httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits) as http:
            return list(await asyncio.gather(*(one(http, c) for c in calls)))

    return asyncio.run(main())


def figures(results: list[Timed]) -> str:
    """Status counts, p50 and max latency, for the test's output and its failure message."""
    seconds = sorted(r.seconds for r in results)
    counts = dict(Counter(r.status for r in results))
    return f"statuses {counts}, p50 {statistics.median(seconds):.3f} s, max {seconds[-1]:.3f} s"
