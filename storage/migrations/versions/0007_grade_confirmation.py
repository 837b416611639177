"""meetings.confirmed_grade, confirmed_of, confirmed_by, confirmed_at, grade_note (M9, #14)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05

M9: the upper committee confirms or adjusts the grade a cell gave its meeting. The cell's
own grade stays in `grade`; the committee's, who gave it and when, beside it. `confirmed_of`
keeps the own grade the confirmation was given over, so a later correction that changes it
is seen (the confirmation stands, marked for a second look). Existing meetings start
unconfirmed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("confirmed_grade", sa.String(length=12), nullable=True))
        batch.add_column(sa.Column("confirmed_of", sa.String(length=12), nullable=True))
        batch.add_column(sa.Column("confirmed_by", sa.BigInteger(), nullable=True))
        batch.add_column(
            sa.Column("confirmed_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("grade_note", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.drop_column("grade_note")
        batch.drop_column("confirmed_at")
        batch.drop_column("confirmed_by")
        batch.drop_column("confirmed_of")
        batch.drop_column("confirmed_grade")
