"""The OpenAPI document is the contract (issue 14, finding 10): schemathesis, run against a real
server on the test database (SQLite, or PostgreSQL when HAMYAR_TEST_DATABASE_URL is set), with a
coordinator's and a caseworker's bearer token, finds no server error, no undocumented status and
no response that breaks its schema, on every operation the schema lists — a route a new module
or plugin adds is in it, and so is tested, the day it is added.

Bounded for CI: a fixed number of examples per operation, deterministic generation, a timeout.
Reproduce by hand against any server:

    schemathesis run http://127.0.0.1:8000/schema/openapi.json -H "Authorization: Bearer $TOKEN" \\
      -c not_a_server_error,status_code_conformance,response_schema_conformance \\
      -n 10 --generation-deterministic
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from litestar import Litestar

from hamyar.core.web.openapi import ERRORS
from tests.web.conftest import World

CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance"
EXAMPLES = 10
RUN_TIMEOUT = 240


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(app: Litestar) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def _schemathesis() -> str:
    found = Path(sys.executable).parent / "schemathesis"
    return str(found) if found.exists() else (shutil.which("schemathesis") or "schemathesis")


def test_every_route_documents_its_errors_and_the_bearer_scheme(app: Litestar) -> None:
    schema = app.openapi_schema.to_schema()
    assert "bearer" in schema["components"]["securitySchemes"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            documented = {int(code) for code in operation["responses"] if code.isdigit()}
            assert set(ERRORS) <= documented, (method, path)
            error = operation["responses"]["404"]["content"]["application/json"]["schema"]
            assert error["$ref"].endswith("/ErrorBody"), (method, path)


@pytest.mark.slow
@pytest.mark.parametrize("username", ["coordinator", "municipality.caseworker"])
def test_schemathesis_finds_nothing(
    server: str, world: World, username: str, tmp_path: Path
) -> None:
    command = [
        _schemathesis(),
        "run",
        f"{server}/schema/openapi.json",
        "-H",
        f"Authorization: Bearer {world.tokens[username]}",
        "--checks",
        CHECKS,
        "--max-examples",
        str(EXAMPLES),
        "--generation-deterministic",
        "--request-timeout",
        "10",
        "--no-color",
    ]
    started = time.monotonic()
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=RUN_TIMEOUT, cwd=tmp_path
    )
    elapsed = time.monotonic() - started
    summary = re.search(r"(\d+) generated", result.stdout)
    tested = re.search(r"Tested: (\d+)", result.stdout)
    print(
        f"schemathesis as {username}: {tested.group(1) if tested else '?'} operations, "
        f"{summary.group(0) if summary else '?'} cases, {elapsed:.0f} s"
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "Tested:" in result.stdout and summary is not None
