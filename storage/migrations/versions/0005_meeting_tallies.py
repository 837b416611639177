"""meetings.eligible/present/excused/unexcused: the stored tally behind the roll-ups (#5)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03

Existing saved meetings are filled by storage.tallies.backfill, which storage.migrate.upgrade
runs after the schema change (it needs the R1 status rules, which live in Python).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = ("eligible", "present", "excused", "unexcused")


def upgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.SmallInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
