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


DOMAIN = "demo.smmacademy.local"


def test_a_fresh_demo_gives_every_dashboard_and_report_something_to_show(app, runner, client):
    from datetime import date

    from smmacademy.models import Assignment, Candidate
    from smmacademy.models.assignment import SOURCE_MANAGER
    from smmacademy.services import team
    from smmacademy.services.assignments import assignment_views
    from smmacademy.services.learning_records import latest_assessment, progress_rows

    from .conftest import login

    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    catalog = app.extensions["smmacademy_catalog"].catalog
    attempts = db.session.scalars(select(QuizAttempt)).all()
    assert sum(a.passed for a in attempts) > 0 and sum(not a.passed for a in attempts) > 0
    # Three months of it, not one day.
    assert (max(a.submitted_at for a in attempts) - min(a.submitted_at for a in attempts)).days >= 45
    assert db.session.scalar(select(func.count(Assessment.id)).where(Assessment.user_id.is_not(None))) > 0
    assert db.session.scalar(select(func.count(Certificate.id))) > 0
    # Managers assigned trainings, and at least one is overdue by the shared assignment rule.
    assigned = db.session.scalars(select(Assignment).where(Assignment.source == SOURCE_MANAGER)).all()
    assert len(assigned) > 0
    states = [
        view.state
        for a in assigned
        for view in assignment_views(catalog, [a], progress_rows(a.user_id), latest_assessment(a.user_id), date.today())
    ]
    assert states.count("overdue") >= 1 and len(set(states)) >= 2
    # Two candidates with both results and an HR decision.
    people = db.session.scalars(select(Candidate).order_by(Candidate.full_name)).all()
    assert len(people) == 2
    for candidate in people:
        assessment = db.session.scalar(Assessment.for_candidate(candidate.id))
        assert candidate.test_score is not None and candidate.test_submitted_at is not None
        assert candidate.test_grades and len(candidate.test_grades) == len(candidate.test_snapshot)
        assert assessment.submitted_at is not None and assessment.best_profile
        assert candidate.status in {"shortlisted", "reviewed"}
    candidate_report = item_stats.course_report(catalog, catalog.courses["basics"], item_stats.CANDIDATES, True)
    assert candidate_report.population == item_stats.CANDIDATES
    # Both managers' dashboards have progress, and together at least one overdue assignment.
    boards = [
        team.build_dashboard(catalog, team.Scope(manager_id=db.session.scalar(User.by_email(f"{key}@{DOMAIN}")).id))
        for key in ("maria", "omar")
    ]
    assert sum(b.overdue_total for b in boards) >= 1
    assert all(any(r.completion > 0 for r in b.rows) and any(r.avg_score for r in b.rows) for b in boards)
    # HR's list shows both candidates.
    password = result.output.split("password: ")[1].split()[0]
    login(client, f"hr@{DOMAIN}", password)
    listing = client.get("/hr/").get_data(as_text=True)
    assert all(c.full_name in listing for c in people)
    # A second run adds nothing.
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert db.session.scalar(select(func.count(Candidate.id))) == 2
    assert db.session.scalar(select(func.count(Assignment.id)).where(Assignment.source == SOURCE_MANAGER)) == len(
        assigned
    )
