"""the reporter's phone, canonical and indexed, for the phone search

Revision ID: 0009_reporter_phone
Revises: 0008_history_params
Create Date: 2026-12-02 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from hamyar.core.text.phone_numbers import phone_key

revision: str = "0009_reporter_phone"
down_revision: str | None = "0008_history_params"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reporter_phone", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
        batch_op.create_index("ix_case_reporter_phone", ["reporter_phone"], unique=False)
    # Cases recorded before: their reporter's phone, canonical (as intake stores it now).
    connection = op.get_bind()
    cases = sa.table(
        "case",
        sa.column("id", sa.Integer),
        sa.column("reporter", sa.JSON),
        sa.column("reporter_phone"),
    )
    rows = connection.execute(
        sa.select(cases.c.id, cases.c.reporter).where(cases.c.reporter.is_not(None))
    )
    for case_id, reporter in rows.all():
        phone = reporter.get("phone") if isinstance(reporter, dict) else None
        key = phone_key(phone) if isinstance(phone, str) else None
        if key is not None:
            connection.execute(
                sa.update(cases).where(cases.c.id == case_id).values(reporter_phone=key)
            )


def downgrade() -> None:
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_index("ix_case_reporter_phone")
        batch_op.drop_column("reporter_phone")
