"""Publish every committed transition on Redis pub/sub, so open pages update live.

Subscribers of `hamyar:events:<db>` (the web app's live updates) receive one JSON object per
transition. Publishing is best effort: pub/sub keeps nothing for absent listeners, and a
Redis outage must never undo or delay a transition that already committed.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict

from hamyar.core.engine.events import TransitionEvent
from hamyar.core.plugin.hookspecs import hookimpl

log = logging.getLogger(__name__)


def event_message(event: TransitionEvent) -> str:
    data = asdict(event)
    data["at"] = event.at.isoformat()
    return json.dumps({"type": "transition_applied", **data}, ensure_ascii=False)


@hookimpl
def transition_applied(event: TransitionEvent) -> None:
    from hamyar.core.storage.broker import events_channel, get_redis, in_use

    if not in_use():
        return
    try:
        get_redis().publish(events_channel(), event_message(event))
    except Exception as exc:  # observers must not fail the caller; say why once, briefly
        log.warning(
            "could not publish transition %s of %s %s: %s",
            event.transition,
            event.kind,
            event.object_id,
            exc,
        )
