"""Plan building and plan rules (domain/plans.py): weighting, the 3-5 cut, modules, completion, states."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from smmacademy.content.model import Catalog, Course, Module, ModuleText
from smmacademy.domain import plans as rules

TODAY = date(2026, 6, 1)


def module(course: str, slug: str, competencies: tuple[str, ...], audience: tuple[str, ...] = ()) -> Module:
    text = ModuleText(title=slug.title(), html="", toc=(), text="", questions=())
    return Module(course, slug, 1, 5, competencies, audience, 80, 100, f"{course}/{slug}.md", {"en": text})


def course(slug: str, modules: list[Module], audience=("everyone",), prerequisites=()) -> Course:
    return Course(slug, 1, slug.title(), "", tuple(audience), tuple(prerequisites), "", tuple(modules), slug)


def catalog(*courses: Course) -> Catalog:
    return Catalog(Path("."), {c.slug: c for c in courses})


def learner(role="learner", department="", done=()) -> rules.Learner:
    return rules.Learner(role, department, frozenset(done))


def ids(picked) -> list[str]:
    return [p.competency_id for p in picked]


def keys(entry) -> list[str]:
    return [rules.module_key(m) for m in entry.modules]


EMPTY = catalog()


def test_competencies_are_ranked_by_weighted_gap_not_by_raw_gap():
    levels = {"a": 2, "b": 3, "c": 4}
    # Raw gaps 3, 2, 1; weighted 3, 6, 2: b's weight makes it outrank a.
    targets = {"a": (5, 1), "b": (5, 3), "c": (5, 2)}
    picked = rules.pick_items(levels, targets, EMPTY, learner())
    assert ids(picked) == ["b", "a", "c"]
    assert [p.gap for p in picked] == [6, 3, 2]


def test_a_gap_of_zero_or_below_and_an_unknown_level_are_left_out():
    levels = {"met": 4, "above": 5, "gap": 3}
    targets = {"met": (4, 3), "above": (4, 3), "gap": (4, 1), "unknown": (5, 3)}
    assert ids(rules.pick_items(levels, targets, EMPTY, learner())) == ["gap"]
    assert rules.pick_items({"met": 4}, {"met": (4, 3)}, EMPTY, learner()) == []


def test_equal_gaps_keep_a_stable_order_by_competency_id():
    levels = dict.fromkeys("edcba", 3)
    targets = dict.fromkeys("edcba", (4, 1))
    assert ids(rules.pick_items(levels, targets, EMPTY, learner())) == ["a", "b", "c", "d", "e"]


def test_the_cut_takes_three_always_and_a_fourth_and_fifth_only_when_their_gap_is_big():
    def gaps(*values):
        return [{"competency": f"c{i}", "gap": v} for i, v in enumerate(values)]

    assert len(rules.cut(gaps(10, 9, 8, 2, 1))) == 3
    assert len(rules.cut(gaps(10, 9, 8, 6, 5, 5))) == 5
    assert len(rules.cut(gaps(10, 9, 8, 6, 4))) == 4
    assert len(rules.cut(gaps(10, 1))) == 2
    assert rules.cut([]) == []


def test_six_equal_gaps_give_five_items():
    levels = dict.fromkeys("abcdef", 1)
    targets = dict.fromkeys("abcdef", (3, 2))
    assert len(rules.pick_items(levels, targets, EMPTY, learner())) == rules.MAX_ITEMS


def test_a_module_teaching_two_planned_competencies_is_listed_once_under_the_bigger_gap():
    shared = module("c1", "shared", ("a", "b"))
    only_b = module("c1", "only-b", ("b",))
    cat = catalog(course("c1", [shared, only_b]))
    picked = rules.pick_items({"a": 1, "b": 3}, {"a": (5, 1), "b": (4, 1)}, cat, learner())
    assert ids(picked) == ["a", "b"]
    assert keys(picked[0]) == ["c1/shared"]
    assert keys(picked[1]) == ["c1/only-b"]


def test_modules_already_done_are_not_planned():
    first, second = module("c1", "m1", ("a",)), module("c1", "m2", ("a",))
    cat = catalog(course("c1", [first, second]))
    picked = rules.pick_items({"a": 1}, {"a": (3, 1)}, cat, learner(done={("c1", "m1")}))
    assert keys(picked[0]) == ["c1/m2"]


def test_at_most_three_modules_per_competency_in_catalog_order():
    mods = [module("c1", f"m{i}", ("a",)) for i in range(5)]
    picked = rules.pick_items({"a": 1}, {"a": (3, 1)}, catalog(course("c1", mods)), learner())
    assert keys(picked[0]) == ["c1/m0", "c1/m1", "c1/m2"]


def test_a_course_whose_audience_leaves_the_person_out_is_not_planned():
    lead = course("lead", [module("lead", "m", ("a",))], audience=("manager", "admin"))
    cat = catalog(lead)
    assert keys(rules.pick_items({"a": 1}, {"a": (3, 1)}, cat, learner("learner"))[0]) == []
    assert keys(rules.pick_items({"a": 1}, {"a": (3, 1)}, cat, learner("manager"))[0]) == ["lead/m"]


def test_a_department_module_is_planned_only_for_that_department():
    onboarding = course("on", [module("on", "pr", ("a",), ("PR",)), module("on", "all", ("a",), ("everyone",))])
    cat = catalog(onboarding)
    assert keys(rules.pick_items({"a": 1}, {"a": (3, 1)}, cat, learner(department="Marketing"))[0]) == ["on/all"]
    assert keys(rules.pick_items({"a": 1}, {"a": (3, 1)}, cat, learner(department="pr"))[0]) == ["on/pr", "on/all"]


def test_modules_the_person_can_open_now_come_before_locked_ones():
    basics = course("basics", [module("basics", "intro", ("x",))])
    locked = course("deep", [module("deep", "m", ("a",))], prerequisites=("basics",))
    open_later = course("open", [module("open", "m", ("a",))])
    cat = catalog(basics, locked, open_later)
    assert keys(rules.pick_items({"a": 1}, {"a": (3, 1)}, cat, learner())[0]) == ["open/m", "deep/m"]
    # Once the prerequisite is done, catalog order again.
    done = learner(done={("basics", "intro")})
    assert keys(rules.pick_items({"a": 1}, {"a": (3, 1)}, cat, done)[0]) == ["deep/m", "open/m"]


def test_a_competency_item_is_done_when_every_module_is_done():
    modules = ["c1/m1", "c1/m2"]
    assert not rules.item_done("competency", modules, {("c1", "m1")}, confirmed=False)
    assert rules.item_done("competency", modules, {("c1", "m1"), ("c1", "m2")}, confirmed=False)


def test_an_own_action_and_an_item_without_modules_are_done_only_when_confirmed():
    assert not rules.item_done("own", None, set(), confirmed=False)
    assert rules.item_done("own", None, set(), confirmed=True)
    assert not rules.item_done("competency", [], set(), confirmed=False)
    assert rules.item_done("competency", [], set(), confirmed=True)
    assert rules.needs_confirmation("competency", []) and not rules.needs_confirmation("competency", ["c/m"])


def test_plan_status_on_the_dashboard():
    past, future = date(2026, 5, 31), date(2026, 6, 30)
    assert rules.plan_status(None, [], TODAY) == rules.NO_PLAN
    assert rules.plan_status("draft", [(past, False)], TODAY) == rules.PLAN_DRAFT
    assert rules.plan_status("agreed", [(future, False), (past, True)], TODAY) == rules.ON_TRACK
    assert rules.plan_status("in_progress", [(future, True), (past, False)], TODAY) == rules.BEHIND
    assert rules.plan_status("in_progress", [(TODAY, False)], TODAY) == rules.ON_TRACK
    assert rules.plan_status("done", [(past, False)], TODAY) == rules.PLAN_DONE


def test_plan_states_move_on_with_activity_and_completion():
    assert rules.next_state("draft", [True, True], active=True) == "draft"
    assert rules.next_state("agreed", [False, False], active=False) == "agreed"
    assert rules.next_state("agreed", [False, False], active=True) == "in_progress"
    assert rules.next_state("agreed", [True, False], active=False) == "in_progress"
    assert rules.next_state("in_progress", [True, True], active=True) == "done"
    assert rules.next_state("in_progress", [], active=True) == "in_progress"


def test_only_a_draft_is_edited_and_a_done_plan_takes_no_more_actions():
    assert rules.may_edit("draft") and not rules.may_edit("agreed") and not rules.may_edit("in_progress")
    assert rules.may_add_own("in_progress") and not rules.may_add_own("done")


def test_without_a_chosen_target_the_plan_aims_at_the_best_fit_or_nearest_profile():
    snapshot = {
        "profiles": {
            "junior": {"targets": {"a": [2, 1], "b": [2, 1]}},
            "senior": {"targets": {"a": [5, 1], "b": [5, 1]}},
        }
    }
    assert rules.fallback_profile(snapshot, {"a": 5, "b": 5}) == "senior"
    assert rules.fallback_profile(snapshot, {"a": 2, "b": 2}) == "junior"
    assert rules.fallback_profile(snapshot, {"a": 1, "b": 1}) == "junior"


def test_due_date_defaults_to_ninety_days():
    assert rules.due_date(TODAY) == date(2026, 8, 30)
    assert rules.due_date(TODAY, 30) == date(2026, 7, 1)


def test_audience_rule():
    assert rules.audience_allows((), "learner", "")
    assert rules.audience_allows(("Everyone",), "learner", "")
    assert rules.audience_allows(("manager", "admin"), "admin", "")
    assert not rules.audience_allows(("manager",), "learner", "Marketing")
    assert rules.audience_allows(("Marketing",), "learner", "marketing")
    assert not rules.audience_allows(("Marketing",), "learner", "")
