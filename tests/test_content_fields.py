"""Issue 21 content fields: cognitive level, COVERAGE points, objectives, key takeaways, optional."""

from __future__ import annotations

from pathlib import Path

import pytest

from smmacademy.content.catalog import load_catalog

from .test_content_loader import messages, write_module

COVERAGE = "# Coverage\n\n## 000 — An article\n\n| # | Point | Taught in | Checked by |\n|---|---|---|---|\n"
COVERAGE += "| 1 | A point | `basics/intro` | — |\n| 2 | Another point | `basics/intro` | — |\n"
QUESTION = "  - id: {qid}\n    type: truefalse\n    prompt: P\n    correct: true\n    explanation: E\n{extra}"
BODY = "## Lesson\n\nText.\n\n## Key takeaways\n\n- One.\n- Two.\n- Three.\n\n**Sources:** an article.\n"


@pytest.fixture
def tree(courses_dir) -> Path:
    (courses_dir / "COVERAGE.md").write_text(COVERAGE, encoding="utf-8")
    return courses_dir


def quiz_module(tree: Path, extra: str, qid: str = "field-q") -> None:
    write_module(tree, "title: T\nminutes: 3\nquiz:\n" + QUESTION.format(qid=qid, extra=extra))


def test_cognitive_and_points_are_read(tree):
    quiz_module(tree, '    cognitive: scenario\n    points: ["000.1", "000.2"]\n')
    catalog = load_catalog(tree)
    assert catalog.errors == []
    question = catalog.questions["field-q"][1]
    assert (question.cognitive, question.points) == ("scenario", ("000.1", "000.2"))


def test_unknown_cognitive_level_is_reported_with_line(tree):
    quiz_module(tree, "    cognitive: analysis\n")
    assert messages(tree) == [
        "courses/01-basics/09-broken.md:10: question 'field-q': 'cognitive' must be one of "
        "recall, application, scenario (got 'analysis')"
    ]


def test_point_missing_from_coverage_is_reported(tree):
    quiz_module(tree, '    points: ["000.1", "000.9", "004.1"]\n')
    assert messages(tree) == [
        "courses/01-basics/09-broken.md:5: question 'field-q': point(s) 000.9, 004.1 are not rows of COVERAGE.md"
    ]


def test_unquoted_point_read_as_a_number_is_reported(tree):
    quiz_module(tree, "    points: [000.1]\n")
    assert any("'points' must be a list of COVERAGE keys in quotes" in m for m in messages(tree))


def test_objectives_need_three_or_four_items_naming_known_statements(tree):
    good = "".join(f"  - text: Objective {n}.\n    statements: [strategy.goals]\n" for n in range(3))
    write_module(tree, "title: T\nminutes: 3\nobjectives:\n" + good)
    module = load_catalog(tree).module("basics", "broken")
    assert [o.text for o in module.objectives] == ["Objective 0.", "Objective 1.", "Objective 2."]
    assert module.objectives[0].statements == ("strategy.goals",)

    write_module(tree, "title: T\nminutes: 3\nobjectives:\n" + good.split("  - text: Objective 1")[0])
    assert messages(tree) == [
        "courses/01-basics/09-broken.md:4: 'objectives' must list 3 to 4 objectives, each with text and statements"
    ]
    write_module(tree, "title: T\nminutes: 3\nobjectives:\n" + good.replace("[strategy.goals]", "[mind.reading]", 1))
    assert messages(tree) == ["courses/01-basics/09-broken.md:6: objective names unknown statement id(s): mind.reading"]


def test_key_takeaways_hold_exactly_three_bullets_before_sources(tree):
    write_module(tree, "title: T\nminutes: 3\n", body=BODY)
    assert load_catalog(tree).module("basics", "broken").text_for().takeaways == ("One.", "Two.", "Three.")

    write_module(tree, "title: T\nminutes: 3\n", body=BODY.replace("- Three.\n", ""))
    assert messages(tree) == [
        "courses/01-basics/09-broken.md:9: '## Key takeaways' must hold exactly 3 bullet points ('- ...'), it has 2"
    ]
    moved = "## Lesson\n\n**Sources:** an article.\n\n## Key takeaways\n\n- One.\n- Two.\n- Three.\n"
    write_module(tree, "title: T\nminutes: 3\n", body=moved)
    assert messages(tree) == ["courses/01-basics/09-broken.md:9: '## Key takeaways' must come before the Sources line"]


def test_optional_must_be_a_boolean(tree):
    write_module(tree, "title: T\nminutes: 3\noptional: true\n")
    assert load_catalog(tree).module("basics", "broken").optional is True
    write_module(tree, "title: T\nminutes: 3\noptional: maybe\n")
    assert messages(tree) == ["courses/01-basics/09-broken.md:4: 'optional' must be true or false"]


def test_translation_may_not_change_points_or_cognitive(tree):
    quiz_module(tree, '    cognitive: recall\n    points: ["000.1"]\n')
    original = (tree / "01-basics" / "09-broken.md").read_text()
    (tree / "01-basics" / "09-broken.ru.md").write_text(original.replace('"000.1"', '"000.2"'))
    assert any("must keep the original's type" in m for m in messages(tree))
