"""Publish every committed transition on Redis pub/sub, so open pages update live.

Subscribers of `hamyar:events:<db>` (the web app's live updates) receive one JSON object per
transition. Publishing is best effort: pub/sub keeps nothing for absent listeners, and a
Redis outage must never undo or delay a transition that already committed. So the message is
handed to the process's background thread (the person who took the transition has their answer
already) and sent through the broker's breaker with a short timeout: a hung Redis costs one
half-second wait per cool-down, on that thread, and no request waits for it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict

from hamyar.core.engine.events import TransitionEvent
from hamyar.core.plugin.hookspecs import hookimpl
from hamyar.core.storage.background import background

log = logging.getLogger(__name__)


def event_message(event: TransitionEvent) -> str:
    data = asdict(event)
    data["at"] = event.at.isoformat()
    return json.dumps({"type": "transition_applied", **data}, ensure_ascii=False)


@hookimpl
def transition_applied(event: TransitionEvent) -> None:
    from hamyar.core.storage.broker import in_use

    if in_use():
        background().submit(lambda: publish(event))


def publish(event: TransitionEvent) -> None:
    """Send one event now, unless Redis failed a moment ago (the breaker is open)."""
    from hamyar.core.storage.broker import events_channel, guarded

    message = event_message(event)
    try:
        guarded(lambda redis: redis.publish(events_channel(), message))
    except Exception as exc:  # observers must not fail anyone; say why once, briefly
        log.warning(
            "could not publish transition %s of %s %s: %s",
            event.transition,
            event.kind,
            event.object_id,
            exc,
        )
