"""Regressions the Russian browser journey found: what a Russian reader answers is graded and shown in Russian."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from smmacademy.content.catalog import load_catalog
from smmacademy.domain.grading import grade_quiz
from smmacademy.models import Candidate
from smmacademy.services import candidate_test, candidates

from .conftest import REAL_COURSES

CATALOG = load_catalog(REAL_COURSES)
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
TEXT_MODULE = next(m for m in CATALOG.modules if any(q.type == "text" for q in m.questions) and "ru" in m.texts)


def test_a_russian_text_answer_is_right_against_the_russian_wording_only():
    russian = TEXT_MODULE.text_for("ru").questions
    question = next(q for q in russian if q.type == "text")
    answer = next(a for a in question.answers if CYRILLIC.search(a))
    english_only = TEXT_MODULE.questions
    grades_ru = grade_quiz(tuple(q for q in russian if q.id == question.id), {question.id: answer})[1]
    grades_en = grade_quiz(tuple(q for q in english_only if q.id == question.id), {question.id: answer})[1]
    assert grades_ru[question.id].score == 1.0  # what submit_quiz now grades against for a Russian reader
    assert grades_en[question.id].score == 0.0  # what it graded against before


def test_a_russian_candidates_test_is_frozen_in_russian_with_the_english_keys():
    ids = [q.id for q in TEXT_MODULE.questions]
    frozen = candidate_test._freeze_drawn(CATALOG, ids, seed=7, language="ru")
    english = candidate_test._freeze_drawn(CATALOG, ids, seed=7)
    assert [e["id"] for e in frozen] == ids
    assert all(CYRILLIC.search(e["prompt"]) for e in frozen)
    assert not any(CYRILLIC.search(e["prompt"]) for e in english)
    assert [(e["correct"], e["truth"]) for e in frozen] == [(e["correct"], e["truth"]) for e in english]


@pytest.mark.parametrize(
    ("fields", "reason"),
    [({"submitted_at": datetime(2026, 1, 1, tzinfo=UTC)}, "used"), ({"token_hash": None}, "revoked")],
)
def test_a_dead_link_problem_carries_the_invitations_language(fields, reason):
    candidate = Candidate(**{"language": "ru", "status": "invited", "token_hash": "x", **fields})
    with pytest.raises(candidates.LinkProblem) as problem:
        candidates.check_usable(candidate)
    assert (problem.value.reason, problem.value.language) == (reason, "ru")
