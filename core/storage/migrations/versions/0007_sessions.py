"""server-side UI sessions, so logging out and changing a password end them

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-02 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import hamyar.core.storage.models.types

revision: str = "0007"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ui_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", hamyar.core.storage.models.types.UTCDateTime(), nullable=False),
        sa.Column("expires_at", hamyar.core.storage.models.types.UTCDateTime(), nullable=False),
        sa.Column("ended_at", hamyar.core.storage.models.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key_hash"),
    )
    with op.batch_alter_table("ui_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ui_session_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ui_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ui_session_user_id"))
    op.drop_table("ui_session")
