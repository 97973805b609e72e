"""What a person receives is in their language: certificates, verification, CSV files, errors, flashes."""

from __future__ import annotations

from sqlalchemy import select

from smmacademy.extensions import db
from smmacademy.models import Certificate
from smmacademy.services import accounts

from .conftest import login
from .test_content_language import courses_dir  # noqa: F401 - the fixture courses with a Russian basics header
from .test_learn import RIGHT, submit

RU = {"Accept-Language": "ru"}
EN = {"Accept-Language": "en"}


def earn_certificate(client) -> Certificate:
    submit(client, RIGHT)
    client.post("/courses/basics/reading/read")
    return db.session.scalar(select(Certificate))


def test_certificate_and_verification_page_speak_the_holders_language(app, client, make_user):
    make_user("admin")
    holder = make_user("learner", full_name="Ирина Петрова")
    accounts.set_language(holder, "ru")
    login(client, holder)
    certificate = earn_certificate(client)
    page = client.get(f"/certificates/{certificate.code}", headers=EN).get_data(as_text=True)
    assert '<html lang="ru">' in page and "Сертификат о прохождении курса" in page
    assert "Основы работы с соцсетями" in page  # the course's Russian title
    assert certificate.course_title == "Basics of social media"  # the stored snapshot is unchanged
    visitor = app.test_client()
    public = visitor.get(f"/verify/{certificate.code}", headers=EN).get_data(as_text=True)
    assert '<html lang="ru">' in public
    assert "Сертификат действителен: Ирина Петрова — курс «Основы работы с соцсетями» пройден" in public
    assert '<html lang="en">' in visitor.get("/verify/NOPE00", headers=EN).get_data(as_text=True)


def test_a_holder_following_the_browser_gets_the_visitors_language(app, client, make_user):
    make_user("admin")
    login(client, make_user("learner"))
    certificate = earn_certificate(client)
    visitor = app.test_client()
    assert "Valid:" in visitor.get(f"/verify/{certificate.code}", headers=EN).get_data(as_text=True)
    assert "Сертификат действителен" in visitor.get(f"/verify/{certificate.code}", headers=RU).get_data(as_text=True)


def test_a_renamed_course_keeps_the_certificates_snapshot_title(client, make_user):
    make_user("admin")
    login(client, make_user("learner"))
    certificate = earn_certificate(client)
    certificate.course_title = "Basics (old name)"
    db.session.commit()
    page = client.get(f"/certificates/{certificate.code}", headers=RU).get_data(as_text=True)
    assert "Basics (old name)" in page and "Основы работы с соцсетями" not in page


def test_team_export_has_russian_headers_semicolons_and_a_bom(client, make_user):
    make_user("admin")
    manager = make_user("manager")
    make_user("learner", manager=manager)
    login(client, manager)
    response = client.get("/team/export.csv", headers=RU)
    text = response.data.decode("utf-8")
    assert response.mimetype == "text/csv" and text.startswith("\ufeffимя;эл. почта;отдел;должность;назначено")
    assert ";В графике;" in text  # the status in the reader's language


def test_error_pages_and_flash_messages_speak_russian(client, make_user):
    make_user("admin")
    missing = client.get("/no-such-page", headers=RU)
    html = missing.get_data(as_text=True)
    assert missing.status_code == 404 and "Страница не найдена" in html and '<html lang="ru">' in html
    learner = make_user("learner")
    wrong = client.post("/login", data={"email": learner.email, "password": "wrong-password"}, headers=RU)
    assert "Неверный адрес эл. почты или пароль" in wrong.get_data(as_text=True)


def test_the_candidates_history_reads_in_the_hr_readers_language(app, client, make_user):
    from .test_hr import invite

    make_user("admin")
    login(client, make_user("hr"))
    candidate, _link, _html = invite(client)
    client.post(f"/hr/candidates/{candidate.id}/revoke")
    client.post(f"/hr/candidates/{candidate.id}/note", data={"text": "Called, will reply on Monday"})
    html = client.get(f"/hr/candidates/{candidate.id}", headers=RU).get_data(as_text=True)
    assert "Ссылка действует 14 дней" in html and "Ссылка-приглашение отозвана" in html
    assert "Called, will reply on Monday" in html  # a note stays as HR wrote it
    assert "Link valid for" not in html
    english = client.get(f"/hr/candidates/{candidate.id}", headers=EN).get_data(as_text=True)
    assert "Link valid for 14 days" in english


def test_a_form_without_its_security_token_is_explained_in_russian(app_config):
    from smmacademy import create_app

    protected = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    # Refused before the view runs: no database is needed.
    response = protected.test_client().post("/language", data={"language": "ru"}, headers=RU)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Форма устарела или была отправлена не с этого сайта (в форме нет токена безопасности)" in html
