"""an index of tasks by agency and case, for the lists filtered by agency

Revision ID: 0016_task_agency_case
Revises: 0015_satisfaction
Create Date: 2026-12-02 19:45:00

`GET /api/cases?agency=` asks "has the agency a task in the case?" as a semi-join walked in
case-id order beside the list; this index answers it for one agency in id order, so a page
costs the same at a million cases as at ten thousand.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016_task_agency_case"
down_revision: str | None = "0015_satisfaction"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.create_index("ix_task_agency_case", ["agency_code", "case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index("ix_task_agency_case")
