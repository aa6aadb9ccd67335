"""`hamyar db upgrade` builds exactly the schema the models describe, on both databases.

The schema is one Alembic history with a branch per owner: the core's (`core`) and the library
plugin's (`library`), which took over the library's tables from the core's first revision; a
database migrated before that keeps its library rows.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path

import pluggy
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel, select

from hamyar.core.cases import task_tally
from hamyar.core.exceptions import HamyarError
from hamyar.core.geo import load_places
from hamyar.core.plugin.registry import Registry
from hamyar.core.routing.router import route_case
from hamyar.core.storage.database import make_engine
from hamyar.core.storage.migrations import (
    EXPRESSION_INDEXES,
    current_heads,
    downgrade,
    include_object,
    plugin_migration_folders,
    upgrade,
)
from hamyar.core.storage.models import County, Task, utcnow
from hamyar.core.storage.registry_mirror import sync_registry
from hamyar.plugins.library.models import (
    Partner,
    PublishedWeek,
    RouteStop,
    VisitBooking,
    VisitPartner,
)
from tests.test_routing import new_case

LIBRARY_TABLES = {
    "library_route_stop",
    "library_published_week",
    "library_visit_booking",
    "library_partner",
    "library_visit_partner",
}
LIBRARY_HEAD = "library_0002"
ADOPTED_TABLES = {"library_route_stop", "library_published_week", "library_visit_booking"}
"""The tables the core's first revision used to make, which the library branch adopts."""
(CORE_HEAD,) = current_heads()  # the core's own revisions form one line


@pytest.fixture
def empty_database(tmp_path: Path, worker_id: str, testrun_uid: str) -> Iterator[str]:
    server = os.environ.get("HAMYAR_TEST_DATABASE_URL", "")
    if not server.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    name = f"hamyar_migrate_{testrun_uid[:8]}_{worker_id}"
    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(server).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_there_is_one_head_per_branch() -> None:
    assert len(current_heads()) == 1  # the core's branch
    folders = plugin_migration_folders()
    assert set(folders) == {"library"}
    assert sorted(current_heads(folders)) == sorted([CORE_HEAD, LIBRARY_HEAD])


def test_upgrade_matches_the_models(empty_database: str) -> None:
    upgrade(empty_database)
    engine = make_engine(empty_database)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_object})
        diff = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert diff == []


def test_upgrade_makes_the_expression_indexes(empty_database: str) -> None:
    """Autogenerate cannot compare them (`EXPRESSION_INDEXES`): looked up by name instead."""
    upgrade(empty_database)
    engine = make_engine(empty_database)
    catalogue = (
        "SELECT indexname FROM pg_indexes WHERE tablename = 'task'"
        if engine.dialect.name == "postgresql"
        else "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'task'"
    )
    with engine.connect() as conn:
        names = {row[0] for row in conn.execute(text(catalogue))}
    engine.dispose()
    assert set(EXPRESSION_INDEXES) <= names


def test_upgrade_twice_is_harmless(empty_database: str) -> None:
    upgrade(empty_database)
    upgrade(empty_database)
    engine = make_engine(empty_database)
    assert "case" in inspect(engine).get_table_names()
    engine.dispose()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    names = set(inspect(engine).get_table_names())
    engine.dispose()
    return names


def _versions(url: str) -> set[str]:
    engine = make_engine(url)
    with engine.connect() as conn:
        found = {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
    engine.dispose()
    return found


def _schema_diff(url: str) -> list[object]:
    engine = make_engine(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_object})
        diff = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    return list(diff)


def _database_before_the_library_branch(url: str) -> None:
    """A database as `hamyar db upgrade` left it while the core's first revision still made
    the library's tables: the core at "0007", the three tables present, no library revision.

    That revision was autogenerated from these very models (and test_upgrade_matches_the_models
    held it to them), so creating the tables from the models makes what it made.
    """
    upgrade(url, "core@0007")
    assert not LIBRARY_TABLES & _tables(url)
    engine = make_engine(url)
    tables = [m.__table__ for m in (RouteStop, PublishedWeek, VisitBooking)]  # type: ignore[attr-defined]
    SQLModel.metadata.create_all(engine, tables=tables)
    engine.dispose()
    assert _versions(url) == {"0007"}


def _library_rows(
    url: str, registry: Registry, pm: pluggy.PluginManager
) -> dict[str, list[tuple[object, ...]]]:
    """A booked visit, the route it was booked into and a published week: what an office and
    the booking handler write, through the core's own routing."""
    engine = make_engine(url)
    # Today's booking code also reads the visit partners (library_0002, after the adoption);
    # they exist only while the rows are written, as the old database never had them.
    partners = [m.__table__ for m in (Partner, VisitPartner)]  # type: ignore[attr-defined]
    SQLModel.metadata.create_all(engine, tables=partners)
    with Session(engine, expire_on_commit=False) as session:
        sync_registry(session, registry)
        load_places(session)
        case = new_case(session, registry, "library.mobile_visit")
        assert case.id is not None
        assert route_case(session, case.id, registry, pm=pm).outcome == "routed"
        task = session.exec(select(Task).where(Task.case_id == case.id)).one()
        county = session.exec(select(County).where(County.code == "karaj")).one()
        stop = RouteStop(
            county_id=county.id, unit="کتابخانه سیار ۲ کرج", weekday=5, start=time(9), end=time(12)
        )
        session.add(stop)
        session.flush()
        session.add(
            VisitBooking(stop_id=stop.id, day=date(2025, 5, 3), task_id=task.id, case_id=case.id)
        )
        session.add(
            PublishedWeek(
                county_id=county.id,
                week_start=date(2025, 5, 3),
                entries=[{"unit": stop.unit, "day": "2025-05-03", "start": "09:00"}],
            )
        )
        session.commit()
    SQLModel.metadata.drop_all(engine, tables=partners[::-1])
    engine.dispose()
    return _read_library_rows(url)


def _read_library_rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = {
            table: [tuple(r) for r in conn.execute(text(f'SELECT * FROM "{table}" ORDER BY id'))]
            for table in sorted(ADOPTED_TABLES)
        }
    engine.dispose()
    return rows


def test_an_existing_database_keeps_its_library_rows_when_the_branch_takes_them_over(
    empty_database: str, registry: Registry, plugin_manager: pluggy.PluginManager
) -> None:
    _database_before_the_library_branch(empty_database)
    # `hamyar db upgrade` brings the core to its head before the library's branch adopts the
    # tables; rows written by today's code at that point are what the adoption must keep.
    upgrade(empty_database, "core@head")
    before = _library_rows(empty_database, registry, plugin_manager)
    assert all(len(rows) == 1 for rows in before.values())

    assert upgrade(empty_database) == ["core", "library"]

    assert _versions(empty_database) == {CORE_HEAD, LIBRARY_HEAD}
    assert _read_library_rows(empty_database) == before
    assert _schema_diff(empty_database) == []  # the same schema a fresh database gets
    upgrade(empty_database)  # and again: nothing moves, nothing is lost
    assert _read_library_rows(empty_database) == before
    # The unique constraint that makes double-booking impossible is still there.
    engine = make_engine(empty_database)
    uniques = inspect(engine).get_unique_constraints("library_visit_booking")
    engine.dispose()
    assert {tuple(u["column_names"]) for u in uniques} >= {("stop_id", "day"), ("task_id",)}


def test_a_fresh_database_gets_the_library_tables_from_the_library_branch(
    empty_database: str,
) -> None:
    upgrade(empty_database, disabled={"library"})
    assert not LIBRARY_TABLES & _tables(empty_database)  # the core's revisions no longer make them
    upgrade(empty_database)
    assert _tables(empty_database) >= LIBRARY_TABLES
    assert _versions(empty_database) == {CORE_HEAD, LIBRARY_HEAD}
    assert _schema_diff(empty_database) == []


def test_the_library_branch_comes_down_alone_and_goes_up_again(empty_database: str) -> None:
    upgrade(empty_database)
    core_tables = _tables(empty_database) - LIBRARY_TABLES
    assert downgrade(empty_database, "library@base") == "library"
    assert _tables(empty_database) == core_tables
    assert _versions(empty_database) == {CORE_HEAD}
    upgrade(empty_database)
    assert _tables(empty_database) >= LIBRARY_TABLES and _schema_diff(empty_database) == []


def test_a_disabled_plugins_branch_is_left_alone(empty_database: str) -> None:
    upgrade(empty_database)
    assert upgrade(empty_database, disabled={"library"}) == ["core"]
    with pytest.raises(HamyarError, match="disabled"):
        downgrade(empty_database, "library@base", disabled={"library"})
    assert _tables(empty_database) >= LIBRARY_TABLES
    assert _versions(empty_database) == {CORE_HEAD, LIBRARY_HEAD}


@pytest.mark.parametrize(
    ("target", "says"),
    [("library", "name a branch"), ("kiosk@base", "no migration branch 'kiosk'")],
)
def test_a_downgrade_must_name_a_known_branch(empty_database: str, target: str, says: str) -> None:
    upgrade(empty_database)
    with pytest.raises(HamyarError, match=says):
        downgrade(empty_database, target)
    assert _tables(empty_database) >= LIBRARY_TABLES


def _row(table: sa.Table, **given: object) -> dict[str, object]:
    """`given`, and a plain value for every other column the table requires."""
    filler: dict[type, object] = {int: 0, str: "x", bool: False, dict: {}}
    row = dict(given)
    for column in table.columns:
        if column.name in row or column.nullable or column.primary_key:
            continue
        if column.server_default is not None:
            continue
        try:
            kind = column.type.python_type
        except NotImplementedError:
            kind = dict
        row[column.name] = utcnow() if kind is datetime else filler.get(kind, "{}")
    return row


def test_tasks_of_a_crisis_case_get_its_priority_on_upgrade(empty_database: str) -> None:
    """0017 copies each case's priority onto its tasks, which worklists now order by."""
    upgrade(empty_database, "core@0016_task_agency_case")
    engine = make_engine(empty_database)
    meta = sa.MetaData()
    meta.reflect(engine, only=["agency", "service", "case", "task"])
    agency, service, case, task = (meta.tables[n] for n in ("agency", "service", "case", "task"))
    with engine.begin() as conn:
        conn.execute(agency.insert().values(_row(agency, code="city")))
        conn.execute(service.insert().values(_row(service, code="city.flood", agency_code="city")))
        for case_id, priority in ((1, 2), (2, 0)):
            conn.execute(
                case.insert().values(
                    _row(
                        case,
                        id=case_id,
                        tracking_code=f"000000000{case_id}",
                        service_code="city.flood",
                        priority=priority,
                        data={},
                        variables={},
                    )
                )
            )
            conn.execute(
                task.insert().values(
                    _row(
                        task,
                        id=case_id,
                        case_id=case_id,
                        agency_code="city",
                        service_code="city.flood",
                        variables={},
                    )
                )
            )
    engine.dispose()
    upgrade(empty_database)
    engine = make_engine(empty_database)
    with engine.connect() as conn:
        found = dict(conn.execute(text("SELECT id, priority FROM task ORDER BY id")).all())
    engine.dispose()
    assert found == {1: 2, 2: 0}


def test_the_open_task_tally_counts_the_tasks_already_there_on_upgrade(
    empty_database: str,
) -> None:
    """0018 makes the tally's triggers and counts the open tasks written before them; from then
    on the triggers keep it."""
    upgrade(empty_database, "core@0017_task_priority")
    engine = make_engine(empty_database)
    meta = sa.MetaData()
    meta.reflect(engine, only=["agency", "service", "case", "task"])
    agency, service, case, task = (meta.tables[n] for n in ("agency", "service", "case", "task"))
    with engine.begin() as conn:
        conn.execute(agency.insert().values(_row(agency, code="city")))
        conn.execute(service.insert().values(_row(service, code="city.flood", agency_code="city")))
        conn.execute(
            case.insert().values(
                _row(
                    case,
                    id=1,
                    tracking_code="0000000001",
                    service_code="city.flood",
                    data={},
                    variables={},
                )
            )
        )
        for task_id, assignee, resolved in (
            (1, "rana", None),
            (2, "rana", None),
            (3, None, None),
            (4, "rana", utcnow()),
        ):
            conn.execute(
                task.insert().values(
                    _row(
                        task,
                        id=task_id,
                        case_id=1,
                        agency_code="city",
                        service_code="city.flood",
                        variables={},
                        assignee=assignee,
                        resolved_at=resolved,
                    )
                )
            )
    engine.dispose()
    upgrade(empty_database)
    engine = make_engine(empty_database)
    with engine.begin() as conn:
        conn.execute(text("UPDATE task SET assignee = 'rana' WHERE id = 3"))
    with Session(engine) as session:
        assert task_tally.held(session, frozenset({"city"})) == {"rana": 3}
    engine.dispose()
