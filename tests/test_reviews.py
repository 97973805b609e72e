"""Review rounds through the test client: start, peers, forms, results, calibration, target role, history, mail."""

from __future__ import annotations

import csv
import io
import re
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from smmacademy.domain import reviews
from smmacademy.extensions import db
from smmacademy.models import AgreedLevel, OutboxMessage, ReviewRater, ReviewRound
from smmacademy.services import agreed_levels as agreed_service
from smmacademy.services import reminders
from smmacademy.services import reviews as review_service

from .conftest import login as sign_in
from .conftest import make_submitted_assessment

DUE = (date.today() + timedelta(days=14)).isoformat()


def login(client, user):
    """Sign out whoever is signed in, then sign ``user`` in."""
    client.post("/logout")
    assert sign_in(client, user).status_code == 302


@pytest.fixture
def team(app, make_user):
    manager = make_user("manager", full_name="Maria Manager")
    person = make_user("learner", manager=manager, full_name="Paul Person")
    colleague = make_user("learner", manager=manager, full_name="Cora Colleague")
    peers = [make_user("learner", full_name=f"Peer {n}") for n in range(4)]
    return manager, person, colleague, peers


def framework(app):
    return app.extensions["smmacademy_catalog"].catalog.framework


def all_rated(app, level: int) -> dict[str, str]:
    return {f"r-{sid}": str(level) for sid in framework(app).statements}


def start_one(client, manager, person) -> ReviewRound:
    login(client, manager)
    response = client.post("/reviews/start", data={"person": str(person.id), "due_date": DUE})
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalar(select(ReviewRound).where(ReviewRound.subject_id == person.id))


def answer(client, user, round_id: int, data: dict) -> None:
    login(client, user)
    response = client.post(f"/reviews/{round_id}/rate", data={**data, "action": "submit"})
    assert response.status_code == 302, response.get_data(as_text=True)


def test_a_manager_starts_a_review_and_the_person_and_manager_are_asked_by_mail(app, client, team):
    manager, person, _c, _p = team
    round_ = start_one(client, manager, person)
    assert round_.framework == framework(app).snapshot()
    assert round_.due_date.isoformat() == DUE
    assert sorted((r.relation, r.rater_id) for r in round_.raters) == [("manager", manager.id), ("self", person.id)]
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "review_request")).all()
    assert sorted(m.recipient for m in mails) == sorted([manager.email, person.email])
    assert any(m.subject.startswith("Review request: Paul Person") for m in mails)


def test_starting_for_the_whole_team_makes_one_round_per_person(app, client, team):
    manager, person, colleague, _p = team
    login(client, manager)
    response = client.post("/reviews/start", data={"person": "team", "due_date": DUE})
    assert response.status_code == 302
    subjects = set(db.session.scalars(select(ReviewRound.subject_id)))
    assert subjects == {person.id, colleague.id}


def test_a_manager_cannot_start_a_review_outside_their_line_or_in_the_past(app, client, team, make_user):
    manager, _person, _c, peers = team
    login(client, manager)
    response = client.post("/reviews/start", data={"person": str(peers[0].id), "due_date": DUE})
    assert response.status_code == 400
    past = (date.today() - timedelta(days=1)).isoformat()
    response = client.post("/reviews/start", data={"person": "team", "due_date": past})
    assert response.status_code == 400
    assert "The due date has passed" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ReviewRound.id))) == 0


def test_peers_must_number_three_to_eight_with_an_inline_message(app, client, team, make_user):
    manager, person, _c, peers = team
    round_ = start_one(client, manager, person)
    login(client, person)
    response = client.post(f"/reviews/{round_.id}/peers", data={"peers": [peers[0].id, peers[1].id]})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert '<p class="error" id="peers-error">Choose from 3 to 8 peers (a round would have 2).</p>' in html
    boxes = re.findall(r'<input[^>]*name="peers"[^>]*>', html)
    ticked = [re.search(r'value="(\d+)"', box).group(1) for box in boxes if " checked" in box]
    assert sorted(map(int, ticked)) == sorted([peers[0].id, peers[1].id])  # the choice is kept
    response = client.post(f"/reviews/{round_.id}/peers", data={"peers": [person.id, peers[0].id, peers[1].id]})
    assert response.status_code == 400
    assert "(a round would have 2)" in response.get_data(as_text=True)  # the person is no peer of their own
    assert db.session.scalar(select(func.count()).where(ReviewRater.relation == "peer")) == 0
    inactive = make_user("learner")
    inactive.active = False
    db.session.commit()
    client.post(f"/reviews/{round_.id}/peers", data={"peers": [inactive.id, peers[0].id, peers[1].id]})
    assert db.session.scalar(select(func.count()).where(ReviewRater.relation == "peer")) == 0
    response = client.post(f"/reviews/{round_.id}/peers", data={"peers": [p.id for p in peers[:3]]})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).where(ReviewRater.relation == "peer")) == 3
    asked = db.session.scalars(select(OutboxMessage.recipient).where(OutboxMessage.kind == "review_request")).all()
    assert {p.email for p in peers[:3]} <= set(asked)


def test_a_rater_keeps_a_draft_and_submits_exactly_once(app, client, team):
    manager, person, _c, _p = team
    round_ = start_one(client, manager, person)
    login(client, person)
    first = next(iter(framework(app).statements))
    response = client.post(f"/reviews/{round_.id}/rate", data={f"r-{first}": "4", "action": "save"})
    assert response.status_code == 302
    page = client.get(f"/reviews/{round_.id}/rate").get_data(as_text=True)
    assert f'name="r-{first}" value="4" checked' in page
    response = client.post(f"/reviews/{round_.id}/rate", data={f"r-{first}": "5", "action": "submit"})
    assert response.status_code == 400
    assert "not rated yet" in response.get_data(as_text=True)
    db.session.expire_all()
    entry = review_service.entry_for(review_service.get_round(round_.id), person.id)
    assert entry.submitted_at is None and entry.ratings == {first: 5}
    response = client.post(f"/reviews/{round_.id}/rate", data={**all_rated(app, 3), "r-x": "9", "action": "save"})
    assert response.status_code == 400  # an unknown statement: nothing saved
    answer(client, person, round_.id, all_rated(app, 3))
    again = client.post(f"/reviews/{round_.id}/rate", data={**all_rated(app, 5), "action": "submit"})
    assert again.status_code == 409
    db.session.expire_all()
    entry = review_service.entry_for(review_service.get_round(round_.id), person.id)
    assert set(entry.ratings.values()) == {3}


def test_parallel_submits_count_once(app, client, team):
    manager, person, _c, _p = team
    round_ = start_one(client, manager, person)
    entry_id = review_service.entry_for(round_, person.id).id
    snapshot = round_.framework
    ratings = {sid: "4" for sid in framework(app).statements}
    barrier = threading.Barrier(2, timeout=30)
    outcomes = []

    def submit():
        with app.app_context():
            entry = db.session.get(ReviewRater, entry_id)
            barrier.wait()
            try:
                review_service.save_ratings(entry, snapshot, ratings, submit=True)
                outcomes.append("ok")
            except review_service.AlreadyDone:
                outcomes.append("already")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already", "ok"]


def _full_round(app, client, team, peer_count: int, self_level=4, manager_level=3, peer_level=3):
    manager, person, _c, peers = team
    round_ = start_one(client, manager, person)
    login(client, manager)
    client.post(f"/reviews/{round_.id}/peers", data={"peers": [p.id for p in peers[:4]]})
    answer(client, person, round_.id, all_rated(app, self_level))
    answer(client, manager, round_.id, all_rated(app, manager_level))
    for peer in peers[:peer_count]:
        answer(client, peer, round_.id, all_rated(app, peer_level))
    return round_


def test_two_peers_show_no_peer_value_on_page_csv_or_json(app, client, team):
    manager, person, _c, _p = team
    round_ = _full_round(app, client, team, peer_count=2, peer_level=1)
    login(client, manager)
    page = client.get(f"/reviews/{round_.id}").get_data(as_text=True)
    assert "not enough answers yet" in page
    assert "Peers&#39; average:" not in page.split("<svg")[1].split("</svg>")[0]
    rows = list(csv.reader(io.StringIO(client.get(f"/reviews/{round_.id}.csv").get_data(as_text=True))))
    assert rows[0][3] == "peers' average"
    assert {row[3] for row in rows[1:]} == {"not enough answers yet"}
    data = client.get(f"/reviews/{round_.id}.json").get_json()
    assert data["peers_shown"] is False and data["peers_submitted"] == 2
    assert all("peers" not in row for row in data["competencies"])


def test_three_peers_show_their_average_and_blind_spots_appear(app, client, team):
    manager, person, _c, _p = team
    round_ = _full_round(app, client, team, peer_count=3, self_level=4, manager_level=3, peer_level=3)
    login(client, manager)
    page = client.get(f"/reviews/{round_.id}").get_data(as_text=True)
    assert "not enough answers yet" not in page
    assert "Blind spot" in page and 'class="series peers"' in page and 'class="series self-rated"' in page
    data = client.get(f"/reviews/{round_.id}.json").get_json()
    assert {row["peers"] for row in data["competencies"]} == {3.0}
    assert {row["mark"] for row in data["competencies"]} == {"blind_spot"}
    rows = list(csv.reader(io.StringIO(client.get(f"/reviews/{round_.id}.csv").get_data(as_text=True))))
    assert rows[1][1:4] == ["4", "3", "3"] and rows[1][7] == "blind spot"
    printable = client.get(f"/reviews/{round_.id}/print")
    assert printable.status_code == 200 and "svg" in printable.get_data(as_text=True)


def test_peers_see_only_their_form_never_results(app, client, team):
    _m, _person, _c, peers = team
    round_ = _full_round(app, client, team, peer_count=3)
    login(client, peers[0])
    for url in (f"/reviews/{round_.id}", f"/reviews/{round_.id}.csv", f"/reviews/{round_.id}.json"):
        assert client.get(url).status_code == 403, url
    assert client.get(f"/reviews/{round_.id}/print").status_code == 403
    assert client.get(f"/reviews/{round_.id}/rate").status_code == 200
    login(client, peers[3])  # asked, not answered yet
    page = client.get(f"/reviews/{round_.id}/rate").get_data(as_text=True)
    assert "Blind spot" not in page and "Peers&#39; average" not in page


def calibrate(client, round_id: int, level: int, app) -> object:
    data = {f"level-{cid}": str(level) for cid in framework(app).competencies}
    return client.post(f"/reviews/{round_id}/calibrate", data=data)


def test_calibration_drives_the_profile_match_and_self_ratings_never_do(app, client, team):
    manager, person, _c, _p = team
    # The self-rating says 5 everywhere: it must not make the person "ready" for anything.
    round_ = _full_round(app, client, team, peer_count=3, self_level=5, manager_level=2, peer_level=2)
    assert agreed_service.agreed_levels(person.id) == {}
    assert agreed_service.profile_match_for(person.id) is None
    login(client, person)
    assert calibrate(client, round_.id, 5, app).status_code == 403  # the person cannot calibrate
    login(client, manager)
    response = calibrate(client, round_.id, 2, app)
    assert response.status_code == 302
    levels = agreed_service.agreed_levels(person.id)
    assert set(levels.values()) == {2} and set(levels) == set(framework(app).competencies)
    snapshot, match = agreed_service.profile_match_for(person.id)
    # The fits are those of the agreed levels (2 everywhere), never of the self-rating (5 everywhere).
    assert match == reviews.profile_match(snapshot, dict.fromkeys(snapshot["competencies"], 2))
    self_match = reviews.profile_match(snapshot, dict.fromkeys(snapshot["competencies"], 5))
    assert match["best"].profile != self_match["best"].profile == "smm-manager"
    assert all(f["band"] != "ready" for f in match["fits"].values())
    row = db.session.scalar(select(AgreedLevel).limit(1))
    assert row.agreed_by_id == manager.id and row.agreed_at is not None
    assert calibrate(client, round_.id, 5, app).status_code == 409  # exactly once
    assert set(agreed_service.agreed_levels(person.id).values()) == {2}


def test_calibration_refuses_missing_levels_with_a_clear_message(app, client, team):
    manager, person, _c, _p = team
    round_ = start_one(client, manager, person)
    response = client.post(f"/reviews/{round_.id}/calibrate", data={"level-nope": "3"})
    assert response.status_code == 400
    assert "Record an agreed level for every competency." in response.get_data(as_text=True)
    assert db.session.get(ReviewRound, round_.id).status == "open"


def test_a_refused_calibration_marks_the_row_and_keeps_the_levels_and_notes_chosen(app, client, team):
    manager, person, _c, _p = team
    round_ = start_one(client, manager, person)
    first, *others = framework(app).competencies
    data = {f"level-{cid}": "4" for cid in others} | {f"note-{first}": "Talked on Friday", f"level-{first}": "9"}
    response = client.post(f"/reviews/{round_.id}/calibrate", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    row = re.search(rf'<tr class="has-error">.*?name="level-{first}".*?</tr>', html, re.S).group(0)
    assert "An agreed level must be a whole number from 1 to 5." in row and 'aria-invalid="true"' in row
    assert '<option value="" selected>Choose a level…</option>' in row  # 9 is no level: nothing is picked for it
    assert 'value="Talked on Friday"' in row
    other = re.search(rf'<select[^>]*name="level-{others[0]}".*?</select>', html, re.S).group(0)
    assert '<option value="4" selected>' in other and "Choose a level" not in other
    assert html.count("has-error") == 1
    assert db.session.get(ReviewRound, round_.id).status == "open"


def test_target_role_gap_uses_agreed_levels_else_the_self_assessment(app, client, team):
    manager, person, _c, _p = team
    make_submitted_assessment(app, person.id, level=2)
    db.session.commit()
    login(client, person)
    response = client.post(f"/reviews/people/{person.id}/target", data={"profile": "smm-manager"})
    assert response.status_code == 302
    assert agreed_service.target_profile(person.id) == "smm-manager"
    page = client.get(f"/reviews/people/{person.id}/target").get_data(as_text=True)
    assert "latest self-rated levels" in page and "(self-rated)" in page
    round_ = start_one(client, manager, person)
    calibrate(client, round_.id, 5, app)
    gap = agreed_service.target_gap(person.id, framework(app))
    assert gap.source == "agreed" and gap.profile_id == "smm-manager"
    assert all(row.gap == 0 for row in gap.rows)
    assert client.post(f"/reviews/people/{person.id}/target", data={"profile": "nope"}).status_code == 400


def test_the_member_page_shows_the_change_between_rounds(app, client, team):
    manager, person, _c, _p = team
    first = start_one(client, manager, person)
    calibrate(client, first.id, 2, app)
    second = start_one_more(client, person)
    calibrate(client, second.id, 3, app)
    page = client.get(f"/team/members/{person.id}").get_data(as_text=True)
    assert "2 → 3" in page and "+1" in page
    changes = agreed_service.latest_changes(person.id)
    assert {c.delta for c in changes} == {1}


def start_one_more(client, person) -> ReviewRound:
    response = client.post("/reviews/start", data={"person": str(person.id), "due_date": DUE})
    assert response.status_code == 302
    return db.session.scalar(ReviewRound.for_subject(person.id).limit(1))


def test_review_requests_list_and_home_card(app, client, team):
    manager, person, _c, _p = team
    round_ = start_one(client, manager, person)
    login(client, person)
    page = client.get("/reviews/").get_data(as_text=True)
    assert f"/reviews/{round_.id}/rate" in page
    home = client.get("/home").get_data(as_text=True)
    assert "Review requests" in home and f"/reviews/{round_.id}/rate" in home
    login(client, manager)
    rounds = client.get("/reviews/rounds").get_data(as_text=True)
    assert "Paul Person" in rounds and "Self: waiting" in rounds


def test_reminders_near_the_due_date_in_the_raters_language(app, client, team):
    manager, person, _c, _p = team
    person.language = "ru"
    db.session.commit()
    round_ = start_one(client, manager, person)
    round_ = db.session.get(ReviewRound, round_.id)
    round_.due_date = date.today() + timedelta(days=1)
    db.session.commit()
    assert reminders.queue_review_reminders(date.today()) == 2
    assert reminders.queue_review_reminders(date.today()) == 0  # idempotent
    reminder = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.kind == "review_due_soon", OutboxMessage.recipient == person.email)
    )
    assert reminder.language == "ru" and "завтра" in reminder.subject.lower()


def test_hr_sees_reviews_only_of_people_they_manage(app, client, team, make_user):
    manager, person, _c, _p = team
    hr_lead = make_user("hr")
    report = make_user("learner", manager=hr_lead)
    other_hr = make_user("hr")
    admin = make_user("admin")
    login(client, admin)
    response = client.post("/reviews/start", data={"person": str(report.id), "due_date": DUE})
    assert response.status_code == 302
    theirs = db.session.scalar(ReviewRound.for_subject(report.id))
    assert review_service.entry_for(theirs, hr_lead.id).relation == "manager"  # the line manager rates
    mine = start_one(client, manager, person)
    login(client, hr_lead)
    assert client.get(f"/reviews/{theirs.id}").status_code == 200
    assert client.get(f"/reviews/{mine.id}").status_code == 403
    assert client.get("/reviews/rounds").status_code == 403  # HR does not run reviews
    login(client, other_hr)
    assert client.get(f"/reviews/{theirs.id}").status_code == 403
    login(client, person)
    assert client.get(f"/reviews/{mine.id}").status_code == 200  # the person sees their own results


def test_the_results_radar_keeps_every_source_and_its_legend_inside_the_chart(app, client, team):
    manager, _person, _c, _p = team
    round_ = _full_round(app, client, team, peer_count=3)
    login(client, manager)
    svg = client.get(f"/reviews/{round_.id}").get_data(as_text=True).split("<svg")[1].split("</svg>")[0]
    for css in ("target", "self-rated", "manager", "peers", "evidence"):
        assert f'class="series {css}"' in svg
    width, height = (float(v) for v in svg.split('viewBox="0 0 ')[1].split('"')[0].split())
    legend_x = [float(part.split('"')[0]) for part in svg.split('class="legend" x="')[1:]]
    assert max(legend_x) < width - 100 and height > width - 300


def test_parallel_calibrations_record_the_levels_once(app, client, team):
    manager, person, _c, _p = team
    round_id = start_one(client, manager, person).id
    levels = dict.fromkeys(framework(app).competencies, "3")
    barrier = threading.Barrier(2, timeout=30)
    outcomes = []

    def calibrate_now(level: str):
        with app.app_context():
            actor = db.session.get(type(manager), manager.id)
            round_ = db.session.get(ReviewRound, round_id)
            barrier.wait()
            try:
                review_service.calibrate(round_, actor, dict.fromkeys(levels, level), {})
                outcomes.append(level)
            except review_service.AlreadyDone:
                outcomes.append("already")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=calibrate_now, args=(level,)) for level in ("2", "4")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("already") == 1
    [winner] = [o for o in outcomes if o != "already"]
    db.session.expire_all()
    assert set(agreed_service.agreed_levels(person.id).values()) == {int(winner)}
    assert db.session.scalar(select(func.count(AgreedLevel.id))) == len(levels)
