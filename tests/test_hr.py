"""Candidate assessment for HR: invitations, the candidate's flow, reports, decisions, hiring, privacy."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from smmacademy.catalog_state import get_catalog
from smmacademy.extensions import db
from smmacademy.models import Assessment, AuditLog, Candidate, User
from smmacademy.services import candidate_test
from smmacademy.services import candidates as service

from .conftest import login


@pytest.fixture
def hr(client, make_user):
    make_user("admin")
    user = make_user("hr", full_name="Hanna Hr")
    login(client, user)
    return user


def invite(client, name="Cara Candidate", email="cara@mail.example", profile="community-manager", limit=""):
    response = client.post(
        "/hr/new",
        data={"full_name": name, "email": email, "profile_id": profile, "time_limit": limit, "note": "Referred by Tom"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    html = response.get_data(as_text=True)
    link = re.search(r'id="invite-link" value="([^"]+)"', html).group(1)
    candidate = db.session.scalar(select(Candidate).where(Candidate.email == email))
    return candidate, link.replace("http://localhost", ""), html


def as_candidate(app, path):
    """A fresh browser (no cookies) opening the invitation link."""
    browser = app.test_client()
    response = browser.get(path)
    return browser, response


def start_candidate(app, client, limit=""):
    """An invited candidate who consented and started the test: (candidate, their browser, invitation link)."""
    candidate, link, _html = invite(client, limit=limit)
    browser, _ = as_candidate(app, link)
    assert browser.post("/candidate/consent", data={"consent": "y"}).status_code == 302
    assert browser.post("/candidate/test", data={"action": "start"}).status_code == 302
    db.session.refresh(candidate)
    return candidate, browser, link


def complete_flow(browser, framework, catalog, level=3, right=True):
    assert browser.post("/candidate/consent", data={"consent": "y"}).status_code == 302
    for area in framework.areas:
        values = {
            f"r-{s.id}": str(level) for cid in area.competency_ids for s in framework.competencies[cid].statements
        }
        assert browser.post(f"/candidate/assessment/{area.id}", data=values).status_code == 302
    assert browser.post("/candidate/test", data={"action": "start"}).status_code == 302
    candidate = db.session.scalar(select(Candidate))
    answers = {}
    for question in candidate_test.test_questions(candidate)[0]:
        answers.update(answer_fields(question, right))
    assert browser.post("/candidate/test", data={**answers, "action": "submit"}).status_code == 302
    return browser.post("/candidate/submit")


def answer_fields(question, right=True):
    name = f"q-{question.id}"
    if question.type in ("single", "multiple"):
        keys = sorted(question.correct) if right else [k for k, _ in question.options if k not in question.correct][:1]
        return {name: keys}
    if question.type == "truefalse":
        return {name: "true" if question.truth == right else "false"}
    if question.type == "text":
        return {name: question.answers[0] if right else "zzz"}
    return {f"{name}-{i}": str(i if right else (i + 1) % len(question.pairs)) for i in range(len(question.pairs))}


def test_invitation_gives_a_link_and_stores_only_a_hash(client, hr):
    candidate, link, html = invite(client)
    token = link.rsplit("/", 1)[1]
    assert len(token) >= 32  # 24 random bytes, base64url
    assert candidate.token_hash == service.hash_token(token) and token not in candidate.token_hash
    assert candidate.token_expires_at - candidate.created_at >= timedelta(days=13, hours=23)
    assert "mailto:cara%40mail.example?subject=" in html and "data-copy=" in html


def test_candidate_completes_the_flow_from_the_link_alone(app, client, hr):
    candidate, link, _html = invite(client)
    browser, opened = as_candidate(app, link)
    assert opened.status_code == 302 and opened.location == "/candidate/"
    welcome = browser.get("/candidate/")
    assert b"Who sees your results" in welcome.data and welcome.headers["Referrer-Policy"] == "no-referrer"
    catalog = get_catalog()
    done = complete_flow(browser, catalog.framework, catalog)
    assert done.status_code == 200 and b"Thank you" in done.data
    db.session.refresh(candidate)
    assert candidate.status == "submitted" and candidate.test_score == 100.0
    assert len(candidate.test_question_ids) == min(20, len(catalog.questions))
    assessment = db.session.scalar(select(Assessment).where(Assessment.candidate_id == candidate.id))
    assert assessment.submitted_at and assessment.result["evidence_source"] == "knowledge test"
    # The link stops working once the candidate submits.
    again = app.test_client().get(link)
    assert again.status_code == 410 and b"already submitted" in again.data
    assert browser.get("/candidate/").status_code == 403


def test_candidate_can_leave_and_resume_with_the_same_link(app, client, hr):
    _candidate, link, _html = invite(client)
    browser, _ = as_candidate(app, link)
    browser.post("/candidate/consent", data={"consent": "y"})
    framework = get_catalog().framework
    first = framework.areas[0]
    values = {f"r-{s.id}": "4" for cid in first.competency_ids for s in framework.competencies[cid].statements}
    browser.post(f"/candidate/assessment/{first.id}", data=values)
    later, _ = as_candidate(app, link)  # another day, a new browser
    page = later.get("/candidate/").get_data(as_text=True)
    assert "Continue" in page and f"/candidate/assessment/{framework.areas[1].id}" in page


def test_consent_is_required(app, client, hr):
    _candidate, link, _html = invite(client)
    browser, _ = as_candidate(app, link)
    refused = browser.post("/candidate/consent", data={})
    assert refused.status_code == 400 and b"Please give your consent" in refused.data
    framework = get_catalog().framework
    assert browser.get(f"/candidate/assessment/{framework.areas[0].id}").status_code == 302


@pytest.mark.parametrize(
    "reason, status, text",
    [
        ("expired", 410, b"has expired"),
        ("revoked", 410, b"withdrawn or replaced"),
    ],
)
def test_expired_and_revoked_links_get_a_clear_page(app, client, hr, reason, status, text):
    candidate, link, _html = invite(client)
    if reason == "expired":
        candidate.token_expires_at -= timedelta(days=15)
        db.session.commit()
    else:
        client.post(f"/hr/candidates/{candidate.id}/revoke")
    response = app.test_client().get(link)
    assert response.status_code == status and text in response.data


def test_revoking_ends_an_open_candidate_session(app, client, hr):
    candidate, link, _html = invite(client)
    browser, _ = as_candidate(app, link)
    assert browser.get("/candidate/").status_code == 200
    client.post(f"/hr/candidates/{candidate.id}/revoke")
    assert browser.get("/candidate/").status_code == 403


def test_reissued_link_replaces_the_old_one(app, client, hr):
    candidate, old_link, _html = invite(client)
    html = client.post(f"/hr/candidates/{candidate.id}/reissue").get_data(as_text=True)
    new_link = re.search(r'id="invite-link" value="([^"]+)"', html).group(1).replace("http://localhost", "")
    assert new_link != old_link
    assert app.test_client().get(old_link).status_code == 404
    assert app.test_client().get(new_link).status_code == 302


def test_made_up_tokens_are_refused_and_guessing_is_throttled(app, client, hr):
    guesser = app.test_client()
    for attempt in range(10):
        response = guesser.get(f"/candidate/invite/made-up-{attempt}")
        assert response.status_code == 404 and b"We do not recognise this link" in response.data
    _candidate, link, _html = invite(client)
    blocked = guesser.get(link)  # even a valid link waits while the address is throttled
    assert blocked.status_code == 429
    assert app.test_client().get(link, environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 302


def test_candidate_session_reaches_nothing_else(app, client, hr):
    _candidate, link, _html = invite(client)
    browser, _ = as_candidate(app, link)
    for url in ["/home", "/courses", "/hr/", "/team/", "/admin/", "/assessment/"]:
        assert browser.get(url).status_code == 302, url
        assert browser.get(url).location.startswith("/login")
    assert app.test_client().get("/candidate/").status_code == 403  # no link, no access


def test_tampered_test_submission_gets_400_and_stores_nothing(app, client, hr):
    candidate, link, _html = invite(client)
    browser, _ = as_candidate(app, link)
    browser.post("/candidate/consent", data={"consent": "y"})
    browser.post("/candidate/test", data={"action": "start"})
    db.session.refresh(candidate)
    first = candidate.test_question_ids[0]
    forged = browser.post("/candidate/test", data={"q-not-in-my-test": "a", "action": "submit"})
    assert forged.status_code == 400 and b"unknown question field" in forged.data
    bad_value = {f"q-{first}": "no-such-option", f"q-{first}-0": "99", "action": "submit"}
    assert browser.post("/candidate/test", data=bad_value).status_code == 400
    db.session.refresh(candidate)
    assert candidate.test_submitted_at is None and candidate.test_answers is None


def test_blank_test_answers_score_zero_and_the_rest_are_graded(app, client, hr):
    candidate, link, _html = invite(client)
    browser, _ = as_candidate(app, link)
    browser.post("/candidate/consent", data={"consent": "y"})
    browser.post("/candidate/test", data={"action": "start"})
    db.session.refresh(candidate)
    questions = candidate_test.test_questions(candidate)[0]
    answered, blank = questions[::2], questions[1::2]
    answers = {name: value for q in answered for name, value in answer_fields(q).items()}
    assert browser.post("/candidate/test", data={**answers, "action": "submit"}).status_code == 302
    db.session.refresh(candidate)
    assert candidate.test_grades == {q.id: (1.0 if q in answered else 0.0) for q in questions}
    assert set(candidate.test_answers) == {q.id for q in answered}
    assert candidate.test_score == round(100 * len(answered) / len(questions), 1)
    assert blank and all(q.id not in candidate.test_answers for q in blank)


def test_out_of_range_rating_from_a_candidate_gets_400(app, client, hr):
    _candidate, link, _html = invite(client)
    browser, _ = as_candidate(app, link)
    browser.post("/candidate/consent", data={"consent": "y"})
    framework = get_catalog().framework
    area = framework.areas[0]
    values = {f"r-{s.id}": "9" for cid in area.competency_ids for s in framework.competencies[cid].statements}
    assert browser.post(f"/candidate/assessment/{area.id}", data=values).status_code == 400
    assert db.session.scalar(select(Assessment)).ratings == {}


def test_drawn_questions_are_unique_repeatable_and_favour_core_competencies():
    from smmacademy.content.catalog import load_catalog

    from .conftest import REAL_COURSES

    catalog = load_catalog(REAL_COURSES)
    profile = catalog.framework.profiles["community-manager"]
    drawn = candidate_test.draw_questions(catalog, "community-manager", seed=7)
    assert len(drawn) == len(set(drawn)) == 20
    assert candidate_test.draw_questions(catalog, "community-manager", seed=7) == drawn

    def weight(qid):
        module, _question = catalog.questions[qid]
        return max(profile.targets[c].weight for c in module.competencies)

    pool = [weight(q.id) for m in catalog.modules if m.competencies for q in m.questions]
    sample = [
        weight(qid) for seed in range(30) for qid in candidate_test.draw_questions(catalog, "community-manager", seed)
    ]
    core_share_pool = pool.count(3) / len(pool)
    core_share_drawn = sample.count(3) / len(sample)
    assert core_share_drawn > core_share_pool


def test_hr_reviews_compares_decides_and_exports(app, client, hr):
    catalog = get_catalog()
    ids = []
    for index, level in enumerate((2, 4)):
        candidate, link, _html = invite(client, name=f"Person {index}", email=f"p{index}@mail.example")
        browser, _ = as_candidate(app, link)
        complete_flow(browser, catalog.framework, catalog, level=level, right=index == 1)
        ids.append(candidate.id)
    listing = client.get("/hr/?sort=fit&dir=desc").get_data(as_text=True)
    assert listing.index("Person 1") < listing.index("Person 0")
    report = client.get(f"/hr/candidates/{ids[0]}").get_data(as_text=True)
    assert "Fit to each profile" in report and "<svg" in report and "Test answers" in report
    assert "Rating above evidence" not in report  # rated 2 everywhere, so never two levels above
    compare = client.get(f"/hr/compare?ids={ids[0]}&ids={ids[1]}")
    assert compare.status_code == 200 and b"Person 0" in compare.data and b"Person 1" in compare.data
    assert client.get(f"/hr/compare?ids={ids[0]}").status_code == 400
    client.post(f"/hr/candidates/{ids[1]}/status", data={"status": "shortlisted", "note": "Strong test"})
    client.post(f"/hr/candidates/{ids[1]}/note", data={"text": "Call on Monday"})
    page = client.get(f"/hr/candidates/{ids[1]}").get_data(as_text=True)
    assert "Submitted → Shortlisted: Strong test" in page and "Call on Monday" in page and "Hanna Hr" in page
    csv_text = client.get("/hr/export.csv").data.decode("utf-8")
    assert csv_text.startswith("\ufeffname,email,applied for,status")
    assert "Person 1,p1@mail.example,Community manager,Shortlisted" in csv_text


def test_overconfident_candidate_is_flagged(app, client, hr):
    catalog = get_catalog()
    candidate, link, _html = invite(client)
    browser, _ = as_candidate(app, link)
    complete_flow(browser, catalog.framework, catalog, level=5, right=False)
    assert "Rating above evidence" in client.get(f"/hr/candidates/{candidate.id}").get_data(as_text=True)


def test_hiring_creates_an_employee_who_keeps_the_assessment(app, client, hr, make_user):
    catalog = get_catalog()
    candidate, link, _html = invite(client)
    browser, _ = as_candidate(app, link)
    complete_flow(browser, catalog.framework, catalog)
    lead = make_user("manager")
    response = client.post(
        f"/hr/candidates/{candidate.id}/hire", data={"manager_id": lead.id, "department_id": 0, "job_title": "Junior"}
    )
    assert response.status_code == 200
    user = db.session.scalar(User.by_email("cara@mail.example"))
    assert user.role == "learner" and user.must_change_password
    history = db.session.scalars(Assessment.history_for(user.id)).all()
    assert len(history) == 1 and history[0].candidate_id == candidate.id
    db.session.refresh(candidate)
    assert candidate.status == "hired" and candidate.hired_user_id == user.id
    again = {"manager_id": lead.id, "department_id": 0, "job_title": "Junior"}
    assert client.post(f"/hr/candidates/{candidate.id}/hire", data=again).status_code == 400


def test_delete_erases_answers_and_keeps_an_anonymous_audit_line(app, client, hr):
    catalog = get_catalog()
    candidate, link, _html = invite(client)
    browser, _ = as_candidate(app, link)
    complete_flow(browser, catalog.framework, catalog)
    candidate_id = candidate.id
    assert client.post(f"/hr/candidates/{candidate_id}/delete").status_code == 302
    assert db.session.get(Candidate, candidate_id) is None
    assert db.session.scalar(select(func.count(Assessment.id))) == 0
    audit = db.session.scalar(select(AuditLog))
    assert audit.action == "candidate deleted" and f"#{candidate_id}" in audit.detail
    assert "Cara" not in audit.detail and "cara@" not in audit.detail


def test_purge_removes_only_stale_candidates_not_hired(app, client, hr, runner):
    fresh, _, _ = invite(client, name="Fresh", email="fresh@mail.example")
    stale, _, _ = invite(client, name="Stale", email="stale@mail.example")
    hired, _, _ = invite(client, name="Hired", email="hired@mail.example")
    for c in (stale, hired):
        c.last_activity_at -= timedelta(days=200)
    hired.status = "hired"
    db.session.commit()
    dry = runner.invoke(args=["purge-candidates", "--dry-run"])
    assert dry.exit_code == 0
    assert f"Would delete candidate #{stale.id} (invited" in dry.output and "Would delete 1 candidate(s)" in dry.output
    assert db.session.scalar(select(func.count(Candidate.id))) == 3
    assert f"#{fresh.id} " not in dry.output and f"#{hired.id} " not in dry.output
    fresh_id, stale_id, hired_id = fresh.id, stale.id, hired.id
    real = runner.invoke(args=["purge-candidates"])
    assert real.exit_code == 0
    assert f"Deleted candidate #{stale_id}" in real.output and "Deleted 1 candidate(s)" in real.output
    db.session.expire_all()
    assert sorted(db.session.scalars(select(Candidate.id))) == sorted([fresh_id, hired_id])
    assert db.session.get(Candidate, stale_id) is None


@pytest.mark.parametrize("role", ["learner", "manager"])
def test_only_hr_and_admins_see_candidates(client, make_user, role):
    make_user("admin")
    login(client, make_user(role))
    for url in ["/hr/", "/hr/new", "/hr/export.csv", "/hr/candidates/1", "/hr/compare?ids=1&ids=2"]:
        assert client.get(url).status_code == 403, url
    for url in ["/hr/candidates/1/note", "/hr/candidates/1/status", "/hr/candidates/1/delete", "/hr/candidates/1/hire"]:
        assert client.post(url).status_code == 403, url


def test_compare_shows_six_profiles_and_a_dash_for_results_scored_before_a_profile_existed(app, client, hr):
    catalog = get_catalog()
    ids = []
    for index in range(2):
        candidate, link, _html = invite(client, name=f"Person {index}", email=f"p{index}@mail.example")
        browser, _ = as_candidate(app, link)
        complete_flow(browser, catalog.framework, catalog, level=3, right=True)
        ids.append(candidate.id)
    older = db.session.scalar(select(Assessment).where(Assessment.candidate_id == ids[0]))
    # A result scored against framework version 1 knows only the mission's three profiles.
    fits = {pid: fit for pid, fit in older.result["fits"].items() if pid in list(catalog.framework.profiles)[:3]}
    older.result = {**older.result, "fits": fits}
    db.session.commit()
    html = client.get(f"/hr/compare?ids={ids[0]}&ids={ids[1]}").get_data(as_text=True)
    names = [p.name for p in catalog.framework.profiles.values()]
    assert len(names) == 6 and all(f"Fit: {name}" in html for name in names)
    assert html.index("Fit: SMM manager") < html.index("Fit: Content team lead")
    digital = html[html.index("Fit: Digital marketer") :].split("</tr>")[0]
    assert "<td>—</td>" in digital
