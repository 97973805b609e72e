"""HR's decision panel, hiring into a team, human status names and the compare form's inline error."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from smmacademy.catalog_state import get_catalog
from smmacademy.extensions import db
from smmacademy.models import Candidate, CandidateEvent, User
from smmacademy.services import accounts

from .conftest import login
from .test_hr import (
    as_candidate,
    complete_flow,
    hr,  # noqa: F401 - the fixture: an HR person, signed in
    invite,
)

# Every test here runs with an HR person signed in on ``client``.
pytestmark = pytest.mark.usefixtures("hr")


def submitted(app, client, name="Cara Candidate", email="cara@mail.example") -> Candidate:
    """An invited candidate who finished the whole flow (HR's note on the invitation: "Referred by Tom")."""
    candidate, link, _html = invite(client, name=name, email=email)
    browser, _ = as_candidate(app, link)
    catalog = get_catalog()
    assert complete_flow(browser, catalog.framework, catalog).status_code == 200
    db.session.refresh(candidate)
    return candidate


def decision_panel(html: str) -> str:
    return html[html.index('class="card decision-panel') : html.index("</aside>")]


def test_the_decision_panel_comes_before_the_report_and_says_the_status_in_words(app, client):
    candidate = submitted(app, client)
    html = client.get(f"/hr/candidates/{candidate.id}").get_data(as_text=True)
    assert html.index("decision-panel") < html.index("Fit to each profile") < html.index("Test answers")
    panel = decision_panel(html)
    assert "Submitted the assessment; waiting for your decision." in panel
    assert "Save decision" in panel and "Convert into an employee account" in panel


def test_the_decision_form_starts_with_a_blank_reason_and_no_decision_chosen(app, client):
    candidate = submitted(app, client)
    panel = decision_panel(client.get(f"/hr/candidates/{candidate.id}").get_data(as_text=True))
    reason = re.search(r'<input[^>]*name="note"[^>]*>', panel).group(0)
    assert 'value=""' in reason or "value=" not in reason
    assert "Referred by Tom" not in panel  # HR's private invitation note is not a reason
    select_html = panel[panel.index('name="status"') : panel.index("</select>")]
    chosen = [attrs for attrs in re.findall(r"<option([^>]*)>", select_html) if "selected" in attrs]
    assert all('value=""' in attrs for attrs in chosen)  # only the "Choose a decision…" prompt, if any
    assert "Choose a decision…" in select_html


def test_a_decision_without_a_choice_gets_an_inline_error_and_keeps_the_reason(app, client):
    candidate = submitted(app, client)
    response = client.post(f"/hr/candidates/{candidate.id}/status", data={"status": "", "note": "Weak test"})
    assert response.status_code == 400
    panel = decision_panel(response.get_data(as_text=True))
    assert "Choose a decision." in panel and 'value="Weak test"' in panel
    db.session.refresh(candidate)
    assert candidate.status == "submitted"


def test_a_rejection_stores_the_reason_given_not_the_invitation_note(app, client):
    candidate = submitted(app, client)
    client.post(f"/hr/candidates/{candidate.id}/status", data={"status": "rejected", "note": "Weak test"})
    event = db.session.scalar(select(CandidateEvent).where(CandidateEvent.kind == "status"))
    assert event.text == "submitted → rejected: Weak test"
    client.post(f"/hr/candidates/{candidate.id}/status", data={"status": "reviewed"})
    texts = db.session.scalars(select(CandidateEvent.text).where(CandidateEvent.kind == "status")).all()
    assert sorted(texts) == ["rejected → reviewed", "submitted → rejected: Weak test"]


@pytest.mark.parametrize(
    ("language", "flash", "label"),
    [("en", "Status changed to Shortlisted.", "Shortlisted"), ("ru", "Новый статус: В шорт-листе.", "В шорт-листе")],
)
def test_status_names_are_human_in_the_flash_list_report_and_compare(app, client, language, flash, label):
    first = submitted(app, client)
    second = submitted(app, client, name="Dan Candidate", email="dan@mail.example")
    accounts.set_language(db.session.scalar(select(User).where(User.role == "hr")), language)
    page = client.post(
        f"/hr/candidates/{first.id}/status", data={"status": "shortlisted"}, follow_redirects=True
    ).get_data(as_text=True)
    assert flash in page and "shortlisted." not in page
    assert label in decision_panel(page)
    listing = client.get("/hr/").get_data(as_text=True)
    compare = client.get(f"/hr/compare?ids={first.id}&ids={second.id}").get_data(as_text=True)
    for html in (listing, compare):
        assert f">{label}<" in html and ">shortlisted<" not in html and ">submitted<" not in html


def test_hiring_sets_manager_department_and_title_and_the_person_joins_the_managers_team(app, client, make_user):
    accounts.ensure_departments()
    lead = make_user("manager", full_name="Marina Lead", department="Marketing")
    candidate = submitted(app, client)
    panel = decision_panel(client.get(f"/hr/candidates/{candidate.id}").get_data(as_text=True))
    title = re.search(r'<input[^>]*name="job_title"[^>]*>', panel).group(0)
    assert 'value="Community manager"' in title  # the position applied for
    assert "Marina Lead" in panel
    marketing = accounts.department_by_name("Marketing")

    response = client.post(
        f"/hr/candidates/{candidate.id}/hire",
        data={"manager_id": lead.id, "department_id": marketing.id, "job_title": "Junior community manager"},
    )

    assert response.status_code == 200 and "Account created" in response.get_data(as_text=True)
    user = db.session.scalar(User.by_email("cara@mail.example"))
    assert (user.manager_id, user.department_id, user.job_title) == (lead.id, marketing.id, "Junior community manager")
    assert user.role == "learner" and user.must_change_password
    client.post("/logout")
    login(client, lead)
    team = client.get("/team/").get_data(as_text=True)
    assert "Cara Candidate" in team


def test_hiring_without_a_line_manager_is_an_inline_error_and_opens_no_account(app, client, make_user):
    make_user("manager", full_name="Marina Lead")
    candidate = submitted(app, client)
    response = client.post(
        f"/hr/candidates/{candidate.id}/hire", data={"manager_id": 0, "department_id": 0, "job_title": "Junior"}
    )
    assert response.status_code == 400
    panel = decision_panel(response.get_data(as_text=True))
    assert "Choose the line manager the new employee reports to." in panel and 'value="Junior"' in panel
    assert "<details" in panel and "open" in panel[panel.index("<details") : panel.index("<summary")]
    assert db.session.scalar(User.by_email("cara@mail.example")) is None
    db.session.refresh(candidate)
    assert candidate.status == "submitted"


def test_an_inactive_manager_is_not_offered_and_refused(app, client, make_user):
    gone = make_user("manager", full_name="Gone Manager")
    gone.active = False
    db.session.commit()
    candidate = submitted(app, client)
    assert "Gone Manager" not in client.get(f"/hr/candidates/{candidate.id}").get_data(as_text=True)
    response = client.post(
        f"/hr/candidates/{candidate.id}/hire", data={"manager_id": gone.id, "department_id": 0, "job_title": "X"}
    )
    assert response.status_code == 400 and db.session.scalar(User.by_email("cara@mail.example")) is None


@pytest.mark.parametrize("query", ["", "?ids={first}"])
def test_comparing_fewer_than_two_shows_an_inline_error_and_keeps_the_ticks(app, client, query):
    first = submitted(app, client)
    second = submitted(app, client, name="Dan Candidate", email="dan@mail.example")
    response = client.get("/hr/compare" + query.format(first=first.id))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    form = html[html.index('id="compare-form"') :]
    assert "Choose at least two candidates" in form and "Compare selected" in form
    ticked = re.findall(r'<input type="checkbox" name="ids" value="(\d+)" checked', html)
    assert ticked == ([str(first.id)] if query else [])
    assert f'value="{second.id}" checked' not in html
