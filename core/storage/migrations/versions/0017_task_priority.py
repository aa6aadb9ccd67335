"""tasks carry their case's priority, and an index of open tasks in urgency order

Revision ID: 0017_task_priority
Revises: 0016_task_agency_case
Create Date: 2026-12-02 19:50:00

A worklist is an agency's open tasks, crisis first and then by due time. Ordered by the case's
priority, every page sorted every open task of the agency (2.4 s at a million cases); with the
priority on the task (fixed at intake, copied when the task opens) a partial index of open
tasks gives the order, and a page reads fifty rows of it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_task_priority"
down_revision: str | None = "0016_task_agency_case"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

URGENCY = "(CASE WHEN priority >= 2 THEN 0 ELSE 1 END)"


def upgrade() -> None:
    op.add_column(
        "task", sa.Column("priority", sa.Integer(), nullable=False, server_default=sa.text("0"))
    )
    op.execute(
        'UPDATE task SET priority = (SELECT "case".priority FROM "case" '
        'WHERE "case".id = task.case_id) WHERE EXISTS (SELECT 1 FROM "case" '
        'WHERE "case".id = task.case_id AND "case".priority <> 0)'
    )
    op.create_index(
        "ix_task_open_urgency",
        "task",
        ["agency_code", sa.text(URGENCY), "due_at"],
        unique=False,
        postgresql_where=sa.text("resolved_at IS NULL"),
        sqlite_where=sa.text("resolved_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_task_open_urgency", table_name="task")
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_column("priority")
