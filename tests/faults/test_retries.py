"""A web process killed mid-intake: clients retry with their Idempotency-Key, no case doubles.

The killed process committed some cases it never answered for; their clients cannot know. They
send every request again, each twice at once for good measure, to a new process: every key
gets one case and one answer, the first one.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from typing import Any

import pytest
from sqlmodel import Session, select

from hamyar.core.storage.models import Case
from tests.faults.conftest import SERVICE, Faults, Timed, figures, run_concurrently

REQUESTS = 48


def _calls(faults: Faults, keys: list[str]) -> list[Any]:
    def call(n: int, key: str) -> Any:
        body = {"service": SERVICE, "title": f"درخواست {key}", "description": "آزمون"}
        headers = {**faults.headers(n), "Idempotency-Key": key}
        return lambda http: http.post("/api/cases", json=body, headers=headers)

    return [call(n, key) for n, key in enumerate(keys)]


@pytest.mark.slow
def test_retries_after_a_web_process_was_killed_mid_intake_double_no_case(
    faults: Faults,
) -> None:
    keys = [uuid.uuid4().hex for _ in range(REQUESTS)]
    doomed = faults.web()
    first: list[Timed] = []
    sending = threading.Thread(
        target=lambda: first.extend(run_concurrently(doomed.url, _calls(faults, keys)))
    )
    sending.start()
    deadline = time.monotonic() + 20
    while _count(faults) < 4:  # a few committed, most still on their way
        assert time.monotonic() < deadline, doomed.output()
        time.sleep(0.005)
    doomed.kill()
    sending.join(30)
    answered = {k: r for k, r in zip(keys, first, strict=True) if r.status == 201}
    print(f"killed mid-intake: {_count(faults)} committed, {len(answered)} of them answered")

    web = faults.web()
    retried = run_concurrently(web.url, _calls(faults, keys) + _calls(faults, keys))
    print("retried twice at once:", figures(retried))
    assert all(r.status == 201 for r in retried), figures(retried)
    for key, twin_a, twin_b in zip(keys, retried[:REQUESTS], retried[REQUESTS:], strict=True):
        assert twin_a.body == twin_b.body
        if key in answered:
            assert twin_a.body == answered[key].body  # the first answer, not a new one
    titles = Counter(_titles(faults))
    assert titles == Counter({f"درخواست {k}": 1 for k in keys})


def _count(faults: Faults) -> int:
    return len(_titles(faults))


def _titles(faults: Faults) -> list[str]:
    with Session(faults.engine) as session:
        return list(session.exec(select(Case.title)).all())
