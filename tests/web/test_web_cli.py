"""`hamyar user add` and `hamyar serve`, run as an operator runs them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest
from sqlmodel import Session, select

from hamyar.core.auth.passwords import verify_password
from hamyar.core.storage.database import make_engine
from hamyar.core.storage.models import RoleAssignment, User


def hamyar(*args: str, db_url: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HAMYAR_DATABASE_URL": db_url, "HAMYAR_SECRET_KEY": "cli-test-key"}
    return subprocess.run(
        [sys.executable, "-m", "hamyar", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=120,
    )


def test_user_add(db_url: str) -> None:
    result = hamyar(
        "user",
        "add",
        "welfare.caseworker",
        "--role",
        "Caseworker",
        "--agency",
        "welfare",
        "--password-stdin",
        db_url=db_url,
        stdin="s3cret pass\n",
    )
    assert result.returncode == 0, result.stderr
    engine = make_engine(db_url)
    with Session(engine) as session:
        user = session.exec(select(User).where(User.username == "welfare.caseworker")).one()
        assert verify_password(user.password_hash, "s3cret pass")
        roles = session.exec(select(RoleAssignment).where(RoleAssignment.user_id == user.id)).all()
        assert [(r.role, r.agency_code) for r in roles] == [("Caseworker", "welfare")]
    engine.dispose()


@pytest.mark.parametrize(
    ("args", "stdin", "says"),
    [
        (["--role", "Wizard", "--password-stdin"], "x\n", "unknown role"),
        (["--role", "Caseworker", "--password-stdin"], "x\n", "--agency"),
        (["--role", "Auditor", "--agency", "welfare", "--password-stdin"], "x\n", "global role"),
        (
            ["--role", "Caseworker", "--agency", "atlantis", "--password-stdin"],
            "x\n",
            "unknown agency",
        ),
        (["--role", "Auditor", "--password-stdin"], "\n", "no password"),
        (["--role", "Auditor"], None, "needs a password"),
    ],
)
def test_user_add_mistakes_are_one_line_and_exit_2(
    db_url: str, args: list[str], stdin: str | None, says: str
) -> None:
    result = hamyar("user", "add", "someone", *args, db_url=db_url, stdin=stdin)
    assert result.returncode == 2
    assert says in result.stderr and len(result.stderr.strip().splitlines()) == 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_health(db_url: str, tmp_path: object) -> None:
    port = _free_port()
    env = {**os.environ, "HAMYAR_DATABASE_URL": db_url, "HAMYAR_SECRET_KEY": "cli-test-key"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "hamyar", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/health", timeout=5)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.2)
        assert response.json()["database"]["ok"] is True
        assert httpx.get(f"http://127.0.0.1:{port}/api/cases").status_code == 401
        busy = hamyar("serve", "--port", str(port), db_url=db_url)
        assert busy.returncode == 2 and "another --port" in busy.stderr
    finally:
        proc.terminate()
        proc.wait(timeout=15)
