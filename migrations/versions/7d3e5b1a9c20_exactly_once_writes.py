"""exactly-once writes: one row per rating, question snapshots, candidate time limit

Revision ID: 7d3e5b1a9c20
Revises: 5e1b7c2d9a41
Create Date: 2026-11-29 18:30:00

Self-assessment ratings move from the JSON column ``assessments.ratings`` to
``assessment_ratings`` (one row per statement; the existing JSON is copied).
Quiz attempts and candidate tests get a snapshot of the questions as shown;
candidates get ``test_expired_at``; a candidate has one assessment (unique).
"""
import json

from alembic import op
import sqlalchemy as sa

import smmacademy.models.base


# revision identifiers, used by Alembic.
revision = '7d3e5b1a9c20'
down_revision = "5e1b7c2d9a41"
branch_labels = None
depends_on = None


def _as_dict(value):
    if isinstance(value, str):
        value = json.loads(value or "{}")
    return value or {}


def upgrade():
    # Read the JSON first: on SQLite the batch below rebuilds "assessments"
    # (DROP TABLE + rename), which would cascade-delete rows already pointing at it.
    connection = op.get_bind()
    old = connection.execute(sa.text("SELECT id, ratings FROM assessments")).fetchall()
    rows = [
        {"assessment_id": assessment_id, "statement_id": str(statement_id)[:100], "value": int(value)}
        for assessment_id, stored in old
        for statement_id, value in _as_dict(stored).items()
    ]

    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessments_candidate_id'))
        batch_op.create_index(batch_op.f('ix_assessments_candidate_id'), ['candidate_id'], unique=True)
        batch_op.drop_column('ratings')

    ratings = op.create_table('assessment_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('assessment_id', 'statement_id')
    )
    if rows:
        op.bulk_insert(ratings, rows)

    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('questions', sa.JSON(none_as_null=True), nullable=True))

    # Only columns are added (ALTER TABLE ADD COLUMN, no rebuild that would cascade).
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('test_snapshot', sa.JSON(none_as_null=True), nullable=True))
        batch_op.add_column(sa.Column('test_expired_at', smmacademy.models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.drop_column('test_expired_at')
        batch_op.drop_column('test_snapshot')

    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_column('questions')

    connection = op.get_bind()
    collected = {}
    for assessment_id, statement_id, value in connection.execute(
        sa.text("SELECT assessment_id, statement_id, value FROM assessment_ratings")
    ):
        collected.setdefault(assessment_id, {})[statement_id] = value
    op.drop_table('assessment_ratings')

    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ratings', sa.JSON(), nullable=True))
        batch_op.drop_index(batch_op.f('ix_assessments_candidate_id'))
        batch_op.create_index(batch_op.f('ix_assessments_candidate_id'), ['candidate_id'], unique=False)

    assessments = sa.table('assessments', sa.column('id', sa.Integer()), sa.column('ratings', sa.JSON()))
    connection.execute(assessments.update().values(ratings={}))
    for assessment_id, values in collected.items():
        connection.execute(assessments.update().where(assessments.c.id == assessment_id).values(ratings=values))
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.alter_column('ratings', existing_type=sa.JSON(), nullable=False)
