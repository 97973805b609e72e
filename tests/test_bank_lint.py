"""The bank lint on small banks built here: one that passes, and one failing each threshold."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
import yaml

from smmacademy import create_app
from smmacademy.content import lint
from smmacademy.content.catalog import load_catalog
from smmacademy.content.lint import lint_bank

from .conftest import REAL_COURSES

WORDS = [
    "budget",
    "calendar",
    "rubric",
    "ambassador",
    "hater",
    "forum",
    "quest",
    "giveaway",
    "brief",
    "agency",
    "designer",
    "invoice",
    "report",
    "reach",
    "engagement",
    "follower",
    "lead",
    "source",
    "order",
    "complaint",
    "review",
    "escalation",
    "specialist",
    "manager",
    "department",
    "partner",
    "supplier",
    "dealer",
    "warehouse",
    "shelf",
    "catalogue",
    "delivery",
    "refund",
    "warranty",
    "season",
    "holiday",
    "newsletter",
    "webinar",
    "stream",
    "podcast",
    "infographic",
    "survey",
    "poll",
    "contest",
    "winner",
    "prize",
    "moderator",
    "rule",
    "tone",
    "newcomer",
    "ritual",
    "joke",
    "keyword",
    "search",
    "index",
    "tag",
    "caption",
    "proofread",
    "typo",
    "launch",
    "pilot",
    "rollout",
    "training",
    "evangelist",
]
MODULES = 5
COVERAGE = "## 000 — Source\n\n| # | Point | Taught in | Checked by |\n|---|---|---|---|\n" + "".join(
    f"| {n} | Point {n} | `bank/m{n}` | — |\n" for n in range(1, 6)
)


def prompt(rng: random.Random) -> str:
    return " ".join(rng.sample(WORDS, 9)).capitalize() + "?"


def quiz(index: int, rng: random.Random) -> list[dict]:
    """Six good questions: key never the longest, 5 options with 3 wrong, no absolutes, mixed cognition."""

    def base() -> dict:
        return {"explanation": "Because.", "points": [f"000.{index + 1}"]}

    return [
        {
            "id": f"m{index}-single",
            "type": "single",
            "prompt": prompt(rng),
            "options": {"a": "Short key", "b": "A longer distractor", "c": "Another long one", "d": "A fourth option"},
            "correct": "a",
            "cognitive": "application",
            **base(),
        },
        {
            "id": f"m{index}-multiple",
            "type": "multiple",
            "prompt": prompt(rng),
            "options": {k: f"Option {k}" for k in "abcde"},
            "correct": ["a", "c"],
            "cognitive": "scenario",
            **base(),
        },
        {
            "id": f"m{index}-true",
            "type": "truefalse",
            "prompt": prompt(rng),
            "correct": True,
            "cognitive": "recall",
            **base(),
        },
        {
            "id": f"m{index}-false",
            "type": "truefalse",
            "prompt": prompt(rng),
            "correct": False,
            "cognitive": "application",
            **base(),
        },
        {
            "id": f"m{index}-text",
            "type": "text",
            "prompt": prompt(rng),
            "answers": ["5-20 hours"],
            "cognitive": "recall",
            **base(),
        },
        {
            "id": f"m{index}-match",
            "type": "matching",
            "prompt": prompt(rng),
            "pairs": [["One", "First"], ["Two", "Second"], ["Three", "Third"]],
            "cognitive": "scenario",
            **base(),
        },
    ]


def module_text(index: int, questions: list[dict], **front) -> str:
    meta = {
        "title": f"Module {index}",
        "minutes": 5,
        "competencies": ["strategy"],
        "objectives": [{"text": f"Decide thing {n}.", "statements": ["strategy.goals"]} for n in range(3)],
        **front,
        "quiz": questions,
    }
    body = "## Lesson\n\nText.\n\n## Key takeaways\n\n- One.\n- Two.\n- Three.\n\n**Sources:** an article.\n"
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n" + body


def build_bank(root: Path, change=None) -> Path:
    """A course tree of five modules; ``change(index, questions)`` may edit each quiz in place."""
    rng = random.Random(21)
    course = root / "courses" / "01-bank"
    course.mkdir(parents=True)
    shutil.copy(REAL_COURSES / "competencies.yml", root / "courses" / "competencies.yml")
    (root / "courses" / "COVERAGE.md").write_text(COVERAGE, encoding="utf-8")
    (course / "course.md").write_text("---\ntitle: Bank\nsummary: S\naudience: [everyone]\n---\nO\n")
    for index in range(MODULES):
        questions = quiz(index, rng)
        if change:
            change(index, questions)
        (course / f"{index + 1:02d}-m{index}.md").write_text(module_text(index, questions), encoding="utf-8")
    return root / "courses"


def run(tmp_path, change=None) -> lint.LintReport:
    catalog = load_catalog(build_bank(tmp_path, change))
    assert catalog.errors == []
    return lint_bank(catalog)


def checks(report: lint.LintReport) -> set[str]:
    return {f.check for f in report.findings}


def test_a_good_bank_passes_every_check(tmp_path):
    report = run(tmp_path)
    assert report.findings == []
    assert not report.failed
    assert "FAIL" not in report.table()
    figures = {f.name: f.value for f in report.figures}
    assert figures["single: key is the longest option"] == "0% (0/5)"
    assert figures["multiple: correct options"] == "40% (10/25)"
    assert figures["true/false: absolutes, false vs true"] == "0% vs 0%"


def _longest_key(index, questions):
    questions[0]["options"]["a"] = "By far the longest and most detailed option of them all"


def _three_options(index, questions):
    del questions[0]["options"]["d"]


def _one_wrong(index, questions):
    questions[1]["correct"] = ["a", "b", "c", "d"]


def _correct_share(index, questions):
    questions[1]["correct"] = ["a", "b", "c"]  # 3 of 5 options: 60 %


def _absolutes(index, questions):
    questions[3]["prompt"] = "A moderator must never " + questions[3]["prompt"].lower()


def _text_phrase(index, questions):
    questions[4]["answers"] = ["the name of the first dog"] if index == 0 else ["third"]


def _quiz_size(index, questions):
    if index == 0:
        del questions[4:]
    if index == 1:
        questions.extend(dict(q, id=q["id"] + "-x", prompt=q["prompt"] + " Again") for q in questions[:3])


def _all_recall(index, questions):
    for question in questions:
        question["cognitive"] = "recall"


def _duplicate(index, questions):
    if index == 0:
        questions[0]["prompt"] = "Which reply should the store give to a customer who complains about a late delivery?"
    if index == 1:
        questions[0]["prompt"] = "Which reply should the store give to a customer complaining about late delivery?"


def _no_fields(index, questions):
    del questions[0]["cognitive"]
    del questions[1]["points"]


@pytest.mark.parametrize(
    "change, check, where",
    [
        (_longest_key, "longest", "courses"),
        (_three_options, "options", "m0-single"),
        (_one_wrong, "options", "m0-multiple"),
        (_correct_share, "correct-share", "courses"),
        (_absolutes, "absolutes", "courses"),
        (_text_phrase, "text", "m0-text"),
        (_quiz_size, "quiz-size", "01-bank/01-m0.md"),
        (_all_recall, "cognitive-mix", "01-bank/01-m0.md"),
        (_duplicate, "duplicate", "m0-single"),
        (_no_fields, "cognitive", "m0-single"),
        (_no_fields, "points", "m0-multiple"),
    ],
)
def test_each_threshold_fails_the_bank_and_says_where(tmp_path, change, check, where):
    report = run(tmp_path, change)
    assert report.failed
    found = [f for f in report.findings if f.check == check]
    assert found, checks(report)
    if where.startswith("m0-"):  # a question: file and the line of its "- id:"
        lines = (tmp_path / "courses" / "01-bank" / "01-m0.md").read_text().splitlines()
        where = f"01-bank/01-m0.md:{lines.index(f'- id: {where}') + 1}"
    assert any(f.where.endswith(where) for f in found), [str(f) for f in found]


def test_near_duplicates_list_both_places(tmp_path):
    found = [f for f in run(tmp_path, _duplicate).findings if f.check == "duplicate"]
    assert len(found) == 1
    assert "01-m0.md:17" in str(found[0]) and "02-m1.md:17" in str(found[0])


def test_absolutes_are_judged_only_with_five_statements_of_each_kind(tmp_path):
    def four_false(index, questions):
        _absolutes(index, questions)
        if index == 0:
            questions[3]["correct"] = True

    assert "absolutes" not in checks(run(tmp_path, four_false))


def test_absolutes_in_true_statements_too_keep_the_gap_small(tmp_path):
    def both(index, questions):
        _absolutes(index, questions)
        questions[2]["prompt"] = "Every brief " + questions[2]["prompt"].lower()

    assert "absolutes" not in checks(run(tmp_path, both))


def test_a_module_without_objectives_or_takeaways_is_reported(tmp_path):
    root = build_bank(tmp_path)
    path = root / "01-bank" / "01-m0.md"
    text = path.read_text().replace("## Key takeaways", "## Summary")
    path.write_text(text.split("objectives:")[0] + "quiz:" + text.split("quiz:", 1)[1])
    report = lint_bank(load_catalog(root))
    assert {f.check for f in report.findings} == {"objectives", "takeaways"}


def test_an_objective_with_a_vague_verb_is_reported(tmp_path):
    root = build_bank(tmp_path)
    path = root / "01-bank" / "02-m1.md"
    path.write_text(path.read_text().replace("Decide thing 1.", "Understand thing 1."))
    found = [str(f) for f in lint_bank(load_catalog(root)).findings]
    assert found == [
        "courses/01-bank/02-m1.md: objective 'Understand thing 1.' starts with 'understand': use a measurable verb"
    ]


@pytest.mark.parametrize(
    "answers, problems",
    [
        (["5-20", "5 to 20"], 0),
        (["three to four"], 0),  # the normaliser reads small number words
        (["third"], 1),
        (["third", "3rd"], 0),
        (["the name of the dog"], 1),
        (["the name of the first dog"], 2),
    ],
)
def test_text_answers_report_only_what_normalisation_cannot_cover(answers, problems):
    from smmacademy.content.questions import Question

    question = Question(id="t", type="text", prompt="p", explanation="e", answers=tuple(answers))
    assert len(lint.text_answer_problems(question)) == problems


def test_courses_check_fails_past_the_thresholds_but_the_site_still_starts(tmp_path):
    root = build_bank(tmp_path, _longest_key)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x" * 40,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite'}",
            "SMMACADEMY_COURSES": str(root),
        }
    )
    result = app.test_cli_runner().invoke(args=["courses", "check"])
    assert result.exit_code == 1
    assert "single: key is the longest option" in result.output and "FAIL" in result.output
    assert "1 courses, 5 modules, 30 questions" in result.output
    assert app.test_cli_runner().invoke(args=["courses", "check", "--no-lint"]).exit_code == 0
