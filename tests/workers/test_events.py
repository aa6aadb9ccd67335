"""Every committed transition is published on `hamyar:events:<db>` for live pages."""

from __future__ import annotations

import json
import time

from sqlalchemy.engine import Engine

from hamyar.core.storage.broker import events_channel, get_redis
from hamyar.workers.worker import work_until_idle
from tests.workers.world import open_test_case


def test_transitions_are_published_after_they_commit(
    hamyar: dict[str, str], engine: Engine
) -> None:
    pubsub = get_redis().pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(events_channel())
    case_id = open_test_case(engine)
    work_until_idle()
    seen = []
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and len(seen) < 4:
        message = pubsub.get_message(timeout=0.5)
        if message:
            seen.append(json.loads(message["data"]))
    pubsub.close()
    assert [(e["kind"], e["transition"]) for e in seen] == [
        ("case", "routed"),
        ("task", "process"),
        ("task", "finish"),
        ("case", "resolve"),
    ]
    assert all(e["type"] == "transition_applied" and e["case_id"] == case_id for e in seen)
