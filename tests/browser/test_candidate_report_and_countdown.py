"""HR's decision panel at the top of a candidate report, and the candidate's countdown across a reload."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from smmacademy import create_app
from smmacademy.catalog_state import get_catalog
from smmacademy.extensions import db
from smmacademy.models import Candidate
from smmacademy.models.base import utcnow
from smmacademy.services import accounts, assessments, candidate_test, candidates

from ..live import SECRET_KEY
from .conftest import fits_phone, no_serious_a11y_violations, sign_in

pytestmark = pytest.mark.browser
PASSWORD = "a-long-password-for-browser-hr"
SIZES = pytest.mark.parametrize("phone", [False, True], ids=["1280px", "390px"])


@pytest.fixture
def data(server):
    """An app in this process on the server's database, to prepare people and candidates."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": server.env["DATABASE_URL"], "SECRET_KEY": SECRET_KEY, "TESTING": True})
    with app.app_context():
        accounts.ensure_departments()
        accounts.create_user("admin@example.com", "Ada Admin", "admin", PASSWORD)
        accounts.create_user("lead@example.com", "Marina Lead", "manager", PASSWORD)
        hr = accounts.create_user("hr@example.com", "Hanna Hr", "hr", PASSWORD)
        yield hr
        db.session.remove()
        db.engine.dispose()


def submitted_candidate(hr) -> Candidate:
    catalog = get_catalog()
    candidate, _token = candidates.invite(
        hr, "Cara Candidate", "cara@mail.example", "community-manager", "Referred by Tom", 14, None
    )
    candidates.give_consent(candidate)
    candidate_test.start_test(candidate, catalog)
    assessment = candidates.assessment_for(candidate, catalog.framework)
    assessments.store_ratings(assessment, dict.fromkeys(catalog.framework.statements, 3))
    candidate_test.submit_test(candidate, catalog, set(), lambda _name: [], candidate_test.grace_of({}))
    candidate_test.finish(candidate, catalog, candidate_test.grace_of({}))
    return candidate


@SIZES
def test_the_decision_panel_is_at_the_top_of_the_report(server, pages, data, phone):
    candidate = submitted_candidate(data)
    page = pages.new("hr", phone=phone, bypass_csp=True)
    sign_in(page, server, "hr@example.com", PASSWORD)
    page.goto(f"{server.url}/hr/candidates/{candidate.id}")
    panel = page.locator("aside.decision-panel")
    expect(panel.get_by_text("Submitted the assessment; waiting for your decision.")).to_be_visible()
    decision = panel.get_by_label("Decision")
    assert decision.input_value() == "" and panel.get_by_label("Reason (optional)").input_value() == ""
    box = panel.bounding_box()
    fits_heading = page.get_by_role("heading", name="Fit to each profile").bounding_box()
    viewport = page.viewport_size
    if phone:
        fits_phone(page)
        assert box["y"] < fits_heading["y"] and box["y"] < viewport["height"]  # first, in normal flow
        assert panel.evaluate("el => getComputedStyle(el).position") == "static"
    else:
        assert box["x"] > fits_heading["x"] + 400 and box["y"] < 300  # beside the report, at the top
        page.get_by_role("heading", name="Test answers").scroll_into_view_if_needed()
        page.wait_for_timeout(100)
        scrolled = panel.bounding_box()
        assert page.evaluate("window.scrollY") > 1000
        assert 0 <= scrolled["y"] < viewport["height"] / 2  # sticky: still on screen after scrolling
    no_serious_a11y_violations(page)

    panel.get_by_role("button", name="Save decision").click()  # nothing chosen
    expect(page.locator("aside.decision-panel").get_by_text("Choose a decision.")).to_be_visible()
    page.locator("aside.decision-panel").get_by_label("Decision").select_option(label="Shortlisted")
    page.locator("aside.decision-panel").get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Status changed to Shortlisted.")).to_be_visible()
    expect(page.locator("aside.decision-panel .status-now")).to_contain_text("Shortlisted for the position.")
    no_serious_a11y_violations(page)


def clock_seconds(page) -> int:
    text = page.locator("[data-countdown-clock]").inner_text()
    minutes, seconds = re.fullmatch(r"(\d+):(\d\d)", text.strip()).groups()
    return int(minutes) * 60 + int(seconds)


def timed_test_link(hr, limit: int, elapsed: timedelta) -> str:
    """The token of a candidate whose ``limit``-minute test started ``elapsed`` ago by the server's clock."""
    candidate, token = candidates.invite(hr, "Cara Candidate", "cara@mail.example", "community-manager", "", 14, limit)
    candidates.give_consent(candidate)
    candidate_test.start_test(candidate, get_catalog())
    started = utcnow() - elapsed
    db.session.execute(update(Candidate).where(Candidate.id == candidate.id).values(test_started_at=started))
    db.session.commit()
    return token


def open_test(page, server, token: str) -> None:
    page.goto(f"{server.url}/candidate/invite/{token}")
    page.goto(f"{server.url}/candidate/test")


@SIZES
def test_the_countdown_runs_from_the_servers_deadline_and_survives_a_reload(server, pages, data, phone):
    # Started 25 minutes and 2 seconds ago on the server: 4:58 of the 30 minutes are left.
    token = timed_test_link(data, 30, timedelta(minutes=25, seconds=2))
    page = pages.new("candidate", phone=phone, bypass_csp=True)
    open_test(page, server, token)

    expect(page.locator("[data-countdown-clock]")).to_have_text(re.compile(r"^4:[0-5]\d$"))
    first = clock_seconds(page)
    assert 240 <= first <= 298  # never the 30:00 a page-side clock would start from
    page.wait_for_timeout(2200)
    assert clock_seconds(page) <= first - 2  # it ticks
    page.reload()
    expect(page.locator("[data-countdown-clock]")).to_have_text(re.compile(r"^[34]:[0-5]\d$"))
    assert clock_seconds(page) <= first - 2  # the server's deadline, not a fresh 30 minutes
    live = page.locator("[data-countdown-announce]")
    assert live.get_attribute("aria-live") == "polite"
    assert live.inner_text() == ""  # five minutes had already passed when the page opened
    if phone:
        fits_phone(page)
    no_serious_a11y_violations(page)


def test_the_countdown_announces_five_minutes_left_politely(server, pages, data):
    token = timed_test_link(data, 10, timedelta(minutes=4, seconds=52))
    page = pages.new("candidate")
    open_test(page, server, token)
    left = int(page.locator("[data-countdown]").get_attribute("data-seconds-left"))
    assert 300 < left <= 308, left
    expect(page.locator("[data-countdown-announce]")).to_have_text("5 minutes left.", timeout=15_000)


def test_without_javascript_the_time_left_is_a_sentence(server, pages, data, browser):
    token = timed_test_link(data, 30, timedelta(0))
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        open_test(page, server, token)
        assert "Time left: about 30 minutes" in " ".join(page.locator(".countdown").inner_text().split())
    finally:
        context.close()


def test_hr_sends_an_invitation_with_three_clicks_after_signing_in(server, pages, data):
    page = pages.new("hr", bypass_csp=True)
    sign_in(page, server, "hr@example.com", PASSWORD)  # click 1; HR's landing page is the candidate list
    page.goto(f"{server.url}/hr/")
    page.get_by_role("link", name="Invite a candidate").click()  # click 2
    page.get_by_label("Candidate's full name").fill("Cara Candidate")
    page.get_by_label("Email").fill("cara@mail.example")
    page.get_by_label("Also send the invitation to the candidate from the site, by mail").check()  # click 3
    page.get_by_role("button", name="Create the invitation link").click()  # click 4
    expect(page.get_by_text("The invitation was emailed to cara@mail.example.")).to_be_visible()
    assert page.get_by_label("Invitation link").input_value().startswith(server.url + "/candidate/invite/")
    no_serious_a11y_violations(page)
