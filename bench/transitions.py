"""Committed transitions per second, beside baselines measured in the same run on PostgreSQL.

    pip install -e '.[bench]'
    python bench/transitions.py [--tasks 1000] [--clients 1,2] [--seconds 5] [--profile]

HAMYAR_BENCH_DATABASE_URL names the database, default
postgresql+psycopg://postgres@127.0.0.1:5432/hamyar_bench_tx; it is DROPPED and created afresh
(through the server's `postgres` database). Nothing here needs Redis. Prints figures and ratios;
asserts nothing. For each number K of client processes (each its own connection, started
together at a barrier after a warm-up):

1. Hamyar: `take_transition` (the command `POST /api/tasks/{id}/transitions` runs) takes
   `start`, then `complete`, on each of `--tasks` routed tasks per process, one commit per
   call. A `complete` also resolves the case, so state changes (history rows written during
   the run) outnumber calls; both are printed. One process counts its statements and round
   trips (pool ping, BEGIN, statements, COMMIT) with SQLAlchemy events.
2. The database's ceiling: pgbench (`-M prepared`, `-c K -j K -T --seconds`) running what a
   transition must do at the least: `BEGIN; UPDATE task ... WHERE id AND version; INSERT INTO
   history_entry ...; END;` on the same tables; and the same statements through raw psycopg
   (one connection per process, no pool, no ping), the ceiling for a Python client. Without
   pgbench only the latter is printed and the ratio is taken to it.
3. SpiffWorkflow 3 on the same shape (bench/spiff_task.bpmn: start event, user tasks `start`
   and `complete`, end event), persisted after every step: the workflow serialised to JSON,
   its row updated (with a version check) and a history row inserted in one transaction.
   Twice: with the workflow object kept in memory by the process that started it (Spiff's best
   case: only serialised and written at each step), and loaded back from its row and
   deserialised at each step (what a stateless API does, as Hamyar's command loads its task).

`--profile` then runs one process's loop under cProfile and prints its top costs.
"""

from __future__ import annotations

import argparse
import cProfile
import multiprocessing
import os
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import URL, make_url

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from throughput import configure, install_plugin, open_cases  # noqa: E402

if TYPE_CHECKING:
    from multiprocessing.synchronize import Barrier

    from hamyar.core.application.context import Application

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/hamyar_bench_tx"
REDIS_URL = "redis://127.0.0.1:6379/9"  # configure() wants one; no transition touches it
BPMN = HERE / "spiff_task.bpmn"
WARM = 20
"""Items each process moves before the barrier, untimed: imports, caches, prepared statements."""

UPDATE_SQL = (
    "UPDATE task SET version = version + 1, state = 'in_progress', updated_at = now() "
    "WHERE id = {id} AND version >= 1"
)
INSERT_SQL = (
    "INSERT INTO history_entry (case_id, task_id, action, actor, comment, params, from_state, "
    "to_state, version, automatic, created_at) VALUES ({case}, {id}, 'start', 'bench', '', "
    "'{{}}', 'open', 'in_progress', 2, false, now())"
)
SPIFF_TABLES = """
CREATE TABLE spiff_workflow (
    id bigserial PRIMARY KEY,
    version integer NOT NULL,
    state jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE spiff_history (
    id bigserial PRIMARY KEY,
    workflow_id bigint NOT NULL REFERENCES spiff_workflow (id),
    step varchar(64) NOT NULL,
    version integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
"""


# -- the database ----------------------------------------------------------------------------


def fresh_database(url: URL) -> None:
    import psycopg

    with psycopg.connect(libpq(url.set(database="postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{url.database}"')


def drop_database(url: URL) -> None:
    import psycopg

    with psycopg.connect(libpq(url.set(database="postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')


def libpq(url: URL) -> str:
    """The SQLAlchemy URL as a libpq connection string, for psycopg and pgbench."""
    parts = {
        "host": url.host or "127.0.0.1",
        "port": url.port or 5432,
        "user": url.username or "postgres",
        "password": url.password,
        "dbname": url.database,
    }
    return " ".join(f"{k}={v}" for k, v in parts.items() if v is not None)


def scalar(url: URL, sql: str) -> Any:
    import psycopg

    with psycopg.connect(libpq(url)) as conn:
        row = conn.execute(sql).fetchone()
        return row[0] if row else None


def routed_tasks(app: Application, count: int) -> list[int]:
    """`count` new cases, routed: each has one open task of the bench agency."""
    from sqlmodel import col, select

    from hamyar.core.routing.router import route_case
    from hamyar.core.storage.models import Case, Task

    open_cases(app, count)
    with app.unit_of_work() as uow:
        session = uow.session
        ids = [i for i in session.exec(select(Case.id).where(Case.state == "new")) if i]
        for case_id in ids:
            route_case(session, case_id, app.registry, pm=app.pm)
        query = select(Task.id).where(col(Task.case_id).in_(ids)).order_by(col(Task.id))
        return [task_id for task_id in session.exec(query) if task_id is not None]


# -- timing K processes ----------------------------------------------------------------------


def run_clients(
    target: Any, work: list[list[Any]], url: URL, before: str | None = None
) -> tuple[float, list[dict[str, Any]], Any, Any]:
    """Run `target(url, items, ready, go, results, index)` in one process per list of `work`.

    Each process warms up, waits at `ready`; this one then reads `before` (a SQL scalar), and
    all pass `go` together. Returns (seconds from the first start to the last end, each
    process's report, `before` read before the start and again after the end)."""
    context = multiprocessing.get_context("spawn")
    ready, go = context.Barrier(len(work) + 1), context.Barrier(len(work) + 1)
    results = context.Queue()
    processes = [
        context.Process(target=target, args=(url, items, ready, go, results, index))
        for index, items in enumerate(work)
    ]
    for process in processes:
        process.start()
    try:
        try:
            ready.wait(timeout=300)
            first = scalar(url, before) if before else None
            go.wait(timeout=60)
        except threading.BrokenBarrierError:
            failed = results.get(timeout=60)  # a process that failed broke the barriers
            raise RuntimeError(f"a client process failed: {failed.get('error')}") from None
        reports = [results.get(timeout=1800) for _ in processes]
    finally:
        for process in processes:
            process.join(60)
            if process.is_alive():
                process.terminate()
    last = scalar(url, before) if before else None
    for report in reports:
        if "error" in report:
            raise RuntimeError(f"a client process failed: {report['error']}")
    elapsed = max(r["end"] for r in reports) - min(r["start"] for r in reports)
    return elapsed, reports, first, last


def report_errors(results: Any, index: int, run: Any, *barriers: Barrier) -> None:
    """Put what `run()` returns on `results`; if it raises, say why and break the barriers,
    so the others stop waiting."""
    try:
        results.put({"index": index, **run()})
    except BaseException as exc:
        results.put({"index": index, "error": f"{type(exc).__name__}: {exc}"})
        for barrier in barriers:
            barrier.abort()
        raise


# -- 1. Hamyar's command ---------------------------------------------------------------------


class RoundTrips:
    """Statements, pings of pooled connections, transactions begun and commits on `engine`."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.kinds: Counter[str] = Counter()
        self.pings = self.begins = self.commits = 0
        self.counting = False

        @event.listens_for(engine, "before_cursor_execute")
        def _statement(*args: Any) -> None:
            if self.counting:
                self.kinds[args[2].split(None, 1)[0].upper()] += 1

        real_ping = engine.dialect.do_ping

        def _ping(dbapi_connection: Any) -> bool:  # a checkout tests a rested connection
            self.pings += self.counting
            return bool(real_ping(dbapi_connection))

        engine.dialect.do_ping = _ping

        @event.listens_for(engine, "begin")
        def _begin(_conn: Any) -> None:
            self.begins += self.counting

        @event.listens_for(engine, "commit")
        def _commit(_conn: Any) -> None:
            self.commits += self.counting

    def report(self) -> dict[str, Any]:
        return {
            "kinds": dict(self.kinds),
            "pings": self.pings,
            "begins": self.begins,
            "commits": self.commits,
        }


def worker_actor() -> Any:
    from hamyar.core.auth.actor import Actor
    from hamyar.core.workflow import roles as R

    return Actor.from_assignments("bench.caseworker", [(R.CASEWORKER, "bench")])


def move_tasks(app: Application, actor: Any, tasks: list[int]) -> int:
    """`start` then `complete` on each task, one command (one commit) each; transitions taken."""
    from hamyar.core.application.commands import take_transition

    applied = 0
    for task_id in tasks:
        for transition in ("start", "complete"):
            done = take_transition(app.unit_of_work(), actor, "task", task_id, transition)
            applied += len(done.events)
    return applied


def engine_client(
    url: URL, tasks: list[int], ready: Barrier, go: Barrier, results: Any, index: int
) -> None:
    def run() -> dict[str, Any]:
        from hamyar.core.application.context import Application

        app = Application.build()
        actor = worker_actor()
        trips = RoundTrips(app.engine) if index == 0 else None
        move_tasks(app, actor, tasks[:WARM])
        ready.wait()
        go.wait()
        if trips:
            trips.counting = True
        start = time.monotonic()
        applied = move_tasks(app, actor, tasks[WARM:])
        end = time.monotonic()
        app.engine.dispose()
        report = {"start": start, "end": end, "calls": 2 * len(tasks[WARM:]), "events": applied}
        return {**report, **(trips.report() if trips else {})}

    report_errors(results, index, run, ready, go)


def engine_rate(app: Application, url: URL, clients: int, count: int) -> dict[str, Any]:
    tasks = routed_tasks(app, clients * (count + WARM))
    work = [tasks[n::clients] for n in range(clients)]
    history = "SELECT count(*) FROM history_entry"
    elapsed, reports, before, after = run_clients(engine_client, work, url, history)
    calls = sum(r["calls"] for r in reports)
    counted = next(r for r in reports if r["index"] == 0)
    kinds = counted["kinds"]
    statements = sum(kinds.values())
    own = counted["calls"]
    return {
        "calls/s": calls / elapsed,
        "changes/s": (after - before) / elapsed,
        "events/s": sum(r["events"] for r in reports) / elapsed,
        "statements": statements / own,
        "kinds": {k: v / own for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])},
        "round trips": (statements + counted["pings"] + counted["begins"] + counted["commits"])
        / own,
        "pings": counted["pings"] / own,
        "commits": counted["commits"] / own,
    }


# -- 2. the database's ceiling ---------------------------------------------------------------


def pgbench_tps(url: URL, clients: int, seconds: int, lo: int, hi: int, case: int) -> float | None:
    pgbench = shutil.which("pgbench") or "/usr/bin/pgbench"
    if not Path(pgbench).exists():
        return None
    with tempfile.TemporaryDirectory(prefix="hamyar-pgbench-") as folder:
        script = Path(folder) / "transition.sql"
        script.write_text(
            f"\\set id random({lo}, {hi})\nBEGIN;\n"
            + UPDATE_SQL.format(id=":id")
            + ";\n"
            + INSERT_SQL.format(case=case, id=":id")
            + ";\nEND;\n"
        )
        env = {**os.environ}
        if url.password:
            env["PGPASSWORD"] = url.password
        done = subprocess.run(
            [
                pgbench,
                "-n",
                "-M",
                "prepared",
                "-c",
                str(clients),
                "-j",
                str(clients),
                "-T",
                str(seconds),
                "-f",
                str(script),
                "-h",
                url.host or "127.0.0.1",
                "-p",
                str(url.port or 5432),
                "-U",
                url.username or "postgres",
                url.database or "",
            ],
            capture_output=True,
            text=True,
            env=env,
        )
    found = re.search(r"tps = ([\d.]+)", done.stdout)
    if done.returncode or not found:
        print(f"    pgbench failed: {done.stderr.strip() or done.stdout.strip()}")
        return None
    return float(found.group(1))


def raw_write(conn: Any, lo: int, hi: int, case: int, chance: Any) -> Callable[[], None]:
    """One transaction of pgbench's UPDATE + INSERT on a task between `lo` and `hi`, through the
    raw psycopg connection `conn`: the least a write of the engine costs."""
    update = UPDATE_SQL.format(id="%(id)s")
    insert = INSERT_SQL.format(case=case, id="%(id)s")

    def once() -> None:
        with conn.cursor() as cur:
            params = {"id": chance.randint(lo, hi)}
            cur.execute(update, params)
            cur.execute(insert, params)
        conn.commit()

    return once


def raw_client(
    url: URL, work: list[Any], ready: Barrier, go: Barrier, results: Any, index: int
) -> None:
    def run() -> dict[str, Any]:
        import random

        import psycopg

        seconds, lo, hi, case = work
        with psycopg.connect(libpq(url)) as conn:
            once = raw_write(conn, lo, hi, case, random.Random())
            for _ in range(WARM):
                once()
            ready.wait()
            go.wait()
            start = time.monotonic()
            done = 0
            while time.monotonic() - start < seconds:
                once()
                done += 1
            return {"start": start, "end": time.monotonic(), "done": done}

    report_errors(results, index, run, ready, go)


def raw_tps(url: URL, clients: int, seconds: int, lo: int, hi: int, case: int) -> float:
    work = [[seconds, lo, hi, case] for _ in range(clients)]
    elapsed, reports, _, _ = run_clients(raw_client, work, url)
    return sum(r["done"] for r in reports) / elapsed


# -- 3. SpiffWorkflow ------------------------------------------------------------------------


def spiff_client(
    url: URL, work: list[Any], ready: Barrier, go: Barrier, results: Any, index: int
) -> None:
    def run() -> dict[str, Any]:
        import psycopg
        from SpiffWorkflow.bpmn.parser import BpmnParser
        from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
        from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
        from SpiffWorkflow.util.task import TaskState

        count, reload = work
        parser = BpmnParser()
        parser.add_bpmn_file(str(BPMN))
        spec = parser.get_spec("bench_task")
        serializer = BpmnWorkflowSerializer()

        with psycopg.connect(libpq(url)) as conn:

            def created(n: int) -> list[tuple[int, Any]]:
                """n workflows started (their first user task ready), committed untimed."""
                made = []
                for _ in range(n):
                    workflow = BpmnWorkflow(spec)
                    workflow.do_engine_steps()
                    row = conn.execute(
                        "INSERT INTO spiff_workflow (version, state) VALUES (1, %s) RETURNING id",
                        (serializer.serialize_json(workflow),),
                    ).fetchone()
                    assert row is not None
                    made.append((row[0], workflow))
                conn.commit()
                return made

            def steps(made: list[tuple[int, Any]]) -> int:
                taken = 0
                for workflow_id, kept in made:
                    workflow, version = kept, 1
                    for step in ("start", "complete"):
                        if reload:
                            row = conn.execute(
                                "SELECT state::text, version FROM spiff_workflow WHERE id = %s",
                                (workflow_id,),
                            ).fetchone()
                            assert row is not None
                            workflow, version = serializer.deserialize_json(row[0]), row[1]
                        task = workflow.get_next_task(state=TaskState.READY, manual=True)
                        assert task is not None and task.task_spec.name == step
                        task.run()
                        workflow.do_engine_steps()
                        state = serializer.serialize_json(workflow)
                        with conn.cursor() as cur:
                            cur.execute(
                                "UPDATE spiff_workflow SET state = %s, version = version + 1, "
                                "updated_at = now() WHERE id = %s AND version = %s",
                                (state, workflow_id, version),
                            )
                            if cur.rowcount != 1:
                                raise RuntimeError(f"workflow {workflow_id} changed under us")
                            cur.execute(
                                "INSERT INTO spiff_history (workflow_id, step, version) "
                                "VALUES (%s, %s, %s)",
                                (workflow_id, step, version + 1),
                            )
                        conn.commit()
                        version += 1
                        taken += 1
                return taken

            steps(created(WARM))
            made = created(count)
            ready.wait()
            go.wait()
            start = time.monotonic()
            taken = steps(made)
            return {"start": start, "end": time.monotonic(), "steps": taken}

    report_errors(results, index, run, ready, go)


def spiff_rate(url: URL, clients: int, count: int, reload: bool) -> float:
    elapsed, reports, _, _ = run_clients(spiff_client, [[count, reload]] * clients, url)
    return sum(r["steps"] for r in reports) / elapsed


# -- the profile -----------------------------------------------------------------------------


def profile(app: Application, count: int, top: int = 25) -> None:
    tasks = routed_tasks(app, count + WARM)
    actor = worker_actor()
    move_tasks(app, actor, tasks[:WARM])
    profiler = cProfile.Profile()
    profiler.enable()
    move_tasks(app, actor, tasks[WARM:])
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.strip_dirs()
    print(f"\nProfile of one process's loop ({2 * count} calls), by cumulative time:")
    stats.sort_stats("cumulative").print_stats(top)
    print("by own time:")
    stats.sort_stats("tottime").print_stats(top)


# -- the run ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=1000, help="tasks each process moves")
    parser.add_argument("--clients", default="1,2", help="numbers of client processes")
    parser.add_argument("--seconds", type=int, default=5, help="each pgbench / psycopg run")
    parser.add_argument("--profile", action="store_true", help="then profile one process")
    args = parser.parse_args()

    url = make_url(os.environ.get("HAMYAR_BENCH_DATABASE_URL", DEFAULT_URL))
    if not url.drivername.startswith("postgresql"):
        raise SystemExit("bench/transitions.py measures PostgreSQL: give a postgresql+psycopg URL")
    fresh_database(url)
    try:
        with tempfile.TemporaryDirectory(prefix="hamyar-bench-") as folder:
            configure(url.render_as_string(False), REDIS_URL, install_plugin(Path(folder)))
            measure(url, args)
    finally:
        drop_database(url)


def measure(url: URL, args: argparse.Namespace) -> None:
    import psycopg
    from sqlmodel import SQLModel

    from hamyar.core.application.context import Application
    from hamyar.core.application.setup import prepare_database

    app = Application.build()
    SQLModel.metadata.create_all(app.engine)
    prepare_database(app)
    with psycopg.connect(libpq(url)) as conn:
        conn.execute(SPIFF_TABLES)
    server = scalar(url, "SHOW server_version")
    print(
        f"Transitions on PostgreSQL {server}, {os.cpu_count()} CPUs (load average "
        f"{os.getloadavg()[0]:.1f}), {args.tasks} tasks per process (start + complete, a commit "
        f"each), pgbench/psycopg {args.seconds} s"
    )
    for clients in [int(k) for k in args.clients.split(",")]:
        hamyar = engine_rate(app, url, clients, args.tasks)
        lo, hi = scalar(url, "SELECT min(id) FROM task"), scalar(url, "SELECT max(id) FROM task")
        case = scalar(url, 'SELECT min(id) FROM "case"')
        ceiling = pgbench_tps(url, clients, args.seconds, lo, hi, case)
        raw = raw_tps(url, clients, args.seconds, lo, hi, case)
        kept = spiff_rate(url, clients, args.tasks, reload=False)
        loaded = spiff_rate(url, clients, args.tasks, reload=True)
        calls = hamyar["calls/s"]
        kinds = ", ".join(f"{v:.1f} {k}" for k, v in hamyar["kinds"].items())
        plural = "es" if clients > 1 else ""
        print(f"\n  {clients} client process{plural}:")
        print(
            f"    Hamyar take_transition   {calls:7.0f} committed calls/s   "
            f"{hamyar['changes/s']:7.0f} state changes/s (history rows; "
            f"{hamyar['events/s']:.0f} transition events/s)"
        )
        print(
            f"      per call: {hamyar['statements']:.1f} statements ({kinds}); "
            f"≈ {hamyar['round trips']:.1f} round trips with the pool's ping "
            f"({hamyar['pings']:.1f}), BEGIN and COMMIT ({hamyar['commits']:.1f})"
        )
        if ceiling is not None:
            print(
                f"    pgbench UPDATE+INSERT    {ceiling:7.0f} tps   "
                f"Hamyar ÷ pgbench {calls / ceiling:5.2f}"
            )
        else:
            print("    pgbench                  not found; the ratio below is to raw psycopg")
        versus = f"   (psycopg ÷ pgbench {raw / ceiling:4.2f})" if ceiling is not None else ""
        print(
            f"    psycopg UPDATE+INSERT    {raw:7.0f} tps   Hamyar ÷ psycopg {calls / raw:5.2f}"
            + versus
        )
        print(
            f"    Spiff, kept in memory    {kept:7.0f} persisted steps/s   "
            f"Hamyar ÷ Spiff {calls / kept:5.2f}"
        )
        print(
            f"    Spiff, loaded each step  {loaded:7.0f} persisted steps/s   "
            f"Hamyar ÷ Spiff {calls / loaded:5.2f}"
        )
    print(
        "\n  aims: Hamyar ÷ pgbench >= 0.7 with the same clients; "
        f"Hamyar ÷ Spiff >= 2 (per committed step); load average now {os.getloadavg()[0]:.1f}"
    )
    if args.profile:
        profile(app, args.tasks)
    app.engine.dispose()


if __name__ == "__main__":
    main()
