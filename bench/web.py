"""The scale run: every role's lists, filtered lists, a deep cursor, search, worklists and
reports at 10k, 100k and 1M cases, beside a trivial endpoint of the same server.

Each size runs the real app under uvicorn in a subprocess on 127.0.0.1, beside a trivial Litestar
endpoint (`/bench/ping`: no database, no auth) served by the same process, and loads each
endpoint with `wrk` (Debian's package; a C client that saturates the trivial endpoint, which a
Python client cannot), printing requests per second, p50 and p99 latency, the share of the
trivial endpoint's speed, and — across sizes — the largest size's speed over the smallest's.
Listing, worklists and search should stay flat as cases grow: the last column near 1.0.

    python bench/web.py [--sizes 10000,100000,1000000] [--seconds 5] [--concurrency 16]

The cases are written in bulk the way routing leaves them: most with one task of their service's
agency, some joint with a second agency, some with a referral, health and welfare cases
confidential, a fifth resolved, a share of the open tasks held by a caseworker. Their text is
sentences of the Persian news reports in `../shared/seeds/`, so search words have the frequencies
of real text: the run picks a common word (in about one case in ten), an uncommon one (one in a
hundred) and a rare one, and prints their share.

Uses a fresh SQLite file in a temporary folder, or HAMYAR_BENCH_DATABASE_URL (a PostgreSQL
database that will be emptied, e.g. `postgresql+psycopg://postgres@127.0.0.1:5432/hamyar_bench`;
it is created when missing). Prints figures and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"

USERS = {
    # name: (global role, or agency role with its agency)
    "coordinator": ("Coordinator", None),
    "auditor": ("Auditor", None),
    "health_cw": ("Caseworker", "health"),
    "muni_cw": ("Caseworker", "municipality"),
    "muni_sup": ("Supervisor", "municipality"),
}


def endpoints(size: int, words: dict[str, str]) -> dict[str, tuple[str, str | None]]:
    """What is loaded at each size: (path, user). The deep cursor starts halfway down."""
    from urllib.parse import quote

    from hamyar.core.cases.listing import encode_cursor

    deep = encode_cursor(size // 2)
    words = {k: quote(v) for k, v in words.items()}
    return {
        "ping (trivial)": ("/bench/ping", None),
        "list, coordinator": ("/api/cases?limit=50", "coordinator"),
        "list, auditor": ("/api/cases?limit=50", "auditor"),
        "list, health caseworker": ("/api/cases?limit=50", "health_cw"),
        "list, municipality cw": ("/api/cases?limit=50", "muni_cw"),
        "list, muni supervisor": ("/api/cases?limit=50", "muni_sup"),
        "agency+state, health cw": (
            "/api/cases?limit=50&agency=health&state=in_progress",
            "health_cw",
        ),
        "agency+state, coordinator": (
            "/api/cases?limit=50&agency=welfare&state=in_progress",
            "coordinator",
        ),
        "deep cursor, health cw": (f"/api/cases?limit=50&cursor={deep}", "health_cw"),
        "search common, health cw": (f"/api/cases?limit=50&q={words['common']}", "health_cw"),
        "search common, coordinator": (f"/api/cases?limit=50&q={words['common']}", "coordinator"),
        "search uncommon, muni cw": (f"/api/cases?limit=50&q={words['uncommon']}", "muni_cw"),
        "search rare, health cw": (f"/api/cases?limit=50&q={words['rare']}", "health_cw"),
        "worklist my-tasks, health": ("/api/worklists/my-tasks?limit=50", "health_cw"),
        "worklist assigned, muni": ("/api/worklists/assigned-to-me?limit=50", "muni_cw"),
        "worklist team, supervisor": ("/api/worklists/team?limit=50", "muni_sup"),
        "worklist counts, muni cw": ("/api/worklists", "muni_cw"),
        "report by agency, coordinator": ("/api/reports/summary", "coordinator"),
        "report by agency, health cw": ("/api/reports/summary", "health_cw"),
    }


def bench_app() -> Any:
    """The real app plus one trivial endpoint, for `uvicorn --factory`."""
    from litestar import get

    from hamyar.core.web.app import create_app

    @get("/bench/ping", sync_to_thread=False)
    def ping() -> dict[str, str]:
        return {"ok": "pong"}

    return create_app(route_handlers=[ping])


def _ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in `url` when it is missing."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if not parsed.get_backend_name().startswith("postgresql"):
        return
    server = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        found = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}
        ).first()
        if not found:
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    server.dispose()


def _prepare(url: str, reuse: bool = False) -> dict[str, Any]:
    """Empty schema, plugins mirrored, one user per role with a token; what seeding needs.
    With `reuse`, a database a previous run seeded is kept (its users get new tokens)."""
    from sqlalchemy import func, select
    from sqlmodel import Session, SQLModel, col

    from hamyar.core.auth.tokens import new_token
    from hamyar.core.plugin.manager import build_plugins
    from hamyar.core.storage.database import make_engine
    from hamyar.core.storage.models import Case, RoleAssignment, Task, User, WorkflowVersion
    from hamyar.core.storage.registry_mirror import sync_registry

    _ensure_database(url)
    engine = make_engine(url)
    if not reuse:
        SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)  # with `reuse`: the tables added since, if any
    registry = build_plugins().registry
    with Session(engine, expire_on_commit=False) as session:
        sync_registry(session, registry)
        session.commit()
        versions = dict(
            session.execute(
                select(col(WorkflowVersion.workflow_id), func.max(WorkflowVersion.number)).group_by(
                    col(WorkflowVersion.workflow_id)
                )
            ).all()
        )
        tokens = {}
        for name, (role, agency) in USERS.items():
            user = session.execute(select(User).where(col(User.username) == name)).scalars().first()
            if user is None:
                user = User(username=name, password_hash="!")
                session.add(user)
                session.flush()
                session.add(RoleAssignment(user_id=user.id, role=role, agency_code=agency))
            tokens[name] = new_token(session, user, name="bench")[0]
            session.commit()
        seeded = session.execute(select(func.count()).select_from(Case)).scalar_one()
        tasks = session.execute(select(func.max(Task.id))).scalar_one() or 0
    services = sorted(registry.services.values(), key=lambda s: s.code)
    return {
        "engine": engine,
        "services": services,
        "tokens": tokens,
        "versions": versions,
        "seeded": seeded,
        "task_id": tasks,
    }


def _sentences() -> list[str]:
    """Sentences of the seed reports, 40–300 characters: the cases' text."""
    found: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        for sentence in re.split(r"[.!؟?\n]+", path.read_text(encoding="utf-8")):
            sentence = " ".join(sentence.split())
            if 40 <= len(sentence) <= 300:
                found.append(sentence)
    if not found:
        raise SystemExit(f"no seed reports in {SEEDS}")
    return found


def search_words(sentences: list[str]) -> dict[str, str]:
    """A common, an uncommon and a rare word of the seed text, by the share of cases (each one
    title and description sentence) whose search key has a term starting with it."""
    from hamyar.core.text.folding import query_terms, search_key

    keys = [set(search_key(s).split()) for s in sentences]
    counts: Counter[str] = Counter(t for k in keys for t in k if len(t) >= 4)
    share = {w: c / len(keys) for w, c in counts.items()}

    def near(target: float) -> str:
        return min(
            (w for w in sorted(share) if len(query_terms(w)) == 1),
            key=lambda w: abs(share[w] - target),
        )

    # A case holds two sentences (title, description): about twice a sentence's share. The
    # seed text has a few thousand sentences, too few for a rare word: a place name is added
    # to one case in RARE_EVERY instead.
    common = near(0.05)
    uncommon = near(0.004)
    return {"common": common, "uncommon": uncommon, "rare": RARE_WORD}


RARE_WORD = "کوهدشت"
RARE_EVERY = 5000


def _seed(ctx: dict[str, Any], start: int, stop: int) -> None:
    """Cases start+1..stop with their tasks, written in bulk (the bench is about reading)."""
    from sqlalchemy import insert

    from hamyar.core.storage.models import Case, Task, utcnow
    from hamyar.core.text.folding import search_key

    engine, services, versions = ctx["engine"], ctx["services"], ctx["versions"]
    sentences = ctx["sentences"]
    agencies = sorted({s.agency for s in services})
    staff = {a: [f"{a}_{n}" for n in range(200)] for a in agencies}
    staff["health"][0], staff["municipality"][0] = "health_cw", "muni_cw"
    rng = random.Random(start)
    now = utcnow()
    task_id = ctx.setdefault("task_id", 0)
    batch = 5000
    for lo in range(start, stop, batch):
        cases, tasks = [], []
        for i in range(lo, min(lo + batch, stop)):
            spec = services[i % len(services)]
            title = rng.choice(sentences)[:120]
            description = rng.choice(sentences)
            if rng.randrange(RARE_EVERY) == 0:
                description += " " + RARE_WORD
            roll = rng.random()
            triage = roll < 0.03
            resolved = not triage and roll > 0.8
            cases.append(
                {
                    "id": i + 1,
                    "tracking_code": f"{i + 1:010d}",
                    "service_code": spec.code,
                    "agency_code": None if triage else spec.agency,
                    "title": title,
                    "description": description,
                    "data": {},
                    "channel": "web",
                    "workflow_id": "hamyar.case",
                    "workflow_version": versions["hamyar.case"],
                    "state": "triage" if triage else "resolved" if resolved else "in_progress",
                    "version": 2,
                    "variables": {},
                    "priority": 1 if rng.random() < 0.05 else 0,
                    "confidential": spec.confidential,
                    "search_text": search_key(title, description),
                    "created_by": "bench",
                    "created_at": now,
                    "updated_at": now,
                    "due_at": now + timedelta(minutes=rng.randint(-14_400, 14_400)),
                    "resolved_at": now if resolved else None,
                }
            )
            if triage:
                continue
            held = [(spec.agency, spec.code, spec.workflow, "primary", None)]
            if rng.random() < 0.1:  # joint with a second agency
                other = rng.choice([s for s in services if s.agency != spec.agency])
                held.append((other.agency, other.code, other.workflow, "joint", None))
            if rng.random() < 0.03:  # a referral, mostly accepted, some offered or rejected
                other = rng.choice([s for s in services if s.agency != spec.agency])
                held.append((other.agency, other.code, "hamyar.referral", "referral", spec.agency))
            for agency, service, workflow, kind, referred_by in held:
                task_id += 1
                if kind == "referral":
                    state = rng.choice(("accepted", "accepted", "offered", "rejected", "done"))
                else:
                    state = "done" if resolved else rng.choice(("open", "open", "in_progress"))
                finished = state in ("done", "rejected")
                tasks.append(
                    {
                        "id": task_id,
                        "case_id": i + 1,
                        "agency_code": agency,
                        "service_code": service,
                        "workflow_id": workflow,
                        "workflow_version": versions[workflow],
                        "state": state,
                        "version": 1,
                        "variables": {},
                        "kind": kind,
                        "reason": "",
                        "referred_by": referred_by,
                        "assignee": None
                        if finished or rng.random() < 0.3
                        else rng.choice(staff[agency]),
                        "confidential": spec.confidential,
                        "created_at": now,
                        "updated_at": now,
                        "due_at": now + timedelta(minutes=rng.randint(-14_400, 14_400)),
                        "resolved_at": now if finished else None,
                    }
                )
        with engine.begin() as conn:
            conn.execute(insert(Case), cases)
            if tasks:
                conn.execute(insert(Task), tasks)
    ctx["task_id"] = task_id
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql('ANALYZE "case"')
            conn.exec_driver_sql("ANALYZE task")
            for table in ("case", "task"):  # past the largest id, whatever size was asked
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f'(SELECT coalesce(max(id), 0) + 1 FROM "{table}"))'
                )
        else:
            conn.exec_driver_sql("ANALYZE")


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def load(url: str, token: str | None, seconds: float, concurrency: int) -> dict[str, float]:
    """wrk against `url`: requests/s, p50 and p99 in ms, and the count of non-2xx answers."""
    import httpx

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    httpx.get(url, headers=headers, timeout=60).raise_for_status()  # warm up, and a 2xx
    command = ["wrk", "-t1", f"-c{concurrency}", f"-d{seconds:g}s", "--latency", "--timeout", "30s"]
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "bad": float(bad.group(1)) if bad else 0.0}


def _serve(url: str, port: int) -> subprocess.Popen[bytes]:
    from serving import serve

    env = {
        **os.environ,
        "HAMYAR_DATABASE_URL": url,
        "HAMYAR_SECRET_KEY": "bench-secret",
        "PYTHONPATH": str(ROOT),
    }
    return serve("bench.web:bench_app", env, port, "/bench/ping", timeout=600)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--only", default="", help="endpoint names to load, separated by semicolons"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the cases a previous run wrote to HAMYAR_BENCH_DATABASE_URL (one size only)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed (apt-get install wrk)")
    sizes = sorted(int(s) for s in args.sizes.split(","))
    from serving import free_port

    with tempfile.TemporaryDirectory(prefix="hamyar-bench-") as tmp:
        url = os.environ.get("HAMYAR_BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
        os.environ["HAMYAR_DATABASE_URL"] = url
        os.environ.setdefault("HAMYAR_SECRET_KEY", "bench-secret")
        ctx = _prepare(url, reuse=args.reuse)
        ctx["sentences"] = _sentences()
        words = search_words(ctx["sentences"])
        dialect = ctx["engine"].dialect.name
        print(
            f"database: {dialect}; wrk, {args.concurrency} connections, {args.seconds:g} s per "
            f"endpoint; search words: {words}"
        )
        results: dict[int, dict[str, dict[str, float]]] = {}
        names: list[str] = []
        seeded = ctx["seeded"]
        for size in sizes:
            t0 = time.perf_counter()
            _seed(ctx, seeded, size)
            seeded = size
            took = time.perf_counter() - t0
            print(f"seeded {size:,} cases ({ctx['task_id']:,} tasks) in {took:.0f} s")
            port = free_port()
            proc = _serve(url, port)
            try:
                results[size] = {}
                chosen = endpoints(size, words)
                only = {n.strip() for n in args.only.split(";") if n.strip()}
                names = [n for n in chosen if not only or n in only or n == "ping (trivial)"]
                for name in names:
                    path, user = chosen[name]
                    token = ctx["tokens"][user] if user else None
                    figures = load(
                        f"http://127.0.0.1:{port}{path}", token, args.seconds, args.concurrency
                    )
                    results[size][name] = figures
                    print(
                        f"  {size:>9,} {name:<28} {figures['rps']:>8.0f} req/s  "
                        f"p50 {figures['p50']:>7.1f} ms  p99 {figures['p99']:>7.1f} ms"
                        + (f"  NON-2XX {figures['bad']:.0f}" if figures["bad"] else ""),
                        flush=True,
                    )
            finally:
                proc.terminate()
                proc.wait(timeout=15)
        _report(sizes, names, results)
        ctx["engine"].dispose()


def _report(
    sizes: list[int], names: list[str], results: dict[int, dict[str, dict[str, float]]]
) -> None:
    print()
    header = f"{'endpoint':<28}" + "".join(
        f"{f'{s:,} req/s':>14}{'p50':>7}{'p99':>7}{'/ping':>7}" for s in sizes
    )
    if len(sizes) > 1:
        header += f"{f'{sizes[-1]:,}/{sizes[0]:,}':>15}"
    print(header)
    for name in names:
        line = f"{name:<28}"
        for size in sizes:
            f = results[size][name]
            ping = results[size]["ping (trivial)"]["rps"]
            line += f"{f['rps']:>14.0f}{f['p50']:>7.0f}{f['p99']:>7.0f}{f['rps'] / ping:>7.2f}"
        if len(sizes) > 1:
            line += f"{results[sizes[-1]][name]['rps'] / results[sizes[0]][name]['rps']:>15.2f}"
        print(line)


if __name__ == "__main__":
    main()
