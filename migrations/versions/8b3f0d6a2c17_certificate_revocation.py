"""certificate revocation (Open Badges status list)

Revision ID: 8b3f0d6a2c17
Revises: 7d3e5b1a9c20
Create Date: 2026-11-29 19:00:00

"""
from alembic import op
import sqlalchemy as sa

import smmacademy.models.base


# revision identifiers, used by Alembic.
revision = '8b3f0d6a2c17'
down_revision = "7d3e5b1a9c20"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_at', smmacademy.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('revocation_reason', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('revoked_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_certificates_revoked_by_id_users'), 'users', ['revoked_by_id'], ['id'], ondelete='SET NULL'
        )


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_certificates_revoked_by_id_users'), type_='foreignkey')
        batch_op.drop_column('revoked_by_id')
        batch_op.drop_column('revocation_reason')
        batch_op.drop_column('revoked_at')
