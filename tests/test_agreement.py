"""One state model: every page and export agrees on "module done", course progress and assignment state.

The same table of cases is fed to the learner's home page, the course page, the team dashboard (HTML and
CSV), the member page and the member CSV; each surface is read back and compared with the expected state.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from smmacademy.catalog_state import get_catalog
from smmacademy.domain.progress import required_modules
from smmacademy.extensions import db
from smmacademy.models import Assignment, ModuleProgress
from smmacademy.models.base import utcnow

from .conftest import login

TODAY = date.today()


@dataclass(frozen=True)
class Case:
    """A learner's rows in the basics course (intro has a quiz, reading has none) and a basics assignment."""

    intro: dict = field(default_factory=dict)  # ModuleProgress fields for basics/intro, or {} for no row
    reading: dict = field(default_factory=dict)
    due_in_days: int | None = None
    reading_optional: bool = False
    modules: tuple[str, ...] | None = None  # the assignment names these modules only (department onboarding)
    percent: int = 0  # expected basics course progress against the person's target
    state: str = "open"  # expected assignment state
    team_done: int | None = None  # done required basics modules, when it differs from percent x modules


NOW = utcnow()
PASSED = {"completed_at": NOW, "quiz_passed_at": NOW, "best_score": 100.0, "attempts": 1}
READ = {"completed_at": NOW}

CASES = {
    "quiz module passed, late": Case(intro=PASSED, reading=READ, due_in_days=-3, percent=100, state="complete"),
    "read-only module marked read": Case(reading=READ, due_in_days=30, percent=50, state="open"),
    "marked read before a quiz was added": Case(intro=READ, reading=READ, due_in_days=3, percent=50, state="due_soon"),
    "optional module left out": Case(intro=PASSED, reading_optional=True, percent=100, state="complete"),
    "overdue": Case(reading=READ, due_in_days=-1, percent=50, state="overdue"),
    "due soon on the last day": Case(due_in_days=7, percent=0, state="due_soon"),
    "open without a due date": Case(percent=0, state="open"),
    # Partial assignment: the person's target is the named modules, wherever the page or export counts it.
    "required subset done, rest not": Case(
        intro=PASSED, modules=("intro",), percent=100, state="complete", team_done=1
    ),
    "required subset not done, rest done": Case(
        intro=PASSED, modules=("reading",), due_in_days=-1, percent=0, state="overdue", team_done=1
    ),
}

# How the dashboard's per-person columns read each assignment state.
DASHBOARD = {
    "complete": {"completed": "1", "overdue": "0", "status": "On track"},
    "overdue": {"completed": "0", "overdue": "1", "status": "Overdue"},
    "due_soon": {"completed": "0", "overdue": "0", "status": "Behind"},
    "open": {"completed": "0", "overdue": "0", "status": "On track"},
}
LABELS = {"complete": "Done", "overdue": "Overdue", "due_soon": "Due soon", "open": "Open"}


def _percent_texts(html: str) -> list[int]:
    return [int(p) for p in re.findall(r'<span class="progress-text">(\d+)%</span>', html)]


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


@pytest.mark.parametrize("name", list(CASES))
def test_every_page_and_export_agrees_on_progress_and_assignment_state(app, client, make_user, courses_dir, name):
    case = CASES[name]
    if case.reading_optional:
        reading = courses_dir / "01-basics" / "02-reading.md"
        reading.write_text(reading.read_text().replace("minutes: 3\n", "minutes: 3\noptional: true\n"))
        app.extensions["smmacademy_catalog"].refresh_if_changed()
    manager = make_user("manager", full_name="Mona Manager")
    learner = make_user("learner", manager=manager, full_name="Lena Learner")
    for module_slug, fields in (("intro", case.intro), ("reading", case.reading)):
        if fields:
            db.session.add(ModuleProgress(user_id=learner.id, course_slug="basics", module_slug=module_slug, **fields))
    due = None if case.due_in_days is None else TODAY + timedelta(days=case.due_in_days)
    modules = list(case.modules) if case.modules else None
    db.session.add(
        Assignment(user_id=learner.id, kind="course", course_slug="basics", due_date=due, module_slugs=modules)
    )
    db.session.commit()
    catalog = get_catalog()
    total_required = sum(len(required_modules(c)) for c in catalog.courses.values())
    basics_required = len(required_modules(catalog.courses["basics"]))
    done_modules = case.team_done if case.team_done is not None else round(case.percent * basics_required / 100)
    team_percent = round(100 * done_modules / total_required)

    # The learner's home page and course page.
    login(client, learner)
    home = client.get("/home").get_data(as_text=True)
    assigned = home.split('class="assignment-list"', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r'<li[^>]*data-state="(\w+)"', assigned) == [case.state]
    assert _percent_texts(assigned) == [case.percent]
    course_page = client.get("/courses/basics").get_data(as_text=True)
    assert _percent_texts(course_page)[0] == case.percent
    client.post("/logout")

    # The manager's dashboard, its CSV, the member page and the member CSV.
    login(client, manager)
    expected = DASHBOARD[case.state]
    board = client.get("/team/").get_data(as_text=True)
    row = board.split("Lena Learner</a>", 1)[1].split("</tr>", 1)[0]
    cells = dict(re.findall(r'<td data-col="(\w+)"[^>]*>(.*?)</td>', row, flags=re.S))
    assert cells["assigned"] == f"{expected['completed']} / 1"
    assert _percent_texts(row) == [team_percent]
    assert (">1 overdue assignment</span>" in cells["status"]) == (expected["overdue"] == "1")
    assert f">{expected['status']}</span>" in row

    (export,) = _csv(client.get("/team/export.csv"))
    assert export["completed"] == expected["completed"]
    assert export["overdue"] == expected["overdue"]
    assert export["status"] == expected["status"]
    assert export["completion %"] == str(team_percent)

    member = client.get(f"/team/members/{learner.id}").get_data(as_text=True)
    assert re.findall(r'data-state="(\w+)"', member) == [case.state]
    assignment_rows = [r for r in _csv(client.get(f"/team/members/{learner.id}.csv")) if r["section"] == "assignment"]
    assert [r["module"] for r in assignment_rows] == [LABELS[case.state]]


@pytest.mark.parametrize("module_slug, has_quiz", [("intro", True), ("reading", False)])
@pytest.mark.parametrize("completed, passed", [(False, False), (True, False), (False, True), (True, True)])
def test_sql_done_expression_agrees_with_the_python_rule(app, make_user, module_slug, has_quiz, completed, passed):
    from sqlalchemy import select

    from smmacademy.domain.progress import done_at, module_done
    from smmacademy.services.team import done_at_expression, done_expression

    catalog = get_catalog()
    assert catalog.module("basics", module_slug).has_quiz is has_quiz
    learner = make_user("learner")
    row = ModuleProgress(
        user_id=learner.id,
        course_slug="basics",
        module_slug=module_slug,
        completed_at=NOW if completed else None,
        quiz_passed_at=NOW if passed else None,
    )
    db.session.add(row)
    db.session.commit()
    sql_done, sql_done_at = db.session.execute(
        select(done_expression(catalog), done_at_expression(catalog)).where(ModuleProgress.id == row.id)
    ).one()
    assert bool(sql_done) is module_done(row, has_quiz) is (passed if has_quiz else completed)
    assert (sql_done_at is not None) is (done_at(row, has_quiz) is not None)
