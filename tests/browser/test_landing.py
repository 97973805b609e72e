"""Day one in Chromium at 1280 and 390 px: sign in, then one click reaches the next unfinished module;
the course page shows Start/Continue near the top and marks the modules required for the person."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import fits_phone, no_serious_a11y_violations
from .test_journeys import CATALOG, answer_quiz

pytestmark = pytest.mark.browser
ONBOARDING = next(c for c in CATALOG.courses.values() if c.slug == "department-onboarding")
FIRST, SECOND = ONBOARDING.modules[0], ONBOARDING.modules[1]  # what onboarding assigns to Marketing
PASSWORD = "a-long-password-1"


class Clicks:
    """Counts the clicks a person makes (typing is not a click)."""

    def __init__(self):
        self.count = 0

    def __call__(self, locator) -> None:
        self.count += 1
        locator.click()


def sign_in_counted(page: Page, url: str, click: Clicks) -> None:
    page.goto(url + "/login")
    page.get_by_label("Email").fill("lea@company.example")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    click(page.get_by_role("button", name="Sign in"))
    page.wait_for_load_state()


def next_step_card(page: Page, url: str, heading: str, module_title: str, phone: bool):
    """Sign in (one counted click); the home's first card has ``heading`` and names the module. Returns (card, clicks)."""
    click = Clicks()
    sign_in_counted(page, url, click)
    card = page.locator("section.next-step")
    expect(card.get_by_role("heading", name=heading)).to_be_visible()
    expect(card).to_contain_text(module_title)
    check_page(page, phone)
    return card, click


def check_page(page: Page, phone: bool) -> None:
    if phone:
        fits_phone(page)
    no_serious_a11y_violations(page)


@pytest.mark.parametrize("phone", [False, True], ids=["1280px", "390px"])
def test_sign_in_then_continue_reaches_the_next_unfinished_module_in_two_clicks(server, pages, phone):
    server.cli(
        "create-user",
        "--email",
        "lea@company.example",
        "--name",
        "Lea Learner",
        "--role",
        "learner",
        "--department",
        "Marketing",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    # Day one: nothing started; the home offers the assigned onboarding course.
    page = pages.new("first-day", phone=phone, bypass_csp=True)
    card, click = next_step_card(page, server.url, "Start next", FIRST.title, phone)
    expect(card).to_contain_text("Assigned to you, no due date")
    click(card.get_by_role("link", name="Start", exact=True))
    expect(page.get_by_role("heading", name=FIRST.title, level=1)).to_be_visible()
    assert click.count == 2
    check_page(page, phone)

    # The course page: the button near the top, the two required modules marked and counted.
    page.goto(f"{server.url}/courses/{ONBOARDING.slug}")
    button = page.locator(".course-start a.button")
    expect(button).to_have_text("Continue")
    expect(button).to_have_attribute("href", f"/courses/{ONBOARDING.slug}/{FIRST.slug}")
    expect(button).to_be_in_viewport()  # visible without scrolling, at both widths
    required = page.locator(".module-list li").filter(has=page.locator(".badge-required"))
    expect(required).to_have_count(2)
    expect(required.nth(0)).to_contain_text(FIRST.title)
    expect(required.nth(1)).to_contain_text(SECOND.title)
    expect(page.get_by_text("0 of 2 required modules done")).to_be_visible()
    check_page(page, phone)

    # Pass the first module, then come back another day: sign in, Continue -> the second module.
    page.goto(f"{server.url}/courses/{ONBOARDING.slug}/{FIRST.slug}/quiz")
    answer_quiz(page, FIRST, right=True)
    expect(page.get_by_text(re.compile("^Passed — the pass mark is"))).to_be_visible()
    page.goto(f"{server.url}/courses/{ONBOARDING.slug}")
    expect(page.get_by_text("1 of 2 required modules done")).to_be_visible()
    expect(page.locator(".course-start a.button")).to_have_attribute(
        "href", f"/courses/{ONBOARDING.slug}/{SECOND.slug}"
    )

    later = pages.new("next-day", phone=phone, bypass_csp=True)
    card, click = next_step_card(later, server.url, "Continue where you left off", SECOND.title, phone)
    click(card.get_by_role("link", name="Continue", exact=True))
    expect(later.get_by_role("heading", name=SECOND.title, level=1)).to_be_visible()
    assert later.url.endswith(f"/courses/{ONBOARDING.slug}/{SECOND.slug}")
    assert click.count == 2
