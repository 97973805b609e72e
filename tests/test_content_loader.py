"""The course loader: valid trees load; each kind of invalid content is reported with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from smmacademy.content.catalog import load_catalog


@pytest.fixture
def tree(courses_dir) -> Path:
    """The writable fixture tree (the shared ``courses_dir``) under a shorter name."""
    return courses_dir


def write_module(root: Path, front: str, body: str = "## Body\n\nText.\n", name="09-broken.md") -> Path:
    path = root / "01-basics" / name
    path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    return path


def messages(root: Path) -> list[str]:
    return [str(e) for e in load_catalog(root).errors]


def test_fixture_tree_loads_without_errors(tree):
    catalog = load_catalog(tree)
    assert catalog.errors == []
    assert list(catalog.courses) == ["basics", "advanced", "onboarding"]
    assert catalog.summary() == "3 courses, 6 modules, 6 questions"


def test_module_keys_come_from_file_names_and_titles_from_front_matter(tree):
    module = load_catalog(tree).module("basics", "intro")
    assert module.title == "Introduction to the roles"
    assert module.minutes == 5
    assert module.competencies == ("strategy", "community-building")
    assert [q.id for q in module.questions] == [
        "intro-single",
        "intro-multiple",
        "intro-truefalse",
        "intro-text",
        "intro-matching",
    ]


def test_rendered_lesson_has_toc_tables_callouts_and_no_script(tree):
    text = load_catalog(tree).module("basics", "intro").text_for()
    assert [(level, name) for level, _, name in text.toc] == [(2, "Why roles matter"), (3, "A detail")]
    assert '<h2 id="why-roles-matter">' in text.html
    assert '<table tabindex="0">' in text.html  # a wide table scrolls: keyboard users can focus it
    assert 'class="admonition tip"' in text.html
    assert "<script" not in text.html
    assert "zebracorn" in text.text


def test_bad_yaml_is_reported_with_file_and_line(tree):
    write_module(tree, "title: Broken\nminutes: 3\nquiz: [unclosed\n")
    errors = load_catalog(tree).errors
    assert len(errors) == 1
    assert errors[0].path.endswith("01-basics/09-broken.md")
    assert errors[0].line is not None and errors[0].line >= 4
    assert "invalid YAML" in errors[0].message


def test_unknown_competency_id_is_reported_with_line(tree):
    write_module(tree, "title: T\nminutes: 3\ncompetencies: [strategy, telepathy]\n")
    errors = load_catalog(tree).errors
    assert [(e.line, e.message) for e in errors] == [
        (4, "unknown competency id 'telepathy'; use ids from competencies.yml")
    ]


def test_duplicate_question_id_across_courses_is_reported(tree):
    write_module(
        tree,
        "title: T\nminutes: 3\nquiz:\n  - id: deep-single\n    type: truefalse\n    prompt: P\n"
        "    correct: true\n    explanation: E\n",
    )
    found = messages(tree)
    assert len(found) == 1
    # The later file in load order is blamed, and the message names the other one.
    assert "02-advanced/01-deep.md:6: duplicate question id 'deep-single'" in found[0]
    assert "also used in courses/01-basics/09-broken.md" in found[0]


def test_choice_question_without_correct_answer_is_reported(tree):
    write_module(
        tree,
        "title: T\nminutes: 3\nquiz:\n  - id: no-answer\n    type: single\n    prompt: P\n"
        "    options:\n      a: One\n      b: Two\n    explanation: E\n",
    )
    found = messages(tree)
    assert len(found) == 1 and "question 'no-answer' has no correct answer" in found[0]


def test_correct_key_not_among_options_is_reported(tree):
    write_module(
        tree,
        "title: T\nminutes: 3\nquiz:\n  - id: wrong-key\n    type: multiple\n    prompt: P\n"
        "    options:\n      a: One\n      b: Two\n    correct: [a, z]\n    explanation: E\n",
    )
    assert any("correct answer(s) z are not among the options" in m for m in messages(tree))


def test_question_without_explanation_is_reported(tree):
    write_module(
        tree, "title: T\nminutes: 3\nquiz:\n  - id: no-expl\n    type: truefalse\n    prompt: P\n    correct: true\n"
    )
    assert any("question 'no-expl' needs explanation" in m for m in messages(tree))


def test_missing_prerequisite_is_reported(tree):
    course = tree / "02-advanced" / "course.md"
    course.write_text(course.read_text().replace("prerequisites: [basics]", "prerequisites: [ghost]"))
    assert any("prerequisite 'ghost' is not a course slug" in m for m in messages(tree))


def test_prerequisite_cycle_is_reported(tree):
    course = tree / "01-basics" / "course.md"
    course.write_text(
        course.read_text().replace("audience: [everyone]", "audience: [everyone]\nprerequisites: [advanced]")
    )
    found = messages(tree)
    assert any("prerequisite cycle" in m and "basics" in m and "advanced" in m for m in found)


def test_all_problems_are_reported_at_once(tree):
    write_module(tree, "title: T\nminutes: 3\ncompetencies: [nope]\n", name="09-a.md")
    write_module(tree, "title: T\nminutes: many\n", name="10-b.md")
    found = messages(tree)
    assert len(found) == 2
    assert any("09-a.md" in m and "unknown competency id 'nope'" in m for m in found)
    assert any("10-b.md" in m and "'minutes' must be a whole number" in m for m in found)


def test_duplicate_yaml_key_is_reported(tree):
    write_module(tree, "title: T\ntitle: U\nminutes: 3\n")
    assert any("the key 'title' appears twice" in m for m in messages(tree))


def test_missing_image_is_reported_and_existing_image_is_served_from_course_folder(tree):
    write_module(tree, "title: T\nminutes: 3\n", body="![Diagram](missing.png)\n")
    assert any("image 'missing.png' is not an image file beside the module" in m for m in messages(tree))
    (tree / "01-basics" / "missing.png").write_bytes(b"\x89PNG\r\n")
    catalog = load_catalog(tree)
    assert catalog.errors == []
    assert 'src="/learn/assets/basics/missing.png"' in catalog.module("basics", "broken").text_for().html


def test_translation_shares_keys_and_is_used_for_its_language(tree):
    original = (tree / "01-basics" / "02-reading.md").read_text()
    (tree / "01-basics" / "02-reading.ru.md").write_text(original.replace("Further reading", "Translated title"))
    module = load_catalog(tree).module("basics", "reading")
    assert module.text_for("ru").title == "Translated title"
    assert module.text_for("en").title == "Further reading"
    assert module.text_for("de").title == "Further reading"


def test_translation_with_other_question_ids_is_rejected(tree):
    original = (tree / "01-basics" / "01-intro.md").read_text()
    (tree / "01-basics" / "01-intro.ru.md").write_text(original.replace("id: intro-text", "id: intro-other"))
    assert any("same question ids as the original" in m for m in messages(tree))


def test_framework_errors_are_reported_with_line(tree):
    framework = tree / "competencies.yml"
    framework.write_text(
        framework.read_text().replace("strategy: {level: 5, weight: 3}", "strategy: {level: 9, weight: 3}")
    )
    found = messages(tree)
    assert any("competencies.yml:" in m and "target for 'strategy' needs level 1-5" in m for m in found)


def test_russian_headings_get_readable_anchors_in_the_table_of_contents():
    from smmacademy.content.render import render_markdown

    rendered = render_markdown("## Главное\n\nТекст.\n\n## Кто такой SMM-менеджер\n", "course/")
    assert [anchor for _, anchor, _ in rendered.toc] == ["главное", "кто-такой-smm-менеджер"]
    assert 'id="главное"' in rendered.html
