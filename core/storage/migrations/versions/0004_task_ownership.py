"""an index for the worklists of task ownership

"My tasks" and the agency's unassigned queue read an agency's open tasks held by one person
(or by nobody), nearest due time first.

Revision ID: 0004
Revises: 0006
Create Date: 2026-12-02 01:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_task_agency_assignee_open_due",
        "task",
        ["agency_code", "assignee", "resolved_at", "due_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_task_agency_assignee_open_due", table_name="task")
