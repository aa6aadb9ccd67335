"""The words for codes the engine stores: channels, and who "system" is.

A case's channel is stored as a code (`phone`, `open311`); the page names it in the reader's
language through an English label, which is the catalogue's message id like any other text.
"""

from __future__ import annotations

CHANNEL_LABELS = {
    "web": "Web form",
    "api": "Agency system (API)",
    "open311": "Open311 app",
    "sms": "SMS",
    "phone": "Phone (137)",
    "app": "Mobile app",
    "facilitation": "Neighbourhood facilitation office",
    "caseworker": "Caseworker",
    "demo": "Demo data",
}
"""Channel code → English label (the message id)."""

QUEUE_LABELS = {"urgent": "Urgent", "default": "Default", "bulk": "Bulk (scheduled work)"}
"""The RQ queues' names on the queue page."""

WORKER_STATE_LABELS = {
    "idle": "Idle",
    "busy": "Busy",
    "started": "Starting",
    "suspended": "Suspended",
}
"""RQ's worker states on the queue page."""

ACTOR_LABELS = {"system": "System", "reporter": "The reporter"}
"""Actors that are not people: the engine and its workers sign history as `system`."""


def list_separator(locale: str) -> str:
    """Between the items of a list in running text: the Persian comma in `fa`."""
    return "، " if locale == "fa" else ", "


def channel_label(code: str | None) -> str:
    """The English label of a channel code (the code itself for one nobody named)."""
    return CHANNEL_LABELS.get(code or "", code or "")


def queue_label(name: str) -> str:
    """The English label of an RQ queue (its own name for one nobody named)."""
    return QUEUE_LABELS.get(name, name)


def worker_state_label(state: str) -> str:
    """The English label of an RQ worker state."""
    return WORKER_STATE_LABELS.get(state, state)


def actor_label(username: str) -> str | None:
    """The English name of a non-person actor; None for a person (their username is data)."""
    return ACTOR_LABELS.get(username)
