"""What every question type shares: the question record, a grade, the type interface and answer errors.

The types themselves and their registry live in :mod:`.questions`; reading and
grading a whole submission lives in :mod:`smmacademy.domain.grading`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .errors import Reporter
    from .yamlfile import LineDict

GetList = Callable[[str], list[str]]


def N_(message: str) -> str:
    """Mark ``message`` for translation (``pybabel extract -k N_``); this module knows no Flask."""
    return message


class AnswerError(ValueError):
    """A submitted answer to question ``question_id`` that cannot be graded as it is.

    ``str(error)`` is the technical detail for logs and tools (it names the
    question id). What a person reads is ``message``, an English template with
    ``%(name)s`` placeholders filled from ``values`` and shown translated
    (``smmacademy.i18n.translated``) next to the question: it never names an id.
    """

    def __init__(self, question_id: str, detail: str, message: str, **values: object):
        super().__init__(detail)
        self.question_id = question_id
        self.message, self.values = message, values


class MissingAnswer(AnswerError):
    """The question (or one part of it, such as a matching item) was left blank."""

    def __init__(
        self, question_id: str, detail: str | None = None, message: str = N_("Answer this question."), **values: object
    ):
        super().__init__(question_id, detail or f"question '{question_id}' has no answer", message, **values)


class InvalidAnswer(AnswerError):
    """The answer does not fit the question (unknown option, too long, ...): ``reason`` says how."""

    def __init__(
        self,
        question_id: str,
        reason: str,
        message: str = N_("This answer does not fit the question. Choose again."),
        **values: object,
    ):
        super().__init__(question_id, reason, message, **values)
        self.reason = reason


@dataclass(frozen=True)
class Question:
    """A validated question; which fields are used depends on ``type``."""

    id: str
    type: str
    prompt: str
    explanation: str
    line: int = 0
    options: tuple[tuple[str, str], ...] = ()
    correct: frozenset[str] = frozenset()
    truth: bool | None = None
    answers: tuple[str, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()
    cognitive: str | None = None
    points: tuple[str, ...] = ()

    @property
    def kind(self) -> QuestionType:
        """The registered type object that handles this question."""
        from .questions import QUESTION_TYPES  # the registry imports this module

        return QUESTION_TYPES[self.type]

    def option_text(self, key: str) -> str:
        """Text of option ``key`` (empty when the key is unknown)."""
        return dict(self.options).get(key, "")


@dataclass(frozen=True)
class Grade:
    """Result of grading one answer: ``score`` in [0, 1]."""

    score: float
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def correct(self) -> bool:
        """True when the answer earned full marks."""
        return self.score >= 0.999


class QuestionType:
    """Base class of question types."""

    name = ""
    label = ""

    def parse(self, raw: LineDict, base: dict, report: Reporter) -> Question | None:
        """Validate type-specific fields of ``raw`` and build the question."""
        raise NotImplementedError

    def presentation(self, question: Question, rng: random.Random) -> dict[str, Any]:
        """Shuffled display order for one attempt (the rng is seeded per attempt)."""
        return {}

    def read_answer(self, question: Question, getlist: GetList) -> Any:
        """Read this question's answer from form values; raise MissingAnswer or InvalidAnswer."""
        raise NotImplementedError

    def grade(self, question: Question, answer: Any) -> Grade:
        """Score an answer previously returned by :meth:`read_answer`."""
        raise NotImplementedError

    def field(self, question: Question) -> str:
        """Form field name that carries this question's answer."""
        return f"q-{question.id}"

    def random_guess(self, question: Question) -> float | None:
        """Expected score of a blind but valid answer (item analysis), None when undefined."""
        return None

    def fields(self, question: Question) -> set[str]:
        """Every form field name an answer to this question may use."""
        return {self.field(question)}
