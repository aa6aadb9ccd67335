"""A third-party plugin's own tables: pip-installed, created by `hamyar db upgrade`, removed by
`hamyar db downgrade <plugin>@base`, and left alone while the plugin is disabled.

The plugin is a package outside this repository, built and installed with pip like any agency's,
and the commands run as an operator runs them (real processes, exit codes, one-line errors).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from hamyar.core.storage.database import make_engine
from tests.test_migrations import CORE_HEAD, empty_database  # noqa: F401  (fixture)
from tests.test_public_api import _pip

PLUGIN = '''
"""A shelf of donated books, with a table of its own."""

from datetime import datetime
from pathlib import Path

from sqlmodel import Field, SQLModel

from hamyar import AgencySpec, UTCDateTime, hookimpl, utcnow


class ShelfItem(SQLModel, table=True):
    __tablename__ = "shelf_item"

    id: int | None = Field(default=None, primary_key=True)
    county_id: int = Field(foreign_key="county.id", index=True)
    title: str = Field(max_length=200)
    given_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


@hookimpl
def register_agencies(register):
    register(AgencySpec(code="shelf", title_fa="قفسه کتاب", title_en="Book shelf"))


@hookimpl
def register_migrations(register):
    register(Path(__file__).parent / "migrations")
'''

REVISION = '''
"""the shelf's items

Revision ID: shelf_0001
"""

import sqlalchemy as sa
from alembic import op

from hamyar import UTCDateTime

revision = "shelf_0001"
down_revision = None
branch_labels = ("shelf",)
depends_on = "0001"  # the core's first revision: the county table


def upgrade():
    op.create_table(
        "shelf_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("county_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("given_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["county_id"], ["county.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_shelf_item_county_id", "shelf_item", ["county_id"])


def downgrade():
    op.drop_index("ix_shelf_item_county_id", table_name="shelf_item")
    op.drop_table("shelf_item")
'''

PYPROJECT = """
[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "shelf-hamyar"
version = "0.1.0"

[tool.setuptools]
packages = ["shelf_hamyar", "shelf_hamyar.migrations"]

[project.entry-points.hamyar]
shelf = "shelf_hamyar"
"""


@pytest.fixture(scope="module")
def shelf_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shelf plugin, built and pip-installed into a folder of its own."""
    source = tmp_path_factory.mktemp("shelf-src")
    (source / "pyproject.toml").write_text(textwrap.dedent(PYPROJECT), encoding="utf-8")
    package = source / "shelf_hamyar"
    (package / "migrations").mkdir(parents=True)
    (package / "__init__.py").write_text(PLUGIN, encoding="utf-8")
    (package / "migrations" / "shelf_0001_items.py").write_text(REVISION, encoding="utf-8")
    site = tmp_path_factory.mktemp("shelf-site")
    _pip("install", "--no-deps", "--no-build-isolation", "--target", str(site), str(source))
    assert (site / "shelf_hamyar" / "migrations" / "shelf_0001_items.py").is_file()
    return site


def hamyar(
    *args: str, db_url: str, site: Path, disable: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "HAMYAR_DATABASE_URL": db_url,
        "PYTHONPATH": str(site),
        "HAMYAR_DISABLE_PLUGINS": disable,
    }
    return subprocess.run(
        [sys.executable, "-m", "hamyar", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )


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


def test_hook_register_migrations(shelf_site: Path, empty_database: str) -> None:  # noqa: F811
    """Installed, the plugin's table is created by `hamyar db upgrade`, survives a second one,
    and goes with `hamyar db downgrade shelf@base` (the core's and the library's stay)."""
    url = empty_database
    first = hamyar("db", "upgrade", db_url=url, site=shelf_site)
    assert first.returncode == 0, first.stderr
    assert "core, library, shelf" in first.stdout
    assert {"shelf_item", "case", "library_route_stop"} <= _tables(url)
    assert _versions(url) == {CORE_HEAD, "library_0002", "shelf_0001"}

    engine = make_engine(url)
    with engine.begin() as conn:
        # `db upgrade` loads no places; a shelf item needs a county to belong to.
        conn.execute(text("INSERT INTO province (code, name_fa, name_en) VALUES ('p', 'پ', 'P')"))
        province = conn.execute(text("SELECT id FROM province")).scalar_one()
        conn.execute(
            text(
                "INSERT INTO county (code, province_id, name_fa, name_en)"
                " VALUES ('c', :p, 'ش', 'C')"
            ),
            {"p": province},
        )
        county = conn.execute(text("SELECT id FROM county")).scalar_one()
        conn.execute(
            text(
                "INSERT INTO shelf_item (county_id, title, given_at)"
                " VALUES (:c, 'شازده کوچولو', CURRENT_TIMESTAMP)"
            ),
            {"c": county},
        )
    engine.dispose()

    again = hamyar("db", "upgrade", db_url=url, site=shelf_site)
    assert again.returncode == 0, again.stderr
    assert _versions(url) == {CORE_HEAD, "library_0002", "shelf_0001"}
    engine = make_engine(url)
    with engine.connect() as conn:
        titles = conn.execute(text("SELECT title FROM shelf_item")).scalars().all()
    engine.dispose()
    assert titles == ["شازده کوچولو"]  # a second upgrade is a no-op

    down = hamyar("db", "downgrade", "shelf@base", db_url=url, site=shelf_site)
    assert down.returncode == 0, down.stderr
    assert "shelf_item" not in _tables(url)
    assert {"case", "library_route_stop"} <= _tables(url)
    assert _versions(url) == {CORE_HEAD, "library_0002"}

    bad = hamyar("db", "downgrade", "shelves@base", db_url=url, site=shelf_site)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "core, library, shelf" in bad.stderr  # the branches there are
    unknown = hamyar("db", "downgrade", "library@nope", db_url=url, site=shelf_site)
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr
    assert "nope" in unknown.stderr and "library_route_stop" in _tables(url)


def test_a_disabled_plugins_table_is_neither_made_nor_removed(
    shelf_site: Path,
    empty_database: str,  # noqa: F811
) -> None:
    url = empty_database
    off = hamyar("db", "upgrade", db_url=url, site=shelf_site, disable="shelf")
    assert off.returncode == 0, off.stderr
    assert "shelf_item" not in _tables(url) and "library_route_stop" in _tables(url)

    on = hamyar("db", "upgrade", db_url=url, site=shelf_site)
    assert on.returncode == 0, on.stderr
    assert "shelf_item" in _tables(url)

    refused = hamyar("db", "downgrade", "shelf@base", db_url=url, site=shelf_site, disable="shelf")
    assert refused.returncode == 2
    assert "Traceback" not in refused.stderr and refused.stderr.count("\n") == 1
    assert "disabled" in refused.stderr
    assert "shelf_item" in _tables(url)
    # Disabled, the plugin's recorded revision still resolves: the other branches still move.
    still = hamyar("db", "upgrade", db_url=url, site=shelf_site, disable="shelf")
    assert still.returncode == 0, still.stderr
    assert _versions(url) == {CORE_HEAD, "library_0002", "shelf_0001"}
