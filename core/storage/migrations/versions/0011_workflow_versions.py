"""immutable workflow versions, the version each case and task runs on, service bindings

Revision ID: 0011_workflow_versions
Revises: 0010_groups
Create Date: 2026-12-02 04:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import hamyar.core.storage.models.types

revision: str = "0011_workflow_versions"
down_revision: str | None = "0010_groups"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "workflow_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("xml", sa.Text(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=150), nullable=False),
        sa.Column("created_at", hamyar.core.storage.models.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workflow_id", "number", name="uq_workflow_version_number"),
    )
    with op.batch_alter_table("workflow_version", schema=None) as batch_op:
        batch_op.create_index(
            "ix_workflow_version_workflow", ["workflow_id", "number"], unique=False
        )
    op.create_table(
        "service_workflow",
        sa.Column("service_code", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("workflow_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("bound_by", sqlmodel.sql.sqltypes.AutoString(length=150), nullable=False),
        sa.Column("bound_at", hamyar.core.storage.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["service_code"], ["service.code"]),
        sa.PrimaryKeyConstraint("service_code"),
    )
    for table in ("case", "task"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("workflow_version", sa.Integer(), nullable=True))
            batch_op.create_index(
                f"ix_{table}_workflow_version",
                ["workflow_id", "workflow_version", "state"],
                unique=False,
            )


def downgrade() -> None:
    for table in ("task", "case"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_workflow_version")
            batch_op.drop_column("workflow_version")
    op.drop_table("service_workflow")
    with op.batch_alter_table("workflow_version", schema=None) as batch_op:
        batch_op.drop_index("ix_workflow_version_workflow")
    op.drop_table("workflow_version")
