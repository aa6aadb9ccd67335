"""The app under uvicorn in a subprocess, for the benchmarks that load it over HTTP
(bench/web.py, bench/e2e.py): started on a free local port and waited for until it answers."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(
    factory: str, env: dict[str, str], port: int, ready: str, timeout: float = 120
) -> subprocess.Popen[bytes]:
    """uvicorn running `factory` ("module:function") on 127.0.0.1:`port`, once `ready` (a path)
    answers; SystemExit with the server's own message if it dies or does not start in time."""
    import httpx

    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            factory,
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
        cwd=str(ROOT),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}{ready}", timeout=2)
            return proc
        except httpx.TransportError:
            if proc.poll() is not None:
                message = proc.stderr.read().decode() if proc.stderr else "server died"
                raise SystemExit(message) from None
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")
