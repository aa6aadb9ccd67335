"""Requests per second for the case list and the worklists at 10k and 100k cases.

Each size runs the real app under uvicorn in a subprocess on 127.0.0.1, beside a trivial Litestar
endpoint (`/bench/ping`, no database, no auth) served by the same process, so the figures can be
read as "what share of a bare endpoint's speed does listing keep". Listing is keyed on id with
indexes, so its speed should stay flat as cases grow: compare the 100k column with the 10k one.

    python bench/web.py [--sizes 10000,100000] [--seconds 5] [--concurrency 16]

Uses a fresh SQLite file in a temporary folder, or HAMYAR_BENCH_DATABASE_URL (a PostgreSQL
database that will be emptied). Prints figures and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

ENDPOINTS = {
    "ping (trivial)": ("/bench/ping", None),
    "case list": ("/api/cases?limit=50", "coordinator"),
    "case list, agency": ("/api/cases?limit=50", "caseworker"),
    "my-tasks worklist": ("/api/worklists/my-tasks?limit=50", "caseworker"),
    "worklist counts": ("/api/worklists", "caseworker"),
}


def bench_app() -> Any:
    """The real app plus one trivial endpoint, for `uvicorn --factory`."""
    from litestar import get

    from hamyar.core.web.app import create_app

    @get("/bench/ping", sync_to_thread=False)
    def ping() -> dict[str, str]:
        return {"ok": "pong"}

    return create_app(route_handlers=[ping])


def _prepare(url: str) -> dict[str, Any]:
    """Empty schema, plugins mirrored, two users with tokens; returns what seeding needs."""
    from sqlmodel import Session, SQLModel

    from hamyar.core.auth.tokens import new_token
    from hamyar.core.plugin.manager import build_plugins
    from hamyar.core.storage.database import make_engine
    from hamyar.core.storage.models import RoleAssignment, User
    from hamyar.core.storage.registry_mirror import sync_registry

    engine = make_engine(url)
    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)
    registry = build_plugins().registry
    services = [s for s in registry.services.values()]
    agency = sorted({s.agency for s in services})[0]
    with Session(engine, expire_on_commit=False) as session:
        sync_registry(session, registry)
        tokens = {}
        for name, role, where in (
            ("coordinator", "Coordinator", None),
            ("caseworker", "Caseworker", agency),
        ):
            user = User(username=name, password_hash="!")
            session.add(user)
            session.flush()
            session.add(RoleAssignment(user_id=user.id, role=role, agency_code=where))
            tokens[name] = new_token(session, user, name="bench")[0]
            session.commit()
    return {"engine": engine, "services": services, "tokens": tokens, "agency": agency}


WORDS = [
    "سازمان",
    "خدمات",
    "اجتماعی",
    "کتابخانه",
    "سیار",
    "محله",
    "خاک",
    "سفید",
    "شهرداری",
    "منطقه",
    "بهداشت",
    "خانوار",
    "سرپرست",
    "زن",
    "کودکان",
    "کار",
    "آسفالت",
    "چاله",
    "روشنایی",
    "معبر",
]


def _seed(ctx: dict[str, Any], start: int, stop: int) -> None:
    """Cases start..stop-1 with one task each, written in bulk (the bench is about reading)."""
    from sqlalchemy import insert

    from hamyar.core.storage.models import Case, Task, utcnow
    from hamyar.core.text.folding import search_key

    engine, services = ctx["engine"], ctx["services"]
    rng = random.Random(start)
    now = utcnow()
    batch = 5000
    for lo in range(start, stop, batch):
        cases, tasks = [], []
        for i in range(lo, min(lo + batch, stop)):
            spec = services[i % len(services)]
            title = " ".join(rng.choices(WORDS, k=4))
            description = " ".join(rng.choices(WORDS, k=30))
            cases.append(
                {
                    "id": i + 1,
                    "tracking_code": f"{i + 1:010d}",
                    "service_code": spec.code,
                    "agency_code": spec.agency,
                    "title": title,
                    "description": description,
                    "data": {},
                    "channel": "demo",
                    "workflow_id": "hamyar.case",
                    "state": "in_progress" if i % 5 else "resolved",
                    "version": 2,
                    "variables": {},
                    "priority": 0,
                    "confidential": spec.confidential,
                    "search_text": search_key(title, description),
                    "created_by": "bench",
                    "created_at": now,
                    "updated_at": now,
                    "due_at": now + timedelta(days=rng.randint(-10, 10)),
                }
            )
            open_ = i % 5 != 0
            tasks.append(
                {
                    "id": i + 1,
                    "case_id": i + 1,
                    "agency_code": spec.agency,
                    "service_code": spec.code,
                    "workflow_id": spec.workflow,
                    "state": "open" if open_ else "done",
                    "version": 1,
                    "variables": {},
                    "kind": "primary",
                    "reason": "",
                    "confidential": spec.confidential,
                    "created_at": now,
                    "updated_at": now,
                    "due_at": now + timedelta(days=rng.randint(-10, 10)),
                    "resolved_at": None if open_ else now,
                }
            )
        with engine.begin() as conn:
            conn.execute(insert(Case), cases)
            conn.execute(insert(Task), tasks)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql('ANALYZE "case"')
            conn.exec_driver_sql("ANALYZE task")
            for table in ("case", "task"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), {stop + 1})"
                )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _load(url: str, headers: dict[str, str], seconds: float, concurrency: int) -> float:
    import httpx

    done = 0
    deadline = time.perf_counter() + seconds
    async with httpx.AsyncClient(headers=headers, timeout=30) as client:
        for _ in range(concurrency):  # warm up connections and caches
            (await client.get(url)).raise_for_status()

        async def worker() -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                response = await client.get(url)
                response.raise_for_status()
                done += 1

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return done / (time.perf_counter() - start)


def _serve(url: str, port: int, data_dir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "HAMYAR_DATABASE_URL": url,
        "HAMYAR_SECRET_KEY": "bench-secret",
        "PYTHONPATH": str(ROOT),
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.web:bench_app",
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
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/bench/ping", timeout=2)
            return proc
        except httpx.TransportError:
            if proc.poll() is not None:
                message = proc.stderr.read().decode() if proc.stderr else "server died"
                raise SystemExit(message) from None
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    with tempfile.TemporaryDirectory(prefix="hamyar-bench-") as tmp:
        url = os.environ.get("HAMYAR_BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
        os.environ["HAMYAR_DATABASE_URL"] = url
        os.environ.setdefault("HAMYAR_SECRET_KEY", "bench-secret")
        ctx = _prepare(url)
        dialect = ctx["engine"].dialect.name
        print(
            f"database: {dialect}; {args.concurrency} concurrent clients, {args.seconds:g} s "
            f"per endpoint; agency caseworker of {ctx['agency']!r}"
        )
        results: dict[int, dict[str, float]] = {}
        seeded = 0
        for size in sizes:
            t0 = time.perf_counter()
            _seed(ctx, seeded, size)
            seeded = size
            print(f"seeded {size:,} cases in {time.perf_counter() - t0:.1f} s")
            port = _free_port()
            proc = _serve(url, port, Path(tmp))
            try:
                results[size] = {}
                for name, (path, user) in ENDPOINTS.items():
                    headers = {"Authorization": f"Bearer {ctx['tokens'][user]}"} if user else {}
                    rps = asyncio.run(
                        _load(
                            f"http://127.0.0.1:{port}{path}",
                            headers,
                            args.seconds,
                            args.concurrency,
                        )
                    )
                    results[size][name] = rps
            finally:
                proc.terminate()
                proc.wait(timeout=15)
        _report(sizes, results)
        ctx["engine"].dispose()


def _report(sizes: list[int], results: dict[int, dict[str, float]]) -> None:
    print()
    header = f"{'endpoint':<22}" + "".join(f"{f'{s:,} req/s':>16}{'vs ping':>9}" for s in sizes)
    if len(sizes) > 1:
        header += f"{f'{sizes[-1]:,}/{sizes[0]:,}':>16}"
    print(header)
    for name in ENDPOINTS:
        line = f"{name:<22}"
        for size in sizes:
            rps = results[size][name]
            line += f"{rps:>16.0f}{rps / results[size]['ping (trivial)']:>9.2f}"
        if len(sizes) > 1:
            line += f"{results[sizes[-1]][name] / results[sizes[0]][name]:>16.2f}"
        print(line)


if __name__ == "__main__":
    main()
