"""A development plan clicked through in Chromium: built and agreed by the manager, completed by learning."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from smmacademy import create_app
from smmacademy.models import User

from ..live import SECRET_KEY
from ..plan_factories import choose_target, make_calibrated_round
from .conftest import fits_phone, no_serious_a11y_violations, sign_in
from .test_journeys import CATALOG, answer_quiz

pytestmark = pytest.mark.browser
# Against the SMM manager profile everything is agreed at 5 except SEO (target 3) and creativity (target 3):
# two items, SEO first (weighted gap 2), each taught by one module.
SEO_MODULE = CATALOG.modules_for_competency("seo-search")[0]


def calibrate(server, tmp_path, email: str, manager_email: str) -> None:
    """The factory's calibrated round and target role, written to the live server's database."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": server.env["DATABASE_URL"],
            "SECRET_KEY": SECRET_KEY,
            "CONTENT_CACHE_DIR": str(tmp_path / "factory-cache"),
        }
    )
    with app.app_context():
        from smmacademy.extensions import db

        person = db.session.scalar(select(User).where(User.email == email))
        manager = db.session.scalar(select(User).where(User.email == manager_email))
        make_calibrated_round(app, person, manager, {"seo-search": 1, "creativity": 2})
        choose_target(person, "smm-manager", manager)
        db.session.remove()
        db.engine.dispose()


def test_manager_builds_and_agrees_a_plan_the_learner_completes_an_item_the_dashboard_shows_it(server, pages, tmp_path):
    password = server.load_demo()
    calibrate(server, tmp_path, "ivan@demo.smmacademy.local", "maria@demo.smmacademy.local")

    manager = pages.new("manager", bypass_csp=True)
    sign_in(manager, server, "maria@demo.smmacademy.local", password)
    manager.get_by_role("link", name="My team").click()
    manager.get_by_role("link", name="Ivan Petrov").click()
    manager.get_by_role("link", name="Development plan").click()
    manager.get_by_role("button", name="Build a plan from the agreed levels").click()
    expect(manager.get_by_text("A draft plan is ready")).to_be_visible()
    expect(manager.locator("[data-plan-state]")).to_have_text("Draft")
    rows = manager.locator("table.plan-items tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Reach level 3 in Search and discoverability")
    expect(rows.first.get_by_role("link", name=SEO_MODULE.title)).to_be_visible()
    no_serious_a11y_violations(manager)
    manager.get_by_role("button", name="Agree the plan").click()
    expect(manager.get_by_text("The plan is agreed.")).to_be_visible()
    expect(manager.locator("[data-plan-state]")).to_have_text("Agreed")

    learner = pages.new("learner", phone=True, bypass_csp=True)
    sign_in(learner, server, "ivan@demo.smmacademy.local", password)
    card = learner.locator(".plan-next")
    expect(card).to_contain_text("My development plan")
    fits_phone(learner)
    no_serious_a11y_violations(learner)
    card.get_by_role("link", name=SEO_MODULE.title).click()
    expect(learner.get_by_role("heading", name=SEO_MODULE.title, level=1)).to_be_visible()
    answer_quiz(learner, SEO_MODULE, right=True)
    expect(learner.get_by_text("Passed — the pass mark is")).to_be_visible()
    learner.goto(server.url + "/home")
    learner.locator(".plan-next").get_by_role("link", name="Open my plan").click()
    expect(learner.locator("[data-plan-state]")).to_have_text("In progress")
    items = learner.locator("table.plan-items tbody tr")
    expect(items.first).to_have_attribute("data-item-done", "yes")
    expect(items.nth(1)).to_have_attribute("data-item-done", "no")
    fits_phone(learner)
    no_serious_a11y_violations(learner)

    manager.get_by_role("link", name="My team").click()
    ivan = manager.get_by_role("row").filter(has_text="Ivan Petrov")
    expect(ivan.locator("[data-plan]")).to_have_text("On track")
    manager.get_by_label("Development plan").select_option(label="On track")
    manager.get_by_role("button", name="Apply").click()
    expect(manager).to_have_url(re.compile(r"plan=on_track"))
    expect(manager.locator("[data-plan]")).to_have_count(1)
    no_serious_a11y_violations(manager)
    manager.set_viewport_size({"width": 390, "height": 844})
    manager.reload()
    fits_phone(manager)
    no_serious_a11y_violations(manager)
