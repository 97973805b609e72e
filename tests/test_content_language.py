"""Course content in the reader's language, one identity: translations beside the originals."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from smmacademy.extensions import db
from smmacademy.models import Certificate, ModuleProgress

from .test_learn import RIGHT, submit

RU = {"Accept-Language": "ru"}


# autouse: every test of this module reads the edited tree (the app builds on it).
@pytest.fixture(autouse=True)
def courses_dir(courses_dir):
    """The fixture courses with the basics course header and its reading module in Russian."""
    basics = courses_dir / "01-basics"
    (basics / "course.ru.md").write_text(
        "---\ntitle: Основы работы с соцсетями\nsummary: Небольшой курс для тестов.\n---\n**Обзор** курса основ.\n",
        encoding="utf-8",
    )
    (basics / "02-reading.ru.md").write_text(
        "---\ntitle: Что почитать\n---\n## Список литературы\n\nМодуль без теста: отметьте его как прочитанный.\n",
        encoding="utf-8",
    )
    return courses_dir


@pytest.fixture
def learner(login_as, make_user):
    make_user("admin")
    return login_as("learner")


def test_a_russian_reader_sees_the_translation_and_a_note_where_there_is_none(client, learner):
    course = client.get("/courses/basics", headers=RU).get_data(as_text=True)
    assert "<h1>Основы работы с соцсетями</h1>" in course and "<strong>Обзор</strong>" in course
    assert "Что почитать" in course and "Introduction to the roles" in course  # module 1 is not translated
    assert "not yet translated" not in course and "ещё не переведён" not in course
    reading = client.get("/courses/basics/reading", headers=RU).get_data(as_text=True)
    assert "<h1>Что почитать</h1>" in reading and "ещё не переведён" not in reading
    intro = client.get("/courses/basics/intro", headers=RU).get_data(as_text=True)
    assert "ещё не переведён" in intro
    assert '<div class="lesson-body" lang="en">' in intro  # screen readers read the original as English


def test_an_english_reader_sees_the_original_without_a_note(client, learner):
    course = client.get("/courses/basics").get_data(as_text=True)
    assert "<h1>Basics of social media</h1>" in course and "Further reading" in course
    assert "not yet translated" not in course
    assert "not yet translated" not in client.get("/courses/basics/intro").get_data(as_text=True)


def test_an_untranslated_course_carries_the_note_on_its_page(client, learner):
    html = client.get("/courses/advanced", headers=RU).get_data(as_text=True)
    assert "ещё не переведён" in html and 'class="card overview" lang="en"' in html


def test_switching_language_mid_course_loses_nothing(client, learner):
    client.post("/language", data={"language": "ru", "next": "/courses/basics"})
    assert client.post("/courses/basics/reading/read").status_code == 302
    client.post("/language", data={"language": "en", "next": "/courses/basics"})
    assert submit(client, RIGHT).status_code == 302
    client.post("/language", data={"language": "ru", "next": "/courses/basics"})
    course = client.get("/courses/basics").get_data(as_text=True)
    assert 'value="100"' in course and "Открыть ваш сертификат" in course
    rows = db.session.scalars(select(ModuleProgress).where(ModuleProgress.user_id == learner.id)).all()
    assert {(r.module_slug, r.completed_at is not None) for r in rows} == {("reading", True), ("intro", True)}
    assert db.session.scalar(select(Certificate.course_slug).where(Certificate.user_id == learner.id)) == "basics"
