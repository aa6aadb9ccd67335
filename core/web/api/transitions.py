"""Taking a transition from the API: the request body and the answer cases and tasks share.

The command (`hamyar.core.application.commands.take_transition`) checks visibility, the
actor's right to write, the state, the version and the guard, and commits."""

from __future__ import annotations

from typing import Any

import msgspec

from hamyar.core.engine.events import TransitionEvent
from hamyar.core.web.limits import Line, Text, Version


class TransitionRequest(msgspec.Struct, forbid_unknown_fields=True):
    transition: Line
    version: Version
    """The version you saw: a newer one means someone changed it first (409)."""
    comment: Text = ""


def event_view(event: TransitionEvent) -> dict[str, Any]:
    return {
        "kind": event.kind,
        "id": event.object_id,
        "transition": event.transition,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "version": event.version,
        "automatic": event.automatic,
    }
