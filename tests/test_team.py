"""Managers' team tracking: dashboard, assignments, overdue logic, exports, access, query counts."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import current_app
from sqlalchemy import event, func, select

from smmacademy.domain.team import BEHIND, INACTIVE, ON_TRACK, OVERDUE, MemberFacts, member_status
from smmacademy.extensions import db
from smmacademy.models import Assessment, Assignment, ModuleProgress, OutboxMessage
from smmacademy.models.base import utcnow
from smmacademy.models.notification import STATUS_QUEUED, STATUS_SENT
from smmacademy.services import reminders

from .conftest import login, make_attempt, make_submitted_assessment

TODAY = date(2026, 11, 22)


def facts(**changes) -> MemberFacts:
    base = {
        "assigned": 1,
        "assigned_done": 0,
        "overdue": 0,
        "due_soon": 0,
        "last_activity": datetime(2026, 11, 20, tzinfo=UTC),
        "created_at": None,
    }
    return MemberFacts(**{**base, **changes})


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({}, ON_TRACK),
        ({"overdue": 1, "due_soon": 1}, OVERDUE),
        ({"due_soon": 1}, BEHIND),
        ({"last_activity": datetime(2026, 10, 22, tzinfo=UTC)}, INACTIVE),
        ({"last_activity": datetime(2026, 10, 24, tzinfo=UTC)}, ON_TRACK),
        ({"last_activity": None, "created_at": datetime(2026, 9, 1, tzinfo=UTC)}, INACTIVE),
    ],
)
def test_member_status_rules(changes, expected):
    assert member_status(facts(**changes), TODAY) == expected


@pytest.fixture
def team(make_user, client):
    admin = make_user("admin")
    manager = make_user("manager", full_name="Mona Manager")
    lead = make_user("manager", manager=manager, full_name="Leo Lead")
    direct = make_user("learner", manager=manager, department="Marketing", full_name="Dina Direct")
    deep = make_user("learner", manager=lead, department="PR", full_name="Deep Down")
    other_manager = make_user("manager", full_name="Otto Other")
    stranger = make_user("learner", manager=other_manager, full_name="Sam Stranger")
    login(client, manager)
    return {
        "admin": admin,
        "manager": manager,
        "lead": lead,
        "direct": direct,
        "deep": deep,
        "other_manager": other_manager,
        "stranger": stranger,
    }


def test_dashboard_shows_direct_reports_or_the_whole_branch(client, team):
    direct = client.get("/team/").get_data(as_text=True)
    assert "Dina Direct" in direct and "Leo Lead" in direct and "Deep Down" not in direct
    assert "Sam Stranger" not in direct
    branch = client.get("/team/?view=branch").get_data(as_text=True)
    assert "Deep Down" in branch and "Sam Stranger" not in branch


def test_admin_can_view_any_team_and_any_department(client, team):
    client.post("/logout")
    login(client, team["admin"])
    other = client.get(f"/team/?manager={team['other_manager'].id}").get_data(as_text=True)
    assert "Sam Stranger" in other and "Dina Direct" not in other
    pr = db.session.scalar(select(type(team["deep"].department).id).where(type(team["deep"].department).name == "PR"))
    department = client.get(f"/team/?department={pr}").get_data(as_text=True)
    assert "Deep Down" in department and "Dina Direct" not in department


@pytest.mark.parametrize(
    "method, url",
    [
        ("GET", "/team/members/{id}"),
        ("GET", "/team/members/{id}.csv"),
        ("GET", "/assessment/results/{assessment}"),
        ("GET", "/courses/basics/intro/attempts/{attempt}"),
        ("POST", "/team/assignments/{assignment}"),
        ("POST", "/team/assignments/{assignment}/withdraw"),
    ],
)
def test_manager_gets_403_for_another_teams_member(client, team, method, url, app):
    stranger = team["stranger"]
    assessment = Assessment(
        user_id=stranger.id, ratings={}, framework_version=1, framework={}, result={}, submitted_at=utcnow()
    )
    attempt = make_attempt(stranger.id, "s1")
    assignment = Assignment(user_id=stranger.id, kind="course", course_slug="basics")
    db.session.add_all([assessment, attempt, assignment])
    db.session.commit()
    target = url.format(id=stranger.id, assessment=assessment.id, attempt=attempt.id, assignment=assignment.id)
    assert client.open(target, method=method).status_code == 403
    assert db.session.get(Assignment, assignment.id).withdrawn_at is None


def test_member_in_the_branch_is_visible_to_the_top_manager(client, team):
    page = client.get(f"/team/members/{team['deep'].id}")
    assert page.status_code == 200 and b"Deep Down" in page.data


def test_learner_cannot_open_the_team_area(client, team):
    client.post("/logout")
    login(client, team["direct"])
    assert client.get("/team/").status_code == 403
    assert client.get(f"/team/members/{team['direct'].id}").status_code == 403


def test_assign_to_several_people_with_due_date_and_note(client, team):
    due = date.today() + timedelta(days=10)
    response = client.post(
        "/team/assign",
        data={
            "target": "course:basics",
            "people": [team["direct"].id, team["lead"].id],
            "due_date": due.isoformat(),
            "note": "Before the launch",
        },
    )
    assert response.status_code == 302
    rows = db.session.scalars(select(Assignment).where(Assignment.source == "manager")).all()
    assert sorted(r.user_id for r in rows) == sorted([team["direct"].id, team["lead"].id])
    assert {(r.course_slug, r.due_date, r.note, r.assigned_by_id) for r in rows} == {
        ("basics", due, "Before the launch", team["manager"].id)
    }
    client.post("/logout")
    login(client, team["direct"])
    home = client.get("/home").get_data(as_text=True)
    assert "Basics of social media" in home and "Before the launch" in home
    assert "Assigned" in client.get("/courses").get_data(as_text=True)


def test_assign_to_whole_team_includes_the_branch_and_never_duplicates(client, team):
    data = {"target": "assessment", "whole_team": "y"}
    assert client.post("/team/assign", data=data).status_code == 302
    assert client.post("/team/assign", data={**data, "note": "Again"}).status_code == 302
    rows = db.session.scalars(select(Assignment).where(Assignment.kind == "assessment")).all()
    assert sorted(r.user_id for r in rows) == sorted([team["direct"].id, team["lead"].id, team["deep"].id])
    assert {r.note for r in rows} == {"Again"}


def test_assign_refuses_people_outside_the_team_and_past_dates(client, team):
    outside = client.post("/team/assign", data={"target": "course:basics", "people": [team["stranger"].id]})
    assert outside.status_code == 400
    past = client.post(
        "/team/assign", data={"target": "course:basics", "people": [team["direct"].id], "due_date": "2020-01-01"}
    )
    assert past.status_code == 400 and b"The due date is in the past." in past.data
    nobody = client.post("/team/assign", data={"target": "course:basics"})
    assert b"Choose at least one person" in nobody.data
    assert db.session.scalar(select(func.count(Assignment.id))) == 0


def test_change_and_withdraw_an_assignment(client, team):
    client.post("/team/assign", data={"target": "course:basics", "people": [team["direct"].id]})
    assignment = db.session.scalar(select(Assignment))
    new_due = date.today() + timedelta(days=3)
    client.post(f"/team/assignments/{assignment.id}", data={"due_date": new_due.isoformat(), "note": "Sooner"})
    db.session.refresh(assignment)
    assert (assignment.due_date, assignment.note) == (new_due, "Sooner")
    assert client.post(f"/team/assignments/{assignment.id}", data={"due_date": "31/12/2026"}).status_code == 400
    client.post(f"/team/assignments/{assignment.id}/withdraw")
    db.session.refresh(assignment)
    assert assignment.withdrawn_at is not None
    assert client.post(f"/team/assignments/{assignment.id}/withdraw").status_code == 404


def test_withdrawing_an_assignment_drops_its_mail_not_sent_yet_and_only_its_own(client, team):
    due = (date.today() + timedelta(days=5)).isoformat()
    people = [team["direct"].id, team["lead"].id]
    client.post("/team/assign", data={"target": "course:basics", "people": people, "due_date": due})
    mine, other = db.session.scalars(select(Assignment).order_by(Assignment.user_id)).all()
    assert reminders.queue_assignment_reminders(date.today()) == 2  # "due in 7 days" for both
    queued = {m.event_key for m in db.session.scalars(select(OutboxMessage))}
    sent = next(k for k in queued if k.startswith(f"assignment:{mine.id}:"))
    db.session.scalar(select(OutboxMessage).where(OutboxMessage.event_key == sent)).status = STATUS_SENT
    db.session.commit()
    assert client.post(f"/team/assignments/{mine.id}/withdraw").status_code == 302
    left = {m.event_key: m.status for m in db.session.scalars(select(OutboxMessage))}
    assert left == {sent: STATUS_SENT, **{k: STATUS_QUEUED for k in queued if k.split(":")[1] == str(other.id)}}
    assert reminders.queue_assignment_reminders(date.today()) == 0


def test_overdue_assignment_stands_out_on_the_dashboard_and_home(client, team):
    db.session.add(
        Assignment(
            user_id=team["direct"].id, kind="course", course_slug="basics", due_date=date.today() - timedelta(days=1)
        )
    )
    db.session.commit()
    html = client.get("/team/").get_data(as_text=True)
    assert 'class="status-row-overdue"' in html
    assert client.get("/team/?status=overdue").get_data(as_text=True).count("status-row-") == 1
    client.post("/logout")
    login(client, team["direct"])
    assert "Overdue" in client.get("/home").get_data(as_text=True)


def test_completed_assignment_is_not_overdue(client, team):
    person = team["direct"]
    db.session.add(
        Assignment(user_id=person.id, kind="course", course_slug="advanced", due_date=date.today() - timedelta(days=1))
    )
    db.session.add(
        ModuleProgress(
            user_id=person.id,
            course_slug="advanced",
            module_slug="deep",
            quiz_passed_at=utcnow(),
            best_score=100,
            attempts=1,
        )
    )
    db.session.commit()
    html = client.get("/team/").get_data(as_text=True)
    assert 'class="status-row-overdue"' not in html
    assert "1 / 1" in html


def test_dashboard_csv_has_a_bom_and_one_row_per_member(client, team):
    response = client.get("/team/export.csv?view=branch")
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeffname,email,department")
    assert len(text.strip().splitlines()) == 1 + 3
    assert "Deep Down" in text


def test_member_report_csv_lists_modules_attempts_and_assignments(client, team):
    person = team["direct"]
    db.session.add(
        ModuleProgress(user_id=person.id, course_slug="basics", module_slug="reading", completed_at=utcnow())
    )
    db.session.add(Assignment(user_id=person.id, kind="course", course_slug="basics"))
    db.session.commit()
    text = client.get(f"/team/members/{person.id}.csv").data.decode("utf-8")
    assert text.startswith("\ufeff")
    assert "module,basics,Further reading" in text and "assignment,basics,Open" in text


@contextmanager
def count_queries():
    engine = db.engine
    statements: list[str] = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def seed_team(manager, make_user, size: int):
    people = [make_user("learner", manager=manager, department="Marketing") for _ in range(size)]
    for index, person in enumerate(people):
        db.session.add(
            ModuleProgress(
                user_id=person.id,
                course_slug="basics",
                module_slug="intro",
                attempts=1,
                best_score=50 + index % 50,
                latest_score=50,
                last_seen_at=utcnow(),
            )
        )
        db.session.add(
            Assignment(
                user_id=person.id,
                kind="course",
                course_slug="basics",
                due_date=date.today() - timedelta(days=index % 3),
            )
        )
        db.session.add(
            Assignment(
                user_id=person.id,
                kind="course",
                course_slug="onboarding",
                module_slugs=["start", "marketing"],
                source="onboarding",
            )
        )
        make_submitted_assessment(current_app, person.id, level=2 + index % 3)
    db.session.commit()
    return people


@pytest.mark.parametrize("url", ["/team/", "/team/export.csv", "/team/members/{first}", "/team/members/{first}.csv"])
def test_team_pages_run_the_same_number_of_queries_for_5_and_50_people(client, make_user, url):
    make_user("admin")
    counts = []
    for size in (5, 50):
        manager = make_user("manager")
        people = seed_team(manager, make_user, size)
        login(client, manager)
        target = url.format(first=people[0].id)
        client.get(target)  # warm caches (catalog, session)
        db.session.expire_all()
        with count_queries() as statements:
            assert client.get(target).status_code == 200
        counts.append(len(statements))
        client.post("/logout")
    assert counts[0] == counts[1], counts


def test_a_submitted_self_assessment_fulfils_its_assignment_everywhere(client, team, app):
    person = team["direct"]
    db.session.add(
        Assignment(
            user_id=person.id,
            kind="assessment",
            due_date=date.today() - timedelta(days=2),
            created_at=utcnow() - timedelta(days=5),
        )
    )
    db.session.commit()
    client.post("/logout")
    login(client, person)
    assert "Overdue" in client.get("/home").get_data(as_text=True)
    make_submitted_assessment(app, person.id)
    db.session.commit()
    home = client.get("/home").get_data(as_text=True)
    assert "Overdue" not in home and ">Done<" in home
    client.post("/logout")
    login(client, team["manager"])
    assert 'class="status-row-overdue"' not in client.get("/team/").get_data(as_text=True)


def test_an_optional_module_counts_toward_neither_course_nor_team_completion(app, client, team, courses_dir):
    from smmacademy.catalog_state import get_catalog
    from smmacademy.services.team import Scope, build_dashboard

    reading = courses_dir / "01-basics" / "02-reading.md"
    reading.write_text(reading.read_text().replace("minutes: 3\n", "minutes: 3\noptional: true\n"))
    app.extensions["smmacademy_catalog"].refresh_if_changed()
    person = team["direct"]
    db.session.add(Assignment(user_id=person.id, kind="course", course_slug="basics"))
    db.session.add(
        ModuleProgress(
            user_id=person.id, course_slug="basics", module_slug="intro", quiz_passed_at=utcnow(), best_score=90
        )
    )
    db.session.commit()
    dashboard = build_dashboard(get_catalog(), Scope(manager_id=team["manager"].id))
    row = next(r for r in dashboard.rows if r.user.id == person.id)
    assert row.assigned_done == 1
    assert dict(dashboard.course_completion)["Basics of social media"] == 50.0  # 1 of 2 people, 1 required module
    assert row.completion == pytest.approx(100.0 / 5)  # 1 of the 5 required modules (6 minus the optional one)
