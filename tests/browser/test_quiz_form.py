"""A quiz sent with a question left blank comes back marked on that question, with every other answer kept."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from smmacademy.content.catalog import load_catalog

from ..conftest import REAL_COURSES
from .conftest import fits_phone, no_serious_a11y_violations, sign_in

pytestmark = pytest.mark.browser
CATALOG = load_catalog(REAL_COURSES)
# A module of a course open to everyone whose quiz has a "choose all that apply" question and others of other types.
COURSE, MODULE = next(
    (course, module)
    for course in CATALOG.courses.values()
    if not course.prerequisites
    for module in course.modules
    if {"multiple", "text", "matching"} <= {q.type for q in module.questions}
)
BLANK = next(q for q in MODULE.questions if q.type == "multiple")


def right_answer(question) -> list[tuple[str, str | None]]:
    """(CSS selector, value) pairs of the right answer: value None = a box to check, else text or option value."""
    name = f"q-{question.id}"
    if question.type in ("single", "multiple"):
        return [(f'input[name="{name}"][value="{key}"]', None) for key in sorted(question.correct)]
    if question.type == "truefalse":
        return [(f'input[name="{name}"][value="{str(question.truth).lower()}"]', None)]
    if question.type == "text":
        return [(f'input[name="{name}"]', question.answers[0])]
    return [(f'select[name="{name}-{index}"]', str(index)) for index in range(len(question.pairs))]


def answer(page: Page, question) -> None:
    """Give the right answer to ``question``."""
    for selector, value in right_answer(question):
        field = page.locator(selector)
        if value is None:
            field.check()
        elif selector.startswith("select"):
            field.select_option(value)
        else:
            field.fill(value)


def still_answered(page: Page, question) -> None:
    """The answer given to ``question`` is still checked, typed or matched."""
    for selector, value in right_answer(question):
        if value is None:
            expect(page.locator(selector)).to_be_checked()
        else:
            expect(page.locator(selector)).to_have_value(value)


@pytest.mark.parametrize("phone", [False, True], ids=["1280px", "390px"])
def test_a_blank_question_is_marked_in_place_the_answers_stay_and_the_fixed_quiz_passes(server, pages, phone):
    password = server.load_demo()
    page = pages.new(phone=phone, bypass_csp=True)  # bypass_csp: axe is injected into the page
    sign_in(page, server, "lena@demo.smmacademy.local", password)
    page.goto(f"{server.url}/courses/{COURSE.slug}/{MODULE.slug}/quiz")
    others = [q for q in MODULE.questions if q.id != BLANK.id]
    for question in others:
        answer(page, question)
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_load_state()

    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("1 question needs your attention")
    number = MODULE.questions.index(BLANK) + 1
    link = summary.get_by_role("link", name=f"Question {number}: Choose at least one option.")
    expect(link).to_be_visible()
    question = page.locator(f"#question-{BLANK.id}")
    group = question.get_by_role("group")
    expect(group).to_have_attribute("aria-invalid", "true")
    expect(question.locator(".error")).to_have_text("Choose at least one option.")
    expect(page.locator(".question.has-error")).to_have_count(1)
    for other in others:
        still_answered(page, other)
    assert BLANK.id not in page.locator("main").inner_text()  # no internal id reaches the learner
    no_serious_a11y_violations(page)
    if phone:
        fits_phone(page)

    link.click()
    answer(page, BLANK)
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_text("Passed — the pass mark is")).to_be_visible()
    expect(page.locator("p.score")).to_have_text("100%")
    no_serious_a11y_violations(page)
