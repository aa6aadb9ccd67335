"""The reporter rates how their case ended: 1 (poor) to 5 (very good).

`rate_outcome` is the one way a rating is given — from the status page (channel `web`) and,
later, from a reply to the resolution SMS (channel `sms`). Only a resolved (or closed) case is
rated; a later rating *replaces* the earlier one (people change their minds, or answer both the
page and the SMS), so reports count each case once with its newest rating, and the case's
history keeps every rating given, worded in the reader's language
(`hamyar.core.i18n.history`).

The rater is whoever holds the tracking code: the code is random and unguessable, the same
secret that opens the status page, and a rating changes nothing in the case's workflow.
"""

from __future__ import annotations

from hamyar.core.application.unit_of_work import UnitOfWork
from hamyar.core.auth import access
from hamyar.core.cases.intake import CHANNELS
from hamyar.core.cases.public_status import may_rate
from hamyar.core.engine import history
from hamyar.core.exceptions import InvalidInput
from hamyar.core.storage.models import SatisfactionRating, utcnow
from hamyar.core.storage.models.satisfaction import RATINGS
from hamyar.core.text.folding import normalize
from hamyar.core.text.phone_numbers import tracking_code_in

RATE = "rate"
"""The history action of a rating; its parameters are `rating` and `channel`."""
REPORTER = "reporter"
"""Who signs a rating in the history: the case's reporter (worded by `i18n.labels`)."""


def parse_rating(value: int | str) -> int:
    """1–5 as a number or as text in any digits; InvalidInput naming `rating` otherwise."""
    text = normalize(str(value)).strip() if not isinstance(value, int) else str(value)
    if text.isascii() and text.isdigit() and int(text) in RATINGS:
        return int(text)
    raise InvalidInput(
        "a rating is a whole number from 1 to 5",
        [{"field": "rating", "message": "Choose a rating from 1 to 5."}],
    )


def rate_outcome(
    uow: UnitOfWork, *, tracking_code: str, rating: int | str, channel: str
) -> SatisfactionRating:
    """Record the reporter's rating of a resolved case (replacing an earlier one).

    NotFound (404) for a code the public may not read — unknown, malformed or confidential
    alike; InvalidInput (422) for a rating outside 1–5, an unknown channel, or a case not
    resolved yet. Nothing is written on a refusal.
    """
    with uow:
        session = uow.session
        code = tracking_code_in(tracking_code) or tracking_code.strip()
        case = access.get_public_case(session, uow.registry, code)
        stars = parse_rating(rating)
        if channel not in CHANNELS:
            raise InvalidInput(
                f"channel must be one of {', '.join(CHANNELS)}",
                [{"field": "channel", "message": "unknown channel"}],
            )
        if not may_rate(case):
            raise InvalidInput(
                "only a resolved case may be rated",
                [{"field": "rating", "message": "This report can be rated once it is resolved."}],
            )
        assert case.id is not None
        row = session.get(SatisfactionRating, case.id, with_for_update=True)
        if row is None:
            row = SatisfactionRating(case_id=case.id, rating=stars, channel=channel)
        row.rating, row.channel, row.rated_at = stars, channel, utcnow()
        session.add(row)
        history.record(
            session,
            case_id=case.id,
            action=RATE,
            actor=REPORTER,
            version=case.version,
            params={"rating": stars, "channel": channel},
        )
        session.flush()
    return row
