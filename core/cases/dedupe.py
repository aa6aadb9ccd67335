"""Duplicate reports: many citizens report the same broken street light.

A new case repeats an open one when both are for the same service and category, in the same
neighbourhood, opened within `WINDOW_DAYS` of each other, and their titles say nearly the same
thing once Persian spelling is folded ("چراغ خاموش کوچه" and "چراغ‌هاي خاموش كوچه" are one
report). The repeat is linked to the original (`duplicate_of_id`) and closed as `duplicate`, so
the district gets one task, and every reporter can still follow the original.

Confidential services (health, welfare) are about one family each: never matched automatically.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from difflib import SequenceMatcher

from sqlmodel import Session, col, select

from hamyar.core.auth.actor import SYSTEM, Actor
from hamyar.core.engine.events import TransitionEvent
from hamyar.core.engine.transition import apply_transition
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import Case
from hamyar.core.text.folding import normalize, tokens

WINDOW_DAYS = 14
SIMILARITY = 0.6
OPEN_STATES = ("new", "triage", "in_progress")
"""A resolved report that happens again is a new problem, not a repeat."""
NOT_DUPLICATE_OF = "not_duplicate_of"
"""The case variable set when a person undoes a duplicate mark: the case it does not repeat."""


@dataclass(frozen=True, slots=True)
class _Folded:
    """A title folded once, to be compared with many: its words and its folded text."""

    words: frozenset[str]
    text: str

    @classmethod
    def of(cls, title: str) -> _Folded:
        return cls(frozenset(tokens(title)), normalize(title))


def _similarity(a: _Folded, b: _Folded) -> float:
    either = a.words | b.words
    jaccard = len(a.words & b.words) / len(either) if either else 0.0
    return max(jaccard, SequenceMatcher(None, a.text, b.text).ratio())


def title_similarity(a: str, b: str) -> float:
    """0-1: the better of word overlap (Jaccard) and character similarity, after folding."""
    return _similarity(_Folded.of(a), _Folded.of(b))


def find_duplicate(
    session: Session,
    case: Case,
    registry: Registry,
    *,
    days: int = WINDOW_DAYS,
    threshold: float = SIMILARITY,
) -> Case | None:
    """The open case `case` repeats, oldest best match first, or None."""
    spec = registry.services.get(case.service_code)
    if case.variables.get(NOT_DUPLICATE_OF) is not None:
        return None  # a person said it is not a repeat: routing must not decide otherwise
    if spec is None or spec.confidential or case.confidential or case.neighbourhood_id is None:
        return None
    since = case.created_at - timedelta(days=days)
    # Only the candidates' titles are compared, so only they are read (`ix_case_repeats`
    # finds them); the winner, if any, is loaded whole.
    query = select(col(Case.id), col(Case.title)).where(
        col(Case.neighbourhood_id) == case.neighbourhood_id,
        col(Case.service_code) == case.service_code,
        col(Case.state).in_(OPEN_STATES),
        col(Case.created_at) >= since,
        col(Case.created_at) <= case.created_at,
        col(Case.id) != case.id,
    )
    query = (
        query.where(col(Case.category) == case.category)
        if case.category
        else query.where(col(Case.category).is_(None))
    )
    best: tuple[float, int] | None = None
    mine = _Folded.of(case.title)
    for other_id, title in session.exec(query.order_by(col(Case.id))).all():
        score = _similarity(mine, _Folded.of(title))
        if other_id is not None and score >= threshold and (best is None or score > best[0]):
            best = (score, other_id)
    return session.get(Case, best[1]) if best else None


def mark_duplicate(
    session: Session,
    case: Case,
    original: Case,
    registry: Registry,
    actor: Actor = SYSTEM,
    comment: str = "",
) -> list[TransitionEvent]:
    """Link `case` to `original` and move it to `duplicate`, with the original named in history."""
    if original.id == case.id:
        raise ValueError("a case cannot duplicate itself")
    case.duplicate_of_id = original.id
    text = comment.strip() or f"تکرار پرونده {original.tracking_code}"
    return apply_transition(session, case, "mark_duplicate", actor, registry, comment=text)
