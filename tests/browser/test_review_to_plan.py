"""Issue #16 end to end in Chromium: a review round becomes agreed levels, a plan, learning, and the dashboard.

The manager starts a review for a team member; the person and three peers answer; the manager rates, sees
the blind spots, records agreed levels and a target role, builds and agrees a development plan; the person
passes the planned module, the plan item completes itself, and the team dashboard shows the plan on track.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import fits_phone, no_serious_a11y_violations, rate_area, sign_in
from .test_journeys import CATALOG, answer_quiz
from .test_reviews import DEMO, answer_review, start_review_of_ivan

pytestmark = pytest.mark.browser
# Against the SMM manager profile, agreed levels of 5 everywhere except SEO (1) leave one gap, taught by
# one module: the plan has one competency item, and passing that module completes it.
SEO = "seo-search"
SEO_MODULE = CATALOG.modules_for_competency(SEO)[0]


def test_a_review_round_turns_into_an_agreed_plan_that_learning_completes(server, pages):
    password = server.load_demo()
    manager = start_review_of_ivan(pages, server, password)
    for peer in ("Lena Fischer", "Sofia Rossi", "Tom Becker"):
        manager.get_by_label(peer).check()
    manager.get_by_role("button", name="Ask these peers").click()
    expect(manager.get_by_text("3 peers asked to answer.")).to_be_visible()
    round_url = manager.url

    answer_review(pages, server, password, "ivan", 5, "Rate yourself")
    for peer in ("lena", "sofia", "tom"):
        answer_review(pages, server, password, peer, 3, "Rate Ivan Petrov")
    manager.get_by_role("link", name="Reviews", exact=True).first.click()  # a manager's own requests: a click away
    manager.get_by_role("link", name="Review requests").click()
    manager.get_by_role("link", name="Rate Ivan Petrov").click()
    rate_area(manager, 3)
    manager.get_by_role("button", name="Submit my answers").click()

    manager.goto(round_url)
    # Self 5 against manager and peers at 3: a blind spot on every competency.
    expect(manager.get_by_role("heading", name="Blind spots")).to_be_visible()
    expect(manager.locator("table.review-table").get_by_text("Blind spot").first).to_be_visible()
    for level in manager.locator('select[id^="level-"]').all():
        level.select_option("5")
    manager.locator(f"#level-{SEO}").select_option("1")
    manager.locator(f"#note-{SEO}").fill("Never ran search optimisation yet")
    manager.get_by_role("button", name="Record agreed levels and close the review").click()
    expect(manager.get_by_text("Agreed levels recorded")).to_be_visible()

    manager.get_by_role("link", name="Target role and the gap to it").click()
    manager.get_by_label("Target role").select_option(label="SMM manager")
    manager.get_by_role("button", name="Save the target role").click()
    expect(manager.get_by_role("heading", name="Gap to SMM manager")).to_be_visible()
    no_serious_a11y_violations(manager)

    manager.get_by_role("link", name="My team").click()
    manager.get_by_role("link", name="Ivan Petrov").click()
    manager.get_by_role("link", name="Development plan").click()
    manager.get_by_role("button", name="Build a plan from the agreed levels").click()
    rows = manager.locator("table.plan-items tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Reach level")
    expect(rows.first.get_by_role("link", name=SEO_MODULE.title)).to_be_visible()
    manager.get_by_role("button", name="Agree the plan").click()
    expect(manager.locator("[data-plan-state]")).to_have_text("Agreed")

    learner = pages.new("learner", phone=True, bypass_csp=True)
    sign_in(learner, server, f"ivan{DEMO}", password)
    learner.locator(".plan-next").get_by_role("link", name=SEO_MODULE.title).click()
    answer_quiz(learner, SEO_MODULE, right=True)
    expect(learner.get_by_text("Passed — the pass mark is")).to_be_visible()
    # The only item is done, so the plan is done and the home page has no next plan step left.
    learner.goto(server.url + "/home")
    expect(learner.locator(".plan-next")).to_have_count(0)
    learner.goto(server.url + "/plans/")
    expect(learner.locator("table.plan-items tbody tr").first).to_have_attribute("data-item-done", "yes")
    expect(learner.locator("[data-plan-state]")).to_have_text("Done")
    fits_phone(learner)
    no_serious_a11y_violations(learner)

    manager.get_by_role("link", name="My team").click()
    ivan = manager.get_by_role("row").filter(has_text="Ivan Petrov")
    expect(ivan.locator("[data-plan]")).to_have_text("Done")
    no_serious_a11y_violations(manager)
