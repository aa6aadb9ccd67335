"""What observers are told after a transition committed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class TransitionEvent:
    kind: str
    """"case" or "task"."""
    object_id: int
    case_id: int
    agency: str | None
    transition: str
    actor: str
    from_state: str
    to_state: str
    version: int
    comment: str
    automatic: bool
    at: datetime
