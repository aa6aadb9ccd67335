"""The demo's worker supervisor on real short-lived processes: replacement, backoff, giving up,
and stopping a process group whole."""

from __future__ import annotations

import os
import re
import signal
import sys
import time
from pathlib import Path

import psutil
import pytest

from hamyar.core.cli._supervisor import CrashLoop, RestartPolicy, Supervisor, spawn, stop
from tests.workers.world import wait_for

QUICK = RestartPolicy(settle_seconds=5, first_delay=0.1, max_delay=0.2, max_rapid_failures=4)


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def gone(pid: int) -> bool:
    """Exited (a zombie no one has reaped yet counts as exited)."""
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_the_delay_doubles_with_each_rapid_failure_up_to_the_cap() -> None:
    policy = RestartPolicy(first_delay=1, max_delay=8)
    assert [policy.delay(n) for n in range(7)] == [0, 1, 2, 4, 8, 8, 8]


def test_a_worker_that_keeps_dying_is_restarted_ever_later_then_given_up(
    capsys: pytest.CaptureFixture[str],
) -> None:
    workers = Supervisor({"w": python("import sys; sys.exit(3)")}, os.environ, QUICK)
    began = time.monotonic()
    workers.start()
    with pytest.raises(CrashLoop) as gave_up:
        while time.monotonic() - began < 30:
            workers.check()
            time.sleep(0.01)
    elapsed = time.monotonic() - began
    assert "worker w-r4" in str(gave_up.value) and "exited with status 3" in str(gave_up.value)
    assert "4 times in a row" in str(gave_up.value)
    assert workers.children() == []
    lines = capsys.readouterr().err.splitlines()
    assert [line.split("; ")[1] for line in lines] == [
        "replacing it with w-r2 in 0.1 s",
        "replacing it with w-r3 in 0.2 s",
        "replacing it with w-r4 in 0.2 s",
    ]
    assert lines[0].startswith("hamyar: worker w (pid ") and "exited with status 3" in lines[0]
    assert elapsed >= 0.5  # the pauses were kept: no spinning


def test_a_worker_that_had_settled_is_replaced_at_once_under_a_fresh_name(
    capsys: pytest.CaptureFixture[str],
) -> None:
    policy = RestartPolicy(settle_seconds=0.2, first_delay=5)
    workers = Supervisor({"w": python("import time; time.sleep(60)")}, os.environ, policy)
    workers.start()
    try:
        [first] = workers.children()
        time.sleep(0.3)
        first.send_signal(signal.SIGKILL)
        wait_for(lambda: first.poll() is not None or workers.children() != [first], 10)
        workers.check()
        [second] = workers.children()
        assert second is not first and second.poll() is None
        assert second.args[-2:] == ["--name", "w-r2"]
        said = capsys.readouterr().err
        assert re.fullmatch(
            rf"hamyar: worker w \(pid {first.pid}\) was killed by SIGKILL after [0-9.]+ s;"
            rf" replaced it with w-r2 \(pid {second.pid}\)\n",
            said,
        ), said
    finally:
        stop(workers.children(), grace=5)
    assert all(child.returncode is not None for child in workers.children())


def test_what_a_dead_worker_started_is_stopped_with_it(tmp_path: Path) -> None:
    pid_file = tmp_path / "grandchild.pid"
    code = (
        "import subprocess, sys, time;"
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']);"
        f"open({str(pid_file)!r}, 'w').write(str(p.pid)); time.sleep(60)"
    )
    workers = Supervisor({"w": python(code)}, os.environ, QUICK)
    workers.start()
    try:
        wait_for(lambda: pid_file.exists() and pid_file.read_text() != "", 10, "the grandchild")
        grandchild = int(pid_file.read_text())
        [worker] = workers.children()
        os.kill(worker.pid, signal.SIGKILL)
        wait_for(lambda: gone(worker.pid), 10, "the worker to die")
        workers.check()
        wait_for(lambda: gone(grandchild), 10, "the dead worker's child to stop")
    finally:
        stop(workers.children(), grace=5)


def test_stop_kills_a_child_that_ignores_sigterm_after_the_grace(tmp_path: Path) -> None:
    ready = tmp_path / "ready"
    code = (
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN);"
        f"open({str(ready)!r}, 'w').close(); time.sleep(60)"
    )
    stubborn = spawn(python(code), os.environ)
    polite = spawn(python("import time; time.sleep(60)"), os.environ)
    wait_for(ready.exists, 10, "the child to ignore SIGTERM")
    began = time.monotonic()
    stop([stubborn, polite], grace=0.5)
    assert time.monotonic() - began < 5
    assert stubborn.returncode == -signal.SIGKILL and polite.returncode == -signal.SIGTERM
