"""review rounds: when one was cancelled

Revision ID: b7d1f4e8a2c6
Revises: 9c4e2a7b1d53
Create Date: 2026-11-30 02:30:00

A manager can now cancel an open round (started by mistake, the person changed
teams). Who cancelled it goes to the audit log; the round keeps the time. A plain
added column: a SQLite batch copy of review_rounds would drop the table, and the
drop would cascade to the raters and their answers.
"""

import sqlalchemy as sa
from alembic import op

import smmacademy.models.base

# revision identifiers, used by Alembic.
revision = "b7d1f4e8a2c6"
down_revision = "9c4e2a7b1d53"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "review_rounds", sa.Column("cancelled_at", smmacademy.models.base.UTCDateTime(timezone=True), nullable=True)
    )


def downgrade():
    # In place (SQLite 3.35+ drops a column itself): no copy of the table, no cascade.
    op.drop_column("review_rounds", "cancelled_at")
