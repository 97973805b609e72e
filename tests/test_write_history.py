"""Stored attempts keep the questions as seen; the candidate's time limit is the server's; content drift warns."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from smmacademy import create_app
from smmacademy.catalog_state import get_catalog
from smmacademy.extensions import db
from smmacademy.models import Candidate, CandidateEvent, QuizAttempt
from smmacademy.models.base import utcnow
from smmacademy.services import candidate_test

from .conftest import login
from .test_hr import answer_fields, start_candidate
from .test_learn import RIGHT, submit

MATCHING_PAIR = "      - [Community manager, Keeps relationships]\n"


def edit_intro(app, courses_dir, old: str, new: str) -> None:
    """Change the fixture module on disk and reload the catalog."""
    path = courses_dir / "01-basics" / "01-intro.md"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    app.extensions["smmacademy_catalog"].refresh_if_changed()


def test_review_after_a_matching_pair_was_removed_shows_the_question_as_seen_to_learner_and_manager(
    app, client, make_user, courses_dir
):
    make_user("admin")
    manager = make_user("manager")
    learner = make_user("learner", manager=manager)
    login(client, learner)
    assert submit(client, RIGHT).status_code == 302
    attempt = db.session.scalar(select(QuizAttempt))
    edit_intro(app, courses_dir, MATCHING_PAIR, "")
    assert len(get_catalog().questions["intro-matching"][1].pairs) == 2

    for viewer in (learner, manager):
        login(client, viewer)
        page = client.get(f"/courses/basics/intro/attempts/{attempt.id}")
        assert page.status_code == 200, viewer.role
        html = page.get_data(as_text=True)
        assert "Keeps relationships" in html and "Community manager" in html
        assert html.count('class="is-correct"') == 3  # all three pairs matched, as answered


def test_review_after_an_option_was_removed_still_shows_the_learners_pick(app, client, make_user, courses_dir):
    make_user("admin")
    login(client, make_user("learner"))
    assert submit(client, {**RIGHT, "q-intro-single": "c"}).status_code == 302
    attempt = db.session.scalar(select(QuizAttempt))
    edit_intro(app, courses_dir, "      c: Nobody\n", "")
    edit_intro(app, courses_dir, "prompt: Who builds the social media system?", "prompt: Who designs the system?")

    html = client.get(f"/courses/basics/intro/attempts/{attempt.id}").get_data(as_text=True)

    assert "Who builds the social media system?" in html and "Who designs the system?" not in html
    picked = html[html.index('value="c"') - 200 : html.index('value="c"') + 120]
    assert "checked" in picked and "is-wrong" in picked and "Nobody" in picked


def test_hr_report_shows_the_test_as_the_candidate_saw_it_after_content_changed(app, client, make_user, courses_dir):
    make_user("admin")
    login(client, make_user("hr"))
    candidate, browser, _link = start_candidate(app, client)
    questions, _order = candidate_test.test_questions(candidate)
    assert "intro-matching" in {q.id for q in questions}
    answers = {k: v for q in questions for k, v in answer_fields(q).items()}
    assert browser.post("/candidate/test", data={**answers, "action": "submit"}).status_code == 302
    edit_intro(app, courses_dir, MATCHING_PAIR, "")
    edit_intro(app, courses_dir, "      c: Nobody\n", "")

    page = client.get(f"/hr/candidates/{candidate.id}")

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Keeps relationships" in html and "Nobody" in html
    assert "Not answered." not in html


def test_a_second_test_submission_is_not_graded_again(app, client, make_user):
    make_user("admin")
    login(client, make_user("hr"))
    candidate, browser, _link = start_candidate(app, client)
    first = browser.post("/candidate/test", data={"action": "submit"})
    again = browser.post("/candidate/test", data={"action": "submit"}, follow_redirects=True)
    assert first.status_code == 302 and again.status_code == 200
    assert "already submitted" in again.get_data(as_text=True)
    graded = db.session.scalar(select(func.count(CandidateEvent.id)).where(CandidateEvent.kind == "test"))
    assert graded == 1


def backdate_start(candidate: Candidate, by: timedelta) -> None:
    db.session.execute(update(Candidate).where(Candidate.id == candidate.id).values(test_started_at=utcnow() - by))
    db.session.commit()


def test_a_timed_test_submitted_after_the_deadline_and_grace_is_refused_and_hr_sees_time_expired(
    app, client, make_user
):
    make_user("admin")
    login(client, make_user("hr"))
    candidate, browser, _link = start_candidate(app, client, limit="5")
    backdate_start(candidate, timedelta(hours=3))
    questions, _order = candidate_test.test_questions(candidate)
    answers = {k: v for q in questions for k, v in answer_fields(q).items()}

    late = browser.post("/candidate/test", data={**answers, "action": "submit"})

    assert late.status_code == 409
    assert "Time is up" in late.get_data(as_text=True)
    db.session.refresh(candidate)
    assert candidate.test_expired_at is not None and candidate.test_answers == {} and candidate.test_score == 0
    assert "Time is up" in browser.get("/candidate/test").get_data(as_text=True)  # stays closed
    overview = browser.get("/candidate/").get_data(as_text=True)
    assert "Closed: the time limit ran out." in overview
    assert "time expired" in client.get("/hr/").get_data(as_text=True)
    assert "time expired" in client.get(f"/hr/candidates/{candidate.id}").get_data(as_text=True)


def test_a_timed_test_submitted_within_the_grace_is_accepted(app, client, make_user):
    make_user("admin")
    login(client, make_user("hr"))
    candidate, browser, _link = start_candidate(app, client, limit="5")
    backdate_start(candidate, timedelta(minutes=5, seconds=30))  # the grace is 60 s
    response = browser.post("/candidate/test", data={"action": "submit"})
    assert response.status_code == 302
    db.session.refresh(candidate)
    assert candidate.test_submitted_at is not None and candidate.test_expired_at is None
    assert "time expired" not in client.get("/hr/").get_data(as_text=True)


def test_an_unsubmitted_test_past_its_deadline_shows_time_expired_to_hr(app, client, make_user):
    make_user("admin")
    login(client, make_user("hr"))
    candidate, _browser, _link = start_candidate(app, client, limit="5")
    backdate_start(candidate, timedelta(minutes=7))
    assert "time expired" in client.get("/hr/").get_data(as_text=True)


def test_courses_check_warns_about_questions_changed_under_stored_attempts(app, client, runner, make_user, courses_dir):
    make_user("admin")
    login(client, make_user("learner"))
    assert submit(client, RIGHT).status_code == 302
    clean = runner.invoke(args=["courses", "check", "--no-lint"])
    assert clean.exit_code == 0 and "warning" not in clean.output
    path = courses_dir / "01-basics" / "01-intro.md"
    path.write_text(path.read_text().replace("      c: Nobody\n", "").replace(MATCHING_PAIR, ""))

    result = runner.invoke(args=["courses", "check", "--no-lint"])

    assert result.exit_code == 0, result.output
    assert "question 'intro-single' changed since 1 stored attempt(s)" in result.output
    assert "question 'intro-matching' changed" in result.output
    assert "intro-multiple" not in result.output


def test_courses_check_without_a_database_checks_only_the_files(app_config, tmp_path):
    lonely = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite'}"})
    result = lonely.test_cli_runner().invoke(args=["courses", "check", "--no-lint"])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output and "questions" in result.output
