"""What people do on the site, clicked through in Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from smmacademy.content.catalog import load_catalog

from ..conftest import REAL_COURSES
from .conftest import fits_phone, no_serious_a11y_violations, open_menu, rate_area, rate_every_area, sign_in

pytestmark = pytest.mark.browser
CATALOG = load_catalog(REAL_COURSES)
SHORT_COURSE = min(CATALOG.courses.values(), key=lambda c: (len(c.modules), bool(c.prerequisites)))


def answer_quiz(page: Page, module, right: bool) -> None:
    """Open the module's quiz, fill it with right (or wrong) answers and submit it."""
    if "/quiz" not in page.url:
        page.get_by_role("link", name=re.compile("^Take the quiz")).click()
    for question in module.questions:
        name = f"q-{question.id}"
        if question.type in ("single", "multiple"):
            keys = (
                sorted(question.correct) if right else [k for k, _ in question.options if k not in question.correct][:1]
            )
            for key in keys:
                page.locator(f'input[name="{name}"][value="{key}"]').check()
        elif question.type == "truefalse":
            value = "true" if question.truth == right else "false"
            page.locator(f'input[name="{name}"][value="{value}"]').check()
        elif question.type == "text":
            page.locator(f'input[name="{name}"]').fill(question.answers[0] if right else "no idea")
        else:
            count = len(question.pairs)
            for index in range(count):
                page.locator(f'select[name="{name}-{index}"]').select_option(
                    str(index if right else (index + 1) % count)
                )
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_load_state()


def progress_value(page: Page) -> int:
    return int(page.locator("main progress").first.get_attribute("value"))


def test_first_run_setup_then_login_and_logout(server, pages):
    page = pages.new()
    page.goto(server.url + "/")
    expect(page.get_by_role("heading", name="Set up SMM Academy")).to_be_visible()
    page.get_by_label("Full name").fill("Ada Admin")
    page.get_by_label("Email").fill("ada@company.example")
    page.get_by_label("New password").fill("a-strong-password")
    page.get_by_label("Repeat the password").fill("a-strong-password")
    page.get_by_role("button", name="Create administrator").click()
    expect(page.get_by_role("heading", name="Administration", exact=True)).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto(server.url + "/setup")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    sign_in(page, server, "ada@company.example", "a-strong-password")
    expect(page.get_by_role("heading", name="Administration", exact=True)).to_be_visible()  # the admin overview

    # The admin creates a manager and a learner, then each signs in with the temporary password.
    people = {}
    for name, email, role, manager in [
        ("Mo Manager", "mo@company.example", "Manager", None),
        ("Lu Learner", "lu@company.example", "Learner", "Mo Manager"),
    ]:
        page.goto(server.url + "/admin/users/new")
        page.get_by_label("Full name").fill(name)
        page.get_by_label("Email").fill(email)
        page.get_by_label("Role").select_option(label=role)
        page.get_by_label("Department").select_option(label="Marketing")
        if manager:
            page.get_by_label("Line manager").select_option(label=f"{manager} (mo@company.example)")
        page.get_by_role("button", name="Create user").click()
        expect(page.get_by_role("heading", name="Account created")).to_be_visible()
        people[email] = page.locator(".secret code").inner_text()
    for email, temporary in people.items():
        person = pages.new(email.split("@")[0])
        person.goto(server.url + "/login")
        person.get_by_label("Email").fill(email)
        person.get_by_label("Password", exact=True).fill(temporary)
        person.get_by_role("button", name="Sign in").click()
        expect(person.get_by_role("heading", name="Change password")).to_be_visible()
        person.get_by_label("Current password").fill(temporary)
        person.get_by_label("New password").fill("my-own-password-1")
        person.get_by_label("Repeat the password").fill("my-own-password-1")
        person.get_by_role("button", name="Change password").click()
        expect(person.get_by_text("Your password has been changed.")).to_be_visible()
    manager = pages.contexts[-2].pages[0]
    manager.goto(server.url + "/team/")
    expect(manager.get_by_role("link", name="Lu Learner")).to_be_visible()


def test_learner_fails_reviews_passes_and_earns_the_certificate(server, pages):
    password = server.load_demo()
    page = pages.new()
    sign_in(page, server, "lena@demo.smmacademy.local", password)
    page.get_by_role("link", name="Courses", exact=True).click()
    page.get_by_role("link", name=SHORT_COURSE.title).click()
    assert progress_value(page) == 0
    first = SHORT_COURSE.modules[0]
    page.get_by_role("link", name=first.title).click()
    expect(page.get_by_role("heading", name=first.title, level=1)).to_be_visible()
    expect(page.get_by_role("navigation", name="On this page")).to_be_visible()
    answer_quiz(page, first, right=False)
    expect(page.get_by_text("Not passed — the pass mark is")).to_be_visible()
    # A failed attempt shows which answers were wrong, not the right ones (the explanations give them away).
    expect(page.get_by_text("Not correct").first).to_be_visible()
    expect(page.get_by_text(first.questions[0].explanation[:40])).to_have_count(0)
    page.get_by_role("link", name="Try again").click()
    answer_quiz(page, first, right=True)
    expect(page.get_by_text("Passed — the pass mark is")).to_be_visible()
    expect(page.get_by_text(first.questions[0].explanation[:40])).to_be_visible()
    page.get_by_role("link", name="Back to the course").click()
    after_one = progress_value(page)
    assert after_one == round(100 / len(SHORT_COURSE.modules))
    for module in SHORT_COURSE.modules[1:]:
        page.goto(f"{server.url}/courses/{SHORT_COURSE.slug}/{module.slug}/quiz")
        answer_quiz(page, module, right=True)
    page.get_by_role("link", name="View certificate").click()
    expect(page.get_by_role("heading", name="Certificate of completion")).to_be_visible()
    expect(page.locator(".cert-name")).to_have_text("Lena Fischer")
    code = re.search(r"Verification code: (\w+)", page.content()).group(1)
    anonymous = pages.new("verifier")
    anonymous.goto(f"{server.url}/verify/{code}")
    expect(anonymous.get_by_text("Valid: Lena Fischer completed")).to_be_visible()


def test_self_assessment_save_resume_and_results_on_a_phone(server, pages):
    password = server.load_demo()
    page = pages.new(phone=True, bypass_csp=True)
    sign_in(page, server, "tom@demo.smmacademy.local", password)
    open_menu(page)
    page.get_by_role("link", name="Self-assessment").first.click()
    page.get_by_role("button", name="Start the self-assessment").click()
    rate_area(page, 3)
    page.get_by_role("button", name="Save and finish later").click()
    expect(page.get_by_text("Saved. You can continue any time")).to_be_visible()
    page.get_by_role("button", name="Continue the self-assessment").click()
    expect(page.get_by_text("Page 2 of")).to_be_visible()
    page.get_by_role("button", name="Save and continue").click()  # nothing rated: refused, nothing lost
    expect(page.get_by_text("Nothing was saved")).to_be_visible()
    rate_every_area(page, 4, lambda _: fits_phone(page))
    page.get_by_role("button", name="Submit and see my results").click()
    expect(page.get_by_role("heading", name="Self-assessment results")).to_be_visible()
    expect(page.locator("svg.radar")).to_be_visible()
    expect(page.get_by_role("heading", name="Self-rating and evidence")).to_be_visible()
    fits_phone(page)
    no_serious_a11y_violations(page)


def test_manager_assigns_a_course_and_sees_the_members_progress(server, pages):
    password = server.load_demo()
    course = SHORT_COURSE
    manager = pages.new("manager")
    sign_in(manager, server, "maria@demo.smmacademy.local", password)
    manager.get_by_role("link", name="My team").click()
    manager.get_by_role("link", name="Assign training").click()
    manager.get_by_label("What to assign").select_option(label=course.title)
    manager.get_by_label("Due date (optional)").fill("2099-12-31")
    manager.get_by_label("Note for the learners (optional)").fill("Please finish before the campaign")
    manager.get_by_label(re.compile("^Ivan Petrov")).check()
    manager.get_by_role("button", name="Assign").click()
    expect(manager.get_by_text("Assigned to 1 person")).to_be_visible()

    learner = pages.new("learner")
    sign_in(learner, server, "ivan@demo.smmacademy.local", password)
    expect(learner.get_by_text("Please finish before the campaign")).to_be_visible()
    learner.get_by_role("link", name=course.title).first.click()
    learner.get_by_role("link", name=course.modules[0].title).click()
    answer_quiz(learner, course.modules[0], right=True)

    manager.get_by_role("link", name="My team").click()
    manager.get_by_role("link", name="Ivan Petrov").click()
    expect(manager.get_by_role("heading", name="Ivan Petrov")).to_be_visible()
    expect(manager.get_by_text(course.modules[0].title).first).to_be_visible()
    expect(manager.get_by_role("cell", name="passed", exact=True)).to_be_visible()


def test_hr_invites_and_the_candidate_completes_from_the_link_alone(server, pages):
    password = server.load_demo()
    hr = pages.new("hr")
    sign_in(hr, server, "hr@demo.smmacademy.local", password)
    hr.get_by_role("link", name="Candidates").click()
    hr.get_by_role("link", name="Invite a candidate").click()
    hr.get_by_label("Candidate's full name").fill("Cara Candidate")
    hr.get_by_label("Email").fill("cara@mail.example")
    hr.get_by_label("Position applied for").select_option(label="Community manager")
    hr.get_by_role("button", name="Create the invitation link").click()
    link = hr.get_by_label("Invitation link").input_value()
    assert link.startswith(server.url + "/candidate/invite/")

    candidate = pages.new("candidate", phone=True)  # a fresh phone browser: no cookies, only the link
    candidate.goto(link)
    assert "/invite/" not in candidate.url
    candidate.get_by_role("checkbox").check()
    candidate.get_by_role("button", name="Start").click()
    candidate.get_by_role("link", name="Start").click()
    fits_phone(candidate)
    rate_every_area(candidate, 3, lambda _: fits_phone(candidate))
    candidate.get_by_role("button", name="Start the test").click()
    fits_phone(candidate)
    for group in candidate.locator("li.question").all():
        radios = group.locator('input[type="radio"], input[type="checkbox"]')
        if radios.count():
            radios.first.check()
        elif group.locator('input[type="text"]').count():
            group.locator('input[type="text"]').fill("strategy")
        else:
            for select in group.locator("select").all():
                select.select_option(index=1)
    candidate.get_by_role("button", name="Save my answers").click()  # the test stays open
    expect(candidate.get_by_text("Your answers are saved.")).to_be_visible()
    candidate.get_by_role("button", name="Review and submit").click()
    expect(candidate.get_by_text("Every question has an answer.")).to_be_visible()
    candidate.get_by_role("button", name="Submit the test").click()
    candidate.get_by_role("button", name="Submit my assessment").click()
    expect(candidate.get_by_role("heading", name="Thank you")).to_be_visible()
    candidate.goto(link)
    expect(candidate.get_by_text("already submitted")).to_be_visible()

    hr.goto(server.url + "/hr/")
    expect(hr.get_by_role("cell", name="Submitted")).to_be_visible()
    hr.get_by_role("link", name="Cara Candidate").click()
    expect(hr.get_by_role("heading", name="Fit to each profile")).to_be_visible()
    expect(hr.locator("svg.radar")).to_be_visible()


MAIN_PAGES = {
    "lena": [
        "/home",
        "/courses",
        f"/courses/{SHORT_COURSE.slug}",
        f"/courses/{SHORT_COURSE.slug}/{SHORT_COURSE.modules[0].slug}",
        f"/courses/{SHORT_COURSE.slug}/{SHORT_COURSE.modules[0].slug}/quiz",
        "/assessment/",
        "/assessment/how-it-works",
        "/search?q=community",
        "/account",
    ],
    "maria": ["/team/", "/team/assign"],
    "hr": ["/hr/", "/hr/new"],
    "admin": [
        "/admin/overview",
        "/admin/",
        "/admin/users/new",
        "/admin/import",
        "/admin/departments",
        "/admin/quality",
        f"/admin/quality/{SHORT_COURSE.slug}",
        f"/admin/quality/{SHORT_COURSE.slug}/questions/{SHORT_COURSE.modules[0].questions[0].id}",
    ],
}


def test_main_pages_fit_a_phone_and_have_no_serious_accessibility_violations(server, pages):
    password = server.load_demo()
    anonymous = pages.new("anonymous", phone=True, bypass_csp=True)
    for url in ["/login", "/verify"]:
        anonymous.goto(server.url + url)
        fits_phone(anonymous)
        no_serious_a11y_violations(anonymous)
    for person, urls in MAIN_PAGES.items():
        page = pages.new(person, phone=True, bypass_csp=True)
        sign_in(page, server, f"{person}@demo.smmacademy.local", password)
        for url in urls:
            page.goto(server.url + url)
            assert page.title(), url
            fits_phone(page)
            no_serious_a11y_violations(page)
        if person == "lena":  # the quiz review, after answering on the phone
            page.goto(f"{server.url}/courses/{SHORT_COURSE.slug}/{SHORT_COURSE.modules[0].slug}/quiz")
            answer_quiz(page, SHORT_COURSE.modules[0], right=False)
            expect(page.get_by_role("heading", name="Quiz review")).to_be_visible()
            fits_phone(page)
            no_serious_a11y_violations(page)
        if person == "maria":  # a member page with Lena's attempt
            page.goto(server.url + "/team/")
            page.get_by_role("link", name="Lena Fischer").click()
            expect(page.get_by_role("heading", name="Lena Fischer")).to_be_visible()
            fits_phone(page)
            no_serious_a11y_violations(page)


def test_every_module_and_quiz_page_fits_a_phone(server, pages):
    password = server.load_demo()
    page = pages.new("tom", phone=True)
    sign_in(page, server, "tom@demo.smmacademy.local", password)
    for module in CATALOG.modules:  # a module behind a prerequisite shows the "complete X first" page
        for url in (
            f"/courses/{module.course_slug}/{module.slug}",
            f"/courses/{module.course_slug}/{module.slug}/quiz",
        ):
            page.goto(server.url + url)
            fits_phone(page)
