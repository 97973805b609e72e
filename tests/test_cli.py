"""Command-line tools, run through Flask's CLI runner."""

from __future__ import annotations

from sqlalchemy import func, select

from smmacademy import create_app
from smmacademy.extensions import db
from smmacademy.models import Assignment, User


def test_create_user_reads_the_password_from_stdin(runner):
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "Boss@Example.com",
            "--name",
            "Bea Boss",
            "--role",
            "manager",
            "--department",
            "PR",
            "--password-stdin",
        ],
        input="a-long-password\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created manager boss@example.com." in result.output
    user = db.session.scalar(User.by_email("boss@example.com"))
    assert user.check_password("a-long-password") and user.department_name == "PR"


def test_create_user_refuses_duplicates_and_weak_passwords(runner, make_user):
    make_user("learner", email="dup@example.com")
    duplicate = runner.invoke(
        args=["create-user", "--email", "dup@example.com", "--name", "D", "--password-stdin"], input="a-long-password\n"
    )
    assert duplicate.exit_code == 1 and "already exists" in duplicate.output
    weak = runner.invoke(
        args=["create-user", "--email", "w@example.com", "--name", "W", "--password-stdin"], input="short\n"
    )
    assert weak.exit_code == 1 and "at least 10 characters" in weak.output


def test_demo_loads_every_role_and_prints_logins(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    roles = dict(db.session.execute(select(User.role, func.count(User.id)).group_by(User.role)).all())
    assert roles == {"admin": 1, "hr": 1, "manager": 2, "learner": 12}
    assert "admin@demo.smmacademy.local" in result.output
    password = result.output.split("password: ")[1].split()[0]
    assert db.session.scalar(User.by_email("lena@demo.smmacademy.local")).check_password(password)
    assert db.session.scalar(select(func.count(Assignment.id)).where(Assignment.source == "onboarding")) > 0
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0
    assert db.session.scalar(select(func.count(User.id))) == 16


def test_demo_refuses_a_database_with_real_users(runner, make_user):
    make_user("admin", email="real@company.example")
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 1
    assert "already holds 1 account(s) that are not part of the demo" in result.output
    # The message says how to start over, both ways.
    assert "flask --app app demo --fresh" in result.output
    assert "DATABASE_URL=sqlite:///demo.sqlite flask --app app db upgrade" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_courses_check_prints_totals_for_valid_content(runner):
    result = runner.invoke(args=["courses", "check", "--no-lint"])
    assert result.exit_code == 0
    assert result.output.strip().splitlines()[-1] == "3 courses, 6 modules, 6 questions"


def test_courses_check_lints_the_bank_and_exits_1_past_the_thresholds(runner):
    # The fixture tree is valid but far too small a bank: one question per module.
    result = runner.invoke(args=["courses", "check"])
    assert result.exit_code == 1
    assert "01-basics/02-reading.md: the quiz has 0 questions (5 to 8)" in result.output
    assert "modules outside 5-8 questions" in result.output and "FAIL" in result.output
    assert result.output.strip().splitlines()[-1] == "3 courses, 6 modules, 6 questions"


def test_courses_check_lists_errors_and_exits_1(app_config, courses_dir):
    (courses_dir / "01-basics" / "03-bad.md").write_text("---\ntitle: Bad\nminutes: 2\ncompetencies: [nope]\n---\nx\n")
    app = create_app({**app_config, "ALLOW_INVALID_CONTENT": True})
    result = app.test_cli_runner().invoke(args=["courses", "check"])
    assert result.exit_code == 1
    assert "01-basics/03-bad.md:4: unknown competency id 'nope'" in result.output
    assert "1 problem(s) found." in result.output


def test_site_refuses_to_start_on_invalid_content_outside_debug(app_config, courses_dir):
    import pytest

    from smmacademy.content.errors import ContentInvalid

    (courses_dir / "01-basics" / "03-bad.md").write_text("---\ntitle: Bad\nminutes: x\n---\nx\n")
    with pytest.raises(ContentInvalid, match="03-bad.md:3"):
        create_app(app_config)
    debug_app = create_app({**app_config, "DEBUG": True})
    assert debug_app.extensions["smmacademy_catalog"].catalog.errors


def test_export_gift_writes_moodle_questions(runner, tmp_path):
    result = runner.invoke(args=["courses", "export-gift", str(tmp_path / "gift")])
    assert result.exit_code == 0 and "Wrote 2 GIFT file(s)" in result.output
    text = (tmp_path / "gift" / "basics--intro.gift.txt").read_text()
    assert "::intro-single::Who builds the social media system? {\n=The SMM manager ~An intern ~Nobody" in text
    assert "~%33.3333%PR manager" in text and "~%-33.3333%Accountant" in text
    assert "{\nFALSE\n####A student can be a specialist.\n}" in text
    assert "=3-4 =3 to 4" in text
    assert "=Manager -> Builds the system" in text


def test_debug_mode_picks_up_an_edited_lesson_on_the_next_request(app_config, courses_dir, make_user):
    app = create_app({**app_config, "DEBUG": True})
    client = app.test_client()
    make_user("admin")
    learner = make_user("learner")
    client.post("/login", data={"email": learner.email, "password": "correct-horse-battery"})
    assert b"Introduction to the roles" in client.get("/courses/basics/intro").data
    path = courses_dir / "01-basics" / "01-intro.md"
    path.write_text(path.read_text().replace("title: Introduction to the roles", "title: Edited while running"))
    assert b"Edited while running" in client.get("/courses/basics/intro").data


def test_demo_fresh_asks_first_and_a_no_erases_nothing(runner, make_user):
    make_user("admin", email="real@company.example")
    result = runner.invoke(args=["demo", "--fresh"], input="n\n")
    assert result.exit_code == 1
    assert "Erase every row in sqlite" in result.output or "Erase every row in postgresql" in result.output
    assert "Nothing was erased; the demo was not loaded." in result.output
    assert db.session.scalar(select(User.email)) == "real@company.example"


def test_demo_fresh_confirmed_replaces_everything_with_the_demo_and_can_run_again(runner, make_user):
    make_user("admin", email="real@company.example")
    result = runner.invoke(args=["demo", "--fresh"], input="y\n")
    assert result.exit_code == 0, result.output
    assert "Demo organisation ready." in result.output
    db.session.expire_all()
    assert db.session.scalar(User.by_email("real@company.example")) is None
    counts = _demo_counts()
    assert counts[User] == 16
    again = runner.invoke(args=["demo", "--fresh", "--yes"])
    assert again.exit_code == 0, again.output
    db.session.expire_all()
    assert _demo_counts() == counts  # the same demo, not a second one on top


def _demo_counts():
    from smmacademy.models import Assessment, Candidate, QuizAttempt

    return {
        model: db.session.scalar(select(func.count()).select_from(model))
        for model in (User, Assignment, QuizAttempt, Assessment, Candidate)
    }
