"""Demo activity: reproducible quiz attempts and self-assessments from an ability model."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select

from smmacademy.extensions import db
from smmacademy.models import Assessment, Certificate, ModuleProgress, QuizAttempt, User
from smmacademy.models.base import utcnow
from smmacademy.services import item_stats
from smmacademy.services.demo_activity import DAYS, generate_activity, p_correct


def _attempts() -> list[tuple]:
    rows = db.session.execute(
        select(User.email, QuizAttempt.module_slug, QuizAttempt.score, QuizAttempt.answers)
        .join(User, User.id == QuizAttempt.user_id)
        .order_by(User.email, QuizAttempt.id)
    )
    return [tuple(row) for row in rows]


def test_demo_creates_passes_fails_and_assessments_once(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    attempts = db.session.scalars(select(QuizAttempt)).all()
    assert len(attempts) > 20
    assert {a.passed for a in attempts} == {True, False}
    assert all(utcnow() - timedelta(days=DAYS) <= a.submitted_at <= utcnow() for a in attempts)
    assert all(a.questions and a.grades for a in attempts)  # snapshots, as real attempts store them
    submitted = db.session.scalar(select(func.count(Assessment.id)).where(Assessment.submitted_at.is_not(None)))
    assert submitted >= 8
    quiet = [db.session.scalar(User.by_email(f"{key}@demo.smmacademy.local")) for key in ("admin", "lena")]
    assert not any(a.user_id in {q.id for q in quiet} for a in attempts)  # the admin and the newcomers
    # A second run only resets passwords.
    before = _attempts()
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert _attempts() == before
    catalog = app.extensions["smmacademy_catalog"].catalog
    report = item_stats.course_report(catalog, catalog.courses["basics"], all_attempts=True)
    assert report.quizzes[0].quiz.attempts == sum(1 for a in attempts if a.module_slug == "intro")


def test_demo_activity_is_reproducible(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    first = _attempts()
    for model in (Certificate, QuizAttempt, ModuleProgress, Assessment):
        db.session.execute(delete(model))
    db.session.commit()
    active = {a[0] for a in first}
    people = db.session.scalars(select(User).where(User.email.in_(active))).all()
    assert generate_activity(people, app.extensions["smmacademy_catalog"].catalog)
    assert _attempts() == first
    assert not generate_activity(people, app.extensions["smmacademy_catalog"].catalog)


def test_stronger_people_answer_right_more_often(app):
    question = app.extensions["smmacademy_catalog"].catalog.module("basics", "intro").questions[0]
    assert p_correct(-2, question) < p_correct(0, question) < p_correct(2, question)
