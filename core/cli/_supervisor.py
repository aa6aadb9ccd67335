"""Child processes for `hamyar demo`: a worker that dies is replaced, a crash loop is given up.

A demo worker can die (the OOM killer, a stray `kill -9`, a bug in a plugin) and the web app
the user is looking at should not go with it: the supervisor starts a replacement and says so
on stderr. Nothing is lost by starting afresh: the reconciler finds and re-sends the steps of a
dead worker (workers/reconcile.py). A worker that keeps dying right after its start is waited
for longer each time and then given up, so a broken set-up stops the demo instead of spinning.

Why not RQ's `WorkerPool`: it forks its workers from the pool process and runs RQ's work loop
in them, while ours must not fork and start with their courier thread (workers/worker.py).
Supervising our own `hamyar worker` processes keeps one way to run a worker.

Each child leads a process group of its own, so that what it started (the scheduler process of
`hamyar worker --with-scheduler`) is signalled with it and does not outlive a killed worker as an
orphan. A group is only signalled while its leader is alive or a zombie not yet reaped, so its
number cannot have been reused by an unrelated process.

A replacement gets a fresh name (`demo-worker-1-r2`): RQ refuses to register a name whose
worker died without saying so until that record expires, minutes later.

(The leading underscore keeps this helper out of the command modules `hamyar.core.cli` loads.)
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

STOP_GRACE_SECONDS = 10


def spawn(argv: Sequence[str], env: Mapping[str, str]) -> subprocess.Popen[bytes]:
    """Start a child as the leader of a new process group (Ctrl-C reaches only the demo)."""
    return subprocess.Popen(list(argv), env=dict(env), process_group=0)


def has_exited(child: subprocess.Popen[bytes]) -> bool:
    """Whether the child exited, without reaping it: its group stays safe to signal."""
    if child.returncode is not None:
        return True
    try:
        flags = os.WEXITED | os.WNOHANG | os.WNOWAIT
        return os.waitid(os.P_PID, child.pid, flags) is not None
    except ChildProcessError:  # reaped by someone else
        return True


def signal_group(child: subprocess.Popen[bytes], signum: int) -> None:
    """Signal the child's process group, unless the child is reaped (its number may be reused)."""
    if child.returncode is None:
        with contextlib.suppress(ProcessLookupError):  # the whole group is gone
            os.killpg(child.pid, signum)


def stop(children: Sequence[subprocess.Popen[bytes]], grace: float = STOP_GRACE_SECONDS) -> None:
    """SIGTERM every child's group, give them `grace` seconds in all, then SIGKILL what is left:
    a child that overran and whatever of its group outlived it."""
    for child in children:
        if not has_exited(child):
            signal_group(child, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for child in children:
        while not has_exited(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        signal_group(child, signal.SIGKILL)
        child.wait()


def describe_exit(returncode: int) -> str:
    """'exited with status 3' or 'was killed by SIGKILL', from a Popen return code."""
    if returncode < 0:
        try:
            return f"was killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"was killed by signal {-returncode}"
    return f"exited with status {returncode}"


@dataclass(frozen=True)
class RestartPolicy:
    """When to start a dead worker again, and when to stop trying."""

    settle_seconds: float = 10.0
    """A worker that dies sooner than this after its start failed rapidly."""
    first_delay: float = 1.0
    """The pause after the first rapid failure; it doubles with each one in a row."""
    max_delay: float = 8.0
    max_rapid_failures: int = 5
    """This many rapid failures in a row and the worker is given up."""

    def delay(self, rapid_failures: int) -> float:
        """Seconds to wait before the next start: none after a worker that had settled."""
        if rapid_failures == 0:
            return 0.0
        return min(self.first_delay * 2 ** (rapid_failures - 1), self.max_delay)


class CrashLoop(Exception):
    """A worker kept dying right after its start; the message says which and how."""


@dataclass
class _Worker:
    name: str
    argv: list[str]
    starts: int = 0
    child: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    rapid_failures: int = 0
    start_at: float = 0.0

    def next_name(self) -> str:
        return self.name if self.starts == 0 else f"{self.name}-r{self.starts + 1}"

    def current_name(self) -> str:
        return self.name if self.starts <= 1 else f"{self.name}-r{self.starts}"


class Supervisor:
    """Worker processes kept running: call `check()` often; it replaces the dead ones.

    Each worker is `argv` plus `--name NAME`, NAME being its base name for the first start and
    `NAME-rN` for the Nth.
    """

    def __init__(
        self,
        workers: Mapping[str, Sequence[str]],
        env: Mapping[str, str],
        policy: RestartPolicy | None = None,
    ) -> None:
        self.env = dict(env)
        self.policy = policy or RestartPolicy()
        self._workers = [_Worker(name, list(argv)) for name, argv in workers.items()]

    def start(self) -> None:
        for worker in self._workers:
            self._start(worker)

    def children(self) -> list[subprocess.Popen[bytes]]:
        """The worker processes started and not yet found dead, to stop at the end."""
        return [w.child for w in self._workers if w.child is not None]

    def check(self) -> None:
        """Replace each dead worker now, or note when to; raise CrashLoop to give up."""
        now = time.monotonic()
        for worker in self._workers:
            if worker.child is not None and has_exited(worker.child):
                self._bury(worker, now)
            if worker.child is None and now >= worker.start_at:
                self._start(worker)

    def _start(self, worker: _Worker) -> None:
        name = worker.next_name()
        worker.child = spawn([*worker.argv, "--name", name], self.env)
        worker.starts += 1
        worker.started_at = time.monotonic()

    def _bury(self, worker: _Worker, now: float) -> None:
        """Reap a dead worker (its group told to stop first) and decide on its replacement."""
        dead, name = worker.child, worker.current_name()
        assert dead is not None
        signal_group(dead, signal.SIGTERM)  # a scheduler it started, orphaned
        dead.wait()
        worker.child = None
        lived = now - worker.started_at
        rapid = lived < self.policy.settle_seconds
        worker.rapid_failures = worker.rapid_failures + 1 if rapid else 0
        how = f"worker {name} (pid {dead.pid}) {describe_exit(dead.returncode)} after {lived:.1f} s"
        if worker.rapid_failures >= self.policy.max_rapid_failures:
            raise CrashLoop(
                f"{how}, dying {worker.rapid_failures} times in a row within"
                f" {self.policy.settle_seconds:g} s of starting; giving up and stopping the demo"
            )
        delay = self.policy.delay(worker.rapid_failures)
        worker.start_at = now + delay
        if delay:
            _say(f"{how}; replacing it with {worker.next_name()} in {delay:g} s")
            return
        self._start(worker)
        assert worker.child is not None
        _say(f"{how}; replaced it with {worker.current_name()} (pid {worker.child.pid})")


def _say(message: str) -> None:
    print(f"hamyar: {message}", file=sys.stderr, flush=True)
