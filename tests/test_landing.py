"""Day one: each role lands on its own start page, the learner home always shows the next step, course pages
have Start/Continue/Review and mark the modules required for the person; the admin overview counts."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from smmacademy.catalog_state import get_catalog
from smmacademy.extensions import db
from smmacademy.models import Assignment, ModuleProgress, OutboxMessage
from smmacademy.models.base import utcnow
from smmacademy.services import accounts

from .conftest import PASSWORD, login

LANDING = {"learner": "/home", "manager": "/team/", "hr": "/hr/", "admin": "/admin/overview"}
NOW = utcnow()


@pytest.fixture
def admin(make_user):
    return make_user("admin", full_name="Ada Admin")


@pytest.mark.parametrize("role", list(LANDING))
def test_signing_in_lands_each_role_on_its_start_page(client, make_user, admin, role):
    person = admin if role == "admin" else make_user(role)
    assert login(client, person).location == LANDING[role]
    assert client.get("/").location == LANDING[role]  # "/" when signed in
    assert client.get("/login").location == LANDING[role]  # already signed in


@pytest.mark.parametrize("role", list(LANDING))
@pytest.mark.parametrize(
    "target, expected",
    [("/courses/basics", "/courses/basics"), ("https://evil.example/", None), ("//evil.example/x", None)],
)
def test_a_safe_next_wins_over_the_start_page_and_an_unsafe_one_is_ignored(
    client, make_user, admin, role, target, expected
):
    person = admin if role == "admin" else make_user(role)
    response = client.post("/login", query_string={"next": target}, data={"email": person.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.location == (expected or LANDING[role])


@pytest.mark.parametrize("role", ["manager", "hr", "admin"])
def test_managers_hr_and_admins_keep_my_learning_in_the_menu(client, make_user, admin, role):
    person = admin if role == "admin" else make_user(role)
    login(client, person)
    page = client.get(LANDING[role]).get_data(as_text=True)
    nav = page.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]
    assert '<a href="/home">My learning</a>' in nav
    home = client.get("/home")
    assert home.status_code == 200 and "Hello, " in home.get_data(as_text=True)


def _count(html: str, name: str) -> str:
    return re.search(rf'data-count="{name}">(.*?)</li>', html, flags=re.S).group(1)


def test_admin_overview_counts_people_departments_passwords_mail_and_content(client, make_user, admin):
    make_user("learner", department="PR")
    make_user("learner").must_change_password = True
    make_user("manager").active = False
    db.session.add(
        OutboxMessage(
            event_key="x:1", kind="digest", recipient="a@example.com", subject="s", body_text="b", status="failed"
        )
    )
    db.session.commit()
    login(client, admin)
    html = client.get("/admin/overview").get_data(as_text=True)
    roles = dict(re.findall(r'data-role="(\w+)"><th scope="row"><a [^>]+>\w+</a></th><td>(\d+)</td>', html))
    assert roles == {"learner": "2", "manager": "0", "hr": "0", "admin": "1"}
    assert re.search(r'data-role="manager">.*?<td>0</td><td>1</td>', html)  # the deactivated manager
    assert "3 active accounts · 1 deactivated" in html
    assert "1 person has not yet replaced a temporary password." in _count(html, "pending-passwords")
    assert "2 active people have no department." in _count(html, "without-department")
    assert "1 email could not be sent." in _count(html, "mail-failed")
    assert "The course content passes the check." in _count(html, "content-errors")
    assert "8 departments" in html  # the default list
    assert "3 courses · 6 modules" in html
    for link in ("/admin/", "/admin/departments", "/admin/outbox", "/admin/content", "/admin/quality", "/admin/import"):
        assert f'href="{link}' in html, link
    assert 'href="/admin/overview" aria-current="page"' in html


def _home(client) -> str:
    return client.get("/home").get_data(as_text=True)


def _next_step(html: str) -> str:
    return html.split('class="card highlight next-step"', 1)[1].split("</section>", 1)[0]


def _onboarded(make_user, department="Marketing"):
    """A learner opened like every account is (services/accounts.welcome): onboarding assigns start + marketing."""
    learner = make_user("learner", department=department)
    accounts.welcome(get_catalog(), [learner])
    assert [a.module_slugs for a in db.session.query(Assignment).filter_by(user_id=learner.id)] == [
        ["start", "marketing"]
    ]
    return learner


def _done(user, course, module, quiz=False):
    fields = {"completed_at": NOW, "quiz_passed_at": NOW if quiz else None}
    db.session.add(ModuleProgress(user_id=user.id, course_slug=course, module_slug=module, **fields))


def test_after_finishing_a_course_the_home_starts_the_assigned_course_at_zero(client, make_user, admin):
    learner = _onboarded(make_user)
    _done(learner, "basics", "intro", quiz=True)
    _done(learner, "basics", "reading")
    db.session.commit()
    login(client, learner)
    html = _home(client)
    step = _next_step(html)
    assert "You have not started a course yet" not in html
    assert "Start next" in step and "Rolling out" in step and "Department onboarding" in step
    assert "Assigned to you, no due date" in step
    assert 'href="/courses/onboarding/start">Start</a>' in step
    assert "No course is in progress right now." in html


def test_the_home_continues_the_module_in_progress_and_names_what_comes_next(client, make_user, admin):
    learner = make_user("learner")
    db.session.add(
        Assignment(user_id=learner.id, kind="course", course_slug="onboarding", due_date=date.today() - timedelta(1))
    )
    db.session.add(ModuleProgress(user_id=learner.id, course_slug="basics", module_slug="reading"))
    db.session.commit()
    login(client, learner)
    step = _next_step(_home(client))
    assert "Continue where you left off" in step
    assert 'href="/courses/basics/reading">Continue</a>' in step
    then = step.split('class="then"', 1)[1]
    assert 'href="/courses/onboarding/start">Rolling out</a>' in then and "Overdue" in then


def test_when_everything_is_done_the_home_says_so_and_points_to_the_self_assessment(client, make_user, admin):
    learner = make_user("learner")
    for course, module, quiz in [
        ("basics", "intro", True),
        ("basics", "reading", False),
        ("advanced", "deep", True),
        ("onboarding", "start", False),
        ("onboarding", "marketing", False),
        ("onboarding", "pr", False),
    ]:
        _done(learner, course, module, quiz)
    db.session.commit()
    login(client, learner)
    step = _next_step(_home(client))
    assert "All done" in step and 'href="/assessment/">Go to the self-assessment</a>' in step


def _course(client, slug="onboarding") -> str:
    return client.get(f"/courses/{slug}").get_data(as_text=True)


def _start_button(html: str) -> tuple[str, str, str]:
    found = re.search(r'<a class="button" data-action="(\w+)" href="([^"]+)">([^<]+)</a>', html)
    return found.group(1), found.group(2), found.group(3)


def test_the_course_page_button_starts_continues_then_reviews(client, make_user, admin):
    learner = make_user("learner")
    login(client, learner)
    html = _course(client, "basics")
    assert _start_button(html) == ("start", "/courses/basics/intro", "Start course")
    assert html.index('class="course-start card"') < html.index('class="module-list"')  # near the top
    _done(learner, "basics", "intro", quiz=True)
    db.session.commit()
    assert _start_button(_course(client, "basics")) == ("continue", "/courses/basics/reading", "Continue")
    _done(learner, "basics", "reading")
    db.session.commit()
    assert _start_button(_course(client, "basics")) == ("review", "/courses/basics/intro", "Review")


def test_a_course_behind_a_prerequisite_has_no_start_button(client, make_user, admin):
    login(client, make_user("learner"))
    html = _course(client, "advanced")
    assert 'data-action="start"' not in html and "This course opens when you complete" in html


def test_onboarding_modules_are_marked_required_and_counted_as_the_target(client, make_user, admin):
    learner = _onboarded(make_user)
    login(client, learner)
    html = _course(client)
    marked = re.findall(
        r'href="/courses/onboarding/(\w+)">[^<]+</a>\s*<span class="muted">[^<]*</span>\s*'
        r'(<span class="badge badge-required">Required for you</span>)?',
        html,
    )
    assert marked == [
        ("start", '<span class="badge badge-required">Required for you</span>'),
        ("marketing", '<span class="badge badge-required">Required for you</span>'),
        ("pr", ""),
    ]
    assert "2 modules of this course are assigned to you" in html
    assert "0 of 2 required modules done" in html
    _done(learner, "onboarding", "start")
    _done(learner, "onboarding", "marketing")
    db.session.commit()
    html = _course(client)
    assert "2 of 2 required modules done" in html and "whole course: 2 of 3 modules" in html
    assert re.search(r'<span class="progress-text">100%</span>', html)
    assert _start_button(html) == ("continue", "/courses/onboarding/pr", "Continue")
    assert "The modules required for you are done." in html
    # The home and the catalogue agree: the assignment is done and the course is complete for this person.
    home = _home(client)
    assert 'data-state="complete"' in home
    catalog = client.get("/courses").get_data(as_text=True)
    assert 'value="100" aria-label="Progress in Department onboarding"' in catalog


def test_the_next_step_course_button_and_required_marks_read_in_russian(client, make_user, admin):
    learner = _onboarded(make_user)
    learner.language = "ru"
    db.session.commit()
    login(client, learner)
    step = _next_step(_home(client))
    assert "Начните следующий курс" in step and "Назначено вам, без срока" in step and ">Начать</a>" in step
    html = _course(client)
    assert html.count('<span class="badge badge-required">Обязателен для вас</span>') == 2
    assert "Пройдено 0 из 2 обязательных модулей" in html and "весь курс: 0 из 3 модулей" in html
    assert _start_button(html) == ("start", "/courses/onboarding/start", "Начать курс")
    nav = html.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]
    assert '<a href="/home">Моё обучение</a>' in nav
