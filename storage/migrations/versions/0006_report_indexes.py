"""meeting_attendance(member_id): the index the roll-ups' query plans asked for (#6)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03

The R5/R6 counts of a yearly report (storage.warnings.year_records) read the marks of
the members it singles out by member id; the primary key (meeting_id, member_id) cannot
serve that, and on a 10,000-cell province each chunk of 1,000 members was a sequential
scan of every mark (EXPLAIN (ANALYZE, BUFFERS) in docs/benchmarks.md).
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_meeting_attendance_member_id", "meeting_attendance", ["member_id"])


def downgrade() -> None:
    op.drop_index("ix_meeting_attendance_member_id", table_name="meeting_attendance")
