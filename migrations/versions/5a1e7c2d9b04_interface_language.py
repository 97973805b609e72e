"""Interface language per person and per candidate invitation

Revision ID: 5a1e7c2d9b04
Revises: c695a54e09e8
Create Date: 2026-11-29 18:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "5a1e7c2d9b04"
down_revision = "c695a54e09e8"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), server_default="en", nullable=False))


def downgrade():
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("language")
