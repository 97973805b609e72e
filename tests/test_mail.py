"""Email notifications end to end: a real SMTP server (aiosmtpd) receives what the outbox sends."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from smmacademy.catalog_state import get_catalog
from smmacademy.domain import notifications as rules
from smmacademy.extensions import db
from smmacademy.models import Assignment, Candidate, Certificate, OutboxMessage, User
from smmacademy.models.base import utcnow
from smmacademy.services import mail, notifications, password_reset, reminders
from smmacademy.services import reviews as review_service

from .conftest import login
from .mailserver import html_of, text_of
from .test_hr import as_candidate, complete_flow, invite
from .test_learn import RIGHT, submit

BASE = "https://academy.example"


@pytest.fixture
def app_config(app_config, smtp):
    return {**app_config, **smtp.config(), "SMMACADEMY_BASE_URL": BASE, "MAIL_RETRY_SECONDS": 60}


@pytest.fixture
def team(make_user):
    make_user("admin")
    manager = make_user("manager", full_name="Mia Manager", email="mia@corp.example")
    learner = make_user("learner", manager=manager, full_name="Leo Learner", email="leo@corp.example")
    return manager, learner


def subject(message) -> str:
    """The decoded subject without the site-name suffix."""
    return str(message["Subject"]).strip().split(" · ")[0]


def attachment(message, filename):
    for part in message.iter_attachments():
        if part.get_filename() == filename:
            return part.get_content()
    return None


def count(kind=None, status=None) -> int:
    stmt = select(func.count(OutboxMessage.id))
    if kind:
        stmt = stmt.where(OutboxMessage.kind == kind)
    if status:
        stmt = stmt.where(OutboxMessage.status == status)
    return db.session.scalar(stmt)


def test_a_managers_assignment_arrives_once_with_a_link_and_a_calendar_file(client, team, smtp, runner):
    manager, learner = team
    login(client, manager)
    due = date.today() + timedelta(days=20)
    response = client.post(
        "/team/assign",
        data={"target": "course:basics", "people": [learner.id], "due_date": due.isoformat(), "note": "Before launch"},
    )
    assert response.status_code == 302
    assert count(rules.ASSIGNMENT) == 1 and smtp.messages == []  # queued with the assignment, sent by the timer

    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "sent 1" in result.output
    [message] = smtp.to("leo@corp.example")
    assert subject(message).startswith("New or changed assignment: Basics of social media")
    assert message["From"] == "Academy <academy@test.example>" and message["Content-Language"] == "en"
    body = text_of(message)
    assert "Hello Leo Learner," in body and "Note: Before launch" in body
    assert f"{BASE}/courses/basics" in body and f'href="{BASE}/courses/basics"' in html_of(message)
    ics = attachment(message, "due-date.ics")
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert f"DTSTART;VALUE=DATE:{due:%Y%m%d}" in ics and "SUMMARY:SMM Academy: Basics of social media" in ics

    # Running the timer again sends nothing new; changing the due date is a new event.
    assert "Queued 0 new message(s); sent 0" in runner.invoke(args=["send-reminders"]).output
    assignment = db.session.scalar(select(Assignment))
    new_due = due + timedelta(days=3)
    client.post(f"/team/assignments/{assignment.id}", data={"due_date": new_due.isoformat(), "note": ""})
    runner.invoke(args=["send-reminders"])
    assert len(smtp.to("leo@corp.example")) == 2
    assert f"DTSTART;VALUE=DATE:{new_due:%Y%m%d}" in str(attachment(smtp.to("leo@corp.example")[1], "due-date.ics"))


def _assign(manager: User, learner: User, due: date) -> Assignment:
    assignment = Assignment(
        user_id=learner.id, kind="course", course_slug="basics", due_date=due, assigned_by_id=manager.id
    )
    db.session.add(assignment)
    db.session.commit()
    return assignment


def test_send_reminders_sends_due_soon_overdue_and_digest_once(app, team, smtp, runner, make_user):
    manager, learner = team
    other = make_user("learner", manager=manager, full_name="Ola Other", email="ola@corp.example")
    today = date.today()
    app.config["DIGEST_WEEKDAY"] = today.weekday()
    _assign(manager, learner, today + timedelta(days=7))
    _assign(manager, other, today + timedelta(days=1))
    late = Assignment(
        user_id=other.id, kind="assessment", due_date=today - timedelta(days=2), assigned_by_id=manager.id
    )
    db.session.add(late)
    db.session.commit()

    first = runner.invoke(args=["send-reminders"])
    assert first.exit_code == 0, first.output
    subjects = sorted(subject(m) for _r, m in smtp.messages)
    assert subjects == [
        "Due in 7 days: Basics of social media",
        "Due tomorrow: Basics of social media",
        "Ola Other is overdue: the self-assessment",
        "Overdue: the self-assessment",
        "Your team this week",
    ]
    by_subject = {subject(m): m for m in smtp.to("mia@corp.example")}
    digest = text_of(by_subject["Your team this week"])
    assert "1 overdue training" in digest and "Ola Other" in digest and f"{BASE}/team/" in digest
    manager_mail = by_subject["Ola Other is overdue: the self-assessment"]
    assert f"{BASE}/team/members/{other.id}" in text_of(manager_mail)

    second = runner.invoke(args=["send-reminders"])
    assert "Queued 0 new message(s); sent 0" in second.output
    assert len(smtp.messages) == 5

    # The next day the 7-day reminder does not come again (its window already fired).
    reminders.run(utcnow() + timedelta(days=1))
    assert len(smtp.to("leo@corp.example")) == 1


def test_finished_courses_get_no_reminder(client, team, smtp):
    manager, learner = team
    _assign(manager, learner, date.today() + timedelta(days=1))
    login(client, learner)
    submit(client, RIGHT)
    client.post("/courses/basics/reading/read")  # completes the course: certificate mail, no reminder
    reminders.run()
    assert [subject(m) for m in smtp.to("leo@corp.example")] == ["Your certificate: Basics of social media"]
    assert "/verify/" in text_of(smtp.to("leo@corp.example")[0])


def test_a_refusing_server_is_retried_with_back_off_and_the_message_sent_once(app, team, smtp):
    manager, learner = team
    _assign(manager, learner, date.today() + timedelta(days=1))
    smtp.handler.refuse = True
    start = utcnow()
    assert reminders.run(start) == {"new": 1, "sent": 0, "deferred": 1, "failed": 0}
    message = db.session.scalar(select(OutboxMessage))
    assert message.status == "queued" and message.attempts == 1 and "451" in message.last_error
    assert timedelta(seconds=59) <= message.next_attempt_at - start <= timedelta(seconds=61)

    # Before the back-off ends nothing is tried; the next failure doubles the wait.
    assert mail.deliver_due(start + timedelta(seconds=30)) == {"sent": 0, "queued": 0, "failed": 0}
    assert mail.deliver_due(start + timedelta(seconds=61))["queued"] == 1
    db.session.refresh(message)
    assert message.attempts == 2 and message.next_attempt_at - (start + timedelta(seconds=61)) == timedelta(seconds=120)
    assert smtp.handler.refused == 2 and smtp.messages == []

    smtp.handler.refuse = False
    assert mail.deliver_due(start + timedelta(seconds=200))["sent"] == 1
    assert mail.deliver_due(start + timedelta(days=1))["sent"] == 0
    db.session.refresh(message)
    assert message.status == "sent" and message.last_error == "" and len(smtp.to("leo@corp.example")) == 1


def test_a_server_that_is_down_loses_nothing_and_gives_up_after_the_last_attempt(app, team, smtp):
    manager, learner = team
    _assign(manager, learner, date.today() + timedelta(days=1))
    smtp.stop()
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    now = utcnow()
    assert reminders.run(now)["deferred"] == 1
    assert mail.deliver_due(now + timedelta(hours=1))["failed"] == 1
    message = db.session.scalar(select(OutboxMessage))
    assert message.status == "failed" and "Connection" in message.last_error


def test_admin_sees_the_outbox_and_retries_a_failed_message(client, make_user, team, smtp):
    manager, learner = team
    admin = make_user("admin", email="root@corp.example")
    _assign(manager, learner, date.today() + timedelta(days=1))
    reminders.queue_assignment_reminders(date.today())
    db.session.execute(OutboxMessage.__table__.update().values(status="failed", last_error="SMTPDataError: 554"))
    db.session.commit()
    login(client, admin)
    page = client.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert "leo@corp.example" in page and "SMTPDataError: 554" in page and "Retry" in page
    assert "leo@corp.example" not in client.get("/admin/outbox?status=sent").get_data(as_text=True)
    message = db.session.scalar(select(OutboxMessage))
    assert client.post(f"/admin/outbox/{message.id}/retry").status_code == 302
    db.session.refresh(message)
    assert message.status == "queued" and message.attempts == 0
    # A second retry of a message that is no longer failed changes nothing.
    client.post(f"/admin/outbox/{message.id}/retry")
    assert mail.deliver_due()["sent"] == 1 and len(smtp.messages) == 1
    assert client.get("/admin/outbox").status_code == 200


def test_the_same_event_queued_in_parallel_is_one_message(app, team):
    manager, learner = team
    assignment_id = _assign(manager, learner, date.today() + timedelta(days=7)).id
    barrier = threading.Barrier(4, timeout=30)
    results = []

    def worker():
        with app.app_context():
            row = db.session.get(Assignment, assignment_id)
            barrier.wait()
            results.append(notifications.notify(rules.DUE_SOON, commit=True, assignment=row, days=7))
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(len(r) for r in results) == [0, 0, 0, 1]
    assert count(rules.DUE_SOON) == 1


def test_a_person_can_turn_off_a_kind_but_not_security_mail(client, team, smtp):
    manager, learner = team
    login(client, learner)
    page = client.get("/account").get_data(as_text=True)
    assert "Reminders 7 days and 1 day before a due date" in page and "Password-reset messages are always sent" in page
    kept = {k: "y" for k in rules.OPTIONAL_KINDS if k != rules.DUE_SOON}
    assert client.post("/account/notifications", data=kept).status_code == 302
    assert notifications.opted_out_kinds(learner.id) == {rules.DUE_SOON}
    assert 'name="due_soon" type="checkbox" value="y">' in client.get("/account").get_data(as_text=True)
    _assign(manager, learner, date.today() + timedelta(days=1))
    reminders.run()
    assert smtp.to("leo@corp.example") == []
    client.post("/logout")
    client.post("/password/forgot", data={"email": "leo@corp.example"})
    reminders.run()
    assert [subject(m) for m in smtp.to("leo@corp.example")] == ["Reset your password"]


def test_candidate_invitation_is_emailed_and_hr_hears_when_the_candidate_finishes(app, client, make_user, smtp):
    make_user("admin")
    hr = make_user("hr", full_name="Hanna Hr", email="hanna@corp.example")
    login(client, hr)
    response = client.post(
        "/hr/new",
        data={
            "full_name": "Cara Candidate",
            "email": "cara@mail.example",
            "profile_id": "community-manager",
            "send_email": "y",
        },
    )
    assert response.status_code == 200 and "was emailed to cara@mail.example" in response.get_data(as_text=True)
    [message] = smtp.to("cara@mail.example")
    link = next(line.strip() for line in text_of(message).splitlines() if "/candidate/invite/" in line)
    assert link.startswith("http://localhost/candidate/invite/") and subject(message).startswith("Your assessment for")
    # The link from the mail opens the candidate's session and the flow; HR is told once at the end.
    browser, opened = as_candidate(app, link.replace("http://localhost", ""))
    assert opened.status_code == 302
    catalog = get_catalog()
    assert complete_flow(browser, catalog.framework, catalog).status_code == 200
    reminders.run()
    [done] = smtp.to("hanna@corp.example")
    assert subject(done).startswith("Cara Candidate finished the assessment")
    assert f"{BASE}/hr/candidates/" in text_of(done)
    # Without the option nothing is mailed (HR sends the link themselves).
    invite(client, name="Dan Draft", email="dan@mail.example")
    reminders.run()
    assert smtp.to("dan@mail.example") == []


def test_messages_are_rendered_in_the_recipients_language(app, team):
    manager, learner = team
    assert mail.recipient_language(learner) == "en"
    app.config["DEFAULT_LANGUAGE"] = "ru"
    assert mail.recipient_language(learner) == "ru"  # no choice of their own: the site default
    learner.language = "en"  # the person's own language wins over the default
    assert mail.recipient_language(learner) == "en"
    learner.language = "xx"  # a language the site no longer ships: the default again
    assert mail.recipient_language(learner) == "ru"
    subject, text, html = mail.render_message("password_reset", "ru", person=learner, link=f"{BASE}/x", minutes=60)
    assert "Сброс пароля" in subject and f"{BASE}/x" in text and '<html lang="ru">' in html


def _russian_events(client, make_user) -> dict:
    """Every kind of message queued once for Russian readers: kind -> the recipient's address."""
    manager = make_user("manager", full_name="Марина Руководитель", email="marina@corp.example")
    learner = make_user("learner", manager=manager, full_name="Лев Учащийся", email="lev@corp.example")
    hr = make_user("hr", full_name="Анна Кадры", email="anna@corp.example")
    for person in (manager, learner, hr):
        person.language = "ru"
    today = date.today()
    soon = _assign(manager, learner, today + timedelta(days=7))
    late = Assignment(
        user_id=learner.id, kind="assessment", due_date=today - timedelta(days=2), assigned_by_id=manager.id
    )
    db.session.add(late)
    db.session.commit()
    notifications.notify(rules.ASSIGNMENT, assignment=soon)
    notifications.notify(rules.DUE_SOON, assignment=soon, days=7)
    notifications.notify(rules.OVERDUE, assignment=late)
    notifications.notify(rules.TEAM_OVERDUE, assignment=late)
    notifications.notify(rules.DIGEST, manager=manager, week="2026-W48", summary=reminders.digest_for(manager, today))
    certificate = Certificate(
        code="RU-MAIL-1", user_id=learner.id, course_slug="basics", course_title="Основы", holder_name=learner.full_name
    )
    db.session.add(certificate)
    db.session.commit()
    notifications.notify(rules.CERTIFICATE, certificate=certificate, commit=True)
    password_reset.request_link(learner.email, "127.0.0.1")
    login(client, hr)
    response = client.post(
        "/hr/new",
        data={
            "full_name": "Карина Кандидат",
            "email": "karina@mail.example",
            "profile_id": "community-manager",
            "language": "ru",
            "send_email": "y",
        },
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    candidate = db.session.scalar(select(Candidate).where(Candidate.email == "karina@mail.example"))
    notifications.notify(rules.CANDIDATE_FINISHED, candidate=candidate, commit=True)
    # A review due tomorrow: the request now, the reminder when reminders.run() goes.
    review_service.start_rounds(manager, [learner], get_catalog().framework, date.today() + timedelta(days=1))
    return {
        rules.ASSIGNMENT: learner.email,
        rules.DUE_SOON: learner.email,
        rules.OVERDUE: learner.email,
        rules.TEAM_OVERDUE: manager.email,
        rules.DIGEST: manager.email,
        rules.CERTIFICATE: learner.email,
        rules.PASSWORD_RESET: learner.email,
        rules.CANDIDATE_INVITATION: candidate.email,
        rules.CANDIDATE_FINISHED: hr.email,
        rules.REVIEW_REQUEST: learner.email,
        rules.REVIEW_DUE_SOON: learner.email,
    }


RUSSIAN_SUBJECTS = {
    rules.ASSIGNMENT: "Новое или изменённое назначение: ",
    rules.DUE_SOON: "Срок через 7 дней: ",
    rules.OVERDUE: "Просрочено: самооценка",
    rules.TEAM_OVERDUE: "Лев Учащийся: просрочено «самооценка»",
    rules.DIGEST: "Ваша команда за неделю",
    rules.CERTIFICATE: "Ваш сертификат: Основы",
    rules.PASSWORD_RESET: "Сброс пароля",
    rules.CANDIDATE_INVITATION: "Ваша оценка на позицию ",
    rules.CANDIDATE_FINISHED: "Карина Кандидат: оценка завершена",
    rules.REVIEW_REQUEST: "Ваша оценка: оцените себя",
    rules.REVIEW_DUE_SOON: "Ваша оценка: оцените себя до завтра",
}
RUSSIAN_GREETING = {rules.CANDIDATE_INVITATION: "Здравствуйте, Карина Кандидат!"}


@pytest.mark.parametrize("kind", sorted(RUSSIAN_SUBJECTS))
def test_a_russian_reader_gets_every_kind_of_message_in_russian(client, make_user, smtp, kind):
    make_user("admin")
    recipients = _russian_events(client, make_user)
    assert set(recipients) == set(rules.KINDS)
    reminders.run()
    [message] = [m for m in smtp.to(recipients[kind]) if m["X-SMMAcademy-Kind"] == kind]
    assert subject(message).startswith(RUSSIAN_SUBJECTS[kind])
    assert message["Content-Language"] == "ru"
    text, html = text_of(message), html_of(message)
    assert text.startswith(RUSSIAN_GREETING.get(kind, "Здравствуйте, ")), text
    assert '<html lang="ru">' in html and "Hello" not in text + html and "Здравствуйте" in html
    for english in ("You can choose", "Open the", "See the", "Continue", "The link", "due date", "Due"):
        assert english not in text + html, (english, text)


def test_two_senders_at_once_send_each_message_once(app, team, smtp):
    manager, learner = team
    for days in (1, 7):
        _assign(manager, learner, date.today() + timedelta(days=days))
    reminders.queue_assignment_reminders(date.today())
    barrier = threading.Barrier(2, timeout=30)
    results = []

    def sender():
        with app.app_context():
            barrier.wait()
            results.append(mail.deliver_due())
            db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r["sent"] for r in results) == 2
    assert sorted(subject(m) for m in smtp.to("leo@corp.example")) == [
        "Due in 7 days: Basics of social media",
        "Due tomorrow: Basics of social media",
    ]
