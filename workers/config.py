"""Worker tuning, from the environment like every other setting (`HAMYAR_…`).

Defaults suit production; the tests shorten the retry intervals so a retry shows up in seconds
instead of minutes. A dead worker is noticed within seconds by default: its steps and its locks
wait for nothing else (see `heartbeat_ttl`, and `bench/recovery.py` for the figures).
"""

from __future__ import annotations

from functools import cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class WorkerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HAMYAR_", env_file=".env", extra="ignore")

    retry_intervals: str = "5,30,120"
    """Seconds to wait before each retry; one more try than intervals, then an incident."""
    job_timeout: int = 300
    heartbeat_interval: float = 1.0
    """Seconds between a worker's "alive" beats, sent by a thread of their own: a worker busy
    with a long step, a slow relay batch or a wait on the database still beats on time."""
    heartbeat_ttl: int = 3
    """A worker that has not said it is alive for this long is dead: its running step is re-run
    and the locks it held are taken over. Two missed beats are tolerated; a longer pause (a
    stalled host) costs no more than a step delivered twice, which the outbox applies once."""
    stale_after: float = 2.0
    """Seconds after a step was sent before the reconciler questions it. Questioning is cheap
    and harmless: a step whose job is queued or running on a live worker is left be however
    long it takes, so this only bounds how soon a lost one is noticed."""
    reconcile_interval: float = 1.0
    """Seconds between reconciler passes; with the heartbeat, a killed worker's step runs again
    within about `heartbeat_ttl + reconcile_interval` seconds."""
    relay_interval: float = 0.2
    tally_interval: float = 5.0
    """Seconds between folds of the open-task tally (`task_tally.compact`); the counts are
    exact whenever read, folding only keeps the rows a team's counts sum few."""
    relay_batch: int = 500
    job_batch: int = 20
    """Short steps (routing, automatic transitions) carried by one job when that many wait."""
    maintenance_interval: int = 30
    """RQ's own registry clean-up (abandoned jobs, intermediate queue); RQ's default is 10 min."""
    escalation_cron: str = "* * * * *"
    worker_log_level: str = "INFO"
    """RQ logs a line per job at INFO; WARNING keeps a busy worker quiet."""

    @property
    def intervals(self) -> list[int]:
        return [int(x) for x in self.retry_intervals.split(",") if x.strip()]

    @property
    def max_tries(self) -> int:
        return len(self.intervals) + 1


@cache
def get_worker_settings() -> WorkerSettings:
    return WorkerSettings()
