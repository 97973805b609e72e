"""A review round clicked through in Chromium: start, self, three peers, manager, blind spots, agreed levels."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import fits_phone, no_serious_a11y_violations, open_menu, rate_area, sign_in

pytestmark = pytest.mark.browser
DEMO = "@demo.smmacademy.local"


def answer_review(pages, server, password: str, who: str, level: int, name: str, phone: bool = False) -> Page:
    page = pages.new(who, phone=phone, bypass_csp=True)
    sign_in(page, server, f"{who}{DEMO}", password)
    open_menu(page)  # on a phone the header's links sit behind the menu button
    page.get_by_role("link", name="Review requests").first.click()
    page.get_by_role("link", name=name).click()
    if phone:
        fits_phone(page)
        no_serious_a11y_violations(page)
    rate_area(page, level)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_text("your answers about Ivan Petrov are submitted")).to_be_visible()
    return page


def start_review_of_ivan(pages, server, password: str) -> Page:
    """Maria, the demo manager, starts a review of Ivan Petrov; returns her page on the new round."""
    manager = pages.new("manager", bypass_csp=True)
    sign_in(manager, server, f"maria{DEMO}", password)
    manager.get_by_role("link", name="Reviews", exact=True).click()
    manager.get_by_role("link", name="Start a review").click()
    manager.get_by_label("Who is reviewed").select_option(label="Ivan Petrov")
    manager.get_by_label("Due date").fill("2099-12-31")
    no_serious_a11y_violations(manager)
    manager.get_by_role("button", name="Start the review").click()
    expect(manager.get_by_text("Started 1 review.")).to_be_visible()
    return manager


def test_manager_runs_a_review_with_three_peers_sees_blind_spots_and_records_agreed_levels(server, pages):
    password = server.load_demo()
    manager = start_review_of_ivan(pages, server, password)
    expect(manager.get_by_role("heading", name="Review of Ivan Petrov")).to_be_visible()
    # Two peers are too few: the inline message says why and nobody is asked.
    for peer in ("Lena Fischer", "Sofia Rossi"):
        manager.get_by_label(peer).check()
    manager.get_by_role("button", name="Ask these peers").click()
    expect(manager.get_by_text("Choose from 3 to 8 peers (a round would have 2).")).to_be_visible()
    for peer in ("Lena Fischer", "Sofia Rossi", "Tom Becker"):
        manager.get_by_label(peer).check()
    manager.get_by_role("button", name="Ask these peers").click()
    expect(manager.get_by_text("3 peers asked to answer.")).to_be_visible()

    # The person rates themselves high, on a phone; the peers answer, then the manager.
    answer_review(pages, server, password, "ivan", 4, "Rate yourself", phone=True)
    for index, peer in enumerate(("lena", "sofia", "tom")):
        page = answer_review(pages, server, password, peer, 3, "Rate Ivan Petrov")
        if index == 0:
            # A peer sees only their form: the results page is refused.
            page.goto(manager.url)
            expect(page.get_by_role("heading", name="You do not have access to this page")).to_be_visible()
    manager.get_by_role("link", name="Reviews", exact=True).first.click()  # a manager's own requests: a click away
    manager.get_by_role("link", name="Review requests").click()
    manager.get_by_role("link", name="Rate Ivan Petrov").click()
    rate_area(manager, 2)
    manager.get_by_role("button", name="Submit my answers").click()

    manager.get_by_role("link", name="Reviews", exact=True).click()
    expect(manager.get_by_text("peers: 3 of 3 submitted")).to_be_visible()
    manager.get_by_role("link", name="Ivan Petrov").click()
    expect(manager.get_by_role("heading", name="Blind spots")).to_be_visible()
    table = manager.locator("table.review-table")
    expect(table.get_by_text("Blind spot").first).to_be_visible()
    expect(table.get_by_text("not enough answers yet")).to_have_count(0)
    expect(manager.locator("svg.radar .series.peers")).to_have_count(1)
    expect(manager.locator("svg.radar .series.self-rated")).to_have_count(1)
    no_serious_a11y_violations(manager)

    # Calibration: the levels offered start at the manager's; one is raised after the conversation.
    first_level = manager.locator('select[id^="level-"]').first
    first_level.select_option("3")
    manager.locator('input[id^="note-"]').first.fill("Agreed after the campaign review")
    manager.get_by_role("button", name="Record agreed levels and close the review").click()
    expect(manager.get_by_text("Agreed levels recorded")).to_be_visible()
    expect(manager.get_by_role("cell", name="Agreed after the campaign review")).to_be_visible()
    expect(manager.get_by_text(re.compile(r"Recorded .* by Maria Novak\."))).to_be_visible()
    no_serious_a11y_violations(manager)

    phone = pages.new("manager-phone", phone=True, bypass_csp=True)
    sign_in(phone, server, f"maria{DEMO}", password)
    phone.goto(manager.url)
    expect(phone.get_by_role("heading", name="Agreed levels")).to_be_visible()
    fits_phone(phone)
    no_serious_a11y_violations(phone)
    open_menu(phone)
    phone.get_by_role("link", name="My team").click()
    phone.get_by_role("link", name="Ivan Petrov").click()
    expect(phone.get_by_role("heading", name="Reviews", exact=True)).to_be_visible()
    fits_phone(phone)


def test_a_manager_cancels_a_review_started_by_mistake_in_russian_and_the_person_is_no_longer_asked(server, pages):
    password = server.load_demo()
    manager = start_review_of_ivan(pages, server, password)
    round_url = manager.url
    ivan = pages.new("ivan", phone=True, bypass_csp=True)
    sign_in(ivan, server, f"ivan{DEMO}", password)
    ivan.goto(server.url + "/reviews/")
    expect(ivan.get_by_role("link", name="Rate yourself")).to_be_visible()

    manager.get_by_role("button", name="Русский").click()
    cancel = manager.get_by_role("button", name="Отменить оценку")
    manager.once("dialog", lambda dialog: dialog.dismiss())  # second thoughts: nothing happens
    cancel.click()
    manager.reload()
    expect(cancel).to_be_visible()
    manager.once("dialog", lambda dialog: dialog.accept())
    cancel.click()
    expect(manager.get_by_text("Оценка отменена: больше никого не просят её заполнить")).to_be_visible()
    expect(manager.get_by_text(re.compile(r"Отменена · отменена"))).to_be_visible()
    expect(cancel).to_have_count(0)
    no_serious_a11y_violations(manager)

    ivan.goto(server.url + "/reviews/")
    expect(ivan.get_by_role("link", name="Rate yourself")).to_have_count(0)
    ivan.goto(round_url + "/rate")
    expect(ivan.get_by_text("This review was cancelled: your answers are no longer needed.")).to_be_visible()
    fits_phone(ivan)
