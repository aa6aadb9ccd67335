"""the mobile library's visit partners (health, the municipality's cultural organisation, NGOs)

Revision ID: library_0002
Revises: library_0001 (the library's own branch)
Create Date: 2026-12-02 04:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "library_0002"
down_revision: str | None = "library_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "library_partner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("title_fa", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "library_visit_partner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stop_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["library_partner.id"]),
        sa.ForeignKeyConstraint(["stop_id"], ["library_route_stop.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("stop_id", "day", "partner_id"),
    )
    with op.batch_alter_table("library_visit_partner", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_library_visit_partner_stop_id"), ["stop_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("library_visit_partner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_library_visit_partner_stop_id"))
    op.drop_table("library_visit_partner")
    op.drop_table("library_partner")
