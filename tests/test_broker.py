"""The embedded Redis: one server per data directory, shared by every process, stopped cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from hamyar.core.storage import broker
from hamyar.core.storage.settings import get_settings

ROOT = Path(__file__).resolve().parents[1]
PEEK = (
    "from hamyar.core.storage.broker import redis_url, get_redis; "
    "print(redis_url()); print(get_redis().get('greeting').decode())"
)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HAMYAR_DATABASE_URL", f"sqlite:///{tmp_path}/hamyar.db")
    monkeypatch.setenv("HAMYAR_REDIS_URL", "")
    get_settings.cache_clear()
    broker.reset()
    yield tmp_path
    broker.reset()
    get_settings.cache_clear()


def test_processes_share_the_embedded_server_and_its_owner_stops_it(data_dir: Path) -> None:
    server = broker.EmbeddedRedis(data_dir).attach()
    pid = server.pid
    assert psutil.pid_exists(pid)
    assert server.url.startswith("unix://")
    broker.redis_for(server.url).set("greeting", "سلام")

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(2):  # another process attaches, reads, leaves; the server stays up for us
        out = subprocess.run(
            [sys.executable, "-c", PEEK],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout.split()
        assert out == [server.url, "سلام"]
        assert psutil.pid_exists(pid)

    connection = broker.redis_for(server.url)
    assert connection.config_get("maxmemory-policy")["maxmemory-policy"] == "noeviction"
    connection.close()
    server.stop()
    psutil.wait_procs([psutil.Process(pid)], timeout=10) if psutil.pid_exists(pid) else None
    assert not psutil.pid_exists(pid)
    assert (data_dir / broker.RDB_NAME).exists()  # saved on the way out
    assert not (data_dir / f"{broker.RDB_NAME}.settings").exists()

    restarted = broker.EmbeddedRedis(data_dir).attach()  # and its data comes back
    try:
        assert broker.redis_for(restarted.url).get("greeting").decode() == "سلام"
    finally:
        restarted.stop()


def test_the_configured_url_wins_over_the_embedded_server(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAMYAR_REDIS_URL", "redis://redis.example:6379/3")
    get_settings.cache_clear()
    assert broker.redis_url() == "redis://redis.example:6379/3"
    assert not (data_dir / broker.RDB_NAME).exists()
    assert broker.in_use()


def test_nothing_starts_a_server_just_to_publish_an_event(data_dir: Path) -> None:
    assert not broker.in_use()
    from datetime import UTC, datetime

    from hamyar.core.default_plugins.events import transition_applied
    from hamyar.core.engine.events import TransitionEvent

    transition_applied(
        TransitionEvent(
            kind="case",
            object_id=1,
            case_id=1,
            agency=None,
            transition="routed",
            actor="system",
            from_state="new",
            to_state="in_progress",
            version=2,
            comment="",
            automatic=False,
            at=datetime.now(UTC),
        )
    )
    assert not (data_dir / f"{broker.RDB_NAME}.settings").exists()
