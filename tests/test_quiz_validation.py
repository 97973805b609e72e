"""A quiz or test form with a blank or invalid answer comes back with the problem on its question and every answer kept."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from smmacademy.content.catalog import load_catalog
from smmacademy.content.questions import QUESTION_TYPES
from smmacademy.domain import grading
from smmacademy.extensions import db
from smmacademy.models import Candidate, QuizAttempt
from smmacademy.services import candidate_test

from .conftest import FIXTURE_COURSES, login
from .test_hr import as_candidate, invite
from .test_learn import RIGHT, attempt_token

QUIZ = "/courses/basics/intro/quiz"
IDS = ("intro-single", "intro-multiple", "intro-truefalse", "intro-text", "intro-matching")


@pytest.fixture
def learner(login_as, make_user):
    make_user("admin")
    return login_as("learner")


def visible_text(html: str) -> str:
    """What a person reads: the page without tags, attribute values, scripts and styles."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def question_block(html: str, qid: str) -> str:
    """The rendered <li> of one question."""
    match = re.search(
        rf'<li class="question[^"]*" id="question-{qid}">(.*?)</li>\s*(?=<li class="question|</ol>)', html, re.S
    )
    assert match, f"question {qid} not on the page"
    return match.group(1)


def test_a_blank_choose_all_question_comes_back_marked_with_every_other_answer_kept(client, learner):
    token = attempt_token(client)
    answers = {**RIGHT, "q-intro-single": "b", "q-intro-text": "five to six", "q-intro-matching-1": "2"}
    del answers["q-intro-multiple"]
    response = client.post(QUIZ, data={**answers, "attempt": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 0
    # The message sits on the question, tied to its fieldset, and the summary at the top links to it.
    multiple = question_block(html, "intro-multiple")
    assert '<fieldset aria-invalid="true" aria-describedby="error-intro-multiple">' in multiple
    assert '<p class="error" id="error-intro-multiple">Choose at least one option.</p>' in multiple
    summary = html[html.index('id="error-summary"') : html.index(f'<form method="post" action="{QUIZ}"')]
    assert '<a href="#question-intro-multiple">Question 2: Choose at least one option.</a>' in summary
    assert "1 question needs your attention" in summary
    # The other questions are not marked, and what was answered is still selected or typed.
    assert "aria-invalid" not in question_block(html, "intro-single")
    assert re.search(r'value="b" checked', question_block(html, "intro-single"))
    assert re.search(r'value="false" checked', question_block(html, "intro-truefalse"))
    assert 'value="five to six"' in question_block(html, "intro-text")
    matching = question_block(html, "intro-matching")
    for left, right in (("0", "0"), ("1", "2"), ("2", "2")):
        select_html = re.search(rf'<select id="q-intro-matching-{left}".*?</select>', matching, re.S).group(0)
        assert re.findall(r'<option value="(\d)" selected>', select_html) == [right]
    # The same attempt continues: same token, so the same order of options.
    assert f'name="attempt" value="{token}"' in html
    # No internal id or technical message reaches the person.
    text = visible_text(html)
    assert not any(qid in text for qid in IDS)
    assert "has no answer" not in html and "question '" not in text


def test_fixing_the_blank_question_then_submits_the_same_attempt(client, learner):
    token = attempt_token(client)
    blank = {k: v for k, v in RIGHT.items() if k != "q-intro-multiple"}
    assert client.post(QUIZ, data={**blank, "attempt": token}).status_code == 422
    fixed = client.post(QUIZ, data={**RIGHT, "attempt": token})
    assert fixed.status_code == 302
    assert db.session.scalar(select(QuizAttempt.score)) == 100.0


def test_every_blank_question_is_listed_in_order_with_its_own_message(client, learner):
    response = client.post(QUIZ, data={"attempt": attempt_token(client)})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "5 questions need your attention" in html
    expected = [
        "Question 1: Choose an answer.",
        "Question 2: Choose at least one option.",
        "Question 3: Choose true or false.",
        "Question 4: Type your answer.",
        "Question 5: Choose a match for every item.",
    ]
    assert re.findall(r'<a href="#question-[^"]+">([^<]+)</a>', html) == expected
    assert 'aria-invalid="true" aria-describedby="prompt-intro-text error-intro-text"' in html
    assert (
        html.count('<select id="q-intro-matching-')
        == html.count('aria-invalid="true" aria-describedby="error-intro-matching"')
        == 3
    )


def test_a_too_long_typed_answer_is_kept_and_explained(client, learner):
    long = "x" * 201
    response = client.post(QUIZ, data={**RIGHT, "q-intro-text": long, "attempt": attempt_token(client)})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Shorten your answer to 200 characters or fewer." in question_block(html, "intro-text")
    assert f'value="{long}"' in html


def test_the_messages_are_in_russian_for_a_russian_reader(client, make_user):
    make_user("admin")
    user = make_user("learner")
    user.language = "ru"
    db.session.commit()
    login(client, user)
    blank = {k: v for k, v in RIGHT.items() if k != "q-intro-multiple"}
    html = client.post(QUIZ, data={**blank, "attempt": attempt_token(client)}).get_data(as_text=True)
    assert "Выберите хотя бы один вариант." in question_block(html, "intro-multiple")
    assert "Вопрос 2: Выберите хотя бы один вариант." in html


def test_every_question_type_says_what_is_missing_without_naming_an_id():
    """Each registered type raises a typed error whose human message names no id (a new type must too)."""
    questions = load_catalog(FIXTURE_COURSES).module("basics", "intro").questions
    assert {q.type for q in questions} == set(QUESTION_TYPES)
    with pytest.raises(grading.AnswersRejected) as rejected:
        grading.read_answers(questions, lambda name: [], grading.BLANK_IS_ERROR)
    problems = rejected.value.problems
    assert [p.question_id for p in problems] == [q.id for q in questions]
    assert all(isinstance(p, grading.MissingAnswer) for p in problems)
    assert all(p.question_id not in p.message % p.values for p in problems)
    assert all(p.question_id in str(p) for p in problems)  # the technical detail keeps it, for logs


def started_test(app, client, make_user):
    """An HR person invites a candidate, who consents and starts the test: (candidate's client, candidate, questions)."""
    make_user("admin")
    login(client, make_user("hr"))
    candidate, link, _html = invite(client)
    browser, _ = as_candidate(app, link)
    for url, data in (("/candidate/consent", {"consent": "y"}), ("/candidate/test", {"action": "start"})):
        browser.post(url, data=data)
    db.session.refresh(candidate)
    return browser, candidate, candidate_test.test_questions(candidate)[0]


def test_candidate_test_with_an_invalid_answer_comes_back_with_the_answers_kept(app, client, make_user):
    browser, candidate, questions = started_test(app, client, make_user)
    text = next((q for q in questions if q.type == "text"), None)
    choice = next(q for q in questions if q.type in ("single", "multiple"))
    data = {"action": "submit", f"q-{choice.id}": choice.options[0][0]}
    broken = text or choice
    data[f"q-{broken.id}"] = "x" * 201 if text else "no-such-option"
    response = browser.post("/candidate/test", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="error-{broken.id}"' in html and 'aria-invalid="true"' in html
    assert f'<a href="#question-{broken.id}">' in html
    if text:
        assert f'value="{"x" * 201}"' in html
        assert re.search(rf'name="q-{choice.id}" value="{choice.options[0][0]}" checked', html)
    assert not any(q.id in visible_text(html) for q in questions)
    db.session.refresh(candidate)
    assert candidate.test_submitted_at is None
    assert db.session.scalar(select(Candidate.test_answers)) is None
