"""Alembic migrations, run by `hamyar db upgrade` (the database named by HAMYAR_DATABASE_URL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config

HERE = Path(__file__).parent

UNMANAGED_PREFIXES = ("case_fts", "ix_case_search_trgm")
"""Search-index objects `hamyar.core.cases.search` creates by hand (FTS5 tables, a trigram
index)."""


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Leave the hand-made search index out of autogenerate's comparisons."""
    return not (reflected and name and name.startswith(UNMANAGED_PREFIXES))


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def current_heads() -> tuple[str, ...]:
    from alembic.script import ScriptDirectory

    return tuple(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())
