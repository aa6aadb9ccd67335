"""What handlers ask for by name: `app` (the Application), `db` (the request's Session),
`uow` (a unit of work on that session, for commands), `plugins` (the registry and manager) and
`actor` (the caller, 401 when anonymous — see `hamyar.core.web.auth.current_actor`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import SkipValidation
from sqlmodel import Session

from hamyar.core.application.context import Application
from hamyar.core.application.unit_of_work import UnitOfWork
from hamyar.core.auth.actor import Actor
from hamyar.core.plugin.manager import Plugins
from hamyar.core.web.auth import current_actor, optional_actor


def provide_app(state: State) -> Application:
    return state.app


def application_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Application:
    """The application a request is served by, for a plugin's own route handlers."""
    return provide_app(connection.app.state)


def provide_db(state: State) -> Iterator[Session]:
    """One session per request; what it changes is committed by the commands it runs.

    Every request reads in SQLite's deferred transactions (`read_only`), so requests run side
    by side instead of each taking the write lock before its handler even starts; a command's
    unit of work takes the lock for its own block only (`begin_writing`) and gives it back
    when it commits. On PostgreSQL the option means nothing. A request that did not fail
    ends in a commit, so its connection keeps the statements it prepared (`ReadSession`).
    """
    with provide_app(state).read_session() as session:
        yield session


def provide_uow(state: State, db: NamedDependency[Session]) -> UnitOfWork:
    """A unit of work on the request's session: a command run with it commits it."""
    return provide_app(state).unit_of_work(db)


def provide_plugins(state: State) -> Plugins:
    return provide_app(state).plugins


DEPENDENCIES = {
    "app": Provide(provide_app, sync_to_thread=False),
    "db": Provide(provide_db),
    "uow": Provide(provide_uow, sync_to_thread=False),
    "plugins": Provide(provide_plugins, sync_to_thread=False),
    "actor": Provide(current_actor, sync_to_thread=True),
    "maybe_actor": Provide(optional_actor, sync_to_thread=True),
}

AppDep = NamedDependency[SkipValidation[Application]]
PluginsDep = NamedDependency[SkipValidation[Plugins]]
"""Annotate handler parameters with these: the values are ours, validating them is waste (and
`Plugins` holds callables whose type hints msgspec cannot resolve)."""
ActorDep = NamedDependency[SkipValidation[Actor]]
MaybeActorDep = NamedDependency[SkipValidation[Actor | None]]
DbDep = NamedDependency[SkipValidation[Session]]
UowDep = NamedDependency[SkipValidation[UnitOfWork]]
