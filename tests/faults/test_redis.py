"""Redis misbehaving: frozen, it costs a request nothing; restarted, work resumes in seconds.

Committed work never depends on Redis (the outbox holds it); only the live-event publish and
the relay's wake-up after a commit talk to it, and both now run after the response, on a
background thread, with short timeouts behind a circuit breaker. Workers reconnect with a
back-off capped at two seconds.
"""

from __future__ import annotations

import signal
import time
from typing import Any

import httpx
import pytest
from sqlmodel import Session, select

from hamyar.core.storage.models import Case
from tests.faults.conftest import SERVICE, Faults, figures, run_concurrently
from tests.workers.world import RedisServerProcess


def _open_cases(url: str, faults: Faults, n: int, title: str) -> list[dict[str, Any]]:
    opened = []
    for i in range(n):
        response = httpx.post(
            f"{url}/api/cases",
            json={"service": SERVICE, "title": f"{title} {i}"},
            headers=faults.headers(i),
            timeout=30,
        )
        assert response.status_code == 201, response.text
        opened.append(response.json())
    return opened


def _state(faults: Faults, case_id: int) -> str:
    with Session(faults.engine) as session:
        return session.exec(select(Case.state).where(Case.id == case_id)).one()


@pytest.mark.slow
def test_a_frozen_redis_holds_up_no_transition_and_no_read(
    faults: Faults, own_redis: RedisServerProcess
) -> None:
    web = faults.web(HAMYAR_REDIS_URL=own_redis.url)
    cases = _open_cases(web.url, faults, 8, "پیش از یخ‌زدن")  # connections are pooled now
    assert own_redis.process is not None
    own_redis.process.send_signal(signal.SIGSTOP)  # accepts connections, never answers
    try:
        transitions = [
            (
                lambda http, c=c, n=n: http.post(
                    f"/api/cases/{c['id']}/transitions",
                    json={"transition": "reject", "comment": "آزمون", "version": c["version"]},
                    headers=faults.headers(n),
                )
            )
            for n, c in enumerate(cases)
        ]
        reads = [
            (lambda http, n=n: http.get("/api/cases?limit=20", headers=faults.headers(n)))
            for n in range(8)
        ]
        opens = [
            (
                lambda http, n=n: http.post(
                    "/api/cases",
                    json={"service": SERVICE, "title": f"در یخ‌زدگی {n}"},
                    headers=faults.headers(n),
                )
            )
            for n in range(8)
        ]
        moved = run_concurrently(web.url, transitions + reads + opens)
        again = run_concurrently(web.url, reads)  # after the first timeouts: the breaker
    finally:
        own_redis.process.send_signal(signal.SIGCONT)
    print("Redis frozen: transitions", figures(moved[:8]), "| reads", figures(moved[8:16]))
    print("Redis frozen: new cases", figures(moved[16:]), "| reads after", figures(again))
    assert [r.status for r in moved] == [200] * 16 + [201] * 8, web.output()
    # The first wave may each spend one quick timeout (0.5 s) before the breaker opens, and 24
    # requests land at once on a server the rest of the suite is loading too; a request that
    # waited on the frozen server itself would hang far longer.
    assert max(r.seconds for r in moved) < 2.0, figures(moved)
    assert max(r.seconds for r in again) < 1.0, figures(again)
    assert all(_state(faults, c["id"]) == "rejected" for c in cases)


@pytest.mark.slow
def test_work_resumes_within_10_seconds_of_a_restarted_redis(
    faults: Faults, own_redis: RedisServerProcess
) -> None:
    web = faults.web(HAMYAR_REDIS_URL=own_redis.url)
    faults.worker(HAMYAR_REDIS_URL=own_redis.url)
    [first] = _open_cases(web.url, faults, 1, "پیش از قطع")
    deadline = time.monotonic() + 30
    while _state(faults, first["id"]) == "new":
        assert time.monotonic() < deadline, "the worker never routed the first case"
        time.sleep(0.2)

    assert own_redis.process is not None
    own_redis.process.kill()  # SIGKILL: the worker loses its connection and backs off …
    own_redis.process.wait(10)
    own_redis.process = None
    [during] = _open_cases(web.url, faults, 1, "در قطع")  # … while the web app still takes cases
    time.sleep(16)  # long enough for RQ's own back-off to reach 16 s
    own_redis.start()  # an empty server: nothing of the case above was ever in Redis
    back = time.monotonic()
    while _state(faults, during["id"]) == "new":
        assert time.monotonic() - back < 10, "no work 10 s after Redis came back"
        time.sleep(0.2)
    print(f"Redis restarted: the waiting case was routed {time.monotonic() - back:.1f} s later")
