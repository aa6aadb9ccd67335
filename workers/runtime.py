"""The worker process's application: built once, by the worker at start (or the first job).

RQ calls job functions with ids only, so a job cannot be handed the application the way a web
handler is; this module is the worker's composition root instead. `hamyar worker` builds the
application before its first job; a job run another way (a test, `--burst`) builds it on first
use from the environment. Nothing outside `hamyar.workers` reads it.
"""

from __future__ import annotations

from collections.abc import Sequence

from hamyar.core.application.context import Application

_application: Application | None = None


def application() -> Application:
    """This process's application, built from the environment on first use."""
    global _application
    if _application is None:
        _application = Application.build(dispatch=dispatch)
    return _application


def install(app: Application | None) -> None:
    """Make `app` this process's application (None: build a fresh one on next use)."""
    global _application
    if _application is not None and _application is not app:
        _application.engine.dispose()
    _application = app


def dispatch(app: Application, keys: Sequence[str]) -> object:
    """Send committed outbox rows to RQ now, instead of at the relay's next poll."""
    from hamyar.workers.relay import relay_keys

    return relay_keys(keys, app=app)


def dispatch_soon(app: Application, keys: Sequence[str]) -> object:
    """The web app's dispatch: the same wake-up, on the background thread and through the
    broker's breaker, so the response never waits on Redis. Whatever this does not send, the
    relay's next poll does: the rows are committed already."""
    from hamyar.core.storage.background import background

    wanted = list(keys)
    return background().submit(lambda: _wake_relay(app, wanted))


def _wake_relay(app: Application, keys: Sequence[str]) -> None:
    import logging

    from hamyar.core.storage.broker import guarded
    from hamyar.workers.relay import relay_keys

    try:
        guarded(lambda redis: relay_keys(keys, redis, app=app))
    except Exception as exc:  # Redis away or slow: the relay sends them when it is back
        logging.getLogger(__name__).warning(
            "could not queue %s now (%s); the relay will", list(keys), exc
        )
