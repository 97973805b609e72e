"""A course that allows one attempt: quiz forms sent in parallel from several open tabs store exactly one attempt.

Real parallel requests against gunicorn (tests/test_parallel_writes.py shows the set-up), on a copy of the
fixture courses whose basics course sets ``attempts: 1``; SQLite, or TEST_DATABASE_URL's PostgreSQL.
"""

from __future__ import annotations

import os
import re
import shutil

import pytest
from sqlalchemy import select

from smmacademy import create_app
from smmacademy.extensions import db
from smmacademy.models import ModuleProgress, QuizAttempt
from smmacademy.services import accounts

from .conftest import FIXTURE_COURSES, REAL_COURSES
from .live import SECRET_KEY, reset_postgres, start_server
from .test_learn import RIGHT
from .test_parallel_writes import at_once, person, signed_in

TABS = 6


@pytest.fixture
def site(tmp_path):
    courses = tmp_path / "courses"
    shutil.copytree(FIXTURE_COURSES, courses)
    for framework in REAL_COURSES.glob("competencies*.yml"):
        shutil.copy(framework, courses / framework.name)
    header = courses / "01-basics" / "course.md"
    header.write_text(header.read_text().replace("audience: [everyone]\n", "audience: [everyone]\nattempts: 1\n"))
    database = os.environ.get("TEST_DATABASE_URL")
    if database:
        reset_postgres(database)
    server = start_server(tmp_path, database, workers=3, extra_env={"SMMACADEMY_COURSES": str(courses)})
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": server.env["DATABASE_URL"],
            "SECRET_KEY": SECRET_KEY,
            "TESTING": True,
            "SMMACADEMY_COURSES": str(courses),
        }
    )
    with app.app_context():
        accounts.ensure_departments()
        person("admin", "admin-race@example.com")
        yield server
        db.session.remove()
        db.engine.dispose()
    server.stop()


def test_one_allowed_attempt_sent_from_several_tabs_at_once_is_stored_once_and_the_rest_are_refused(site):
    server = site
    learner = person("learner", "tabs@example.com")
    browser = signed_in(server, learner)
    quiz_url = f"{server.url}/courses/basics/intro/quiz"
    # Reading the module first creates the progress row, so the attempts race on updating it, not on inserting it.
    browser.get(f"{server.url}/courses/basics/intro")
    assert db.session.scalar(select(ModuleProgress.attempts).where(ModuleProgress.user_id == learner.id)) == 0
    forms = []
    for _tab in range(TABS):  # every tab opened the quiz before any was sent: each has its own attempt
        _status, html = browser.get(quiz_url)
        assert "Attempt 1 of 1" in html
        forms.append(
            {
                **RIGHT,
                "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', html).group(1),
                "attempt": re.search(r'name="attempt" value="([^"]+)"', html).group(1),
            }
        )
    sent = iter(forms)
    replies = at_once(TABS, lambda: browser.post(quiz_url, next(sent)))

    statuses = sorted(reply.status for reply in replies)
    assert statuses == [302] + [409] * (TABS - 1), [r.body[:300] for r in replies if r.status not in (302, 409)]
    refused = next(reply for reply in replies if reply.status == 409)
    assert "You have used the only attempt at this quiz." in refused.body
    db.session.expire_all()
    attempts = db.session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == learner.id)).all()
    assert len(attempts) == 1
    progress = db.session.scalar(select(ModuleProgress).where(ModuleProgress.user_id == learner.id))
    assert progress.attempts == 1
