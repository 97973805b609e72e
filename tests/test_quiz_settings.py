"""Quiz settings in course.md: validated by the loader, enforced on submission, applied to the review."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from smmacademy.content.catalog import load_catalog
from smmacademy.domain.quiz_policy import AFTER_LAST_ATTEMPT, DEFAULT_SETTINGS, NEVER, QuizSettings
from smmacademy.extensions import db
from smmacademy.models import ModuleProgress, QuizAttempt

from .conftest import REAL_COURSES, login
from .test_learn import RIGHT, attempt_token, submit

QUIZ = "/courses/basics/intro/quiz"
WRONG = {**RIGHT, "q-intro-single": "b", "q-intro-multiple": ["c"], "q-intro-text": "nope"}
EXPLANATION = "The manager builds the system first."


def set_course_settings(courses_dir, settings: str, course="01-basics") -> None:
    """Add ``settings`` (YAML lines) to a fixture course's front matter."""
    path = courses_dir / course / "course.md"
    path.write_text(path.read_text().replace("audience: [everyone]\n", f"audience: [everyone]\n{settings}", 1))


def loader_errors(courses_dir) -> list[str]:
    return [str(error) for error in load_catalog(courses_dir).errors]


def test_the_settings_are_read_from_course_md_and_the_translation_inherits_them(courses_dir):
    set_course_settings(courses_dir, "attempts: 3\ncooldown: 2 hours\nshow_answers: after_last_attempt\n")
    catalog = load_catalog(courses_dir)
    assert catalog.errors == []
    assert catalog.courses["basics"].quiz_settings == QuizSettings(3, timedelta(hours=2), AFTER_LAST_ATTEMPT)
    assert catalog.courses["advanced"].quiz_settings == DEFAULT_SETTINGS


@pytest.mark.parametrize(
    ("value", "minutes"), [("0", 0), ("45", 45), ("45 minutes", 45), ("1 hour", 60), ("2h", 120), ("1 day", 1440)]
)
def test_a_cooldown_is_whole_minutes_or_a_duration(courses_dir, value, minutes):
    set_course_settings(courses_dir, f"cooldown: {value}\n")
    catalog = load_catalog(courses_dir)
    assert catalog.errors == []
    assert catalog.courses["basics"].quiz_settings.cooldown == timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ("attempts: 0\n", "'attempts' must be a whole number of attempts (1 or more) or 'unlimited' (got '0')"),
        ("attempts: three\n", "'attempts' must be a whole number"),
        ("attempts: true\n", "'attempts' must be a whole number"),
        ("cooldown: -5\n", "'cooldown' must be whole minutes between attempts"),
        ("cooldown: soon\n", "'cooldown' must be whole minutes between attempts"),
        ("show_answers: always\n", "'show_answers' must be one of never, after_passing, after_last_attempt"),
        ("show_answers: after_last_attempt\n", "'show_answers: after_last_attempt' needs a limit"),
    ],
)
def test_a_bad_setting_is_reported_with_file_and_line(courses_dir, settings, message):
    set_course_settings(courses_dir, settings)
    errors = loader_errors(courses_dir)
    assert len(errors) == 1
    assert errors[0].startswith("courses/01-basics/course.md:5: ") and message in errors[0], errors


def test_a_translated_course_header_may_not_set_the_settings(courses_dir):
    (courses_dir / "01-basics" / "course.ru.md").write_text(
        "---\ntitle: Основы\nsummary: Курс.\nattempts: 2\n---\nОбзор.\n", encoding="utf-8"
    )
    assert loader_errors(courses_dir) == [
        "courses/01-basics/course.ru.md:4: 'attempts' is set only in course.md; the translation inherits it"
    ]


def test_the_shipped_courses_keep_unlimited_attempts_and_show_answers_after_passing():
    catalog = load_catalog(REAL_COURSES)
    assert catalog.errors == []
    assert {slug: c.quiz_settings for slug, c in catalog.courses.items()} == {
        slug: QuizSettings(None, timedelta(minutes=0), "after_passing") for slug in catalog.courses
    }


@pytest.fixture
def limited(courses_dir, app_config):
    """The basics course allows 2 attempts, 10 minutes apart, and shows answers after the last one."""
    set_course_settings(courses_dir, "attempts: 2\ncooldown: 10\nshow_answers: after_last_attempt\n")
    return app_config


@pytest.fixture
def learner(limited, app, login_as, make_user):
    make_user("admin")
    return login_as("learner")


def age_attempts(minutes: int) -> None:
    """Move every stored attempt ``minutes`` into the past (the cooldown is measured from them)."""
    for attempt in db.session.scalars(select(QuizAttempt)):
        attempt.submitted_at -= timedelta(minutes=minutes)
    db.session.commit()


def test_the_quiz_page_says_which_attempt_it_is_and_when_the_next_one_opens(learner, client):
    first = client.get(QUIZ).get_data(as_text=True)
    assert "Attempt 1 of 2" in first and "After each attempt the next one opens 10 minutes later." in first
    assert "as many times as you like" not in first
    assert submit(client, WRONG).status_code == 302
    waiting = client.get(QUIZ)
    html = waiting.get_data(as_text=True)
    stored = db.session.scalar(select(QuizAttempt))
    opens = (stored.submitted_at + timedelta(minutes=10)).strftime(":%M:%S")
    assert waiting.status_code == 200 and "Your next attempt is available at" in html and opens in html
    assert 'name="attempt"' not in html  # no form while the pause runs
    age_attempts(11)
    assert "Attempt 2 of 2" in client.get(QUIZ).get_data(as_text=True)


def test_a_submission_inside_the_cooldown_is_refused_with_a_message_and_not_stored(learner, client):
    token = attempt_token(client)  # opened before the first attempt: the form is still on screen
    assert submit(client, WRONG).status_code == 302
    early = submit(client, RIGHT, token=token)
    assert early.status_code == 409
    assert "Your next attempt is available at" in early.get_data(as_text=True)
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 1
    assert db.session.scalar(select(ModuleProgress.attempts)) == 1


def test_a_submission_beyond_the_limit_is_refused_and_the_last_one_reveals_the_answers(learner, client):
    first = submit(client, WRONG)
    first_review = client.get(first.location).get_data(as_text=True)
    assert EXPLANATION not in first_review and "Try again" in first_review  # attempts remain
    age_attempts(11)
    token = attempt_token(client)
    second = submit(client, WRONG, token=token)
    assert second.status_code == 302
    review = client.get(second.location).get_data(as_text=True)
    assert EXPLANATION in review and "Accepted answers:" in review  # no attempt left: the answers are shown
    assert "Try again" not in review
    age_attempts(60)
    extra = client.post(QUIZ, data={**RIGHT, "attempt": token})
    assert extra.status_code == 302  # the same form sent again finds its stored attempt
    page = client.get(QUIZ)
    assert "You have used all 2 attempts at this quiz." in page.get_data(as_text=True)
    assert 'name="attempt"' not in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 2


def test_a_forged_fresh_form_beyond_the_limit_is_refused(learner, app, client):
    from smmacademy.catalog_state import get_catalog
    from smmacademy.services import learning

    for _ in range(2):
        submit(client, WRONG)
        age_attempts(11)
    module = get_catalog().module("basics", "intro")
    _ticket, token = learning.new_ticket(app.config["SECRET_KEY"], learner, module)
    refused = submit(client, RIGHT, token=token)
    assert refused.status_code == 409
    assert "You have used all 2 attempts at this quiz." in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 2


def test_under_the_default_a_failed_review_shows_what_was_wrong_but_not_the_right_answers(client, make_user, login_as):
    make_user("admin")
    login_as("learner")
    failed = submit(client, WRONG)
    html = client.get(failed.location).get_data(as_text=True)
    assert html.count("Not correct") == 3 and html.count(">Correct<") == 2
    assert EXPLANATION not in html and "Accepted answers:" not in html and "is-correct" not in html
    assert "the right answers and explanations are shown once you pass this quiz" in html
    submit(client, RIGHT)
    after = client.get(failed.location).get_data(as_text=True)
    assert EXPLANATION in after and "Accepted answers: 3-4, 3 to 4" in after and "is-correct" in after


@pytest.fixture
def never(courses_dir, app_config):
    set_course_settings(courses_dir, f"show_answers: {NEVER}\n")
    return app_config


def test_never_keeps_the_right_answers_hidden_even_after_passing(never, client, make_user, login_as):
    make_user("admin")
    login_as("learner")
    passed = submit(client, RIGHT)
    html = client.get(passed.location).get_data(as_text=True)
    assert "Passed" in html and EXPLANATION not in html
    assert "this course does not show the right answers" in html
    assert re.search(r"<strong>Correct</strong>", html)


def test_a_russian_learner_reads_the_attempt_number_and_the_pause_in_russian(limited, app, client, make_user):
    make_user("admin")
    user = make_user("learner")
    user.language = "ru"
    db.session.commit()
    login(client, user)
    first = client.get(QUIZ).get_data(as_text=True)
    assert "Попытка 1 из 2" in first and "следующая становится доступна через 10 минут" in first
    submit(client, WRONG)
    assert "Следующая попытка будет доступна" in client.get(QUIZ).get_data(as_text=True)
    age_attempts(11)
    submit(client, WRONG)
    age_attempts(11)
    assert "Попыток больше нет: вы использовали все 2 попытки." in client.get(QUIZ).get_data(as_text=True)
