"""Flask-free rules: the course target, Start/Continue/Review, the home page's next step and where each role lands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from smmacademy.content.catalog import load_catalog
from smmacademy.domain.landing import landing_endpoint
from smmacademy.domain.next_step import (
    ASSESSMENT,
    CONTINUE,
    REVIEW,
    START,
    Assigned,
    course_step,
    home_steps,
    next_steps,
)
from smmacademy.domain.progress import assigned_target, course_progress, modules_complete, target_modules

TODAY = date(2026, 11, 29)
T0 = datetime(2026, 11, 1, 9, tzinfo=UTC)


@pytest.fixture
def courses(courses_dir):
    catalog = load_catalog(courses_dir)  # the fixture courses with the real competency framework
    assert catalog.errors == []
    return catalog.courses


@dataclass
class Row:
    course_slug: str
    module_slug: str
    last_seen_at: datetime
    completed_at: datetime | None = None
    quiz_passed_at: datetime | None = None
    started_at: datetime = T0


def rows_of(*specs) -> dict:
    """("basics", "intro", "passed"|"read"|"seen", minutes after T0) -> progress rows keyed like the service's."""
    rows = {}
    for course, module, state, minutes in specs:
        at = T0 + timedelta(minutes=minutes)
        row = Row(course, module, at)
        if state in ("read", "passed"):
            row.completed_at = at
        if state == "passed":
            row.quiz_passed_at = at
        rows[(course, module)] = row
    return rows


def assigned(course_slug, due_in=None, state="open", modules=None, kind="course") -> Assigned:
    due = None if due_in is None else TODAY + timedelta(days=due_in)
    return Assigned(kind, course_slug, tuple(modules) if modules else None, due, state)


# --- the course target ---------------------------------------------------------------------------


def test_the_target_is_the_assigned_subset_or_the_whole_course(courses):
    onboarding = courses["onboarding"]
    assert [m.slug for m in target_modules(onboarding)] == ["start", "marketing", "pr"]
    assert [m.slug for m in target_modules(onboarding, ["marketing", "start"])] == ["start", "marketing"]
    assert [m.slug for m in target_modules(onboarding, [])] == ["start", "marketing", "pr"]


@pytest.mark.parametrize(
    "subsets, expected",
    [
        ([], None),  # nothing assigned: the whole course
        ([["start", "marketing"]], ["start", "marketing"]),
        ([["start", "marketing"], ["start", "pr"]], ["start", "marketing", "pr"]),  # two subsets add up
        ([["start"], None], None),  # a whole-course assignment wins
    ],
)
def test_assigned_target_combines_a_persons_assignments(subsets, expected):
    assert assigned_target(subsets) == expected


@pytest.mark.parametrize(
    "done, target, counts",
    [
        ((), ["start", "marketing"], (0, 2, False)),
        (("start",), ["start", "marketing"], (1, 2, False)),
        (("start", "marketing"), ["start", "marketing"], (2, 2, True)),  # 2 of 2 required: complete for this person
        (("start", "marketing"), None, (2, 3, False)),  # the same rows against the whole course
        (("pr",), ["start", "marketing"], (0, 2, False)),  # a module outside the target does not count
    ],
)
def test_progress_and_assignment_completion_count_the_same_target(courses, done, target, counts):
    course = courses["onboarding"]
    rows = rows_of(*[("onboarding", slug, "read", i) for i, slug in enumerate(done)])
    progress = course_progress(course, rows, target)
    assert (progress.done, progress.total, progress.complete) == counts
    assert set(progress.statuses) == {"start", "marketing", "pr"}  # every module keeps a status for the page
    keys = {("onboarding", slug) for slug in done}
    assert modules_complete(course, keys, target) is progress.complete


# --- Start / Continue / Review on a course page --------------------------------------------------


@pytest.mark.parametrize(
    "specs, target, expected",
    [
        ((), None, (START, "intro", False)),
        ((("basics", "intro", "seen", 1),), None, (CONTINUE, "intro", False)),
        ((("basics", "intro", "passed", 1),), None, (CONTINUE, "reading", False)),
        ((("basics", "reading", "read", 1),), None, (CONTINUE, "intro", False)),  # the first unfinished, in order
        ((("basics", "intro", "read", 1),), None, (CONTINUE, "intro", False)),  # read is not done for a quiz module
        ((("basics", "intro", "passed", 1), ("basics", "reading", "read", 2)), None, (REVIEW, "intro", False)),
    ],
)
def test_course_step_starts_continues_in_module_order_or_reviews(courses, specs, target, expected):
    step = course_step(courses["basics"], rows_of(*specs), target)
    assert (step.action, step.module.slug, step.beyond_target) == expected


def test_course_step_follows_the_persons_target_then_the_rest_of_the_course(courses):
    course = courses["onboarding"]
    target = ["start", "marketing"]
    assert course_step(course, {}, ["marketing"]).module.slug == "marketing"  # Start = the first required for you
    rows = rows_of(("onboarding", "start", "read", 1))
    assert (course_step(course, rows, target).action, course_step(course, rows, target).module.slug) == (
        CONTINUE,
        "marketing",
    )
    rows = rows_of(("onboarding", "start", "read", 1), ("onboarding", "marketing", "read", 2))
    step = course_step(course, rows, target)
    assert (step.action, step.module.slug, step.beyond_target) == (CONTINUE, "pr", True)


# --- the home page's next step -------------------------------------------------------------------


def test_assigned_courses_come_first_overdue_then_by_due_date(courses):
    steps = next_steps(
        courses,
        {},
        [
            assigned("onboarding"),  # no due date: last of the assigned
            assigned("basics", due_in=20),
            assigned("advanced", due_in=-2, state="overdue"),  # behind basics: leads to basics first
        ],
    )
    # advanced is overdue but locked: its step is the prerequisite, which also serves the basics assignment.
    assert [(s.action, s.course.slug, s.unlocks.slug if s.unlocks else None) for s in steps] == [
        (START, "basics", "advanced"),
        (START, "onboarding", None),
    ]
    assert steps[0].assigned.state == "overdue"


def test_a_due_date_orders_assignments_and_finished_ones_are_skipped(courses):
    rows = rows_of(("basics", "intro", "passed", 1), ("basics", "reading", "read", 2))
    steps = next_steps(
        courses,
        rows,
        [assigned("onboarding", due_in=30), assigned("basics", due_in=1, state="complete")],
    )
    assert [(s.course.slug, s.assigned is not None) for s in steps] == [("onboarding", True), ("advanced", False)]


def test_the_rest_of_the_catalogue_puts_courses_in_progress_then_the_department_first(courses):
    rows = rows_of(("basics", "intro", "seen", 5))
    steps = next_steps(courses, rows, [], department="pr")
    assert [(s.action, s.course.slug, s.recommended) for s in steps] == [
        (CONTINUE, "basics", False),
        (START, "onboarding", True),
    ]  # advanced needs basics, which is already planned


def test_an_assigned_self_assessment_is_a_step_in_due_order(courses):
    steps = next_steps(
        courses, {}, [assigned("basics", due_in=10), assigned(None, due_in=3, state="due_soon", kind="assessment")]
    )
    assert [s.action for s in steps][:2] == [ASSESSMENT, START]


def test_after_finishing_a_course_the_home_offers_the_assigned_course_at_zero(courses):
    """The reported bug: the Continue card vanished and an assigned course at 0 % was not offered."""
    rows = rows_of(("basics", "intro", "passed", 1), ("basics", "reading", "read", 2))
    resume, step = home_steps(courses, rows, [assigned("onboarding", due_in=14, modules=["start", "marketing"])])
    assert resume is None
    assert (step.action, step.course.slug, step.module.slug) == (START, "onboarding", "start")


def test_the_module_in_progress_is_continued_and_the_assigned_course_comes_next(courses):
    rows = rows_of(("basics", "intro", "passed", 1), ("basics", "reading", "seen", 2))
    resume, step = home_steps(courses, rows, [assigned("onboarding", due_in=14)])
    assert (resume.action, resume.course.slug, resume.module.slug) == (CONTINUE, "basics", "reading")
    assert (step.action, step.course.slug) == (START, "onboarding")


def test_a_finished_onboarding_target_is_not_offered_again(courses):
    target = ["start", "marketing"]
    rows = rows_of(("onboarding", "start", "read", 1), ("onboarding", "marketing", "read", 2))
    rows |= rows_of(
        ("basics", "intro", "passed", 0), ("basics", "reading", "read", 0), ("advanced", "deep", "passed", 0)
    )
    resume, step = home_steps(
        courses, rows, [assigned("onboarding", modules=target, state="complete")], targets={"onboarding": target}
    )
    assert (resume, step) == (None, None)  # everything done: the page says so and points to the self-assessment


# --- where each role lands -------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, endpoint",
    [
        ("learner", "main.home"),
        ("manager", "team.dashboard"),
        ("hr", "hr.candidates_list"),
        ("admin", "admin.overview"),
        ("unknown", "main.home"),
    ],
)
def test_each_role_lands_on_its_own_start_page(role, endpoint):
    assert landing_endpoint(role) == endpoint
