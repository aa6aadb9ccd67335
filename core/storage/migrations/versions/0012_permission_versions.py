"""permission rows keyed by workflow version: a case on an old version keeps its version's map

Revision ID: 0012_permission_versions
Revises: 0011_workflow_versions
Create Date: 2026-12-02 15:40:00

The rows are derived data: every start-up (the registry mirror) and every import writes them
from the stored versions, so the table is recreated empty in its new shape rather than
converted; the next start of the application fills it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012_permission_versions"
down_revision: str | None = "0011_workflow_versions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_name = sqlmodel.sql.sqltypes.AutoString


def _create(versioned: bool) -> None:
    key = ["workflow_id", "workflow_version"] if versioned else ["workflow_id"]
    op.create_table(
        "state_permission",
        sa.Column("workflow_id", _name(length=128), nullable=False),
        *([sa.Column("workflow_version", sa.Integer(), nullable=False)] if versioned else []),
        sa.Column("state", _name(length=64), nullable=False),
        sa.Column("permission", _name(length=128), nullable=False),
        sa.Column("role", _name(length=64), nullable=False),
        sa.PrimaryKeyConstraint(*key, "state", "permission", "role"),
    )


def upgrade() -> None:
    op.drop_table("state_permission")
    _create(versioned=True)


def downgrade() -> None:
    op.drop_table("state_permission")
    _create(versioned=False)
