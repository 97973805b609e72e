"""The self-assessment pages end to end: save and resume, validation, results, CSV, access."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from smmacademy.catalog_state import get_catalog
from smmacademy.extensions import db
from smmacademy.models import Assessment, ModuleProgress
from smmacademy.models.base import utcnow

from .conftest import login


def area_values(framework, area, level: int) -> dict[str, str]:
    return {f"r-{s.id}": str(level) for cid in area.competency_ids for s in framework.competencies[cid].statements}


def fill_all(client, framework, level_for=lambda area: 3):
    client.post("/assessment/start")
    for area in framework.areas:
        response = client.post(f"/assessment/area/{area.id}", data=area_values(framework, area, level_for(area)))
        assert response.status_code == 302, response.get_data(as_text=True)


@pytest.fixture
def framework(app):
    return get_catalog().framework


@pytest.fixture
def learner(login_as, make_user):
    make_user("admin")
    return login_as("learner")


def test_intro_explains_time_and_who_sees_results(client, learner):
    html = client.get("/assessment/").get_data(as_text=True)
    assert "about 10 minutes" in html and "your line manager" in html
    assert "Start the self-assessment" in html


def test_save_and_resume_continues_at_the_first_unrated_page(client, learner, framework):
    client.post("/assessment/start")
    first, second = framework.areas[0], framework.areas[1]
    saved = client.post(f"/assessment/area/{first.id}", data={**area_values(framework, first, 4), "direction": "later"})
    assert saved.location == "/assessment/"
    assert "Continue the self-assessment" in client.get("/assessment/").get_data(as_text=True)
    resumed = client.post("/assessment/start")
    assert resumed.location == f"/assessment/area/{second.id}"
    page = client.get(f"/assessment/area/{first.id}").get_data(as_text=True)
    assert 'value="4" checked' in page


def test_missing_statement_gets_400_keeps_entries_and_stores_nothing(client, learner, framework):
    client.post("/assessment/start")
    area = framework.areas[0]
    values = area_values(framework, area, 2)
    dropped = next(iter(values))
    values.pop(dropped)
    response = client.post(f"/assessment/area/{area.id}", data=values)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Nothing was saved: 1 statement(s) on this page are not rated yet" in html
    assert "(not rated)" in html and 'value="2" checked' in html
    assert db.session.scalar(select(Assessment)).ratings == {}


@pytest.mark.parametrize("bad", ["6", "0", "3.5", "x"])
def test_out_of_range_rating_gets_400_and_stores_nothing(client, learner, framework, bad):
    client.post("/assessment/start")
    area = framework.areas[0]
    values = area_values(framework, area, 3)
    values[next(iter(values))] = bad
    response = client.post(f"/assessment/area/{area.id}", data=values)
    assert response.status_code == 400
    assert b"must be a whole number from 1 to 5" in response.data
    assert db.session.scalar(select(Assessment)).ratings == {}


def test_statement_from_another_page_is_refused(client, learner, framework):
    client.post("/assessment/start")
    area, other = framework.areas[0], framework.areas[1]
    values = {**area_values(framework, area, 3), **area_values(framework, other, 3)}
    response = client.post(f"/assessment/area/{area.id}", data=values)
    assert response.status_code == 400
    assert b"do not belong to this page" in response.data


def test_submit_before_every_page_is_done_is_refused(client, learner, framework):
    client.post("/assessment/start")
    client.post(f"/assessment/area/{framework.areas[0].id}", data=area_values(framework, framework.areas[0], 3))
    response = client.post("/assessment/submit")
    assert response.status_code == 400
    assert b"cannot be submitted yet" in response.data
    assert db.session.scalar(select(Assessment.submitted_at)) is None


def test_complete_assessment_shows_fit_chart_gaps_and_evidence(client, learner, framework):
    profile = framework.profiles["smm-specialist"]
    fill_all(client, framework, lambda area: 3)
    assert client.get("/assessment/review").status_code == 200
    response = client.post("/assessment/submit")
    assert response.status_code == 302
    stored = db.session.scalar(select(Assessment))
    assert stored.submitted_at is not None and stored.framework["version"] == framework.version
    html = client.get(response.location).get_data(as_text=True)
    for p in framework.profiles.values():
        assert p.name in html
    assert "<svg" in html and 'class="series self"' in html
    assert "Gaps and what to learn" in html
    assert "no evidence yet" in html
    # Rating 3 everywhere meets 86.4 % of the specialist's weighted targets: ready for it, for nothing else.
    assert (stored.best_profile, stored.best_band) == ("smm-specialist", "ready")
    assert stored.result["fits"]["smm-specialist"] == {"fit": 86.4, "band": "ready"}
    assert f"You are ready for the {profile.name} profile." in html
    assert f"<title>{profile.name} target</title>" in html


def test_evidence_from_quizzes_flags_overconfidence(client, learner, framework):
    # Rated 5 everywhere, but attempted and failed the only quiz tagged "strategy".
    db.session.add(
        ModuleProgress(
            user_id=learner.id,
            course_slug="basics",
            module_slug="intro",
            attempts=1,
            latest_score=10,
            best_score=10,
            last_seen_at=utcnow(),
        )
    )
    db.session.commit()
    fill_all(client, framework, lambda area: 5)
    html = client.get(client.post("/assessment/submit").location).get_data(as_text=True)
    stored = db.session.scalar(select(Assessment))
    assert stored.result["evidence"]["strategy"] == {"passed": 0, "attempted": 1, "total": 1, "level": 1.0}
    assert "Rating above evidence" in html
    assert "0 of 1 quizzes passed" in html


def test_history_shows_change_over_time(client, learner, framework):
    fill_all(client, framework, lambda area: 2)
    client.post("/assessment/submit")
    fill_all(client, framework, lambda area: 4)
    latest = client.post("/assessment/submit").location
    assert db.session.scalar(select(func.count(Assessment.id))) == 2
    html = client.get(latest).get_data(as_text=True)
    assert "History" in html and 'class="delta up"' in html


def test_results_csv_has_a_bom_and_every_competency(client, learner, framework):
    fill_all(client, framework)
    location = client.post("/assessment/submit").location
    response = client.get(location + ".csv")
    assert response.mimetype == "text/csv"
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    assert text.count("\ncompetency,") == len(framework.competencies)
    assert "profile fit,SMM manager," in text


def test_only_the_person_their_managers_and_admins_see_results(client, make_user, framework):
    admin = make_user("admin")
    boss = make_user("manager")
    manager = make_user("manager", manager=boss)
    person = make_user("learner", manager=manager)
    outsiders = [make_user("learner"), make_user("manager"), make_user("hr")]
    login(client, person)
    fill_all(client, framework)
    url = client.post("/assessment/submit").location
    client.post("/logout")
    for viewer, expected in [(manager, 200), (boss, 200), (admin, 200), *[(o, 403) for o in outsiders]]:
        login(client, viewer)
        assert client.get(url).status_code == expected, viewer.email
        assert client.get(url + ".csv").status_code == expected, viewer.email
        client.post("/logout")


def test_method_page_lists_modules_per_competency_from_tags(client, learner):
    html = client.get("/assessment/how-it-works").get_data(as_text=True)
    assert "How the assessment works" in html
    assert 'href="/courses/basics/intro">Introduction to the roles</a>' in html
    assert "85%" in html and "60%" in html


def test_results_list_six_profiles_with_the_missions_three_first(client, learner, framework):
    fill_all(client, framework, lambda area: 4)
    response = client.post("/assessment/submit")
    html = client.get(response.location).get_data(as_text=True)
    fits = html[html.index('class="fits"') :]
    positions = [fits.index(p.name) for p in framework.profiles.values()]
    assert len(positions) == 6 and positions == sorted(positions)
    assert [p.name for p in framework.profiles.values()][:3] == ["SMM manager", "SMM specialist", "Community manager"]
