"""candidate test draft: answers saved before the final submission

Revision ID: 3f6a9d2c8e15
Revises: ee46dd32e7af
Create Date: 2026-11-29 21:00:00

A candidate can save the knowledge test and come back through the private link;
the saved answers live in ``candidates.test_draft`` until the test is submitted.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3f6a9d2c8e15"
down_revision = "e8ee237e9ffd"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("test_draft", sa.JSON(none_as_null=True), nullable=True))


def downgrade():
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.drop_column("test_draft")
