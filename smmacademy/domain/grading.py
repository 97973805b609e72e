"""Reading and grading a whole submission: the one place both the employee quiz and the candidate test use.

Each question type reads and grades its own answer (content/questions.py) and
says what went wrong with a typed error: :class:`MissingAnswer` for a blank,
:class:`InvalidAnswer` for an answer that does not fit. What a blank means is
the caller's explicit :class:`BlankPolicy`: an employee quiz is incomplete
(``BLANK_IS_ERROR``), a candidate's timed test scores a blank as 0
(``BLANK_SCORES_ZERO``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ..content.question_base import AnswerError, GetList, Grade, InvalidAnswer, MissingAnswer, Question
from ..content.questions import expected_fields


class BlankPolicy(Enum):
    """What an unanswered question means for a submission."""

    BLANK_IS_ERROR = "error"
    BLANK_SCORES_ZERO = "zero"


BLANK_IS_ERROR = BlankPolicy.BLANK_IS_ERROR
BLANK_SCORES_ZERO = BlankPolicy.BLANK_SCORES_ZERO
BLANK = Grade(0.0, {"blank": True})


class AnswersRejected(ValueError):
    """Some answers cannot be graded; ``problems`` holds every typed error, in question order."""

    def __init__(self, problems: list[AnswerError]):
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = tuple(problems)


class UnknownFields(ValueError):
    """The form carries question fields that none of the questions uses (a tampered form)."""

    def __init__(self, names: list[str]):
        super().__init__(", ".join(names))
        self.names = tuple(names)


__all__ = [
    "BLANK_IS_ERROR",
    "BLANK_SCORES_ZERO",
    "AnswerError",
    "AnswersRejected",
    "BlankPolicy",
    "InvalidAnswer",
    "MissingAnswer",
    "Submission",
    "UnknownFields",
    "check_fields",
    "grade_quiz",
    "grade_submission",
    "read_answers",
]


def check_fields(questions: tuple[Question, ...], field_names: Iterable[str]) -> None:
    """Raise UnknownFields when a submitted ``q-…`` field belongs to none of ``questions``."""
    allowed = expected_fields(questions)
    unknown = sorted(name for name in field_names if name.startswith("q-") and name not in allowed)
    if unknown:
        raise UnknownFields(unknown)


def read_answers(questions: tuple[Question, ...], getlist: GetList, blank_policy: BlankPolicy) -> dict[str, Any]:
    """Every question's answer, keyed by question id.

    Under ``BLANK_SCORES_ZERO`` a blank question is left out of the result;
    under ``BLANK_IS_ERROR`` it is a problem. Raises AnswersRejected listing
    every problem at once.
    """
    answers: dict[str, Any] = {}
    problems: list[AnswerError] = []
    for question in questions:
        try:
            answers[question.id] = question.kind.read_answer(question, getlist)
        except MissingAnswer as missing:
            if blank_policy is not BlankPolicy.BLANK_SCORES_ZERO:
                problems.append(missing)
        except InvalidAnswer as invalid:
            problems.append(invalid)
    if problems:
        raise AnswersRejected(problems)
    return answers


def grade_quiz(questions: tuple[Question, ...], answers: dict[str, Any]) -> tuple[float, dict[str, Grade]]:
    """Grade every question (an unanswered one scores 0); the percentage score and each grade.

    A quiz without questions scores 100.
    """
    grades = {q.id: q.kind.grade(q, answers[q.id]) if q.id in answers else BLANK for q in questions}
    if not questions:
        return 100.0, grades
    percent = 100 * sum(g.score for g in grades.values()) / len(questions)
    return round(percent, 1), grades


@dataclass(frozen=True)
class Submission:
    """A graded submission: the answers read, the percentage score and each question's grade."""

    answers: dict[str, Any]
    score: float
    grades: dict[str, Grade]

    @property
    def scores(self) -> dict[str, float]:
        """Each question's score in [0, 1], as attempts store it."""
        return {qid: grade.score for qid, grade in self.grades.items()}


def grade_submission(
    questions: tuple[Question, ...], field_names: Iterable[str], getlist: GetList, blank_policy: BlankPolicy
) -> Submission:
    """Check the form's fields, read every answer under ``blank_policy`` and grade them.

    Raises UnknownFields for a tampered form and AnswersRejected for answers
    that cannot be graded.
    """
    check_fields(questions, field_names)
    answers = read_answers(questions, getlist, blank_policy)
    score, grades = grade_quiz(questions, answers)
    return Submission(answers, score, grades)
