"""Alembic environment: the schema is SQLModel.metadata, core's tables and the plugins' own."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import hamyar.core.storage.models  # noqa: F401  (registers the hamyar.core tables)
from hamyar.core.plugin.manager import make_plugin_manager
from hamyar.core.storage.database import make_engine
from hamyar.core.storage.migrations import include_object

make_plugin_manager()  # plugins may own tables (the library timetable, Open311 clients)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
