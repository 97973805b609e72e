"""Department keys: a stable identity for content (audiences, onboarding), made from the names

Revision ID: e8ee237e9ffd
Revises: ee46dd32e7af
Create Date: 2026-11-29 21:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "e8ee237e9ffd"
down_revision = "046e468e9690"
branch_labels = None
depends_on = None

# Frozen copies of the rules at the time of this migration (domain/departments.py,
# content/audience.py), so later changes to them cannot change what it did.
DEFAULT_KEYS = {
    "marketing": "marketing",
    "pr": "pr",
    "b2b sales": "b2b-sales",
    "b2c sales": "b2c-sales",
    "supplier relations": "supplier-relations",
    "partner relations": "partner-relations",
    "technical support": "technical-support",
    "hr": "hr-department",
}
RESERVED = {"everyone", "learner", "manager", "hr", "admin"}
# fmt: off
TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    "і": "i", "ї": "i", "є": "ie", "ґ": "g", "ў": "u",
}
# fmt: on


def _slug(name):
    import re
    import unicodedata

    text = "".join(TRANSLIT.get(c, c) for c in name.strip().lower())
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) > 64:
        slug = slug[:64].rsplit("-", 1)[0] or slug[:64]
    return slug


def _key(name, taken):
    base = DEFAULT_KEYS.get(name.strip().lower()) or _slug(name) or "department"
    if base in RESERVED:
        base = f"{base}-department"
    key, number = base, 2
    while key in taken:
        suffix = f"-{number}"
        key = base[: 64 - len(suffix)].rstrip("-") + suffix
        number += 1
    return key


def upgrade():
    # Plain ADD COLUMN (NOT NULL needs a default on SQLite): a batch rebuild of
    # "departments" on SQLite would cascade through the users that point at it.
    op.add_column("departments", sa.Column("key", sa.String(length=64), server_default="", nullable=False))
    departments = sa.table("departments", sa.column("id", sa.Integer), sa.column("name"), sa.column("key"))
    connection = op.get_bind()
    rows = connection.execute(sa.select(departments.c.id, departments.c.name).order_by(departments.c.id)).all()
    # Default names first, so "HR" gets the shipped content's key even if a custom name would slug to it.
    rows.sort(key=lambda row: (row.name.strip().lower() not in DEFAULT_KEYS, row.id))
    taken = set()
    for row in rows:
        key = _key(row.name, taken)
        taken.add(key)
        connection.execute(departments.update().where(departments.c.id == row.id).values(key=key))
    op.create_index("ix_departments_key", "departments", ["key"], unique=True)
    if connection.dialect.name != "sqlite":
        op.alter_column("departments", "key", server_default=None)


def downgrade():
    op.drop_index("ix_departments_key", table_name="departments")
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+), again without rebuilding the table.
    op.drop_column("departments", "key")
