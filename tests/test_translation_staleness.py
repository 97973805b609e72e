"""Translations record the English they were made from; courses check and the admin page list the gaps."""

from __future__ import annotations

import pytest

from smmacademy.content.translations import source_hash, translation_report

from .conftest import login


# autouse: every test of this module reads the edited tree (the app builds on it).
@pytest.fixture(autouse=True)
def courses_dir(courses_dir):
    """Basics: the reading module translated from the current English, the header from an older one."""
    basics = courses_dir / "01-basics"
    current = source_hash(basics / "02-reading.md")
    (basics / "02-reading.ru.md").write_text(
        f"---\ntitle: Что почитать\nsource_hash: {current}\n---\nТекст.\n", encoding="utf-8"
    )
    (basics / "course.ru.md").write_text(
        "---\ntitle: Основы\nsummary: Курс.\nsource_hash: 000000000000\n---\nОбзор.\n", encoding="utf-8"
    )
    return courses_dir


def states(courses_dir) -> dict[str, str]:
    return {s.original: s.state for s in translation_report(courses_dir, ["en", "ru"])}


def test_each_english_file_has_a_state_per_language(courses_dir):
    found = states(courses_dir)
    assert found["01-basics/02-reading.md"] == "current"
    assert found["01-basics/course.md"] == "stale"
    assert found["01-basics/01-intro.md"] == "missing"
    assert found["competencies.yml"] == "current"  # the shipped Russian framework matches the English
    assert "01-basics/02-reading.ru.md" not in found  # translations are not originals


def test_editing_the_english_makes_its_translation_stale(courses_dir):
    reading = courses_dir / "01-basics" / "02-reading.md"
    reading.write_text(reading.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    framework = courses_dir / "competencies.yml"
    framework.write_text(framework.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    found = states(courses_dir)
    assert found["01-basics/02-reading.md"] == "stale" and found["competencies.yml"] == "stale"


def test_a_translation_without_a_source_hash_is_flagged(courses_dir):
    (courses_dir / "01-basics" / "02-reading.ru.md").write_text("---\ntitle: Что почитать\n---\nТекст.\n")
    assert states(courses_dir)["01-basics/02-reading.md"] == "unmarked"


def test_courses_check_lists_missing_and_stale_translations_without_failing(runner, courses_dir):
    result = runner.invoke(args=["courses", "check", "--no-lint"])
    assert result.exit_code == 0
    assert "ru: missing translation of 01-basics/01-intro.md (source_hash: " in result.output
    assert "ru: 01-basics/course.ru.md is stale: the English changed since this translation" in result.output
    assert "02-reading" not in result.output
    assert result.output.rstrip().splitlines()[-2:] == [
        "Translations: 8 missing or stale.",
        "3 courses, 6 modules, 6 questions",
    ]


def test_the_admin_content_page_shows_the_same_list(client, make_user):
    login(client, make_user("admin"))
    html = client.get("/admin/content", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Устарел: английский текст изменился после перевода" in html
    assert "<code>01-basics/course.ru.md</code>" in html and "<code>01-basics/01-intro.md</code>" in html
    assert "Нет перевода" in html and "Актуален" in html
