"""One database transaction, and what to announce once it has committed.

Every change a person or a worker makes goes through a unit of work:

    with app.unit_of_work() as uow:
        ...  # validate, call the engine on uow.session, uow.announce(events)

On leaving the block it commits (or rolls back if the block raised), and only after the commit
tells the plugins' observers what happened and hands the outbox rows it wrote to the dispatcher:
an observer never hears of a change that did not land, and a change is never undone because an
observer failed. This is the only place in Hamyar that commits.

Units nest: a command run inside an outer unit (a plugin's route that opens a case and writes
a row of its own) joins it, and the outermost one commits both or neither. An inner block that
raises spoils the whole unit: even if the outer block catches the error and goes on, nothing is
committed, because the inner command may have written half of what it meant to.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from hamyar.core.engine.events import TransitionEvent
from hamyar.core.plugin.manager import call_each
from hamyar.core.storage.database import begin_writing, writer_turn

if TYPE_CHECKING:
    from hamyar.core.application.context import Application
    from hamyar.core.plugin.registry import Registry

log = logging.getLogger(__name__)


class UnitOfWork:
    def __init__(self, app: Application, session: Session | None = None) -> None:
        self.app = app
        self._given = session
        self._session: Session | None = session
        self._depth = 0
        self._spoilt = False
        self._events: list[TransitionEvent] = []
        self._after: list[Callable[[], object]] = []
        self._undo: list[Callable[[], object]] = []
        self._dispatch: list[str] = []
        self._turn: AbstractContextManager[None] | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("use the unit of work in a `with` block")
        return self._session

    @property
    def registry(self) -> Registry:
        return self.app.registry

    def __enter__(self) -> UnitOfWork:
        if self._session is None:
            self._session = Session(self.app.engine, expire_on_commit=False)
        if not self._depth:
            turn = writer_turn(self.app.engine)
            try:
                turn.__enter__()  # this process's writers queue here, not in SQLite's poll
                try:
                    begin_writing(self._session)  # SQLite's write lock, for this block only
                except BaseException:
                    turn.__exit__(None, None, None)
                    raise
            except BaseException:
                if self._given is None:
                    self._session.close()
                    self._session = None
                raise
            self._turn = turn
        self._depth += 1
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._depth -= 1
        if self._depth:
            self._spoilt = self._spoilt or exc_type is not None
            return  # an outer unit commits or rolls back for both
        session, spoilt = self.session, self._spoilt
        events, after, dispatch = self._forget()
        undo, self._undo = self._undo, []
        committed = False
        try:
            if exc_type is None and not spoilt:
                session.commit()
                committed = True
            else:
                session.rollback()
        except BaseException:
            session.rollback()
            raise
        finally:
            if not committed:
                _undo_outside(undo)
            turn, self._turn = self._turn, None
            if turn is not None:
                turn.__exit__(None, None, None)  # the next writer's turn, before announcing
            if self._given is None:
                session.close()
                self._session = None
        if spoilt and exc_type is None:
            raise RuntimeError("a command inside this unit of work failed; nothing was committed")
        if exc_type is None:
            self._after_commit(events, after, dispatch)

    # -- what the block records ------------------------------------------------------------------

    def announce(self, events: Sequence[TransitionEvent]) -> None:
        """Tell observers of these transitions once the unit has committed."""
        self._events.extend(events)

    def after_commit(self, callback: Callable[[], object]) -> None:
        """Run `callback` once the unit has committed (never if it rolls back)."""
        self._after.append(callback)

    def on_rollback(self, callback: Callable[[], object]) -> None:
        """Run `callback` if the unit rolls back: undo what it did outside the database (the
        bytes of an attachment written to the media store)."""
        self._undo.append(callback)

    def dispatch(self, keys: Sequence[str]) -> None:
        """Send these outbox rows to the queue right after the commit, if the application can."""
        self._dispatch.extend(keys)

    # -- after the commit ------------------------------------------------------------------------

    def _after_commit(
        self,
        events: list[TransitionEvent],
        after: list[Callable[[], object]],
        dispatch: list[str],
    ) -> None:
        notify_observers(self.app.pm, events)
        for callback in after:
            try:
                callback()
            except Exception:
                log.exception("an after-commit step failed; the change itself has landed")
        if dispatch and self.app.dispatch is not None:
            try:
                self.app.dispatch(self.app, dispatch)
            except Exception as exc:  # Redis away: the relay sends them when it is back
                log.warning("could not queue %s now (%s); the relay will", dispatch, exc)

    def _forget(
        self,
    ) -> tuple[list[TransitionEvent], list[Callable[[], object]], list[str]]:
        """Take what this unit recorded, leaving it empty for its next use."""
        taken = (self._events, self._after, self._dispatch)
        self._events, self._after, self._dispatch, self._spoilt = [], [], [], False
        return taken


def _undo_outside(callbacks: list[Callable[[], object]]) -> None:
    for callback in reversed(callbacks):
        try:
            callback()
        except Exception:
            log.exception("could not undo a step outside the database after a rollback")


def notify_observers(pm: Any, events: Sequence[TransitionEvent]) -> None:
    """Tell every plugin what happened; a raising observer is logged and the rest still hear."""
    for item in events:
        call_each(pm, "transition_applied", event=item)
