"""Taking a transition from the API: the request body and the one code path cases and tasks
share (visibility was checked by the caller; the engine checks state, version and guard)."""

from __future__ import annotations

from typing import Any

import msgspec

from hamyar.core.auth.access import require_writer
from hamyar.core.engine.events import TransitionEvent
from hamyar.core.engine.transition import apply_transition, notify_observers
from hamyar.core.storage.models import Case, Task
from hamyar.core.web.dependencies import ActorDep, DbDep, PluginsDep


class TransitionRequest(msgspec.Struct, forbid_unknown_fields=True):
    transition: str
    version: int
    """The version you saw: a newer one means someone changed it first (409)."""
    comment: str = ""


def perform(
    db: DbDep, plugins: PluginsDep, target: Case | Task, data: TransitionRequest, actor: ActorDep
) -> list[TransitionEvent]:
    """Apply, commit, then tell plugins; on any refusal nothing is written."""
    require_writer(actor)
    try:
        events = apply_transition(
            db,
            target,
            data.transition,
            actor,
            plugins.registry,
            comment=data.comment,
            expected_version=data.version,
        )
        db.commit()
    except BaseException:
        db.rollback()
        raise
    notify_observers(plugins.pm, events)
    return events


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
