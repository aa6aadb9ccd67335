"""Demo cases as plugins describe them: what to open, and the state to leave it in.

A plugin lists its `DemoCase`s (usually through `spread`) in its `load_demo_data` hook and hands
them to `add_cases`. Each case's key is stable across runs and its tracking code is derived from
the key, so loading the demo twice finds every case the first run added.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from hamyar.core.geo import neighbourhood_records
from hamyar.core.text.tracking_codes import _luhn_digit

GOALS = ("new", "triage", "in_progress", "resolved", "closed", "rejected", "duplicate")
"""Every state of the case workflow a demo case can be left in."""


@dataclass(frozen=True)
class DemoCase:
    """One demo case and the state the demo leaves it in."""

    key: str
    """Stable across runs (`municipality.report:17`); the tracking code is derived from it."""
    service: str
    title: str
    neighbourhood: str
    """A neighbourhood code from `core/geo/iran.json`."""
    goal: str = "in_progress"
    """One of GOALS."""
    category: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    channel: str = "phone"
    age_days: int = 10
    """How many days ago the case was opened."""
    task_progress: bool = True
    """For in_progress: move the primary task one step on (started, scheduled, …)."""
    referral: tuple[str, str] | None = None
    """(service, the state the referral is left in: offered, accepted, rejected, revoked, done)."""
    duplicate_of: str | None = None
    """The key of the case this one repeats (goal `duplicate`)."""


def demo_tracking_code(key: str) -> str:
    """A valid tracking code derived from the case's key: "9" and eight digits, then Luhn."""
    body = "9" + f"{zlib.crc32(key.encode()) % 10**8:08d}"
    return body + _luhn_digit(body)


def spread(
    service: str,
    titles: Sequence[str],
    forms: Sequence[dict[str, Any]],
    *,
    category: str | None = None,
    key: str | None = None,
    per_goal: int = 3,
    deprived_only: bool = False,
    referrals: Sequence[str] = (),
    channels: Sequence[str] = ("phone", "web", "app", "facilitation"),
) -> list[DemoCase]:
    """`per_goal` demo cases of `service` for every goal, with varied titles, places and ages.

    Titles may hold `{nb}` for the neighbourhood's name. Some in-progress and resolved cases get
    a referral to one of `referrals`; each duplicate repeats an earlier case of the same place.
    """
    key = key or service
    rng = random.Random(key)
    places = [r for r in neighbourhood_records() if r["deprived"] or not deprived_only]
    cases: list[DemoCase] = []
    referral_goals = ("offered", "accepted", "rejected", "revoked", "done")
    n = 0
    for goal in GOALS:
        for i in range(per_goal):
            n += 1
            place = rng.choice(places)
            title = titles[n % len(titles)].format(nb=place["name_fa"])
            referral = None
            if referrals and goal in ("in_progress", "resolved", "closed") and i == 0:
                ref_goal = referral_goals[n % len(referral_goals)]
                if goal != "in_progress" and ref_goal in ("offered", "accepted"):
                    ref_goal = "done"
                referral = (referrals[n % len(referrals)], ref_goal)
            age = {"new": rng.randint(0, 1), "triage": rng.randint(1, 6)}.get(
                goal, rng.randint(2, 60)
            )
            if goal == "in_progress" and i >= per_goal - 2:
                age = rng.randint(1, 8)  # recent enough to be repeated by a duplicate
            duplicate_of = None
            if goal == "duplicate":
                original = next(
                    (c for c in reversed(cases) if c.goal == "in_progress" and c.age_days <= 8),
                    None,
                )
                if original is not None:
                    place = next(r for r in places if r["code"] == original.neighbourhood)
                    duplicate_of = original.key
                    title = original.title + " (گزارش مجدد)"
                    age = rng.randint(0, original.age_days)
            cases.append(
                DemoCase(
                    key=f"{key}:{n}",
                    service=service,
                    title=title,
                    neighbourhood=place["code"],
                    goal=goal,
                    category=category,
                    data=forms[n % len(forms)],
                    channel=channels[n % len(channels)],
                    age_days=age,
                    referral=referral,
                    duplicate_of=duplicate_of,
                    task_progress=bool(i % 2),
                )
            )
    return cases
