"""A search the database cannot answer in time is answered "too broad" (422, in the reader's
language), never held for 30 s; the request's transaction stays usable after it."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from hamyar.core.cases import listing
from hamyar.core.exceptions import InvalidInput
from hamyar.core.i18n import Phrase
from hamyar.core.storage.models import Case


def test_a_search_past_its_time_limit_is_refused_as_too_broad(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("the time limit is PostgreSQL's statement_timeout")
    monkeypatch.setattr(listing, "SEARCH_TIME_LIMIT_MS", 50)
    slow = select(Case).where(text("(SELECT pg_sleep(0.5)) IS NOT NULL"))
    with Session(engine) as session:
        with pytest.raises(InvalidInput) as refused:
            listing._bounded_search(session, slow, scalars=True)
        message = refused.value.args[0]
        assert isinstance(message, Phrase)
        assert "too many cases" in message.in_locale("en")
        assert "واژه‌ای بیفزایید" in message.in_locale("fa")
        assert refused.value.errors[0]["field"] == "q"
        # The savepoint took the cancelled statement with it: the request reads on, and
        # without the limit (it was local to the search).
        assert session.execute(text("SELECT 1")).scalar_one() == 1
        assert session.execute(text("SHOW statement_timeout")).scalar_one() == "0"
        assert listing._bounded_search(session, select(Case), scalars=True) == []
        assert session.execute(text("SHOW statement_timeout")).scalar_one() == "0"
