"""meetings.amends_id: corrections are drafts that amend a saved meeting

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("amends_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_meetings_amends_id_meetings", "meetings", ["amends_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.drop_constraint("fk_meetings_amends_id_meetings", type_="foreignkey")
        batch.drop_column("amends_id")
