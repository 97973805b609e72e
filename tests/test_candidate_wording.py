"""Candidate-facing wording: no question in the candidate test pool points at a lesson, module, article or course."""

from __future__ import annotations

import pytest

from smmacademy.content.candidate_wording import candidate_facing_texts, course_references
from smmacademy.content.catalog import load_catalog
from smmacademy.services.candidate_test import question_pool

from .conftest import REAL_COURSES

CATALOG = load_catalog(REAL_COURSES)


@pytest.mark.parametrize(
    ("language", "text", "found"),
    [
        ("en", "As the lesson explains, who owns the system?", ["lesson"]),
        ("en", "Which of these does this module call a system?", ["module"]),
        ("en", "According to the article, what matters most?", ["the article"]),
        ("en", "What does this course say about KPIs?", ["this course"]),
        ("en", "As described above, Anna plans the week.", ["as described above"]),
        ("en", "An article on the profession says specialists promote brands.", []),
        ("en", "Ilya takes a short course on furniture assembly.", []),
        ("en", "In the course of a year the group grew.", []),
        ("ru", "Как сказано в уроке, кто отвечает за систему?", ["как сказано в уроке"]),
        ("ru", "Что в этом модуле называют системой?", ["этом модуле"]),
        ("ru", "Что говорится в этой статье о KPI?", ["этой статье"]),
        ("ru", "Что этот курс говорит о KPI?", ["этот курс"]),
        ("ru", "Как описано выше, Анна планирует неделю.", ["как описано выше"]),
        ("ru", "В статье о профессии сказано, что специалисты продвигают бренды.", []),
        ("ru", "Илья проходит короткий курс по сборке мебели.", []),
        ("ru", "Держать коллег в курсе новых трендов.", []),
    ],
)
def test_the_rule_finds_references_to_course_material_and_lets_scenarios_be(language, text, found):
    assert [phrase.lower() for phrase in course_references(text, language)] == found


def pool_questions():
    """Every (module, question id) any profile's candidate may be asked, once."""
    seen = {}
    for profile_id in CATALOG.framework.profiles:
        for module, question, _weight in question_pool(CATALOG, profile_id):
            seen[question.id] = module
    return seen


def test_the_pool_is_most_of_the_bank():
    assert len(pool_questions()) >= 200


@pytest.mark.parametrize("language", ["en", "ru"])
def test_no_question_in_the_candidate_pool_points_at_course_material(language):
    problems = []
    for question_id, module in pool_questions().items():
        shown = next(q for q in module.text_for(language).questions if q.id == question_id)
        for text in candidate_facing_texts(shown):
            for phrase in course_references(text, language):
                problems.append(f"{module.path}: {question_id}: {phrase!r}")
    assert problems == []
