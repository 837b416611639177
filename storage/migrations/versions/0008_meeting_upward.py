"""meeting_upward: the version of each saved meeting reported upward (M6, #14)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

Meetings saved before this migration count as reported: the admins' first daily line
lists what is saved after the upgrade, not every meeting ever logged.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meeting_upward",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("reported_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_upward_meeting_id_meetings"),
        ),
        sa.PrimaryKeyConstraint("meeting_id", name=op.f("pk_meeting_upward")),
    )
    op.execute(
        "INSERT INTO meeting_upward (meeting_id, version, reported_at) "
        "SELECT id, version, CURRENT_TIMESTAMP FROM meetings WHERE state = 'saved'"
    )


def downgrade() -> None:
    op.drop_table("meeting_upward")
