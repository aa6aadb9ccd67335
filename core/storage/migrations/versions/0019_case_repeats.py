"""an index for finding the open case a new report repeats

Revision ID: 0019_case_repeats
Revises: 0018_open_task_tally
Create Date: 2026-12-08 02:00:00

Routing a new report first looks for an open case it repeats: same neighbourhood and service,
opened in the last two weeks (`hamyar.core.cases.dedupe`). With only the neighbourhood's index,
at a million cases that combined every case of the neighbourhood with every open case of all
(10,000 and 100,000 index entries, 11 ms a report); this index reads the two weeks of the
neighbourhood's cases of that service that are still open, and nothing else.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019_case_repeats"
down_revision: str | None = "0018_open_task_tally"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_case_repeats",
        "case",
        ["neighbourhood_id", "service_code", "state", "created_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_case_repeats", table_name="case")
