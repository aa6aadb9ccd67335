"""the open-task tally: how many open tasks each person holds in each agency, kept by triggers

Revision ID: 0018_open_task_tally
Revises: 0017_task_priority
Create Date: 2026-12-03 13:30:00

A supervisor's team list shows every person's open tasks. Counted with a GROUP BY over `task`,
each refresh read every open task of the agency (187,000 rows, 130 ms at a million cases).
Triggers on `task` now add +1/-1 rows to `open_task_tally` as tasks open, close or change hands,
a worker folds them, and the page sums a few rows per person (`hamyar.core.cases.task_tally`).
The tally is counted from the tasks already there when the triggers are made.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hamyar.core.cases import task_tally

revision: str = "0018_open_task_tally"
down_revision: str | None = "0017_task_priority"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "open_task_tally",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_code", sa.String(length=64), nullable=False),
        sa.Column("assignee", sa.String(length=150), nullable=True),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_open_task_tally_agency",
        "open_task_tally",
        ["agency_code", "assignee", "delta"],
        unique=False,
    )
    task_tally.install(op.get_bind())


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for name in task_tally._POSTGRES_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON task")
        op.execute("DROP FUNCTION IF EXISTS open_task_tally_count()")
    else:
        for name in task_tally._SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_open_task_tally_agency", table_name="open_task_tally")
    op.drop_table("open_task_tally")
