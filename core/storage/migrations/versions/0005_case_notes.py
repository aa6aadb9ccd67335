"""notes on a case, apart from its transitions

A caseworker writes a note for their agency, for every agency on the case, or for the public
status page; the case's timeline shows each to those it was written for.

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-02 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import hamyar.core.storage.models.types

revision: str = "0005"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(length=150), nullable=False),
        sa.Column("agency_code", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("visibility", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", hamyar.core.storage.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["agency_code"], ["agency.code"]),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("case_note", schema=None) as batch_op:
        batch_op.create_index("ix_case_note_case_id", ["case_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("case_note", schema=None) as batch_op:
        batch_op.drop_index("ix_case_note_case_id")
    op.drop_table("case_note")
