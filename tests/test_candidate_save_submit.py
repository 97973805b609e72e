"""The candidate's knowledge test: save and come back, submit after a confirmation, a countdown from the server."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from smmacademy.extensions import db
from smmacademy.models import Candidate, CandidateEvent
from smmacademy.models.base import utcnow
from smmacademy.services import candidate_test

from .test_hr import (
    answer_fields,
    as_candidate,
    hr,  # noqa: F401 - the fixture: an HR person, signed in
    start_candidate,
)

# Every test here runs with an HR person signed in on ``client``.
pytestmark = pytest.mark.usefixtures("hr")


def started(app, client, limit=""):
    """(candidate, their browser, invitation link, questions) for a test just started."""
    candidate, browser, link = start_candidate(app, client, limit=limit)
    return candidate, browser, link, candidate_test.test_questions(candidate)[0]


def fields_for(questions) -> dict:
    return {name: value for q in questions for name, value in answer_fields(q).items()}


def test_save_keeps_the_answers_and_the_test_open_and_a_new_browser_finds_them(app, client):
    candidate, browser, link, questions = started(app, client)
    first_half = questions[: len(questions) // 2]

    saved = browser.post("/candidate/test", data={**fields_for(first_half), "action": "save"})

    assert saved.status_code == 302 and saved.location == "/candidate/test"
    db.session.refresh(candidate)
    assert candidate.test_submitted_at is None and candidate.test_answers is None
    assert set(candidate.test_draft) == {name for q in first_half for name in answer_fields(q)}
    later, _ = as_candidate(app, link)  # another day, another browser: the same private link
    assert "Continue the test" in later.get("/candidate/").get_data(as_text=True)
    page = later.get("/candidate/test").get_data(as_text=True)
    for name, value in fields_for(first_half).items():
        for one in value if isinstance(value, list) else [value]:
            if re.search(rf'<select[^>]*name="{name}"', page):
                block = page[page.index(f'name="{name}"') :]
                block = block[: block.index("</select>")]
                assert re.search(rf'<option value="{re.escape(one)}" selected>', block), name
            elif f'type="text" id="{name}"' in page:
                assert re.search(rf'name="{name}"[^>]* value="{re.escape(one)}"', page), name
            else:
                assert re.search(rf'name="{name}" value="{re.escape(one)}" checked', page), name
    db.session.refresh(candidate)
    assert candidate.test_submitted_at is None


def test_saving_again_replaces_the_saved_answers(app, client):
    candidate, browser, _link, questions = started(app, client)
    browser.post("/candidate/test", data={**fields_for(questions[:3]), "action": "save"})
    browser.post("/candidate/test", data={**fields_for(questions[3:4]), "action": "save"})
    db.session.refresh(candidate)
    assert set(candidate.test_draft) == set(fields_for(questions[3:4]))


def test_a_tampered_save_is_refused_and_stores_nothing(app, client):
    candidate, browser, _link, _questions = started(app, client)
    refused = browser.post("/candidate/test", data={"q-not-in-my-test": "a", "action": "save"})
    assert refused.status_code == 400 and b"unknown question field" in refused.data
    db.session.refresh(candidate)
    assert candidate.test_draft is None and candidate.test_submitted_at is None


def test_submit_asks_for_confirmation_listing_the_unanswered_questions(app, client):
    candidate, browser, _link, questions = started(app, client)
    answered, blank = questions[::2], questions[1::2]

    review = browser.post("/candidate/test", data={**fields_for(answered), "action": "review"})

    assert review.status_code == 302 and review.location == "/candidate/test/confirm"
    page = browser.get("/candidate/test/confirm").get_data(as_text=True)
    assert f"You answered {len(answered)} of {len(questions)} questions." in page
    listed = re.findall(r'href="/candidate/test#question-([^"]+)"', page)
    assert listed == [q.id for q in blank]
    assert 'name="action" value="submit"' in page and "Back to the test" in page
    db.session.refresh(candidate)
    assert candidate.test_submitted_at is None  # nothing final yet


def test_the_confirmed_submission_grades_the_saved_answers_once(app, client):
    candidate, browser, _link, questions = started(app, client)
    answered = questions[:4]
    browser.post("/candidate/test", data={**fields_for(answered), "action": "review"})

    first = browser.post("/candidate/test", data={"action": "submit"})
    again = browser.post("/candidate/test", data={"action": "submit"}, follow_redirects=True)

    assert first.status_code == 302 and first.location == "/candidate/"
    assert "already submitted" in again.get_data(as_text=True)
    db.session.refresh(candidate)
    assert set(candidate.test_answers) == {q.id for q in answered}
    assert candidate.test_score == round(100 * len(answered) / len(questions), 1)
    graded = db.session.scalar(select(func.count(CandidateEvent.id)).where(CandidateEvent.kind == "test"))
    assert graded == 1
    assert browser.get("/candidate/test/confirm").location == "/candidate/test"


def test_when_time_runs_out_the_saved_answers_count(app, client):
    candidate, browser, _link, questions = started(app, client, limit="5")
    browser.post("/candidate/test", data={**fields_for(questions[:2]), "action": "save"})
    db.session.execute(
        update(Candidate).where(Candidate.id == candidate.id).values(test_started_at=utcnow() - timedelta(hours=1))
    )
    db.session.commit()
    late = browser.post("/candidate/test", data={**fields_for(questions), "action": "save"})
    assert late.status_code == 409 and "Time is up" in late.get_data(as_text=True)
    db.session.refresh(candidate)
    assert candidate.test_expired_at is not None and set(candidate.test_answers) == {q.id for q in questions[:2]}


def seconds_left(html: str) -> int:
    return int(re.search(r'data-seconds-left="(\d+)"', html).group(1))


def test_the_countdown_starts_from_the_servers_deadline_and_survives_a_reload(app, client):
    candidate, browser, _link, _questions = started(app, client, limit="30")
    page = browser.get("/candidate/test").get_data(as_text=True)
    assert 30 * 60 - 5 <= seconds_left(page) <= 30 * 60
    assert "about 30 minutes" in page and 'aria-live="polite"' in page and "js/countdown.js" in page
    db.session.execute(
        update(Candidate)
        .where(Candidate.id == candidate.id)
        .values(test_started_at=candidate.test_started_at - timedelta(minutes=12))
    )
    db.session.commit()

    reloaded = browser.get("/candidate/test").get_data(as_text=True)

    assert 18 * 60 - 5 <= seconds_left(reloaded) <= 18 * 60 and "about 18 minutes" in reloaded
    assert "about 18 minutes" in browser.get("/candidate/test/confirm").get_data(as_text=True)


def test_a_test_without_a_time_limit_has_no_countdown(app, client):
    _candidate, browser, _link, _questions = started(app, client)
    page = browser.get("/candidate/test").get_data(as_text=True)
    assert "data-countdown" not in page and "countdown.js" not in page


def test_the_save_and_submit_steps_are_in_russian_for_a_russian_invitation(app, client):
    response = client.post(
        "/hr/new",
        data={
            "full_name": "Ира",
            "email": "ira@mail.example",
            "profile_id": "community-manager",
            "language": "ru",
            "time_limit": "20",
        },
    )
    link = re.search(r'id="invite-link" value="([^"]+)"', response.get_data(as_text=True)).group(1)
    browser, _ = as_candidate(app, link.replace("http://localhost", ""))
    browser.post("/candidate/consent", data={"consent": "y"})
    browser.post("/candidate/test", data={"action": "start"})
    page = browser.get("/candidate/test").get_data(as_text=True)
    assert "Сохранить ответы" in page and "Проверить и отправить" in page and "Осталось времени:" in page
    saved = browser.post("/candidate/test", data={"action": "save"}, follow_redirects=True)
    assert "Ответы сохранены" in saved.get_data(as_text=True)
    confirm = browser.get("/candidate/test/confirm").get_data(as_text=True)
    assert "Отправить тест" in confirm and "Вернуться к тесту" in confirm
