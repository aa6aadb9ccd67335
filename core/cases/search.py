"""Full-text search over cases, on Persian-normalised keys, through an index — never a scan.

Opening a case stores `Case.search_text = search_key(title, description, …)` (`text.folding`):
plain space-separated, normalised terms. A query becomes `query_terms(q)`, every one of which
must start a term of the key (prefix match, what a search box wants: "کتاب" finds
"کتابخانه"). The index behind it depends on the database:

- **SQLite**: an FTS5 table `case_fts` with external content (`content='case'`), kept in step
  by triggers on insert, delete and change of `search_text`; queried with `"term"*` phrases.
- **PostgreSQL**: a `pg_trgm` GIN index on `' ' || search_text`, queried with
  `LIKE '% term%'` (a term at a word start), which the trigram index answers.

A query that *is* a tracking code (ten digits, in any digits, with or without separators) also
finds the case with that code, through the code's unique index; one that is a phone number
(09…, +989…, 00989…) finds the cases whose reporter has it, through `ix_case_reporter_phone` —
for those who may read reporters (`access.reporter_readable_cases`) only, so nobody else learns
anything from searching a phone (`search_condition`).

Neither index is a plain SQLModel table, so `SQLModel.metadata.create_all` gets them through an
`after_create` listener on the case table, and `ensure_search_index` creates them on a database
made another way (migrations call it; so does the web app at start-up). All statements are
idempotent.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    event,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col

from hamyar.core.auth.access import readable_cases, reporter_readable_cases
from hamyar.core.auth.actor import Actor
from hamyar.core.cases.status import DUPLICATE_STATES, REJECTED_STATES, case_is_resolved
from hamyar.core.storage.models import Case
from hamyar.core.text.folding import query_terms
from hamyar.core.text.phone_numbers import phone_key, tracking_code_in

FTS_TABLE = "case_fts"

_SQLITE_DDL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(search_text, content='case', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON "case" BEGIN
        INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON "case" BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
        VALUES ('delete', old.id, old.search_text); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE OF search_text ON "case" BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END""",
]
_POSTGRES_DDL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE INDEX IF NOT EXISTS ix_case_search_trgm ON "case"
       USING gin ((' ' || search_text) gin_trgm_ops)""",
]


def install(connection: Connection) -> None:
    """Create the search index on this connection's database (idempotent)."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        existed = connection.execute(
            text("SELECT 1 FROM sqlite_master WHERE name = :n"), {"n": FTS_TABLE}
        ).first()
        for statement in _SQLITE_DDL:
            connection.exec_driver_sql(statement)
        if not existed:  # cases written before the index: index them once
            connection.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
    elif dialect == "postgresql":
        for statement in _POSTGRES_DDL:
            connection.exec_driver_sql(statement)


def ensure_search_index(engine: Engine) -> None:
    with engine.begin() as connection:
        install(connection)


@event.listens_for(SQLModel.metadata.tables["case"], "after_create")
def _after_create(_table: Any, connection: Connection, **_kw: Any) -> None:
    install(connection)


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def matching_cases(query: str, dialect: str) -> ColumnElement[bool] | None:
    """SQL condition on `Case` for "matches every term of `query`"; None when it has no terms
    (a search for punctuation or one-letter words filters nothing)."""
    terms = query_terms(query)
    if not terms:
        return None
    if dialect == "sqlite":
        expression = " ".join('"' + t.replace('"', '""') + '"*' for t in terms)
        hits: Any = (
            select(literal_column("rowid"))
            .select_from(table(FTS_TABLE))
            .where(literal_column(FTS_TABLE).op("MATCH")(expression))
        )
        return Case.id.in_(hits)  # type: ignore[union-attr]
    key = literal_column("' '").concat(Case.search_text)
    conditions = [key.like(f"% {_escape_like(t)}%", escape="\\") for t in terms]
    return and_(*conditions)


def search_condition(actor: Actor, query: str, dialect: str) -> ColumnElement[bool] | None:
    """SQL condition on `Case` for a search box's `query`, as `actor` may search: its words in
    the content they may read, or the tracking code it is, or (for those who may read reporters)
    the reporter's phone it is. Each branch is answered by an index; None when `query` has
    nothing to search for."""
    options: list[ColumnElement[bool]] = []
    words = matching_cases(query, dialect)
    if words is not None:
        # Search reads content: a case whose content is hidden must not be findable by it.
        options.append(and_(words, readable_cases(actor)))
    code = tracking_code_in(query)
    if code is not None:
        options.append(col(Case.tracking_code) == code)
    phone = phone_key(query)
    if phone is not None:
        options.append(and_(col(Case.reporter_phone) == phone, reporter_readable_cases(actor)))
    if not options:
        return None
    return options[0] if len(options) == 1 else or_(*options)


MAX_EARLIER_REPORTS = 10


def open_reports_by_phone(session: Session, actor: Actor, phone: str) -> list[Case]:
    """The caller's open cases, newest first, found by the reporter's phone in any format —
    only among the cases whose reporter `actor` may read (`reporter_readable_cases`)."""
    key = phone_key(phone)
    if key is None:
        return []
    finished = (*REJECTED_STATES, *DUPLICATE_STATES)
    return list(
        session.execute(
            select(Case)
            .where(
                col(Case.reporter_phone) == key,
                reporter_readable_cases(actor),
                ~case_is_resolved(),
                col(Case.state).not_in(finished),
            )
            .order_by(col(Case.created_at).desc(), col(Case.id).desc())
            .limit(MAX_EARLIER_REPORTS)
        )
        .scalars()
        .all()
    )
