"""The one way a history row is written.

Every state change, task opening, escalation and recorded decision appends one row, in the same
transaction as the change it records: the case's timeline is the audit trail, so it must never
say something happened that did not, nor miss what did.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from hamyar.core.storage.models import HistoryEntry, utcnow

_HISTORY = HistoryEntry.__table__  # type: ignore[attr-defined]
_INSERT = insert(_HISTORY)
"""Built once, so every change's history row reuses its cache key."""


def record(
    session: Session,
    *,
    case_id: int,
    action: str,
    actor: str,
    version: int,
    task_id: int | None = None,
    comment: str = "",
    from_state: str | None = None,
    to_state: str | None = None,
    automatic: bool = False,
    at: datetime | None = None,
    params: dict[str, Any] | None = None,
) -> None:
    """Append one entry to the case's history (or to one of its tasks', with `task_id`).

    `version` is the version of the case or task the entry is about, as the change left it.
    `comment` is a person's text; what the engine itself says goes in `params`, to be worded
    in the reader's language (`hamyar.core.i18n.history`).
    """
    session.execute(
        _INSERT,
        {
            "case_id": case_id,
            "task_id": task_id,
            "action": action,
            "actor": actor,
            "comment": comment,
            "from_state": from_state,
            "to_state": to_state,
            "version": version,
            "automatic": automatic,
            "params": params or {},
            "created_at": at or utcnow(),
        },
    )
