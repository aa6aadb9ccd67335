"""The demo shows casework: notes of both kinds, and a duplicate that names its original."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from hamyar.core.application.context import Application
from hamyar.core.demo_data import load_demo_data
from hamyar.core.storage.models import Case, CaseNote


def test_the_demo_has_notes_and_a_linked_duplicate_once(engine: Engine) -> None:
    app = Application.build(engine=engine)
    load_demo_data(app)
    with Session(engine) as session:
        notes = session.exec(select(CaseNote)).all()
        assert {n.visibility for n in notes} == {"agency", "shared"}
        assert all(n.agency_code and n.author == f"{n.agency_code}.caseworker" for n in notes)
        duplicate = session.exec(
            select(Case).where(Case.state == "duplicate", col(Case.duplicate_of_id).is_not(None))
        ).first()
        assert duplicate is not None
        count = len(notes)
    load_demo_data(app)
    with Session(engine) as session:
        assert len(session.exec(select(CaseNote)).all()) == count
