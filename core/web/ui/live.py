"""Server-sent events: open worklists and case pages refresh themselves when a case moves.

Every committed transition is published on the Redis channel `hamyar:events:<db>` (by whichever
process committed it: a web request, a worker). A browser holds ONE stream for all its tabs —
a SharedWorker (`static/live-worker.js`), or a leader tab that relays over a BroadcastChannel
(`static/live.js`) — because a stream per tab used up the browser's six connections per host
and a seventh tab never loaded. We pass on only *that something changed*, never the content:
each message is an unnamed event whose data is `{"events": ["case-42", "worklists"]}`, and
live.js fires those names as htmx triggers (`hx-trigger="sse:case-42"`,
`hx-trigger="sse:worklists"`), so the page asks for the fresh fragment through the ordinary,
access-checked routes. (Unnamed, because an EventSource has no "every event name" listener,
and the worker serves pages it does not know.)
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from litestar import get
from litestar.response import ServerSentEvent, ServerSentEventMessage

from hamyar.core.auth.actor import Actor
from hamyar.core.storage.broker import events_channel, redis_url
from hamyar.core.web.dependencies import ActorDep, DbDep

log = logging.getLogger(__name__)

KEEPALIVE_SECONDS = 15.0
"""A comment line this often keeps proxies from closing an idle stream."""


def event_names(payload: dict[str, Any], actor: Actor) -> list[str]:
    """The browser events one published transition becomes for `actor` (none if not theirs).

    People with a global role (coordinators, managers, auditors) hear about every case; agency
    staff hear about their agencies' tasks and cases not yet routed.
    """
    case_id = payload.get("case_id")
    if not isinstance(case_id, int):
        return []
    agency = payload.get("agency")
    if not actor.global_roles and agency is not None and agency not in actor.agencies:
        return []
    return [f"case-{case_id}", "worklists"]


async def _stream(actor: Actor) -> AsyncIterator[ServerSentEventMessage]:
    from redis.asyncio import Redis

    client = Redis.from_url(await asyncio.to_thread(redis_url))
    pubsub = client.pubsub()
    try:
        await pubsub.subscribe(events_channel())
        # Subscribed: from here on no event is missed. The browser counts the stream as up from
        # this message (not from the response headers, which come before the subscription).
        yield ServerSentEventMessage(data=json.dumps({"events": [], "ready": True}))
        while True:
            message = await pubsub.get_message(
                ignore_subscribe_messages=True, timeout=KEEPALIVE_SECONDS
            )
            if message is None:
                yield ServerSentEventMessage(comment="keep-alive")
                continue
            try:
                payload = json.loads(message["data"])
            except (TypeError, ValueError):
                log.warning("ignoring a malformed event on %s", events_channel())
                continue
            if not isinstance(payload, dict):
                continue
            names = event_names(payload, actor)
            if names:
                yield ServerSentEventMessage(data=json.dumps({"events": names}))
    finally:
        await pubsub.aclose()
        await client.aclose()


@get("/events", name="ui:events", sync_to_thread=True)
def events(db: DbDep, actor: ActorDep) -> ServerSentEvent:
    """The signed-in person's event stream (`data-live="/events"` in base.html, opened once per
    browser by live.js).

    The request's database session is closed before streaming: a stream lives as long as the
    page, and must not hold a connection (on SQLite, a lock) all that time.
    """
    db.close()
    return ServerSentEvent(_stream(actor))
