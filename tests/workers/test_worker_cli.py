"""`hamyar worker`: bad usage is one line and exit 2; `--burst` works the queues and quits."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy.engine import Engine

from tests.workers.world import ROOT, open_test_case, snapshot


def test_an_unknown_queue_is_a_one_line_usage_error() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hamyar", "worker", "--queues", "default,nope"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "hamyar: unknown queue 'nope'; choose from urgent, default, bulk"
    ]


def test_burst_routes_waiting_cases_and_quits(hamyar: dict[str, str], engine: Engine) -> None:
    case_id = open_test_case(engine)
    subprocess.run(
        [sys.executable, "-m", "hamyar", "worker", "--burst"],
        cwd=ROOT,
        env=hamyar,
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert snapshot(engine, case_id)["state"] == "resolved"
