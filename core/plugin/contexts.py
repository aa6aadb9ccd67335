"""What a worker hands a service handler: the loaded rows and a way to move them on.

A transition names a handler; after the transition commits, a worker loads fresh rows, builds a
`HandlerContext` and calls `handler(ctx)`. The handler does its agency's work (book a timetable
slot, check eligibility) and moves the task on with `ctx.transition(target, id)`, all in the
worker's transaction: the work and the step it causes land together or not at all. Delivery is
at least once, so a handler must notice work it already did (the task is no longer where it
expects).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from hamyar.core.auth.actor import SYSTEM
from hamyar.core.engine.events import TransitionEvent
from hamyar.core.engine.transition import apply_transition
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import Case, Task


@dataclass
class HandlerContext:
    session: Session
    registry: Registry
    case: Case
    task: Task | None
    transition_name: str
    """The transition whose handler this is (e.g. `request_slot`); `transition()` is the verb."""
    events: list[TransitionEvent] = field(default_factory=list)
    """Every transition the handler applied, for the worker to tell observers after commit."""

    def transition(self, target: Case | Task, transition_id: str, comment: str = "") -> None:
        """Apply `transition_id` to `target` as the engine (SYSTEM), in the worker's transaction."""
        self.events += apply_transition(
            self.session, target, transition_id, SYSTEM, self.registry, comment=comment
        )
