"""Question quality: loads a course's attempts and feeds the item analysis.

Employees' quiz attempts and candidates' knowledge tests are always separate
populations. Per module quiz, an employee's first attempt counts by default
(``all_attempts`` takes every attempt). A candidate's test is a draw across
courses, so a question's "rest of the test" is the rest of the candidate's
whole test, and the per-quiz figures (CIC...) are not computed for candidates.

Results are cached in process memory, keyed by the course, the population and
the count and highest id (or latest submission) of the attempts it reads: a new
attempt changes the key, so nothing is ever invalidated by hand. An in-process
LRU rather than a cache table, because the figures are derived from one
aggregate query in milliseconds, need no migration or write path, and several
app servers each recompute at most once per new attempt (the key is read from
the shared database on every request, so no server serves stale figures).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..content.answers import normalise_answer
from ..content.catalog import Catalog, Course, Module
from ..content.lint import source_of
from ..content.questions import Question
from ..content.snapshot import question_hash
from ..domain import item_analysis as ia
from ..extensions import db
from ..models import Candidate, QuizAttempt

EMPLOYEES, CANDIDATES = "employees", "candidates"
POPULATIONS = (EMPLOYEES, CANDIDATES)
NO_ANSWER = ""  # the choice of a candidate who left a question blank
CACHE_SIZE = 64

FLAG_LABELS = {
    ia.LIKELY_MISKEYED: _l("likely miskeyed"),
    ia.TOO_EASY: _l("too easy"),
    ia.TOO_HARD: _l("too hard"),
    ia.WEAK: _l("weak discrimination"),
    ia.GUESSABLE: _l("guessable"),
    ia.SMALL_SAMPLE_FLAG: _l("small sample"),
}
FLAG_EXPLANATIONS = {
    ia.LIKELY_MISKEYED: _l(
        "People who do well on the rest of the quiz do worse on this question, or a wrong option attracts "
        "stronger people than the key: check the key first."
    ),
    ia.TOO_EASY: _l("Facility above 95 %: the question tells nobody apart."),
    ia.TOO_HARD: _l("Facility below 5 %: check the wording, the key and the lesson."),
    ia.WEAK: _l(
        "Discriminative efficiency below 15 % (Moodle calls it dubious): the question hardly separates "
        "strong from weak learners."
    ),
    ia.GUESSABLE: _l("A random answer scores more than 40 %: add plausible options."),
    ia.SMALL_SAMPLE_FLAG: _l("Fewer than 30 answers: treat these figures as a first hint."),
}


@dataclass(frozen=True)
class QuestionRow:
    """One question of the report with its figures and where it lives."""

    module: Module
    question: Question
    stats: ia.QuestionStats
    stale: int
    path: str
    line: int | None


@dataclass(frozen=True)
class QuizRow:
    """One module quiz's figures (None for candidates: their tests are draws)."""

    module: Module
    quiz: ia.QuizStats | None


@dataclass(frozen=True)
class CourseReport:
    course: Course
    population: str
    all_attempts: bool
    quizzes: tuple[QuizRow, ...]
    questions: tuple[QuestionRow, ...]

    def row(self, question_id: str) -> QuestionRow | None:
        """The row of one question, or None."""
        return next((r for r in self.questions if r.question.id == question_id), None)


# --- choices for the distractor table --------------------------------------------------


def choices_of(question: Question, answer: Any, pairs: tuple[tuple[str, str], ...] | None = None) -> tuple[str, ...]:
    """What a person chose: option keys, "true"/"false", "left → right" pairs or the normalised text."""
    if answer is None:
        return (NO_ANSWER,)
    if question.type in ("single", "multiple"):
        return tuple(str(key) for key in answer)
    if question.type == "truefalse":
        return ("true" if answer else "false",)
    if question.type == "matching":
        shown = pairs or question.pairs
        return tuple(
            f"{shown[i][0]} → {shown[int(j)][1]}"
            for i, j in enumerate(answer)
            if i < len(shown) and 0 <= int(j) < len(shown)
        )
    return (normalise_answer(answer),)


def keys_of(question: Question) -> frozenset[str]:
    """The choices that are right in the current version of a question."""
    if question.type in ("single", "multiple"):
        return question.correct
    if question.type == "truefalse":
        return frozenset({"true" if question.truth else "false"})
    if question.type == "matching":
        return frozenset(f"{left} → {right}" for left, right in question.pairs)
    return frozenset(normalise_answer(a) for a in question.answers)


def choice_label(question: Question, choice: str) -> str:
    """A choice as the report shows it (an option key with its text)."""
    if choice == NO_ANSWER:
        return str(_l("(no answer)"))
    if question.type in ("single", "multiple") and question.option_text(choice):
        return f"{choice}: {question.option_text(choice)}"
    return choice


def _to_attempt(questions: dict[str, Question], grades: dict, answers: dict, snapshot: list | None) -> ia.Attempt:
    """One stored attempt as the domain sees it; answers to an earlier version are marked stale."""
    frozen = {entry["id"]: entry for entry in snapshot or []}
    choices, stale = {}, set()
    for qid, question in questions.items():
        if qid not in grades:
            continue
        entry = frozen.get(qid)
        if entry is not None and entry.get("hash") and entry["hash"] != question_hash(question):
            stale.add(qid)
            continue
        pairs = tuple(tuple(p) for p in entry["pairs"]) if entry and entry.get("pairs") else None
        try:
            choices[qid] = choices_of(question, answers.get(qid), pairs)
        except (TypeError, ValueError):  # an old answer that no longer fits the question
            stale.add(qid)
    marks = {qid: float(score) for qid, score in grades.items()}
    return ia.Attempt(marks, choices, frozenset(stale))


# --- loading -------------------------------------------------------------------------


def _employee_statement(course_slug: str, all_attempts: bool):
    stmt = select(QuizAttempt.id).where(QuizAttempt.course_slug == course_slug)
    if not all_attempts:
        first = (
            select(func.min(QuizAttempt.id))
            .where(QuizAttempt.course_slug == course_slug)
            .group_by(QuizAttempt.user_id, QuizAttempt.module_slug)
        )
        stmt = stmt.where(QuizAttempt.id.in_(first))
    return stmt


def _candidate_condition():
    # Tests closed for time carry no answers: they say nothing about the questions.
    return Candidate.test_submitted_at.is_not(None), Candidate.test_expired_at.is_(None)


def cache_key(course_slug: str, population: str, all_attempts: bool) -> tuple:
    """(count, newest) of the attempts a report reads: one aggregate query."""
    if population == CANDIDATES:
        row = db.session.execute(
            select(func.count(Candidate.id), func.max(Candidate.test_submitted_at)).where(*_candidate_condition())
        ).one()
        return (course_slug, population, row[0], str(row[1]))
    ids = _employee_statement(course_slug, all_attempts).subquery()
    row = db.session.execute(select(func.count(ids.c.id), func.max(ids.c.id))).one()
    return (course_slug, population, all_attempts, row[0], row[1])


def _employee_attempts(course: Course, all_attempts: bool) -> dict[str, list[ia.Attempt]]:
    """Attempts per module of one course (one query)."""
    ids = _employee_statement(course.slug, all_attempts)
    rows = db.session.execute(
        select(QuizAttempt.module_slug, QuizAttempt.grades, QuizAttempt.answers, QuizAttempt.questions)
        .where(QuizAttempt.id.in_(ids))
        .order_by(QuizAttempt.id)
    )
    modules = {m.slug: {q.id: q for q in m.questions} for m in course.modules}
    result: dict[str, list[ia.Attempt]] = {slug: [] for slug in modules}
    for module_slug, grades, answers, snapshot in rows:
        if module_slug in modules:
            result[module_slug].append(_to_attempt(modules[module_slug], grades or {}, answers or {}, snapshot))
    return result


def _candidate_attempts(course: Course) -> dict[str, list[ia.Attempt]]:
    """Per module, the knowledge tests that drew at least one of its questions (one query)."""
    rows = db.session.execute(
        select(Candidate.test_grades, Candidate.test_answers, Candidate.test_snapshot).where(*_candidate_condition())
    ).all()
    result: dict[str, list[ia.Attempt]] = {}
    for module in course.modules:
        questions = {q.id: q for q in module.questions}
        attempts = []
        for grades, answers, snapshot in rows:
            grades = grades or {}
            if not questions.keys() & grades.keys():
                continue
            # Marks are the whole test's, so a question's rest score is the rest of the candidate's test.
            attempts.append(_to_attempt(questions, grades, answers or {}, snapshot))
        result[module.slug] = attempts
    return result


def _text_keys(question: Question, attempts: list[ia.Attempt]) -> frozenset[str]:
    """Accepted answers plus every typed variant that earned the mark (numbers with units...)."""
    keys = set(keys_of(question))
    if question.type == "text":
        for attempt in attempts:
            if attempt.marks.get(question.id, 0) >= 0.999 and question.id not in attempt.stale:
                keys.update(attempt.choices.get(question.id, ()))
    return frozenset(keys)


def _build(catalog: Catalog, course: Course, population: str, all_attempts: bool) -> CourseReport:
    per_module = _candidate_attempts(course) if population == CANDIDATES else _employee_attempts(course, all_attempts)
    quizzes, rows = [], []
    for module in course.modules:
        if not module.questions:
            continue
        attempts = per_module.get(module.slug, [])
        ids = [q.id for q in module.questions]
        keys = {q.id: _text_keys(q, attempts) for q in module.questions}
        guesses = {q.id: q.kind.random_guess(q) for q in module.questions}
        analysis = ia.analyse(attempts, ids, keys, guesses)
        quizzes.append(QuizRow(module, analysis.quiz if population == EMPLOYEES else None))
        for question, stats in zip(module.questions, analysis.questions, strict=True):
            stale = sum(1 for a in attempts if question.id in a.stale)
            path, line = source_of(catalog.root, module, question)
            rows.append(QuestionRow(module, question, stats, stale, path, line))
    return CourseReport(course, population, all_attempts, tuple(quizzes), tuple(rows))


class _LRU:
    """A tiny thread-safe LRU (gunicorn runs threads)."""

    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict[tuple, CourseReport] = OrderedDict()
        self.lock = threading.Lock()

    def get_or_build(self, key: tuple, build: Callable[[], CourseReport]) -> CourseReport:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        report = build()
        with self.lock:
            self.items[key] = report
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return report


CACHE_EXTENSION = "smmacademy_item_stats"


def _app_cache() -> _LRU:
    """This application's cache: it lives and dies with the app, and so with its database."""
    return current_app.extensions.setdefault(CACHE_EXTENSION, _LRU(CACHE_SIZE))


def course_report(
    catalog: Catalog, course: Course, population: str = EMPLOYEES, all_attempts: bool = False
) -> CourseReport:
    """The item analysis of every quiz question of ``course`` for one population (cached)."""
    if population not in POPULATIONS:
        raise ValueError(f"unknown population '{population}'")
    # The catalog object is part of the key: a content reload builds a new one.
    key = (id(catalog), *cache_key(course.slug, population, all_attempts))
    return _app_cache().get_or_build(key, lambda: _build(catalog, course, population, all_attempts))


# --- the one table the page, the CSV and the CLI show --------------------------------


def _percent(value: float | None, scale: float = 100.0) -> str:
    return "" if value is None else f"{value * scale:.2f}"


COLUMNS: tuple[tuple[str, Any, Callable[[QuestionRow], Any]], ...] = (
    ("module", _l("Module"), lambda r: r.module.number),
    ("question", _l("Question"), lambda r: r.question.id),
    ("type", _l("Type"), lambda r: r.question.type),
    ("attempts", _l("Attempts"), lambda r: r.stats.attempts),
    ("facility", _l("Facility %"), lambda r: r.stats.facility),
    ("sd", _l("SD %"), lambda r: r.stats.sd),
    ("guess", _l("Random guess %"), lambda r: r.stats.random_guess),
    ("discrimination", _l("Discrimination index"), lambda r: r.stats.discrimination_index),
    ("efficiency", _l("Discriminative efficiency"), lambda r: r.stats.discriminative_efficiency),
    ("weight", _l("Effective weight %"), lambda r: r.stats.effective_weight),
    ("flags", _l("Flags"), lambda r: len(r.stats.flags)),
)
SORT_KEYS = tuple(key for key, _label, _get in COLUMNS)


def table_cells(row: QuestionRow) -> list[str]:
    """One question's cells, formatted once for the page, the CSV and the CLI."""
    stats = row.stats
    return [
        f"{row.module.number:02d} {row.module.title}",
        row.question.id,
        row.question.type,
        str(stats.attempts),
        _percent(stats.facility),
        _percent(stats.sd),
        _percent(stats.random_guess),
        _percent(stats.discrimination_index, 1),
        _percent(stats.discriminative_efficiency, 1),
        _percent(stats.effective_weight, 1),
        ", ".join(str(FLAG_LABELS[f]) for f in stats.flags),
    ]


def sorted_rows(report: CourseReport, sort: str = "module", direction: str = "asc") -> list[QuestionRow]:
    """The report's questions sorted by a column key; empty figures always last."""
    getter = dict((key, get) for key, _label, get in COLUMNS).get(sort) or COLUMNS[0][2]
    present = [r for r in report.questions if getter(r) is not None]
    missing = [r for r in report.questions if getter(r) is None]
    present.sort(key=lambda r: (getter(r), r.module.number, r.question.line), reverse=direction == "desc")
    return present + missing


def table(report: CourseReport, sort: str = "module", direction: str = "asc") -> list[list[str]]:
    """Header and rows of the question table."""
    return [[str(label) for _key, label, _get in COLUMNS]] + [
        table_cells(row) for row in sorted_rows(report, sort, direction)
    ]


QUIZ_COLUMNS = (
    _l("Module"),
    _l("Attempts"),
    _l("Mean %"),
    _l("Median %"),
    _l("SD %"),
    _l("Skewness"),
    _l("Kurtosis"),
    _l("CIC (alpha) %"),
    _l("Error ratio %"),
    _l("Standard error %"),
)


def quiz_cells(row: QuizRow) -> list[str]:
    """One quiz's figures; totals as a percentage of the quiz's maximum, as Moodle shows them."""
    quiz = row.quiz
    title = f"{row.module.number:02d} {row.module.title}"
    if quiz is None:
        return [title] + [""] * (len(QUIZ_COLUMNS) - 1)
    scale = 1 / quiz.questions if quiz.questions else 0.0
    return [
        title,
        str(quiz.attempts),
        *(_percent(value, 100 * scale) for value in (quiz.mean, quiz.median, quiz.sd)),
        *(_percent(value, 1) for value in (quiz.skewness, quiz.kurtosis, quiz.cic, quiz.error_ratio)),
        _percent(quiz.standard_error, 100 * scale),
    ]


def quiz_table(report: CourseReport) -> list[list[str]]:
    """Header and rows of the per-quiz figures (nothing for candidates: their tests are draws)."""
    if report.population == CANDIDATES:
        return []
    return [[str(label) for label in QUIZ_COLUMNS]] + [quiz_cells(row) for row in report.quizzes]
