"""Work a signed-in request must not repeat: the session look-up and the translation catalogue."""

from __future__ import annotations

from sqlalchemy import event, inspect

from smmacademy import i18n
from smmacademy.extensions import db

from .conftest import PASSWORD
from .test_learn import RIGHT, submit


def _statements(app, client, url):
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return response, seen


def test_session_and_user_are_loaded_in_one_query(app, client, login_as):
    login_as("learner")
    client.get("/courses")  # first view may write progress; measure a plain reload
    response, statements = _statements(app, client, "/courses")
    assert response.status_code == 200
    by_token = [s for s in statements if "user_sessions.token_hash =" in s]
    assert len(by_token) == 1
    assert "JOIN users" in by_token[0]  # the user comes joined, not in a second query
    assert not [s for s in statements if s.startswith("SELECT") and " FROM users " in f"{s} " and s not in by_token]
    assert not [s for s in statements if s.startswith("UPDATE user_sessions")]  # last_seen is fresh: no write


def test_the_token_hash_look_up_uses_a_unique_index(app):
    inspector = inspect(db.engine)
    unique = [c["column_names"] for c in inspector.get_unique_constraints("user_sessions")]
    indexed = [i["column_names"] for i in inspector.get_indexes("user_sessions") if i.get("unique")]
    assert ["token_hash"] in unique + indexed


def test_a_page_looks_its_translation_catalogue_up_once(app, client, login_as, monkeypatch):
    user = login_as("learner")
    user.language = "ru"
    db.session.commit()
    calls = []
    original = i18n.get_translations

    def counting():
        calls.append(1)
        return original()

    monkeypatch.setattr(i18n, "get_translations", counting)
    response = client.get("/courses")
    assert response.status_code == 200
    assert "Курсы" in response.get_data(as_text=True)  # the template's strings are Russian
    assert len(calls) == 1


def test_a_module_page_reads_only_its_course_progress_and_attempts_once_there_are_some(app, client, login_as):
    login_as("learner")
    client.get("/courses/onboarding/start")  # progress in another course: not this page's business
    client.get("/courses/basics/intro")  # the first view records progress; measure a reload
    response, statements = _statements(app, client, "/courses/basics/intro")
    assert response.status_code == 200
    assert len(statements) == 2  # session and user, this course's progress rows: no attempt counted, none looked up
    progress = [s for s in statements if " FROM module_progress " in f"{s} "]
    assert len(progress) == 1 and "module_progress.course_slug IN" in progress[0]
    submit(client, RIGHT)
    response, statements = _statements(app, client, "/courses/basics/intro")
    assert len(statements) == 3
    assert [s for s in statements if " FROM quiz_attempts " in f"{s} "]
    assert "Your attempts" in response.get_data(as_text=True)


def test_a_module_without_a_quiz_does_not_look_up_attempts(app, client, login_as):
    login_as("learner")
    client.get("/courses/basics/reading")
    response, statements = _statements(app, client, "/courses/basics/reading")
    assert response.status_code == 200
    assert len(statements) == 2
    assert not [s for s in statements if "quiz_attempts" in s]


def test_the_navigation_built_once_still_follows_each_persons_role(app, client, login_as):
    login_as("learner")
    assert "Administration" not in client.get("/courses").get_data(as_text=True)
    client.post("/logout")
    login_as("admin")
    page = client.get("/courses").get_data(as_text=True)
    assert "Administration" in page and "My team" in page
    client.post("/logout")
    login_as("learner")
    assert "Administration" not in client.get("/courses").get_data(as_text=True)


def test_a_signed_in_browser_gets_static_files_and_healthz_without_a_database_query(app, client, login_as):
    login_as("learner")
    for url in ("/static/css/app.css", "/healthz"):
        response, statements = _statements(app, client, url)
        assert response.status_code == 200
        assert statements == [], (url, statements)
    # Still treated as signed in: healthz answers with no-store, the static file keeps its own caching.
    assert client.get("/healthz").headers["Cache-Control"] == "no-store"
    assert client.get("/static/css/app.css").headers.get("Cache-Control") != "no-store"


def test_a_page_opened_with_only_the_remember_cookie_is_still_not_cached(app, client, make_user):
    user = make_user("learner")
    signed_in = client.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    assert signed_in.status_code == 302 and client.get_cookie("remember_token") is not None
    client.delete_cookie("session")  # the browser was closed: only the remember-me cookie is left
    response = client.get("/courses")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
