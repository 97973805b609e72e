"""Question types: each validates its YAML, prepares its presentation and grades.

A type is registered in :data:`QUESTION_TYPES` under the name authors write in
``type:``. Adding a type means writing one class here and one template partial
``templates/learn/questions/_<name>.html``.
"""

from __future__ import annotations

import math
import random
import re
from typing import Any

from .answers import answers_match
from .errors import Reporter
from .question_base import (
    N_,
    AnswerError,
    GetList,
    Grade,
    InvalidAnswer,
    MissingAnswer,
    Question,
    QuestionType,
)
from .yamlfile import LineDict

__all__ = [
    "AnswerError",
    "GetList",
    "Grade",
    "InvalidAnswer",
    "MissingAnswer",
    "Question",
    "QuestionType",
]

QUESTION_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
OPTION_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
# What a question asks of the learner: remember a fact, apply it, or decide in a situation.
COGNITIVE_LEVELS = ("recall", "application", "scenario")
POINT_KEY = re.compile(r"^\d{3}\.\d+$")


def _parse_options(raw: LineDict, report: Reporter) -> tuple[tuple[str, str], ...] | None:
    options = raw.get("options")
    if not isinstance(options, dict) or len(options) < 2:
        report.error(
            f"question '{raw.get('id')}': 'options' must map at least two keys to texts (for example  a: First option)",
            raw.line_of("options"),
        )
        return None
    result = []
    for key, text in options.items():
        key = str(key)
        if not OPTION_KEY.match(key) or not isinstance(text, (str, int, float)) or not str(text).strip():
            report.error(
                f"question '{raw.get('id')}': option '{key}' needs a short key "
                "(letters, digits, - or _) and a non-empty text",
                options.line_of(key) if isinstance(options, LineDict) else raw.line,
            )
            return None
        result.append((key, str(text).strip()))
    return tuple(result)


class _ChoiceType(QuestionType):
    multiple = False

    def parse(self, raw, base, report):
        options = _parse_options(raw, report)
        if options is None:
            return None
        correct = raw.get("correct")
        keys = [correct] if not isinstance(correct, list) else correct
        keys = [str(key) for key in keys if key is not None and str(key).strip()]
        line = raw.line_of("correct")
        if not keys:
            report.error(
                f"question '{base['id']}' has no correct answer: add 'correct:' with "
                + ("a list of option keys" if self.multiple else "one option key"),
                line,
            )
            return None
        if not self.multiple and (isinstance(correct, list) or len(keys) != 1):
            report.error(
                f"question '{base['id']}': a single-choice question has exactly one correct "
                "option; use type: multiple for several",
                line,
            )
            return None
        unknown = [key for key in keys if key not in dict(options)]
        if unknown:
            report.error(
                f"question '{base['id']}': correct answer(s) {', '.join(unknown)} are not "
                f"among the options ({', '.join(k for k, _ in options)})",
                line,
            )
            return None
        return Question(**base, options=options, correct=frozenset(keys))

    def presentation(self, question, rng):
        order = [key for key, _ in question.options]
        rng.shuffle(order)
        return {"order": order}

    def read_answer(self, question, getlist):
        values = getlist(self.field(question))
        valid = dict(question.options)
        if not values:
            raise MissingAnswer(
                question.id, message=N_("Choose at least one option.") if self.multiple else N_("Choose an answer.")
            )
        if not self.multiple and len(values) != 1:
            raise InvalidAnswer(
                question.id, f"question '{question.id}' takes exactly one answer", N_("Choose exactly one answer.")
            )
        unknown = [value for value in values if value not in valid]
        if unknown:
            raise InvalidAnswer(
                question.id,
                f"question '{question.id}' has no option '{unknown[0]}'",
                N_("Choose from the options shown."),
            )
        return sorted(set(values))

    def grade(self, question, answer):
        picked = set(answer)
        if not self.multiple:
            return Grade(1.0 if picked == set(question.correct) else 0.0, {"picked": sorted(picked)})
        share = 1 / len(question.correct)
        right = len(picked & question.correct)
        wrong = len(picked - question.correct)
        score = max(0.0, min(1.0, (right - wrong) * share))
        return Grade(round(score, 4), {"picked": sorted(picked), "right": right, "wrong": wrong})


class SingleChoice(_ChoiceType):
    name = "single"
    label = "Single choice"

    def random_guess(self, question):
        return 1 / len(question.options) if question.options else None


class MultipleChoice(_ChoiceType):
    name = "multiple"
    label = "Multiple choice"
    multiple = True

    def random_guess(self, question):
        """Every non-empty subset of options equally likely (an empty answer is refused), graded as :meth:`grade`.

        Moodle leaves this blank for multiple-answer questions; ours follows the partial-credit rule.
        """
        right_total, options = len(question.correct), len(question.options)
        if not right_total:
            return None
        wrong_total = options - right_total
        expected = sum(
            math.comb(right_total, right) * math.comb(wrong_total, wrong) * max(0.0, (right - wrong) / right_total)
            for right in range(right_total + 1)
            for wrong in range(wrong_total + 1)
        )
        return expected / (2**options - 1)


class TrueFalse(QuestionType):
    name = "truefalse"
    label = "True or false"

    def parse(self, raw, base, report):
        correct = raw.get("correct")
        if not isinstance(correct, bool):
            report.error(
                f"question '{base['id']}' has no correct answer: write 'correct: true' or 'correct: false'",
                raw.line_of("correct"),
            )
            return None
        return Question(**base, truth=correct)

    def read_answer(self, question, getlist):
        values = getlist(self.field(question))
        if not values:
            raise MissingAnswer(question.id, message=N_("Choose true or false."))
        if len(values) != 1 or values[0] not in {"true", "false"}:
            raise InvalidAnswer(
                question.id, f"question '{question.id}' takes 'true' or 'false'", N_("Choose true or false.")
            )
        return values[0] == "true"

    def grade(self, question, answer):
        return Grade(1.0 if answer is question.truth else 0.0, {"picked": answer})

    def random_guess(self, question):
        return 0.5


class TextAnswer(QuestionType):
    name = "text"
    label = "Short answer"
    max_length = 200

    def parse(self, raw, base, report):
        answers = raw.get("answers")
        if isinstance(answers, (str, int, float)):
            answers = [answers]
        cleaned = tuple(str(a).strip() for a in answers or [] if str(a).strip())
        if not cleaned:
            report.error(
                f"question '{base['id']}' has no correct answer: add 'answers:' with a list of accepted answers",
                raw.line_of("answers"),
            )
            return None
        return Question(**base, answers=cleaned)

    def read_answer(self, question, getlist):
        values = getlist(self.field(question))
        if len(values) != 1 or not values[0].strip():
            raise MissingAnswer(question.id, message=N_("Type your answer."))
        if len(values[0]) > self.max_length:
            raise InvalidAnswer(
                question.id,
                f"the answer to question '{question.id}' is longer than {self.max_length} characters",
                N_("Shorten your answer to %(num)s characters or fewer."),
                num=self.max_length,
            )
        return values[0].strip()

    def grade(self, question, answer):
        right = any(answers_match(answer, accepted) for accepted in question.answers)
        return Grade(1.0 if right else 0.0, {"typed": answer})

    def random_guess(self, question):
        return 0.0  # a typed answer cannot be guessed blindly


class Matching(QuestionType):
    name = "matching"
    label = "Matching"

    def parse(self, raw, base, report):
        pairs = raw.get("pairs")
        line = raw.line_of("pairs")
        valid = (
            isinstance(pairs, list)
            and len(pairs) >= 2
            and all(isinstance(p, list) and len(p) == 2 and all(str(s).strip() for s in p) for p in pairs)
        )
        if not valid:
            report.error(
                f"question '{base['id']}': 'pairs' must be a list of at least two [left, right] pairs",
                line,
            )
            return None
        cleaned = tuple((str(left).strip(), str(right).strip()) for left, right in pairs)
        lefts = [left for left, _ in cleaned]
        rights = [right for _, right in cleaned]
        if len(set(lefts)) != len(lefts) or len(set(rights)) != len(rights):
            report.error(f"question '{base['id']}': every left and right item must be different", line)
            return None
        return Question(**base, pairs=cleaned)

    def presentation(self, question, rng):
        lefts = list(range(len(question.pairs)))
        rights = list(range(len(question.pairs)))
        rng.shuffle(lefts)
        rng.shuffle(rights)
        return {"lefts": lefts, "rights": rights}

    def field(self, question, index: int | None = None) -> str:
        return f"q-{question.id}-{index}" if index is not None else f"q-{question.id}"

    def fields(self, question):
        return {self.field(question, index) for index in range(len(question.pairs))}

    def read_answer(self, question, getlist):
        chosen = []
        for index in range(len(question.pairs)):
            values = getlist(self.field(question, index))
            if len(values) != 1 or not values[0].strip():
                raise MissingAnswer(
                    question.id,
                    f"question '{question.id}': item {index + 1} is not matched",
                    N_("Choose a match for every item."),
                )
            try:
                picked = int(values[0])
            except ValueError:
                raise InvalidAnswer(
                    question.id, f"question '{question.id}' has an invalid match", N_("Choose matches from the lists.")
                ) from None
            if not 0 <= picked < len(question.pairs):
                raise InvalidAnswer(
                    question.id, f"question '{question.id}' has no item {picked}", N_("Choose matches from the lists.")
                )
            chosen.append(picked)
        return chosen

    def grade(self, question, answer):
        right = sum(1 for index, picked in enumerate(answer) if picked == index)
        return Grade(round(right / len(question.pairs), 4), {"chosen": list(answer), "right": right})

    def random_guess(self, question):
        # Each left item matched to a random right item: 1 / n of the pairs right on average.
        return 1 / len(question.pairs) if question.pairs else None


QUESTION_TYPES: dict[str, QuestionType] = {
    kind.name: kind for kind in (SingleChoice(), MultipleChoice(), TrueFalse(), TextAnswer(), Matching())
}


def parse_question(raw: Any, report: Reporter, fallback_line: int) -> Question | None:
    """Validate one question mapping from a module's ``quiz`` list."""
    if not isinstance(raw, LineDict):
        report.error("each quiz entry must be a mapping with id, type, prompt, ...", fallback_line)
        return None
    qid = str(raw.get("id") or "").strip()
    if not QUESTION_ID.match(qid):
        report.error(
            f"question needs an 'id' of lowercase letters, digits and hyphens (got '{raw.get('id')}')",
            raw.line_of("id"),
        )
        return None
    kind = QUESTION_TYPES.get(str(raw.get("type")))
    if kind is None:
        report.error(
            f"question '{qid}': unknown type '{raw.get('type')}'; use one of " + ", ".join(QUESTION_TYPES),
            raw.line_of("type"),
        )
        return None
    missing = [name for name in ("prompt", "explanation") if not str(raw.get(name) or "").strip()]
    if missing:
        report.error(f"question '{qid}' needs {' and '.join(missing)}", raw.line)
        return None
    cognitive = raw.get("cognitive")
    if cognitive is not None and cognitive not in COGNITIVE_LEVELS:
        report.error(
            f"question '{qid}': 'cognitive' must be one of {', '.join(COGNITIVE_LEVELS)} (got '{cognitive}')",
            raw.line_of("cognitive"),
        )
        return None
    points = _parse_points(raw, qid, report)
    if points is None:
        return None
    base = {
        "id": qid,
        "type": kind.name,
        "prompt": str(raw["prompt"]).strip(),
        "explanation": str(raw["explanation"]).strip(),
        "line": raw.line,
        "cognitive": cognitive,
        "points": points,
    }
    return kind.parse(raw, base, report)


def _parse_points(raw: LineDict, qid: str, report: Reporter) -> tuple[str, ...] | None:
    """The COVERAGE keys a question checks; their existence is checked by the loader."""
    points = raw.get("points", [])
    if isinstance(points, str):
        points = [points]
    if not isinstance(points, list) or not all(isinstance(p, str) and POINT_KEY.match(p.strip()) for p in points):
        report.error(
            f"question '{qid}': 'points' must be a list of COVERAGE keys in quotes, e.g. points: [\"000.23\"]",
            raw.line_of("points"),
        )
        return None
    return tuple(dict.fromkeys(p.strip() for p in points))


def presentations(questions: tuple[Question, ...], seed: int) -> dict[str, dict[str, Any]]:
    """Display order of every question for the attempt seeded with ``seed``."""
    rng = random.Random(seed)  # noqa: S311 - shuffling display order, not security  # nosec B311
    return {q.id: q.kind.presentation(q, rng) for q in questions}


def expected_fields(questions: tuple[Question, ...]) -> set[str]:
    """Every form field name a complete submission of these questions may carry."""
    return {name for question in questions for name in question.kind.fields(question)}
