"""Which comment a citizen reads as `status_notes` once the case is closed."""

from __future__ import annotations

from hamyar.core.storage.models import HistoryEntry
from hamyar.plugins.municipality.open311.status import closing_notes

CLOSED = frozenset({"resolved", "closed", "rejected", "duplicate"})


def entry(
    action: str, to_state: str, comment: str = "", *, task: bool = False, automatic: bool = False
) -> HistoryEntry:
    return HistoryEntry(
        case_id=1,
        task_id=7 if task else None,
        action=action,
        actor="x",
        comment=comment,
        to_state=to_state,
        automatic=automatic,
    )


def test_the_case_closing_comment_wins() -> None:
    history = [
        entry("create", "new", "channel: open311"),
        entry("routed", "in_progress"),
        entry("complete", "done", "پر شد", task=True),
        entry("resolve", "resolved", "municipality: پر شد", automatic=True),
        entry("close", "closed", "با رضایت شهروند"),
    ]
    assert closing_notes(history, CLOSED) == "با رضایت شهروند"


def test_an_automatic_resolution_shows_the_task_comment_in_its_own_words() -> None:
    history = [
        entry("routed", "in_progress"),
        entry("not_responsible", "returned", "مربوط به آب و فاضلاب", task=True),
        entry("complete", "done", "پر شد", task=True),
        entry("resolve", "resolved", "municipality: پر شد", automatic=True),
        entry("close", "closed"),
    ]
    assert closing_notes(history, CLOSED) == "پر شد"


def test_comments_from_before_the_case_last_opened_are_not_used() -> None:
    history = [
        entry("to_triage", "triage", "دستگاهی پیدا نشد"),
        entry("assign", "in_progress"),
        entry("complete", "done", task=True),
        entry("resolve", "resolved", automatic=True),
    ]
    assert closing_notes(history, CLOSED) is None


def test_a_rejection_shows_its_reason() -> None:
    history = [entry("create", "new"), entry("reject", "rejected", "خارج از محدوده")]
    assert closing_notes(history, CLOSED) == "خارج از محدوده"
