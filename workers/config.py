"""Worker tuning, from the environment like every other setting (`HAMYAR_…`).

Defaults suit production; the tests shorten the intervals so a retry or a dead worker shows
up in seconds instead of minutes.
"""

from __future__ import annotations

from functools import cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class WorkerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HAMYAR_", env_file=".env", extra="ignore")

    retry_intervals: str = "5,30,120"
    """Seconds to wait before each retry; one more try than intervals, then an incident."""
    job_timeout: int = 300
    heartbeat_ttl: int = 15
    """A worker that has not said it is alive for this long is dead; its step is re-run."""
    stale_after: int = 20
    """Seconds after a step was sent before the reconciler questions it."""
    reconcile_interval: float = 10.0
    relay_interval: float = 0.2
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
