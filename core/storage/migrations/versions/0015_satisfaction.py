"""the reporter's satisfaction rating of a resolved case, one per case

Revision ID: 0015_satisfaction
Revises: 0014_attachments
Create Date: 2026-12-02 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import hamyar.core.storage.models.types

revision: str = "0015_satisfaction"
down_revision: str | None = "0014_attachments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_name = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "satisfaction_rating",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("channel", _name(length=32), nullable=False),
        sa.Column("rated_at", hamyar.core.storage.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"]),
        sa.PrimaryKeyConstraint("case_id"),
    )


def downgrade() -> None:
    op.drop_table("satisfaction_rating")
