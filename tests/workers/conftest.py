"""Fixtures for the worker tests: a test agency installed as a real plugin, real workers.

The agency plugins that ship with Hamyar are disabled here so that only `worker_test_plugin`
proposes routes: the tests decide exactly what happens to each case.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from hamyar.core.storage.registry_mirror import sync_registry
from hamyar.workers import runtime
from tests.workers.world import (
    HERE,
    ROOT,
    TEST_SETTINGS,
    RedisServerProcess,
    WorkerProcess,
    clear_caches,
)


@pytest.fixture(scope="session")
def plugin_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the test plugin's dist-info, as `pip install` would leave it."""
    site = tmp_path_factory.mktemp("site")
    info = site / "hamyar_worker_test_plugin-0.0.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: hamyar-worker-test-plugin\nVersion: 0.0.0\n"
    )
    (info / "entry_points.txt").write_text("[hamyar]\nworkertest = worker_test_plugin\n")
    return site


@pytest.fixture
def hamyar(
    engine: Engine, redis_url: str, plugin_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, str]]:
    """Database, Redis and the test plugin wired up; yields the environment for subprocesses."""
    monkeypatch.syspath_prepend(str(plugin_path))
    monkeypatch.syspath_prepend(str(HERE))
    for name, value in TEST_SETTINGS.items():
        monkeypatch.setenv(name, value)
    importlib.invalidate_caches()
    clear_caches()
    plugins = runtime.application().plugins
    assert "workertest" in plugins.registry.agencies, plugins.registry.failures
    with Session(engine) as session:
        sync_registry(session, plugins.registry)
        session.commit()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(plugin_path), str(HERE), str(ROOT)])
    yield env
    clear_caches()


@pytest.fixture
def start_worker(hamyar: dict[str, str], tmp_path: Path) -> Iterator[Callable[..., WorkerProcess]]:
    started: list[WorkerProcess] = []

    def start(*args: str, env: dict[str, str] | None = None) -> WorkerProcess:
        worker = WorkerProcess(
            {**hamyar, **(env or {})}, *args, log=tmp_path / f"worker{len(started)}.log"
        )
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.terminate()
    for worker in started:
        worker.stop()


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServerProcess]:
    server = RedisServerProcess(tmp_path)
    server.start()
    yield server
    server.stop()
