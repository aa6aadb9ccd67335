"""history entries keep the parameters of what they record, apart from people's comments

A row the engine writes ("reported by phone", "overdue by 30 hours") is stored as its action
plus parameters and put into words when it is read, in the reader's language; the comment
column holds only what a person typed (or a plugin's reason).

Revision ID: 0008_history_params
Revises: 0007
Create Date: 2026-12-02 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import hamyar.core.storage.models.types

revision: str = "0008_history_params"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("history_entry", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "params",
                hamyar.core.storage.models.types.JSONType,
                nullable=False,
                server_default=sa.text("'{}'"),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("history_entry", schema=None) as batch_op:
        batch_op.drop_column("params")
