"""The management line is written once (services/management) and every decision reads it."""

from __future__ import annotations

import pytest

from smmacademy.extensions import db
from smmacademy.services import accounts
from smmacademy.services.management import can_view, is_in_branch, may_manage, would_loop


@pytest.fixture
def line(make_user):
    top = make_user("manager", full_name="Top")
    middle = make_user("manager", manager=top, full_name="Middle")
    bottom = make_user("learner", manager=middle, full_name="Bottom")
    other = make_user("manager", full_name="Other")
    return top, middle, bottom, other


def test_branch_reaches_every_depth_and_nobody_else(line):
    top, middle, bottom, other = line
    assert is_in_branch(top.id, middle.id) and is_in_branch(top.id, bottom.id)
    assert is_in_branch(middle.id, bottom.id)
    assert not is_in_branch(middle.id, top.id)
    assert not is_in_branch(other.id, bottom.id)
    assert not is_in_branch(bottom.id, bottom.id)


def test_view_and_manage_decisions_follow_the_line(line, make_user):
    top, middle, bottom, other = line
    admin, hr = make_user("admin"), make_user("hr")
    assert [can_view(u, bottom.id) for u in (top, middle, bottom, other, admin, hr)] == [
        True,
        True,
        True,
        False,
        True,
        False,
    ]
    assert [may_manage(u, bottom.id) for u in (top, middle, other, admin)] == [True, True, False, True]
    assert can_view(hr, None) and not can_view(top, None)


def test_a_new_line_manager_below_the_person_is_a_loop(line):
    top, middle, bottom, other = line
    assert would_loop(top, bottom) and would_loop(top, top)
    assert not would_loop(bottom, other)
    with pytest.raises(accounts.AccountError):
        accounts.check_manager(top, bottom)
    db.session.rollback()
