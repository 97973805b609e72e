"""Real parallel requests against gunicorn with 4 workers: every write is stored exactly once.

The server runs on a temporary SQLite file, or on TEST_DATABASE_URL's
PostgreSQL in the PostgreSQL pass. The data is prepared in this process through
the services, on the same database; the requests go over HTTP, all released at
once by a barrier.
"""

from __future__ import annotations

import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from smmacademy import create_app
from smmacademy.catalog_state import get_catalog
from smmacademy.extensions import db
from smmacademy.models import (
    Assessment,
    AssessmentRating,
    Candidate,
    CandidateEvent,
    DevelopmentPlan,
    ModuleProgress,
    PlanItem,
    QuizAttempt,
    User,
)
from smmacademy.services import accounts, assessments, candidate_test, candidates

from .live import SECRET_KEY, Browser, reset_postgres, start_server
from .plan_factories import make_calibrated_round

PASSWORD = "a-long-password-for-parallel"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """gunicorn with 4 workers, and an app in this process on the same database to prepare and check data."""
    tmp_path = tmp_path_factory.mktemp("parallel")
    database = os.environ.get("TEST_DATABASE_URL")
    if database:
        reset_postgres(database)
    server = start_server(tmp_path, database, workers=4)
    app = create_app({"SQLALCHEMY_DATABASE_URI": server.env["DATABASE_URL"], "SECRET_KEY": SECRET_KEY, "TESTING": True})
    with app.app_context():
        accounts.ensure_departments()
        person("admin", "admin-parallel@example.com")  # past the first-run set-up page
        yield server, app
        db.session.remove()
        db.engine.dispose()
    server.stop()


def person(role: str, email: str) -> User:
    return accounts.create_user(email, email.split("@")[0].title(), role, PASSWORD)


def signed_in(server, user: User) -> Browser:
    browser = Browser()
    status, html = browser.post_form(server.url + "/login", {"email": user.email, "password": PASSWORD})
    assert status == 200 and user.full_name in html and "Sign out" in html, html[:500]  # on the role's start page
    return browser


def at_once(count: int, send):
    """Run ``send()`` ``count`` times in parallel threads released together; return the replies."""
    barrier = threading.Barrier(count)

    def one(_index):
        barrier.wait()
        return send()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


def answer_fields(questions) -> list[tuple[str, str]]:
    """A complete (not necessarily right) answer to every question."""
    fields = []
    for question in questions:
        name = f"q-{question.id}"
        if question.type in ("single", "multiple"):
            fields.append((name, question.options[0][0]))
        elif question.type == "truefalse":
            fields.append((name, "true"))
        elif question.type == "text":
            fields.append((name, "an answer"))
        else:
            fields += [(f"{name}-{i}", str(i)) for i in range(len(question.pairs))]
    return fields


def test_twenty_parallel_submits_of_one_quiz_attempt_store_one_attempt_and_no_500(site):
    server, _app = site
    learner = person("learner", "quiz-racer@example.com")
    course = next(c for c in get_catalog().courses.values() if not c.prerequisites)
    module = next(m for m in course.modules if m.has_quiz)
    browser = signed_in(server, learner)
    quiz_url = f"{server.url}/courses/{course.slug}/{module.slug}/quiz"
    _status, html = browser.get(quiz_url)
    form = [
        ("csrf_token", re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)),
        ("attempt", re.search(r'name="attempt" value="([^"]+)"', html).group(1)),
        *answer_fields(module.questions),
    ]

    replies = at_once(20, lambda: browser.post(quiz_url, form))

    assert [r.status for r in replies] == [302] * 20, [r.body[:300] for r in replies if r.status != 302]
    attempts = db.session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == learner.id)).all()
    assert len(attempts) == 1
    assert {r.location.rsplit("/", 1)[1] for r in replies} == {str(attempts[0].id)}
    progress = db.session.scalar(select(ModuleProgress).where(ModuleProgress.user_id == learner.id))
    assert progress.attempts == 1
    status, review = browser.get(server.url + replies[0].location)
    assert status == 200 and "Quiz review" in review


def test_nine_pages_of_one_self_assessment_saved_in_parallel_keep_every_rating(site):
    server, _app = site
    learner = person("learner", "rating-racer@example.com")
    framework = get_catalog().framework
    browser = signed_in(server, learner)
    token = browser.csrf(server.url + "/assessment/")
    assert browser.post(server.url + "/assessment/start", {"csrf_token": token}).status == 302
    pages = [
        (
            area.id,
            {
                f"r-{s.id}": str(1 + i % 5)
                for cid in area.competency_ids
                for s in framework.competencies[cid].statements
            },
        )
        for i, area in enumerate(framework.areas)
    ]
    assert len(pages) == 9
    queue = list(pages)
    lock = threading.Lock()

    def save_next_page():
        with lock:
            area_id, values = queue.pop()
        return browser.post(f"{server.url}/assessment/area/{area_id}", {**values, "csrf_token": token})

    replies = at_once(len(pages), save_next_page)

    assert [r.status for r in replies] == [302] * 9, [r.body[:300] for r in replies if r.status != 302]
    draft = db.session.scalar(Assessment.draft_for(learner.id))
    stored = dict(
        db.session.execute(
            select(AssessmentRating.statement_id, AssessmentRating.value).where(
                AssessmentRating.assessment_id == draft.id
            )
        ).all()
    )
    expected = {k[2:]: int(v) for _area, values in pages for k, v in values.items()}
    assert len(stored) == len(framework.statements) > 0
    assert stored == expected


def candidate_with_test(hr: User, email: str, catalog) -> tuple[Candidate, str]:
    candidate, token = candidates.invite(hr, "Para Llel", email, "community-manager", "", 14, None)
    candidates.give_consent(candidate)
    candidate_test.start_test(candidate, catalog)
    return candidate, token


def test_a_candidate_test_submitted_ten_times_in_parallel_is_graded_once(site):
    server, _app = site
    catalog = get_catalog()
    hr = person("hr", "hr-test-racer@example.com")
    candidate, token = candidate_with_test(hr, "para.test@mail.example", catalog)
    browser = Browser()
    assert browser.get(f"{server.url}/candidate/invite/{token}")[0] == 200
    csrf = browser.csrf(server.url + "/candidate/test")
    questions, _order = candidate_test.test_questions(candidate)
    answers = [("action", "submit"), ("csrf_token", csrf), *answer_fields(questions[:3])]

    replies = at_once(10, lambda: browser.post(server.url + "/candidate/test", answers))

    assert [r.status for r in replies] == [302] * 10, [r.body[:300] for r in replies if r.status != 302]
    graded = db.session.scalar(
        select(func.count(CandidateEvent.id)).where(
            CandidateEvent.candidate_id == candidate.id, CandidateEvent.kind == "test"
        )
    )
    assert graded == 1
    db.session.refresh(candidate)
    assert candidate.test_submitted_at is not None and set(candidate.test_answers) == {q.id for q in questions[:3]}


def test_hire_sent_ten_times_in_parallel_creates_one_account_and_no_500(site):
    server, _app = site
    catalog = get_catalog()
    hr = person("hr", "hr-hire-racer@example.com")
    candidate, _token = candidate_with_test(hr, "para.hire@mail.example", catalog)
    assessment = candidates.assessment_for(candidate, catalog.framework)
    assessments.store_ratings(assessment, dict.fromkeys(catalog.framework.statements, 3))
    candidate_test.submit_test(candidate, catalog, set(), lambda _name: [], candidate_test.grace_of({}))
    candidate_test.finish(candidate, catalog, candidate_test.grace_of({}))
    browser = signed_in(server, hr)
    report = f"{server.url}/hr/candidates/{candidate.id}"
    csrf = browser.csrf(report)

    lead = person("manager", "lead-hire-racer@example.com")
    form = {"csrf_token": csrf, "manager_id": str(lead.id), "department_id": "0", "job_title": "Junior"}
    replies = at_once(10, lambda: browser.post(report + "/hire", form))

    statuses = sorted(r.status for r in replies)
    assert statuses == [200] + [400] * 9, [r.body[:300] for r in replies if r.status >= 500]
    assert all("already hired" in r.body for r in replies if r.status == 400)
    accounts_made = db.session.scalar(select(func.count(User.id)).where(User.email == "para.hire@mail.example"))
    assert accounts_made == 1
    db.session.refresh(candidate)
    assert candidate.status == "hired" and candidate.hired_user_id is not None


def test_a_plan_built_agreed_and_given_an_action_ten_times_in_parallel_is_stored_once(site):
    server, app = site
    boss = person("manager", "plan-boss@example.com")
    member = accounts.create_user("plan-member@example.com", "Plan Member", "learner", PASSWORD, manager=boss)
    make_calibrated_round(app, member, boss, {"seo-search": 1, "creativity": 2})
    manager = signed_in(server, boss)
    csrf = manager.csrf(f"{server.url}/team/assign")
    build_url = f"{server.url}/plans/people/{member.id}/build"

    built = at_once(10, lambda: manager.post(build_url, {"csrf_token": csrf}))

    assert [r.status for r in built] == [302] * 10, [r.body[:300] for r in built if r.status != 302]
    db.session.commit()  # a fresh snapshot of what the server wrote
    plans = db.session.scalars(select(DevelopmentPlan).where(DevelopmentPlan.user_id == member.id)).all()
    assert len(plans) == 1 and len(plans[0].items) == 2
    plan_url = f"{server.url}/plans/{plans[0].id}"
    agreed = at_once(10, lambda: manager.post(plan_url + "/agree", {"csrf_token": csrf}))
    assert [r.status for r in agreed] == [302] * 10
    learner = signed_in(server, member)
    own = {"csrf_token": learner.csrf(f"{server.url}/plans/people/{member.id}"), "goal": "Shadow a colleague"}

    added = at_once(10, lambda: learner.post(plan_url + "/actions", own))

    assert [r.status for r in added] == [302] * 10, [r.body[:300] for r in added if r.status != 302]
    db.session.commit()
    items = db.session.scalars(select(PlanItem).where(PlanItem.plan_id == plans[0].id)).all()
    assert [i.kind for i in items].count("own") == 1
    assert db.session.scalar(select(DevelopmentPlan.state).where(DevelopmentPlan.id == plans[0].id)) == "agreed"
