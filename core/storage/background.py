"""Best-effort chores done after a response, off the thread that serves it.

Some work follows a change but must never hold up the person who made it: telling open pages
about a transition (Redis pub/sub), asking the relay to queue a committed step now rather than
at its next poll, noting when a bearer token was last used. Each of these can wait on a hung
Redis or a busy SQLite write lock; done inline, that wait lands on a request (a transition that
committed in 20 ms answering after 15 s). Done here, one daemon thread per process takes them
in order, and a request only pays for putting a callable on a queue.

Nothing here must be needed for correctness: the outbox relay sends every step whatever
becomes of a wake-up, pub/sub keeps nothing for absent listeners anyway, and a token's
last-use note is informative. So the queue is bounded and a chore that does not fit is
dropped (and logged) rather than letting memory grow while Redis is away.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

QUEUE_LIMIT = 10_000


class Background:
    """One thread running chores in the order they were given."""

    def __init__(self, name: str = "hamyar-background", limit: int = QUEUE_LIMIT) -> None:
        self.name = name
        self._chores: queue.Queue[Callable[[], object]] = queue.Queue(maxsize=limit)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def submit(self, chore: Callable[[], object]) -> bool:
        """Run `chore` soon on the background thread; False if the queue is full (dropped)."""
        self._ensure_thread()
        try:
            self._chores.put_nowait(chore)
        except queue.Full:
            log.warning("background queue full; dropped %r", chore)
            return False
        return True

    def drain(self, timeout: float = 5.0) -> bool:
        """Wait until every chore given so far has run (tests, an orderly shutdown)."""
        done = threading.Event()
        self._ensure_thread()
        try:
            self._chores.put(done.set, timeout=timeout)
        except queue.Full:
            return False
        return done.wait(timeout)

    def _ensure_thread(self) -> None:
        # A forked child inherits the queue object but not the thread that empties it.
        if self._thread is not None and self._pid == os.getpid() and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                if self._pid != os.getpid():
                    self._chores = queue.Queue(maxsize=self._chores.maxsize)
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            chore = self._chores.get()
            try:
                chore()
            except Exception:
                log.exception("a background chore failed; the change it followed has landed")


_shared = Background()


def background() -> Background:
    """This process's background thread."""
    return _shared
