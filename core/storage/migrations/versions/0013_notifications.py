"""notifications to reporters, opt-outs, inbound SMS

Revision ID: 0013_notifications
Revises: 0012_permission_versions
Create Date: 2026-12-02 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import hamyar.core.storage.models.types

revision: str = "0013_notifications"
down_revision: str | None = "0012_permission_versions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AutoString = sqlmodel.sql.sqltypes.AutoString
UTCDateTime = hamyar.core.storage.models.types.UTCDateTime
JSONType = hamyar.core.storage.models.types.JSONType


def upgrade() -> None:
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", AutoString(length=255), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("event", AutoString(length=16), nullable=False),
        sa.Column("channel", AutoString(length=8), nullable=False),
        sa.Column("ref", AutoString(length=64), nullable=False),
        sa.Column("recipient", AutoString(length=254), nullable=False),
        sa.Column("locale", AutoString(length=8), nullable=False),
        sa.Column("params", JSONType, nullable=False),
        sa.Column("status", AutoString(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("subject", AutoString(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("provider_ref", AutoString(length=255), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("attempted_at", UTCDateTime(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index("ix_notification_case_id", ["case_id", "id"], unique=False)
    op.create_table(
        "notification_opt_out",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact", AutoString(length=254), nullable=False),
        sa.Column("opted_out_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("contact"),
    )
    op.create_table(
        "inbound_sms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", AutoString(length=128), nullable=False),
        sa.Column("sender", AutoString(length=32), nullable=False),
        sa.Column("receiver", AutoString(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("outcome", AutoString(length=16), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_id"),
    )


def downgrade() -> None:
    op.drop_table("inbound_sms")
    op.drop_table("notification_opt_out")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_case_id")
    op.drop_table("notification")
