"""plan items: the target level, so a built goal is worded in the reader's language

Revision ID: 9c4e2a7b1d53
Revises: 3f6a9d2c8e15
Create Date: 2026-11-30 02:30:00

A built plan item used to store its goal ("Reach level 4 in …") in the language
of whoever built the plan, so a Russian-speaking employee read an English goal.
Built items now keep their target level and an empty goal, and each reader sees
the goal in their own language; a goal someone typed stays as typed.

Existing built goals that still read exactly as built (in English or Russian,
with the item's own competency name) are turned into the new form; goals someone
edited are left alone. Without the framework at hand nothing is converted.
"""

import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9c4e2a7b1d53"
down_revision = "3f6a9d2c8e15"
branch_labels = None
depends_on = None

# The built wording at the time of this migration, per shipped language.
BUILT_GOALS = {
    "en": re.compile(r"^Reach level (\d+) in (.+)$", re.S),
    "ru": re.compile(r"^Выйти на уровень (\d+) по компетенции «(.+)»$", re.S),
}


def _competency_names() -> dict[str, dict[str, str]]:
    """Per language, competency id -> name, from the app's framework ({} when it is not loaded)."""
    try:
        from flask import current_app

        framework = current_app.extensions["smmacademy_catalog"].catalog.framework
    except (RuntimeError, KeyError, AttributeError):
        return {}
    if framework is None:
        return {}
    return {
        language: {cid: c.name for cid, c in framework.localized(language).competencies.items()}
        for language in BUILT_GOALS
    }


def upgrade():
    with op.batch_alter_table("plan_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("target", sa.Integer(), nullable=True))
    items = sa.table(
        "plan_items",
        sa.column("id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("competency_id", sa.String),
        sa.column("goal", sa.Text),
        sa.column("target", sa.Integer),
    )
    names = _competency_names()
    if not names:
        return
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(items.c.id, items.c.competency_id, items.c.goal).where(items.c.kind == "competency")
    ).all()
    for item_id, competency_id, goal in rows:
        for language, pattern in BUILT_GOALS.items():
            found = pattern.match(goal or "")
            if found and names[language].get(competency_id) == found.group(2):
                connection.execute(
                    items.update().where(items.c.id == item_id).values(goal="", target=int(found.group(1)))
                )
                break


def downgrade():
    # In place (SQLite 3.35+ drops a column itself): no copy of the table, no cascade.
    op.drop_column("plan_items", "target")
