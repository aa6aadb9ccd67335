"""Routing one new case, in one process, beside the database's own cost of a write, by size.

    pip install -e '.[bench]'
    python bench/routing.py [--cases 300] [--sizes 10000,100000,1000000]

HAMYAR_BENCH_DATABASE_URL names the database, default
postgresql+psycopg://postgres@127.0.0.1:5432/hamyar_bench_routing; it is DROPPED and created
afresh for each size. Nothing here needs Redis. Prints figures and ratios; asserts nothing.

For each size, with the shipped plugins and the demo places: that many earlier municipal reports
are written straight into the database (spread over 96 neighbourhoods, four categories and a
year, one in ten still open), then `--cases` new reports with titles of their own, in every
neighbourhood and category, are routed one at a time as a worker routes them
(`steps.route_new_case`, one unit of work and commit each): the duplicate check, the plugins'
and rules' proposals, the task with its due date, the case's move. It prints the time and the
statements a case costs, beside the same process running pgbench's UPDATE + INSERT of one
history row per transaction through raw psycopg (the least a write of the engine costs), and
the ratio of the largest size's figure to the smallest's (1.0 is flat).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from transitions import drop_database, fresh_database, libpq, raw_write  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/hamyar_bench_routing"
WARM = 30
"""Cases routed before the clock starts: imports, the process's reference rows, statements."""
CATEGORIES = ("street_lighting", "waste", "roads_potholes", "stray_animals")
WORDS = (
    *("چراغ", "کوچه", "خیابان", "پارک", "درخت", "زباله", "جوی", "پل", "آسفالت", "چاله"),
    *("سگ", "مدرسه", "بوستان", "نیمکت", "تابلو", "پیاده‌رو", "ایستگاه", "شیر", "آب", "فاضلاب"),
)
EARLIER = """
INSERT INTO "case" (tracking_code, service_code, agency_code, neighbourhood_id, title,
    description, data, channel, category, workflow_id, workflow_version, state, version,
    variables, priority, confidential, search_text, created_at, updated_at)
SELECT 'B' || g, 'municipality.report', 'municipality', n.ids[1 + g %% array_length(n.ids, 1)],
    'گزارش شماره ' || g, '', '{}', 'api', (%(categories)s::text[])[1 + (g / 96) %% 4],
    'hamyar.case', NULL, CASE WHEN g %% 10 = 0 THEN 'in_progress' ELSE 'closed' END, 3, '{}',
    0, false, '',
    now() - (g %% 365) * interval '1 day' - (g %% 86400) * interval '1 second', now()
FROM generate_series(1, %(count)s) g, (SELECT array_agg(id ORDER BY id) AS ids FROM neighbourhood) n
"""


def seed_earlier(url: URL, count: int) -> None:
    import psycopg

    if not count:
        return
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        conn.execute(EARLIER, {"count": count, "categories": list(CATEGORIES)})
        # Settled before the clock starts: the planner's statistics, the visibility map, and
        # the written pages flushed, so no checkpoint or autovacuum runs beside the timing.
        conn.execute('VACUUM ANALYZE "case"')
        conn.execute("CHECKPOINT")


def new_reports(app: Any, count: int) -> list[int]:
    from sqlmodel import col, select

    from hamyar.core.auth.actor import Actor
    from hamyar.core.cases.intake import open_case
    from hamyar.core.storage.models import Case, Neighbourhood
    from hamyar.core.workflow import roles as R

    clerk = Actor.from_assignments("operator", [(R.COORDINATOR, None)])
    chance = random.Random(1)
    with app.unit_of_work() as uow:
        places = list(uow.session.exec(select(Neighbourhood.id).order_by(col(Neighbourhood.id))))
        for n in range(count):
            open_case(
                uow.session,
                app.registry,
                clerk,
                service="municipality.report",
                title=" ".join(chance.sample(WORDS, 6)),
                neighbourhood_id=places[n % len(places)],
                category=CATEGORIES[n % len(CATEGORIES)],
                channel="api",
            )
    with app.read_session() as session:
        query = select(Case.id).where(Case.state == "new").order_by(col(Case.id))
        return [i for i in session.exec(query) if i is not None]


def route_rate(app: Any, ids: list[int]) -> tuple[float, float]:
    """(ms a case, statements a case) over `ids` after the warm-up."""
    from sqlalchemy import event

    from hamyar.core.application.steps import route_new_case

    sent: list[str] = []

    def note(*_args: Any) -> None:
        sent.append("")

    for case_id in ids[:WARM]:
        route_new_case(app.unit_of_work(), case_id)
    event.listen(app.engine, "before_cursor_execute", note)
    started = time.perf_counter()
    for case_id in ids[WARM:]:
        route_new_case(app.unit_of_work(), case_id)
    elapsed = time.perf_counter() - started
    event.remove(app.engine, "before_cursor_execute", note)
    timed = len(ids) - WARM
    return 1000 * elapsed / timed, len(sent) / timed


def raw_write_ms(url: URL, count: int) -> float:
    """ms of one UPDATE + INSERT transaction through raw psycopg, on the routed tasks."""
    import psycopg

    with psycopg.connect(libpq(url)) as conn:
        lo, hi, case = conn.execute("SELECT min(id), max(id), min(case_id) FROM task").fetchone()
        once = raw_write(conn, lo, hi, case, random.Random(2))
        for _ in range(WARM):
            once()
        started = time.perf_counter()
        for _ in range(count):
            once()
        return 1000 * (time.perf_counter() - started) / count


def measure(url: URL, size: int, cases: int) -> dict[str, float]:
    from sqlmodel import SQLModel

    from hamyar.core.application.context import Application
    from hamyar.core.application.setup import prepare_database
    from hamyar.core.geo import load_places

    fresh_database(url)
    app = Application.build()
    SQLModel.metadata.create_all(app.engine)
    prepare_database(app)
    with app.unit_of_work() as uow:
        load_places(uow.session)
    seed_earlier(url, size)
    ids = new_reports(app, cases + WARM)
    ms, statements = route_rate(app, ids)
    baseline = raw_write_ms(url, cases)
    app.engine.dispose()
    return {"ms": ms, "statements": statements, "raw": baseline}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=300, help="new reports routed, timed")
    parser.add_argument(
        "--sizes", default="10000,100000,1000000", help="earlier cases in the database"
    )
    args = parser.parse_args()
    url = make_url(os.environ.get("HAMYAR_BENCH_DATABASE_URL", DEFAULT_URL))
    if not url.drivername.startswith("postgresql"):
        raise SystemExit("bench/routing.py measures PostgreSQL: give a postgresql+psycopg URL")
    os.environ.update(
        HAMYAR_DATABASE_URL=url.render_as_string(False),
        HAMYAR_REDIS_URL="redis://127.0.0.1:6379/9",  # settings want one; routing sends nothing
        HAMYAR_MEDIA_URL=Path(tempfile.mkdtemp(prefix="hamyar-bench-")).as_uri(),
    )
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"Routing new municipal reports one at a time on PostgreSQL, {os.cpu_count()} CPUs, "
        f"{args.cases} timed per size"
    )
    found: dict[int, dict[str, float]] = {}
    try:
        for size in sizes:
            found[size] = figures = measure(url, size, args.cases)
            print(
                f"  {size:>9,} earlier cases: {figures['ms']:.2f} ms a case, "
                f"{figures['statements']:.1f} statements; raw UPDATE+INSERT "
                f"{figures['raw']:.2f} ms; routing ÷ raw write {figures['ms'] / figures['raw']:.1f}"
            )
    finally:
        drop_database(url)
    if len(sizes) > 1:
        small, large = found[min(sizes)], found[max(sizes)]
        print(
            f"  cases routed per second at {max(sizes):,} ÷ at {min(sizes):,}: "
            f"{small['ms'] / large['ms']:.2f} (1.0 is flat)"
        )


if __name__ == "__main__":
    main()
