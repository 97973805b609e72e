"""Interface language per person and per candidate invitation

Revision ID: 5a1e7c2d9b04
Revises: 8b3f0d6a2c17
Create Date: 2026-11-29 18:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "5a1e7c2d9b04"
down_revision = "8b3f0d6a2c17"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN on every database: a batch rebuild of "users" or "candidates"
    # on SQLite (DROP TABLE + rename, foreign keys on) would cascade-delete their child rows.
    op.add_column("users", sa.Column("language", sa.String(length=8), nullable=True))
    op.add_column("candidates", sa.Column("language", sa.String(length=8), server_default="en", nullable=False))


def downgrade():
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+), again without rebuilding the tables.
    op.drop_column("candidates", "language")
    op.drop_column("users", "language")
