"""Every URL rule × every role gets the expected status (a new route needs an entry here)."""

from __future__ import annotations

import pytest

from smmacademy.extensions import db
from smmacademy.models import Assessment, Assignment, Certificate, DevelopmentPlan, PlanItem
from smmacademy.models.base import utcnow
from smmacademy.services import candidates, reviews

from .conftest import login, make_attempt

ROLES = ("anonymous", "learner", "manager", "hr", "admin")
ANY_USER = {"anonymous": 302, "learner": 200, "manager": 200, "hr": 200, "admin": 200}
ADMIN_ONLY = {"anonymous": 302, "learner": 403, "manager": 403, "hr": 403, "admin": 200}
PUBLIC = dict.fromkeys(ROLES, 200)
MANAGERS = {"anonymous": 302, "learner": 403, "manager": 200, "hr": 403, "admin": 200}
HR_ONLY = {"anonymous": 302, "learner": 403, "manager": 403, "hr": 200, "admin": 200}
NO_CANDIDATE_SESSION = dict.fromkeys(ROLES, 403)
SEES_REVIEW = {"anonymous": 302, "learner": 403, "manager": 200, "hr": 403, "admin": 200}


def hr_post(allowed: int) -> dict:
    return {"anonymous": 302, "learner": 403, "manager": 403, "hr": allowed, "admin": allowed}


# The owner's line manager and admins; another learner and HR outside the line do not.
LINE = {"anonymous": 302, "learner": 403, "manager": 200, "hr": 403, "admin": 200}


def line_post(allowed: int) -> dict:
    return {"anonymous": 302, "learner": 403, "manager": allowed, "hr": 403, "admin": allowed}


def admin_post(allowed: int) -> dict:
    return {"anonymous": 302, "learner": 403, "manager": 403, "hr": 403, "admin": allowed}


# endpoint -> (method, url template, expected status per role). Templates use
# the ids created by the ``world`` fixture: {owner}, {attempt}, {assessment}, {cert}.
ACCESS = {
    "main.index": ("GET", "/", {**dict.fromkeys(ROLES, 302)}),
    "main.home": ("GET", "/home", ANY_USER),
    "main.health": ("GET", "/healthz", PUBLIC),
    "main.set_language": ("POST", "/language", dict.fromkeys(ROLES, 302)),
    "auth.login": ("GET", "/login", {"anonymous": 200, "learner": 302, "manager": 302, "hr": 302, "admin": 302}),
    "auth.logout": ("POST", "/logout", {"anonymous": 302, "learner": 302, "manager": 302, "hr": 302, "admin": 302}),
    "auth.setup": ("GET", "/setup", dict.fromkeys(ROLES, 404)),
    "auth.profile": ("GET", "/account", ANY_USER),
    "auth.change_password": ("GET", "/account/password", ANY_USER),
    "auth.sign_out_others": ("POST", "/account/sessions/sign-out-others", dict.fromkeys(ROLES, 302)),
    "auth.save_notifications": ("POST", "/account/notifications", dict.fromkeys(ROLES, 302)),
    "auth.forgot_password": ("GET", "/password/forgot", PUBLIC),
    "auth.reset_password": ("GET", "/password/reset/not-a-real-token", dict.fromkeys(ROLES, 400)),
    # No provider is configured here; tests/test_oidc.py signs in through a real one.
    "sso.start": ("GET", "/login/sso/corp", dict.fromkeys(ROLES, 404)),
    "sso.callback": ("GET", "/login/sso/corp/callback?code=x&state=y", dict.fromkeys(ROLES, 404)),
    "admin.overview": ("GET", "/admin/overview", ADMIN_ONLY),
    "admin.users": ("GET", "/admin/", ADMIN_ONLY),
    "admin.create_user": ("GET", "/admin/users/new", ADMIN_ONLY),
    "admin.edit_user": ("GET", "/admin/users/{owner}", ADMIN_ONLY),
    "admin.toggle_active": ("POST", "/admin/users/{owner}/active", admin_post(302)),
    "admin.reset_password": ("POST", "/admin/users/{owner}/password", admin_post(200)),
    "admin.departments": ("GET", "/admin/departments", ADMIN_ONLY),
    "admin.content": ("GET", "/admin/content", ADMIN_ONLY),
    "admin.rename_department": ("POST", "/admin/departments/1", admin_post(400)),
    "admin.import_users": ("GET", "/admin/import", ADMIN_ONLY),
    "admin.import_template": ("GET", "/admin/import/template.csv", ADMIN_ONLY),
    "admin.import_confirm": ("POST", "/admin/import/confirm", admin_post(400)),
    "admin.outbox": ("GET", "/admin/outbox?status=failed", ADMIN_ONLY),
    "admin.retry_message": ("POST", "/admin/outbox/999/retry", admin_post(302)),
    "admin.quality": ("GET", "/admin/quality", ADMIN_ONLY),
    "admin.quality_course": ("GET", "/admin/quality/basics?population=candidates", ADMIN_ONLY),
    "admin.quality_csv": ("GET", "/admin/quality/basics.csv?attempts=all", ADMIN_ONLY),
    "admin.quality_question": ("GET", "/admin/quality/basics/questions/intro-single", ADMIN_ONLY),
    "learn.catalog": ("GET", "/courses", ANY_USER),
    "learn.course": ("GET", "/courses/basics", ANY_USER),
    "learn.module": ("GET", "/courses/basics/intro", ANY_USER),
    "learn.quiz": ("GET", "/courses/basics/intro/quiz", ANY_USER),
    "learn.mark_read": ("POST", "/courses/basics/reading/read", {**ANY_USER, **dict.fromkeys(ROLES[1:], 302)}),
    "learn.submit_quiz": ("POST", "/courses/basics/intro/quiz", {"anonymous": 302, **dict.fromkeys(ROLES[1:], 400)}),
    "learn.attempt": (
        "GET",
        "/courses/basics/intro/attempts/{attempt}",
        # The learner, their line managers and admins see quiz answers.
        {"anonymous": 302, "learner": 403, "manager": 200, "hr": 403, "admin": 200},
    ),
    "learn.search": ("GET", "/search?q=roles", ANY_USER),
    "learn.asset": ("GET", "/learn/assets/basics/missing.png", {"anonymous": 302, **dict.fromkeys(ROLES[1:], 404)}),
    "learn.certificate": (
        "GET",
        "/certificates/{cert}",
        {"anonymous": 302, "learner": 403, "manager": 403, "hr": 403, "admin": 200},
    ),
    "learn.verify": ("GET", "/verify/{cert}", PUBLIC),
    "badges.issuer": ("GET", "/badges/issuer", PUBLIC),
    "badges.jwks": ("GET", "/badges/issuer/jwks.json", PUBLIC),
    "badges.status_list": ("GET", "/badges/status/0", PUBLIC),
    "badges.check": ("GET", "/verify/badge", PUBLIC),
    "badges.download": (
        "GET",
        "/certificates/{cert}/badge.jwt",
        {"anonymous": 302, "learner": 403, "manager": 403, "hr": 403, "admin": 200},
    ),
    # Without a reason the admin gets the 400 page; nothing is revoked.
    "exports.scorm": ("GET", "/admin/courses/basics/scorm12.zip", ADMIN_ONLY),
    "badges.revoke": ("POST", "/admin/certificates/{cert}/revoke", admin_post(400)),
    "assessment.intro": ("GET", "/assessment/", ANY_USER),
    "assessment.start": ("POST", "/assessment/start", {"anonymous": 302, **dict.fromkeys(ROLES[1:], 302)}),
    # The start POST above opened a draft, so the questionnaire pages show.
    "assessment.area": ("GET", "/assessment/area/strategy", ANY_USER),
    "assessment.review": ("GET", "/assessment/review", ANY_USER),
    "assessment.submit": ("POST", "/assessment/submit", {"anonymous": 302, **dict.fromkeys(ROLES[1:], 400)}),
    # The owner's line manager sees results; another learner and HR do not.
    "assessment.result": (
        "GET",
        "/assessment/results/{assessment}",
        {"anonymous": 302, "learner": 403, "manager": 200, "hr": 403, "admin": 200},
    ),
    "assessment.result_csv": (
        "GET",
        "/assessment/results/{assessment}.csv",
        {"anonymous": 302, "learner": 403, "manager": 200, "hr": 403, "admin": 200},
    ),
    "assessment.method": ("GET", "/assessment/how-it-works", ANY_USER),
    "team.dashboard": ("GET", "/team/", MANAGERS),
    "team.export": ("GET", "/team/export.csv", MANAGERS),
    "team.member": ("GET", "/team/members/{owner}", MANAGERS),
    "team.member_export": ("GET", "/team/members/{owner}.csv", MANAGERS),
    "team.assign": ("GET", "/team/assign", MANAGERS),
    "team.edit_assignment": ("POST", "/team/assignments/{assignment}", {**MANAGERS, "manager": 302, "admin": 302}),
    "team.withdraw_assignment": (
        "POST",
        "/team/assignments/{assignment}/withdraw",
        {**MANAGERS, "manager": 302, "admin": 302},
    ),
    "reviews.requests": ("GET", "/reviews/", ANY_USER),
    "reviews.rounds": ("GET", "/reviews/rounds", MANAGERS),
    "reviews.start": ("GET", "/reviews/start", MANAGERS),
    # The person, their line managers and admins see a round; peers, other learners and HR do not.
    "reviews.round_page": ("GET", "/reviews/{round}", SEES_REVIEW),
    "reviews.results_csv": ("GET", "/reviews/{round}.csv", SEES_REVIEW),
    "reviews.results_json": ("GET", "/reviews/{round}.json", SEES_REVIEW),
    "reviews.print_results": ("GET", "/reviews/{round}/print", SEES_REVIEW),
    "reviews.target": ("GET", "/reviews/people/{owner}/target", SEES_REVIEW),
    # Only the people asked to answer open the form: here the owner's manager.
    "reviews.rate": ("GET", "/reviews/{round}/rate", {**SEES_REVIEW, "admin": 403}),
    # No peers chosen: the manager and the admin get the review page back with the message on the peers.
    "reviews.peers": ("POST", "/reviews/{round}/peers", {**SEES_REVIEW, "manager": 400, "admin": 400}),
    # No levels sent: the review page comes back saying what is missing; nothing is recorded.
    "reviews.calibrate": ("POST", "/reviews/{round}/calibrate", {**SEES_REVIEW, "manager": 400, "admin": 400}),
    # The owner's manager (and an admin) cancel the open round; nobody else may.
    "reviews.cancel": ("POST", "/reviews/{round}/cancel", line_post(302)),
    # Development plans: the person, managers (or HR) up the line and admins; the world's owner has
    # a draft plan with a competency item and an own action. The rows run in this order.
    "plans.mine": ("GET", "/plans/", {**dict.fromkeys(ROLES, 302)}),
    "plans.person": ("GET", "/plans/people/{owner}", LINE),
    "plans.export": ("GET", "/plans/{plan}.csv", LINE),
    "plans.printable": ("GET", "/plans/{plan}/print", LINE),
    "plans.edit_item": ("POST", "/plans/items/{item}", line_post(400)),
    "plans.add_action": ("POST", "/plans/{plan}/actions", line_post(400)),
    "plans.confirm": ("POST", "/plans/items/{own_item}/confirm", line_post(302)),
    "plans.agree": ("POST", "/plans/{plan}/agree", line_post(302)),
    "plans.start": ("POST", "/plans/{plan}/start", line_post(302)),
    "plans.reopen": ("POST", "/plans/{plan}/reopen", line_post(302)),
    "plans.remove_item": ("POST", "/plans/items/{own_item}/remove", line_post(302)),
    # No calibrated round in this world: the manager is told so and sent back to the page.
    "plans.build": ("POST", "/plans/people/{owner}/build", line_post(302)),
    "hr.candidates_list": ("GET", "/hr/", HR_ONLY),
    "hr.export": ("GET", "/hr/export.csv", HR_ONLY),
    "hr.invite": ("GET", "/hr/new", HR_ONLY),
    "hr.report": ("GET", "/hr/candidates/{cand}", HR_ONLY),
    "hr.compare": ("GET", "/hr/compare?ids={cand}&ids={cand2}", HR_ONLY),
    "hr.add_note": ("POST", "/hr/candidates/{cand}/note", hr_post(400)),
    "hr.change_status": ("POST", "/hr/candidates/{cand}/status", hr_post(400)),
    "hr.hire": ("POST", "/hr/candidates/{cand}/hire", hr_post(400)),
    "hr.revoke": ("POST", "/hr/candidates/{cand}/revoke", hr_post(302)),
    "hr.reissue": ("POST", "/hr/candidates/{cand}/reissue", hr_post(200)),
    # Runs last among the HR rows: it deletes the second candidate.
    "hr.delete": ("POST", "/hr/candidates/{cand2}/delete", hr_post(302)),
    # The candidate flow needs the session a valid invitation link opens.
    "candidate.open_link": ("GET", "/candidate/invite/not-a-real-token", dict.fromkeys(ROLES, 404)),
    "candidate.welcome": ("GET", "/candidate/", NO_CANDIDATE_SESSION),
    "candidate.consent": ("POST", "/candidate/consent", NO_CANDIDATE_SESSION),
    "candidate.area": ("GET", "/candidate/assessment/strategy", NO_CANDIDATE_SESSION),
    "candidate.test": ("GET", "/candidate/test", NO_CANDIDATE_SESSION),
    "candidate.confirm_test": ("GET", "/candidate/test/confirm", NO_CANDIDATE_SESSION),
    "candidate.submit": ("POST", "/candidate/submit", NO_CANDIDATE_SESSION),
}


@pytest.fixture
def world(app, make_user):
    """One user per role plus a learner (reporting to the manager) who owns records."""
    users = {role: make_user(role) for role in ROLES[1:]}
    owner = make_user("learner", manager=users["manager"])
    users["learner"].manager = None
    attempt = make_attempt(owner.id, "n-1")
    framework = app.extensions["smmacademy_catalog"].catalog.framework
    assessment = Assessment(
        user_id=owner.id,
        ratings={},
        framework_version=1,
        framework=framework.snapshot(),
        result={
            "levels": {},
            "fits": {p: {"fit": 0, "band": "developing"} for p in framework.profiles},
            "best": {"profile": None, "band": "developing", "ready_for": [], "nearest": "smm-specialist"},
        },
        submitted_at=utcnow(),
    )
    cert = Certificate(code="ABC123", user_id=owner.id, course_slug="basics", course_title="Basics", holder_name="O")
    # Withdrawn by the edit/withdraw rows only after every role ran them: the
    # manager's and admin's POSTs redirect, the others are refused.
    assignment = Assignment(user_id=owner.id, kind="course", course_slug="basics")
    item = PlanItem(kind="competency", competency_id="strategy", modules=["basics/intro"], goal="OKR 2027")
    own_item = PlanItem(kind="own", goal="Read a book", position=1)
    plan = DevelopmentPlan(user_id=owner.id, profile_id="smm-manager", items=[item, own_item])
    db.session.add_all([attempt, assessment, cert, assignment, plan])
    db.session.commit()
    [review] = reviews.start_rounds(users["manager"], [owner], framework, None)
    first, _ = candidates.invite(users["hr"], "Cand One", "c1@mail.example", "smm-manager", "", 14, None)
    second, _ = candidates.invite(users["hr"], "Cand Two", "c2@mail.example", "smm-manager", "", 14, None)
    return users, {
        "owner": owner.id,
        "attempt": attempt.id,
        "assessment": assessment.id,
        "cert": cert.code,
        "assignment": assignment.id,
        "plan": plan.id,
        "item": item.id,
        "own_item": own_item.id,
        "cand": first.id,
        "cand2": second.id,
        "round": review.id,
    }


def test_every_url_rule_has_an_access_entry(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    missing = sorted(endpoints - set(ACCESS))
    assert not missing, f"add these endpoints to ACCESS: {missing}"
    assert not sorted(set(ACCESS) - endpoints), "ACCESS lists endpoints that no longer exist"


@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_answers_each_role_as_the_policy_says(app, client, world, role):
    users, ids = world
    if role != "anonymous":
        assert login(client, users[role]).status_code == 302
    wrong = []
    for endpoint, (method, template, expected) in ACCESS.items():
        url = template.format(**ids)
        response = client.open(url, method=method)
        if response.status_code != expected[role]:
            wrong.append(f"{method} {url}: {response.status_code} (expected {expected[role]})")
        if endpoint == "auth.logout" and role != "anonymous":
            login(client, users[role])
    assert not wrong, "\n".join(wrong)


def test_anonymous_visitor_is_sent_to_login_with_next(client, world):
    response = client.get("/courses/basics")
    assert response.status_code == 302
    assert response.location == "/login?next=/courses/basics"


def test_view_without_declared_policy_is_refused(app, client, world):
    @app.route("/undeclared")
    def undeclared():
        return "secret"

    assert client.get("/undeclared").status_code == 403
