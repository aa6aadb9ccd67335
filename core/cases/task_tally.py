"""How many open tasks each person holds in each agency, kept by the database as tasks change.

A supervisor's team list shows every person's open tasks. Counted from `task` on each refresh,
that reads every open task of the agency (187,000 rows, 130 ms at a million cases, growing with
the agency). Instead the counts are kept in `open_task_tally` (`OpenTaskTally`):

- **Triggers on `task`** add a row of +1 for a task that opens or comes to someone and of -1 for
  one that closes or leaves them (a claim is -1 for the queue and +1 for its new holder). They
  fire for every statement, the engine's version-checked UPDATE, a bulk reassignment and a
  migration alike, in the writer's own transaction: a count is never ahead of or behind what
  was committed, and concurrent writers only ever INSERT, so no row is a point of contention.
- **A worker folds** the rows into one per (agency, holder) every few seconds (`compact`): it
  deletes the rows it read and writes their sums in one transaction, so concurrent writers'
  rows are either folded or left for the next pass, never lost or counted twice.
- **Reading** a team's counts is then one indexed `SUM` over a few rows per person (`held`).

The triggers are not SQLModel tables, so `create_all` gets them through an `after_create`
listener on the task table, migrations call `install`, and every process's start-up calls
`ensure_task_tally` — which also rebuilds the tally from `task` when it finds the triggers
missing (SQLite drops a table's triggers when a migration rebuilds it), so a tally is never
trusted that missed a write. All statements are idempotent.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, delete, event, func, insert, inspect, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col

from hamyar.core.storage.models import OpenTaskTally

TABLE = "open_task_tally"
_INSERT = f"INSERT INTO {TABLE} (agency_code, assignee, delta)"

# Which change of a task moves a count: it opened or closed, or it was open and changed holder
# or agency. `resolved_at IS NULL` is what "open" means (`status.task_is_open`).
_MOVES = (
    "(OLD.resolved_at IS NULL) <> (NEW.resolved_at IS NULL) OR (OLD.resolved_at IS NULL AND "
    "(OLD.assignee IS {ne} NEW.assignee OR OLD.agency_code IS {ne} NEW.agency_code))"
)

_SQLITE_DDL = [
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_ai AFTER INSERT ON task
        WHEN NEW.resolved_at IS NULL BEGIN
        {_INSERT} VALUES (NEW.agency_code, NEW.assignee, 1); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_ad AFTER DELETE ON task
        WHEN OLD.resolved_at IS NULL BEGIN
        {_INSERT} VALUES (OLD.agency_code, OLD.assignee, -1); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_au AFTER UPDATE OF resolved_at, assignee,
        agency_code ON task WHEN {_MOVES.format(ne="NOT")} BEGIN
        {_INSERT} SELECT OLD.agency_code, OLD.assignee, -1 WHERE OLD.resolved_at IS NULL;
        {_INSERT} SELECT NEW.agency_code, NEW.assignee, 1 WHERE NEW.resolved_at IS NULL; END""",
]
_SQLITE_TRIGGERS = (f"{TABLE}_ai", f"{TABLE}_ad", f"{TABLE}_au")

_POSTGRES_FUNCTION = f"""CREATE OR REPLACE FUNCTION {TABLE}_count() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' AND OLD.resolved_at IS NULL THEN
            {_INSERT} VALUES (OLD.agency_code, OLD.assignee, -1);
        END IF;
        IF TG_OP <> 'DELETE' AND NEW.resolved_at IS NULL THEN
            {_INSERT} VALUES (NEW.agency_code, NEW.assignee, 1);
        END IF;
        RETURN NULL;
    END $$"""
_POSTGRES_TRIGGERS = {
    f"{TABLE}_insert_delete": f"AFTER INSERT OR DELETE ON task FOR EACH ROW "
    f"EXECUTE FUNCTION {TABLE}_count()",
    f"{TABLE}_update": f"AFTER UPDATE OF resolved_at, assignee, agency_code ON task FOR EACH ROW "
    f"WHEN ({_MOVES.format(ne='DISTINCT FROM')}) EXECUTE FUNCTION {TABLE}_count()",
}


def _missing(connection: Connection) -> bool:
    """Whether any of the triggers is absent (then the tally may have missed writes)."""
    if connection.dialect.name == "sqlite":
        found = connection.execute(
            text(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN (:a, :b, :c)"
            ),
            dict(zip("abc", _SQLITE_TRIGGERS, strict=True)),
        ).scalar_one()
        return int(found) < len(_SQLITE_TRIGGERS)
    found = connection.execute(
        text(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'task'::regclass AND tgname IN "
            "(:a, :b)"
        ),
        dict(zip("ab", _POSTGRES_TRIGGERS, strict=True)),
    ).scalar_one()
    return int(found) < len(_POSTGRES_TRIGGERS)


def install(connection: Connection) -> None:
    """Create the triggers on this connection's database (idempotent); where any was missing,
    count the tally afresh from the tasks, in the same transaction."""
    dialect = connection.dialect.name
    if dialect not in ("sqlite", "postgresql"):
        return
    if not _missing(connection):
        return
    if dialect == "sqlite":
        for statement in _SQLITE_DDL:
            connection.exec_driver_sql(statement)
    else:
        # Writers wait for the lock while the tally is rebuilt: none is counted twice or lost.
        connection.exec_driver_sql("LOCK TABLE task IN SHARE ROW EXCLUSIVE MODE")
        if not _missing(connection):  # another process installed them meanwhile
            return
        connection.exec_driver_sql(_POSTGRES_FUNCTION)
        for name, body in _POSTGRES_TRIGGERS.items():
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON task")
            connection.exec_driver_sql(f"CREATE TRIGGER {name} {body}")
    connection.execute(delete(OpenTaskTally))
    connection.exec_driver_sql(
        f"{_INSERT} SELECT agency_code, assignee, count(*) FROM task "
        "WHERE resolved_at IS NULL GROUP BY agency_code, assignee"
    )


def ensure_task_tally(engine: Engine) -> None:
    with engine.begin() as connection:
        install(connection)


@event.listens_for(SQLModel.metadata, "after_create")
def _after_create(_metadata: Any, connection: Connection, **kw: Any) -> None:
    """After `create_all` made the task table or the tally, once both exist (a call that made
    only some tables, as a migration test does, leaves the triggers to whoever makes the
    rest)."""
    made = kw.get("tables")
    names = {t.name for t in made} if made is not None else {"task", TABLE}
    inspector = inspect(connection)
    if names & {"task", TABLE} and all(inspector.has_table(t) for t in ("task", TABLE)):
        install(connection)


def held(session: Session, agencies: frozenset[str]) -> dict[str | None, int]:
    """Open tasks of `agencies` per holder (None: nobody), holders of none left out."""
    if not agencies:
        return {}
    total = func.sum(col(OpenTaskTally.delta))
    rows = session.execute(
        select(col(OpenTaskTally.assignee), total)
        .where(col(OpenTaskTally.agency_code).in_(sorted(agencies)))
        .group_by(col(OpenTaskTally.assignee))
        .having(total != 0)
    )
    return {assignee: int(n) for assignee, n in rows}


def compact(session: Session) -> int:
    """Fold the tally into one row per (agency, holder); return how many rows it removed.
    Nothing is written when it is folded already.

    The rows are deleted and their sums written in the caller's transaction. On PostgreSQL the
    DELETE takes only rows committed when it ran (`RETURNING` says which): a writer committing
    meanwhile keeps its rows for the next pass. SQLite has one writer at a time.
    """
    rows, holders = session.execute(
        select(
            func.count(),
            func.count(
                func.distinct(
                    col(OpenTaskTally.agency_code)
                    + "/"
                    + func.coalesce(col(OpenTaskTally.assignee), "")
                )
            ),
        )
    ).one()
    if rows == holders:  # folded already: one row each
        return 0
    gone = session.execute(
        delete(OpenTaskTally).returning(
            col(OpenTaskTally.agency_code), col(OpenTaskTally.assignee), col(OpenTaskTally.delta)
        )
    ).all()
    sums: defaultdict[tuple[str, str | None], int] = defaultdict(int)
    for agency, assignee, delta in gone:
        sums[(agency, assignee)] += int(delta)
    kept = [
        {"agency_code": agency, "assignee": assignee, "delta": n}
        for (agency, assignee), n in sorted(sums.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
        if n
    ]
    if kept:
        session.execute(insert(OpenTaskTally), kept)
    return len(gone) - len(kept)
