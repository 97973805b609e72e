"""Question quality report: one population at a time, the same figures on the page, in the CSV and the CLI."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest

from smmacademy.content.snapshot import freeze
from smmacademy.domain.grading import grade_quiz
from smmacademy.extensions import db
from smmacademy.models import Candidate, QuizAttempt
from smmacademy.models.base import utcnow
from smmacademy.services import item_stats
from smmacademy.services.demo_activity import simulated_answer

from .conftest import login, make_attempt

PEOPLE = 40


def _catalog(app):
    return app.extensions["smmacademy_catalog"].catalog


# Who answers right: everybody stronger than the question's threshold.
THRESHOLDS = {"intro-single": 0.0, "intro-multiple": 0.2, "intro-truefalse": 0.0, "intro-text": 0.4}


def _answers(module, strength: float, planted: bool = True) -> dict:
    """Answers of a person of ``strength`` (0..1): the strong know more, except on the planted questions.

    intro-single is planted as miskeyed: the strongest (top 30 %) pick "b", scored wrong, the
    others the key "a". intro-truefalse is planted as too easy: everybody gets it right.
    """
    answers = {q.id: simulated_answer(q, strength > THRESHOLDS.get(q.id, 0.6), _Picker()) for q in module.questions}
    if planted:
        answers["intro-single"] = ["b"] if strength > 0.7 else ["a"]
        answers["intro-truefalse"] = False
    return answers


class _Picker:
    """A deterministic stand-in for random.Random in simulated_answer."""

    def choice(self, items):
        return items[0]

    def random(self):
        return 0.0

    def shuffle(self, items):
        items.reverse()


def _store(user_id: int, module, answers: dict, nonce: str) -> QuizAttempt:
    score, grades = grade_quiz(module.questions, answers)
    attempt = make_attempt(
        user_id,
        nonce,
        answers=answers,
        grades={qid: g.score for qid, g in grades.items()},
        questions=freeze(module.questions, 1),
        score=score,
        passed=score >= 80,
    )
    db.session.add(attempt)
    return attempt


@pytest.fixture
def cohort(app, make_user):
    """PEOPLE employees who each took the intro quiz once, strength spread evenly."""
    module = _catalog(app).module("basics", "intro")
    people = [make_user() for _ in range(PEOPLE)]
    for number, person in enumerate(people):
        _store(person.id, module, _answers(module, number / (PEOPLE - 1)), f"first-{number}")
    db.session.commit()
    return people, module


def _report(app, population=item_stats.EMPLOYEES, all_attempts=False):
    catalog = _catalog(app)
    return item_stats.course_report(catalog, catalog.courses["basics"], population, all_attempts)


def _page_rows(html: str, table_id: str = "question-table") -> list[list[str]]:
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = []
    for body in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S):
        cells = [unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td>(.*?)</td>", body, re.S)]
        rows.append(cells)
    return rows


def _read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_planted_miskey_and_too_easy_questions_are_flagged_on_the_page(client, login_as, cohort):
    login_as("admin")
    html = client.get("/admin/quality/basics").get_data(as_text=True)
    rows = {row[1]: row for row in _page_rows(html)}
    assert "likely miskeyed" in rows["intro-single"][-1]
    assert "too easy" in rows["intro-truefalse"][-1]
    assert "likely miskeyed" not in rows["intro-multiple"][-1]
    assert "likely miskeyed" not in rows["intro-text"][-1]
    assert rows["intro-single"][3] == str(PEOPLE)
    assert float(rows["intro-single"][7]) < 0  # discrimination index
    assert rows["intro-truefalse"][4] == "100.00"  # facility


def test_page_csv_and_cli_show_the_same_rows(app, client, login_as, runner, cohort, tmp_path):
    login_as("admin")
    page = _page_rows(client.get("/admin/quality/basics?sort=facility&dir=desc").get_data(as_text=True))
    response = client.get("/admin/quality/basics.csv?sort=facility&dir=desc")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "text/csv"
    sorted_csv = _read_csv(response.get_data(as_text=True))
    assert sorted_csv[1:] == page  # the CSV keeps the page's sort
    assert [row[4] for row in page] == sorted((row[4] for row in page), key=float, reverse=True)
    from_http = _read_csv(client.get("/admin/quality/basics.csv").get_data(as_text=True))
    target = tmp_path / "stats.csv"
    result = runner.invoke(args=["courses", "stats", "--course", "basics", "--csv", str(target)])
    assert result.exit_code == 0, result.output
    assert from_http == _read_csv(target.read_text(encoding="utf-8"))
    assert sorted(from_http[1:]) == sorted(page)
    text = " ".join(runner.invoke(args=["courses", "stats", "--course", "basics"]).output.split())
    assert all(" ".join(" ".join(row[1:]).split()) in text for row in from_http[1:])


def test_quiz_figures_agree_on_the_page_and_in_the_cli(app, client, login_as, runner, cohort):
    login_as("admin")
    page = _page_rows(client.get("/admin/quality/basics").get_data(as_text=True), "quiz-table")
    (intro,) = [row for row in page if row[0].endswith("Introduction to the roles")]
    totals = [a.score / 20 for a in db.session.scalars(db.select(QuizAttempt))]  # percent -> marks of 5
    assert intro[1] == str(PEOPLE)
    assert float(intro[2]) == pytest.approx(100 * sum(totals) / len(totals) / 5, abs=0.01)
    cic = _report(app).quizzes[0].quiz.cic
    assert intro[7] == f"{cic:.2f}"
    text = " ".join(runner.invoke(args=["courses", "stats", "--course", "basics"]).output.split())
    assert " ".join(" ".join(intro).split()) in text


def test_a_report_costs_two_queries_however_many_attempts(app, cohort):
    from sqlalchemy import event

    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        _report(app, all_attempts=True)
        _report(app, item_stats.CANDIDATES)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) == 4  # per population: the cache key and the attempts


def test_question_page_shows_source_figures_and_distractors(client, login_as, cohort):
    login_as("admin")
    html = unescape(client.get("/admin/quality/basics/questions/intro-single").get_data(as_text=True))
    # The question's "- id:" line in tests/fixtures/courses/01-basics/01-intro.md.
    assert "courses/01-basics/01-intro.md:6" in html
    assert "b: An intern" in html
    assert "Likely miskeyed" not in html  # flags are explained in plain words, not keys
    assert "wrong option attracts stronger people" in html
    assert client.get("/admin/quality/basics/questions/no-such-question").status_code == 404
    assert client.get("/admin/quality/nowhere").status_code == 404
    bad = client.get("/admin/quality/basics?population=martians")
    assert bad.status_code == 400
    assert "employees or candidates" in bad.get_data(as_text=True)


def test_distractor_table_lists_pairs_and_normalised_answers(app, cohort):
    rows = {row.question.id: row for row in _report(app).questions}
    matching = {c.choice for c in rows["intro-matching"].stats.choices}
    assert "Manager → Builds the system" in matching
    assert "Manager → Keeps relationships" in matching  # a wrong pair, as chosen
    texts = {c.choice: c for c in rows["intro-text"].stats.choices}
    assert texts["3-4"].is_key
    single = {c.choice: c for c in rows["intro-single"].stats.choices}
    assert single["b"].count == 12 and not single["b"].is_key  # strength 28/39 .. 39/39
    assert single["b"].mean_rest > single["a"].mean_rest


def test_first_and_all_attempts_differ_when_people_retry(app, cohort):
    people, module = cohort
    for number, person in enumerate(people[:10]):
        # Retakes with everything right (planted questions fixed by the retake).
        _store(person.id, module, _answers(module, 1.0, planted=False), f"retry-{number}")
    db.session.commit()
    first, every = _report(app), _report(app, all_attempts=True)
    assert first.quizzes[0].quiz.attempts == PEOPLE
    assert every.quizzes[0].quiz.attempts == PEOPLE + 10
    assert every.row("intro-single").stats.facility > first.row("intro-single").stats.facility


def test_employees_and_candidates_are_separate_populations(app, cohort):
    catalog = _catalog(app)
    module = catalog.module("basics", "intro")
    deep = catalog.module("advanced", "deep")
    drawn = (module.questions[0], deep.questions[0])
    for number in range(5):
        db.session.add(
            Candidate(
                full_name=f"C {number}",
                email=f"c{number}@mail.example",
                profile_id="smm-manager",
                test_snapshot=freeze(drawn, 1),
                test_answers={"intro-single": ["c"], "deep-single": ["a"]},
                test_grades={"intro-single": 0.0, "deep-single": 1.0},
                test_started_at=utcnow(),
                test_submitted_at=utcnow(),
            )
        )
    # A test closed for time answers nothing and is left out.
    db.session.add(Candidate(full_name="Late", email="late@mail.example", profile_id="smm-manager",
                             test_snapshot=freeze(drawn, 1), test_answers={}, test_grades={"intro-single": 0.0},
                             test_started_at=utcnow(), test_submitted_at=utcnow(), test_expired_at=utcnow()))  # fmt: skip
    db.session.commit()
    employees, candidates = _report(app), _report(app, item_stats.CANDIDATES)
    assert employees.row("intro-single").stats.attempts == PEOPLE
    assert "c" not in {c.choice for c in employees.row("intro-single").stats.choices}
    single = candidates.row("intro-single").stats
    assert single.attempts == 5
    assert single.facility == 0.0
    assert {c.choice: c.count for c in single.choices}["c"] == 5
    assert candidates.row("intro-multiple").stats.attempts == 0
    assert candidates.quizzes[0].quiz is None  # no per-quiz figures for drawn tests


def test_cache_serves_until_a_new_attempt_arrives(app, cohort, make_user):
    people, module = cohort
    first = _report(app)
    assert _report(app) is first
    newcomer = make_user()
    _store(newcomer.id, module, _answers(module, 0.9), "newcomer")
    db.session.commit()
    fresh = _report(app)
    assert fresh is not first
    assert fresh.quizzes[0].quiz.attempts == PEOPLE + 1
    # A retake is not a first attempt: the first-attempt key (and report) stays.
    _store(newcomer.id, module, _answers(module, 0.9), "newcomer-again")
    db.session.commit()
    assert _report(app) is fresh
    assert _report(app, all_attempts=True).quizzes[0].quiz.attempts == PEOPLE + 2


def test_answers_to_an_earlier_version_are_left_out_of_that_question(app, cohort):
    people, module = cohort
    attempt = db.session.query(QuizAttempt).filter_by(nonce="first-0").one()
    frozen = [dict(entry) for entry in attempt.questions]
    frozen[0]["hash"] = "0000000000000000"  # intro-single was answered in another wording
    attempt.questions = frozen
    db.session.commit()
    report = _report(app)
    assert report.row("intro-single").stats.attempts == PEOPLE - 1
    assert report.row("intro-single").stale == 1
    assert report.row("intro-multiple").stats.attempts == PEOPLE


def test_cli_refuses_an_unknown_course(runner, cohort):
    result = runner.invoke(args=["courses", "stats", "--course", "nowhere"])
    assert result.exit_code != 0
    assert "There is no course 'nowhere'" in result.output


def test_cli_candidates_and_all_courses(runner, cohort, tmp_path):
    target = tmp_path / "all.csv"
    result = runner.invoke(args=["courses", "stats", "--candidates", "--csv", str(target)])
    assert result.exit_code == 0, result.output
    rows = _read_csv(target.read_text(encoding="utf-8"))
    assert rows[0][:2] == ["Course", "Module"]
    assert {row[0] for row in rows[1:]} == {"basics", "advanced"}
    assert all(row[4] == "0" for row in rows[1:])  # no candidate took a test


def test_index_page_shows_competency_alpha(app, client, login_as, make_user):
    from smmacademy.models import Assessment, AssessmentRating

    framework = _catalog(app).framework
    competency = next(iter(framework.competencies.values()))
    for level in (1, 2, 3, 4, 5):
        person = make_user()
        assessment = Assessment(user_id=person.id, framework_version=framework.version, submitted_at=utcnow())
        assessment.rating_rows = [AssessmentRating(statement_id=s.id, value=level) for s in competency.statements]
        db.session.add(assessment)
    db.session.commit()
    login_as("admin")
    html = client.get("/admin/quality").get_data(as_text=True)
    row = html.split(competency.name, 1)[1].split("</tr>", 1)[0]
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
    assert cells[:3] == [str(len(competency.statements)), "5", "1.00"]
    assert client.get("/admin/quality?population=candidates").status_code == 200


def test_quality_pages_are_for_admins_only(client, make_user, cohort):
    manager = make_user("manager")
    login(client, manager)
    assert client.get("/admin/quality/basics").status_code == 403
    assert client.get("/admin/quality/basics.csv").status_code == 403


def test_candidates_self_ratings_are_compared_with_their_knowledge_test(app):
    from smmacademy.models import Assessment, AssessmentRating
    from smmacademy.services.assessment_quality import competency_report

    catalog = _catalog(app)
    strategy = catalog.framework.competencies["strategy"]
    question = catalog.module("basics", "intro").questions[0]
    for level in (1, 2, 3, 4):
        frozen = freeze((question,), 1)
        frozen[0]["competencies"] = ["strategy"]
        candidate = Candidate(
            full_name=f"C {level}",
            email=f"c{level}@mail.example",
            profile_id="smm-manager",
            test_snapshot=frozen,
            test_answers={question.id: ["a"]},
            test_grades={question.id: 1.0 if level > 2 else 0.0},
            test_started_at=utcnow(),
            test_submitted_at=utcnow(),
        )
        db.session.add(candidate)
        db.session.flush()
        assessment = Assessment(candidate_id=candidate.id, framework_version=1, submitted_at=utcnow())
        assessment.rating_rows = [AssessmentRating(statement_id=s.id, value=level) for s in strategy.statements]
        db.session.add(assessment)
    db.session.commit()
    rows = dict(competency_report(catalog, item_stats.CANDIDATES))
    row = rows[strategy.name]
    assert (row.people, row.agreement_n) == (4, 4)
    # Self-ratings 1..4 against test shares 0, 0, 1, 1: ranks 1..4 against 1.5, 1.5, 3.5, 3.5.
    assert row.agreement == pytest.approx(0.894, abs=1e-3)
    assert dict(competency_report(catalog, item_stats.EMPLOYEES))[strategy.name].people == 0
