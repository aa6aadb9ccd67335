"""`hamyar demo` as a user runs it: a worker killed with SIGKILL is replaced while the web app
keeps answering, and Ctrl-C still stops every process the demo started."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest
from redis import Redis
from rq import Worker

from tests.workers.world import wait_for

START_TIMEOUT = 180  # migrations and the demo data, beside a busy test run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=5).status_code == 200
    except httpx.TransportError:
        return False


def gone(process: psutil.Process) -> bool:
    """Exited (a zombie no one has reaped yet counts as exited)."""
    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def worker_named(demo: psutil.Process, name: str) -> psutil.Process | None:
    for child in demo.children():
        try:
            cmdline = child.cmdline()
        except psutil.NoSuchProcess:
            continue
        if "worker" in cmdline and cmdline[-2:] == ["--name", name]:
            return child
    return None


def family(demo: psutil.Process, data_dir: Path) -> set[psutil.Process]:
    """Every process the demo started: its descendants and the embedded Redis it daemonized."""
    found = set(demo.children(recursive=True))
    for process in psutil.process_iter(["name", "cwd"]):
        if "redis-server" in (process.info["name"] or "") and process.info["cwd"] == str(data_dir):
            found.add(process)
    return found


@pytest.mark.slow
def test_a_killed_worker_is_replaced_and_ctrl_c_still_stops_everything(tmp_path: Path) -> None:
    port, data_dir, log = free_port(), tmp_path / "demo", tmp_path / "demo.log"
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "hamyar", "demo", "--port", str(port), "--data-dir", str(data_dir)],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    demo = psutil.Process(process.pid)
    started: set[psutil.Process] = set()

    def output() -> str:
        """The end of what the demo printed, for a failure's message."""
        return log.read_text(errors="replace")[-4000:]

    def printed() -> str:
        """All of it: the web app's access log can push a line out of `output()`'s window."""
        return log.read_text(errors="replace")

    def serving() -> bool:
        return answers(f"{url}/health") and answers(f"{url}/login")

    try:
        wait_for(lambda: serving() or process.poll() is not None, START_TIMEOUT, logs=output)
        assert process.poll() is None, output()
        wait_for(lambda: worker_named(demo, "demo-worker-2") is not None, 30, logs=output)
        victim = worker_named(demo, "demo-worker-2")
        assert victim is not None
        wait_for(lambda: len(victim.children()) >= 1, 60, "its scheduler", logs=output)
        scheduler = victim.children()
        redis_url = victim.environ()["HAMYAR_REDIS_URL"]
        # conftest points every process at the test Redis; the demo runs its own instead
        assert redis_url != os.environ["HAMYAR_REDIS_URL"] and redis_url.startswith("unix://")
        started |= family(demo, data_dir)

        victim.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        replacement: psutil.Process | None = None
        while replacement is None:
            assert serving(), f"the web app stopped answering\n{output()}"
            replacement = worker_named(demo, "demo-worker-2-r2")
            assert time.monotonic() - killed_at < 20, f"no replacement worker\n{output()}"
            time.sleep(0.2)
        assert "worker demo-worker-2 (pid" in printed() and "was killed by SIGKILL" in printed()
        # A worker killed before it settled is replaced after a short pause, one that had settled
        # at once; both say so.
        assert re.search(r"replac(ed|ing) it with demo-worker-2-r2", printed()), output()
        wait_for(lambda: all(map(gone, scheduler)), 20, "the dead worker's scheduler to stop")

        connection = Redis.from_url(redis_url)
        deadline = time.monotonic() + 60
        while "demo-worker-2-r2" not in {w.name for w in Worker.all(connection=connection)}:
            assert serving(), f"the web app stopped answering\n{output()}"
            assert time.monotonic() < deadline, f"the replacement never registered\n{output()}"
            time.sleep(0.5)
        connection.close()
        started |= family(demo, data_dir)

        process.send_signal(signal.SIGINT)  # what Ctrl-C sends the demo's process group
        assert process.wait(60) == 0, output()
        assert output().rstrip().endswith("stopped."), output()
        # Ctrl-C is the user's wish, not a crash: a calm line, not "… stopped; stopping …"
        assert "\nstopping the demo…\n" in printed(), output()
        after = printed().rsplit("stopping the demo…", 1)[-1]
        assert not re.search(r"exited|was killed|stopping the others|crash", after), output()
        wait_for(lambda: all(map(gone, started)), 10, "every demo process to exit", logs=output)
    finally:
        if process.poll() is None:
            started |= family(demo, data_dir)
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        for leftover in started:
            with contextlib.suppress(psutil.NoSuchProcess):
                leftover.kill()


def test_the_demo_starts_the_installed_hamyar_from_a_checkout(tmp_path: Path) -> None:
    """`pip install . && hamyar demo` is run from the repository, whose `hamyar/` folder (the
    public module alone) would shadow the installed package for `python -m hamyar`: the demo's
    children must not import it."""
    from hamyar.core.cli.demo import hamyar_command

    shadow = tmp_path / "hamyar"
    shadow.mkdir()
    (shadow / "__init__.py").write_text("raise ImportError('the checkout, not the install')\n")
    (shadow / "__main__.py").write_text("raise SystemExit(3)\n")
    found = subprocess.run(
        [*hamyar_command(), "--help"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert found.returncode == 0, found.stderr
    assert "demo" in found.stdout
