"""Every test starts from the same database: the schema, the default departments and nothing else.

On SQLite the ``app`` fixture copies a prepared file instead of building the
schema each time (on PostgreSQL it rebuilds the schema); these tests run twice
in a row to show that what the first run wrote is gone for the second.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from smmacademy.extensions import db
from smmacademy.models import Department, User
from smmacademy.services.accounts import DEFAULT_DEPARTMENTS


@pytest.mark.parametrize("run", ["first", "second"])
def test_each_test_starts_with_only_the_default_departments_and_fresh_ids(make_user, run):
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    assert sorted(db.session.scalars(select(Department.key))) == sorted(DEFAULT_DEPARTMENTS)
    first = make_user(department=DEFAULT_DEPARTMENTS[next(iter(DEFAULT_DEPARTMENTS))])
    second = make_user(manager=first)
    assert (first.id, second.id) == (1, 2)
