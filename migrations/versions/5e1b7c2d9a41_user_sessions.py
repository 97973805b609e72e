"""server-side sessions

Revision ID: 5e1b7c2d9a41
Revises: c695a54e09e8
Create Date: 2026-11-29 18:40:00

"""
from alembic import op
import sqlalchemy as sa

import smmacademy.models.base


# revision identifiers, used by Alembic.
revision = '5e1b7c2d9a41'
down_revision = 'c695a54e09e8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('remember', sa.Boolean(), nullable=False),
    sa.Column('user_agent', sa.String(length=300), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('created_at', smmacademy.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', smmacademy.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', smmacademy.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))

    op.drop_table('user_sessions')
