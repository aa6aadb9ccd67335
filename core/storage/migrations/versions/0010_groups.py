"""groups of users with their roles, and the workflow states' permission maps as rows

Revision ID: 0010_groups
Revises: 0009_reporter_phone
Create Date: 2026-12-02 04:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010_groups"
down_revision: str | None = "0009_reporter_phone"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_name = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "user_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", _name(length=64), nullable=False),
        sa.Column("agency_code", _name(length=64), nullable=True),
        sa.ForeignKeyConstraint(["agency_code"], ["agency.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "group_member",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["user_group.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("group_id", "user_id"),
    )
    with op.batch_alter_table("group_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_member_user_id"), ["user_id"], unique=False)
    op.create_table(
        "group_role",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("role", _name(length=64), nullable=False),
        sa.Column("agency_code", _name(length=64), nullable=True),
        sa.ForeignKeyConstraint(["agency_code"], ["agency.code"]),
        sa.ForeignKeyConstraint(["group_id"], ["user_group.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("group_id", "role", "agency_code"),
    )
    with op.batch_alter_table("group_role", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_role_group_id"), ["group_id"], unique=False)
    op.create_table(
        "state_permission",
        sa.Column("workflow_id", _name(length=128), nullable=False),
        sa.Column("state", _name(length=64), nullable=False),
        sa.Column("permission", _name(length=128), nullable=False),
        sa.Column("role", _name(length=64), nullable=False),
        sa.PrimaryKeyConstraint("workflow_id", "state", "permission", "role"),
    )
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.create_index("ix_case_workflow_state", ["workflow_id", "state"], unique=False)
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.create_index(
            "ix_task_case_agency_state", ["case_id", "agency_code", "workflow_id", "state"]
        )


def downgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index("ix_task_case_agency_state")
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_index("ix_case_workflow_state")
    op.drop_table("state_permission")
    with op.batch_alter_table("group_role", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_role_group_id"))
    op.drop_table("group_role")
    with op.batch_alter_table("group_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_member_user_id"))
    op.drop_table("group_member")
    op.drop_table("user_group")
