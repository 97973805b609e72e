"""Cancelling a review round: who may, what closes, what mail is withdrawn, exactly once."""

from __future__ import annotations

import threading
from datetime import date, timedelta

from sqlalchemy import select

from smmacademy.extensions import db
from smmacademy.models import AuditLog, OutboxMessage, ReviewRound
from smmacademy.models.notification import STATUS_QUEUED, STATUS_SENT
from smmacademy.services import reminders
from smmacademy.services import reviews as review_service

from . import test_reviews
from .test_reviews import all_rated, calibrate, framework, login, start_one

team = test_reviews.team  # the same people as the other review tests (a fixture)


def review_mail(round_id: int) -> list[OutboxMessage]:
    entry_ids = {str(r.id) for r in db.session.get(ReviewRound, round_id).raters}
    messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind.like("review_%"))).all()
    return [m for m in messages if m.event_key.split(":")[1] in entry_ids]


def test_a_manager_cancels_an_open_review_and_nobody_is_asked_or_reminded_any_more(app, client, team):
    manager, person, _c, _p = team
    round_ = start_one(client, manager, person)
    round_id = round_.id
    round_.due_date = date.today() + timedelta(days=1)
    db.session.commit()
    assert reminders.queue_review_reminders(date.today()) == 2
    mail = review_mail(round_id)
    assert sorted(m.kind for m in mail) == ["review_due_soon"] * 2 + ["review_request"] * 2
    mail[0].status = STATUS_SENT  # already delivered: it stays on record
    db.session.commit()
    login(client, person)
    draft = {f"r-{sid}": "3" for sid in list(framework(app).statements)[:2]}
    assert client.post(f"/reviews/{round_id}/rate", data={**draft, "action": "save"}).status_code == 302

    login(client, manager)
    page = client.get(f"/reviews/{round_id}").get_data(as_text=True)
    assert f'action="/reviews/{round_id}/cancel"' in page
    response = client.post(f"/reviews/{round_id}/cancel", follow_redirects=True)
    assert "nobody is asked or reminded to answer it any more" in response.get_data(as_text=True)

    db.session.expire_all()
    round_ = db.session.get(ReviewRound, round_id)
    assert round_.status == "cancelled" and round_.cancelled_at is not None
    left = review_mail(round_id)
    assert [(m.id, m.status) for m in left] == [(mail[0].id, STATUS_SENT)]
    assert not [m for m in left if m.status == STATUS_QUEUED]
    audit = db.session.scalars(select(AuditLog).where(AuditLog.action == "review cancelled")).all()
    assert [(a.actor_id, a.detail) for a in audit] == [(manager.id, f"review round #{round_id}, user #{person.id}")]
    assert reminders.queue_review_reminders(date.today()) == 0
    page = client.get(f"/reviews/{round_id}").get_data(as_text=True)
    assert "Cancelled" in page and f"/reviews/{round_id}/cancel" not in page and 'id="calibrate"' not in page
    assert calibrate(client, round_id, 3, app).status_code == 409

    login(client, person)
    assert f"/reviews/{round_id}/rate" not in client.get("/reviews/").get_data(as_text=True)
    assert f"/reviews/{round_id}/rate" not in client.get("/home").get_data(as_text=True)
    form = client.get(f"/reviews/{round_id}/rate").get_data(as_text=True)
    assert "This review was cancelled: your answers are no longer needed." in form and "<fieldset" not in form
    refused = client.post(f"/reviews/{round_id}/rate", data={**all_rated(app, 5), "action": "submit"})
    assert refused.status_code == 409
    db.session.expire_all()
    entry = review_service.entry_for(db.session.get(ReviewRound, round_id), person.id)
    assert entry.submitted_at is None and set(entry.ratings.values()) == {3}  # the draft, kept as it was


def test_a_review_is_cancelled_once_and_never_after_its_calibration(app, client, team):
    manager, person, colleague, _p = team
    first = start_one(client, manager, person).id
    assert client.post(f"/reviews/{first}/cancel").status_code == 302
    again = client.post(f"/reviews/{first}/cancel")
    assert again.status_code == 409 and "closed already" in again.get_data(as_text=True)

    second = start_one(client, manager, colleague).id
    assert calibrate(client, second, 3, app).status_code == 302
    assert client.post(f"/reviews/{second}/cancel").status_code == 409
    db.session.expire_all()
    assert db.session.get(ReviewRound, second).status == "calibrated"
    assert len(db.session.scalars(select(AuditLog).where(AuditLog.action == "review cancelled")).all()) == 1


def test_the_person_reviewed_cannot_cancel_their_own_review(app, client, team):
    manager, person, _c, _p = team
    round_id = start_one(client, manager, person).id
    login(client, person)
    assert client.post(f"/reviews/{round_id}/cancel").status_code == 403
    db.session.expire_all()
    assert db.session.get(ReviewRound, round_id).status == "open"


def test_a_submit_racing_a_cancellation_lands_before_it_or_not_at_all(app, client, team):
    manager, person, _c, _p = team
    round_id = start_one(client, manager, person).id
    ratings = {sid: "4" for sid in framework(app).statements}
    barrier = threading.Barrier(2, timeout=30)
    outcomes = {}

    def submit():
        with app.app_context():
            round_ = db.session.get(ReviewRound, round_id)
            entry = review_service.entry_for(round_, person.id)
            barrier.wait()
            try:
                review_service.save_ratings(entry, round_.framework, ratings, submit=True)
                outcomes["submit"] = "ok"
            except review_service.AlreadyDone:
                outcomes["submit"] = "closed"
            finally:
                db.session.remove()

    def cancel():
        with app.app_context():
            round_ = db.session.get(ReviewRound, round_id)
            actor = db.session.get(type(manager), manager.id)
            barrier.wait()
            try:
                review_service.cancel(round_, actor)
                outcomes["cancel"] = "ok"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit), threading.Thread(target=cancel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes["cancel"] == "ok"
    db.session.expire_all()
    entry = review_service.entry_for(db.session.get(ReviewRound, round_id), person.id)
    # Either the answers were handed in before the round closed, or nothing of them was stored.
    if outcomes["submit"] == "ok":
        assert entry.submitted_at is not None and set(entry.ratings.values()) == {4}
    else:
        assert entry.submitted_at is None and entry.ratings == {}
