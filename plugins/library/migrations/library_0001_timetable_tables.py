"""the library's timetable tables, as the first revision of the library's own branch

Revision ID: library_0001
Revises: (a branch of its own: `library`, on the core's 0001)
Create Date: 2026-12-02 04:40:00

Until this branch existed the core's first revision created these three tables. A database
migrated then already holds them, with the route, bookings and published weeks an office
entered: this revision adopts such a table as it is (rows intact) and creates only the ones
missing, so an old database and a new one end with the same schema and the same history.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from hamyar import UTCDateTime

revision: str = "library_0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ("library",)
depends_on: str | Sequence[str] | None = "0001"
"""county, neighbourhood, case and task, which the tables refer to."""


def _missing(table: str) -> bool:
    return not sa.inspect(op.get_bind()).has_table(table)


def upgrade() -> None:
    if _missing("library_route_stop"):
        op.create_table(
            "library_route_stop",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("county_id", sa.Integer(), nullable=False),
            sa.Column("unit", sa.String(length=150), nullable=False),
            sa.Column("weekday", sa.Integer(), nullable=False),
            sa.Column("start", sa.Time(), nullable=False),
            sa.Column("end", sa.Time(), nullable=False),
            sa.Column("neighbourhood_id", sa.Integer(), nullable=True),
            sa.Column("active", sa.Boolean(), nullable=False),
            sa.ForeignKeyConstraint(["county_id"], ["county.id"]),
            sa.ForeignKeyConstraint(["neighbourhood_id"], ["neighbourhood.id"]),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("unit", "weekday", "start"),
        )
        op.create_index(
            "ix_library_route_stop_county_id", "library_route_stop", ["county_id"], unique=False
        )
    if _missing("library_published_week"):
        op.create_table(
            "library_published_week",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("county_id", sa.Integer(), nullable=False),
            sa.Column("week_start", sa.Date(), nullable=False),
            sa.Column(
                "entries",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=False,
            ),
            sa.Column("published_at", UTCDateTime(), nullable=False),
            sa.ForeignKeyConstraint(["county_id"], ["county.id"]),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("county_id", "week_start"),
        )
    if _missing("library_visit_booking"):
        op.create_table(
            "library_visit_booking",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("stop_id", sa.Integer(), nullable=False),
            sa.Column("day", sa.Date(), nullable=False),
            sa.Column("task_id", sa.Integer(), nullable=False),
            sa.Column("case_id", sa.Integer(), nullable=False),
            sa.Column("created_at", UTCDateTime(), nullable=False),
            sa.ForeignKeyConstraint(["case_id"], ["case.id"]),
            sa.ForeignKeyConstraint(["stop_id"], ["library_route_stop.id"]),
            sa.ForeignKeyConstraint(["task_id"], ["task.id"]),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("stop_id", "day"),
            sa.UniqueConstraint("task_id"),
        )
        op.create_index(
            "ix_library_visit_booking_case_id", "library_visit_booking", ["case_id"], unique=False
        )
        op.create_index(
            "ix_library_visit_booking_day", "library_visit_booking", ["day"], unique=False
        )


def downgrade() -> None:
    op.drop_index("ix_library_visit_booking_day", table_name="library_visit_booking")
    op.drop_index("ix_library_visit_booking_case_id", table_name="library_visit_booking")
    op.drop_table("library_visit_booking")
    op.drop_table("library_published_week")
    op.drop_index("ix_library_route_stop_county_id", table_name="library_route_stop")
    op.drop_table("library_route_stop")
