"""Demo activity from a simple ability model, so reports show realistic spreads.

Every demo person has an ability and every question a difficulty (both on one
logit scale); a question is answered right with probability
1 / (1 + exp(difficulty - ability)). A wrong answer is a plausible wrong one of
the question's type and is graded by the type itself. Quiz attempts fall over
the last three months (a failed quiz is retried at most twice, a little
better each time), and self-assessment ratings follow the same ability plus
noise, so they correlate with the quizzes. A seeded RNG makes it reproducible.
"""

from __future__ import annotations

import math
import random
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from ..content.catalog import Catalog, Module
from ..content.questions import Question
from ..content.snapshot import freeze
from ..domain import scoring
from ..domain.grading import grade_quiz
from ..extensions import db
from ..models import Assessment, AssessmentRating, ModuleProgress, QuizAttempt, User
from ..models.base import utcnow
from .learning import issue_certificate_if_complete

SEED = 20261129
DAYS = 90
TEXT_WRONG = ("not sure", "it depends", "about 10", "every day")


def _rng(*parts: object) -> random.Random:
    # A string seed is hashed with SHA-512: stable across runs, unlike hash().
    return random.Random(":".join(str(p) for p in (SEED, *parts)))  # noqa: S311  # nosec B311 - demo data


def difficulty(question: Question) -> float:
    """A question's fixed difficulty on the logit scale (easier on average than people are able)."""
    return _rng("difficulty", question.id).gauss(-1.0, 1.0)


def p_correct(ability: float, question: Question) -> float:
    """The chance of a right answer under the logistic (Rasch) model."""
    return 1 / (1 + math.exp(difficulty(question) - ability))


def simulated_answer(question: Question, right: bool, rng: random.Random) -> Any:
    """A valid stored answer of ``question``'s type: the key when ``right``, a wrong one otherwise."""
    keys = [key for key, _ in question.options]
    if question.type == "single":
        wrong = [k for k in keys if k not in question.correct]
        return sorted(question.correct) if right else [rng.choice(wrong)]
    if question.type == "multiple":
        if right:
            return sorted(question.correct)
        picked = [k for k in keys if rng.random() < 0.5] or [rng.choice(keys)]
        if set(picked) == question.correct:
            picked = sorted(question.correct)[1:] or [k for k in keys if k not in question.correct][:1]
        return sorted(set(picked))
    if question.type == "truefalse":
        return bool(question.truth) if right else not question.truth
    if question.type == "matching":
        order = list(range(len(question.pairs)))
        if not right:
            while order == sorted(order):
                rng.shuffle(order)
        return order
    return question.answers[0] if right else rng.choice(TEXT_WRONG)


def _attempt(user: User, module: Module, ability: float, rng: random.Random, when) -> QuizAttempt:
    answers = {q.id: simulated_answer(q, rng.random() < p_correct(ability, q), rng) for q in module.questions}
    score, grades = grade_quiz(module.questions, answers)
    seed = rng.randrange(2**31)
    return QuizAttempt(
        nonce=secrets.token_urlsafe(24),
        user_id=user.id,
        course_slug=module.course_slug,
        module_slug=module.slug,
        seed=seed,
        answers=answers,
        grades={qid: g.score for qid, g in grades.items()},
        questions=freeze(module.questions, seed),
        score=score,
        pass_mark=module.pass_mark,
        passed=score >= module.pass_mark,
        started_at=when - timedelta(minutes=rng.randint(4, 15)),
        submitted_at=when,
    )


def _take_course(user: User, course, ability: float, rng: random.Random, start) -> None:
    when = start
    for module in course.modules:
        when += timedelta(hours=rng.uniform(2, 72))
        now = utcnow()
        if when >= now:
            return
        row = ModuleProgress(
            user_id=user.id,
            course_slug=course.slug,
            module_slug=module.slug,
            started_at=when,
            last_seen_at=when,
            attempts=0,
        )
        db.session.add(row)
        if not module.has_quiz:
            row.completed_at = when
            continue
        for retry in range(3):
            attempt = _attempt(user, module, ability + 0.4 * retry, rng, min(when, now))
            db.session.add(attempt)
            row.attempts += 1
            row.latest_score = attempt.score
            row.best_score = max(row.best_score or 0.0, attempt.score)
            row.last_seen_at = attempt.submitted_at
            if attempt.passed:
                row.quiz_passed_at = row.completed_at = attempt.submitted_at
                break
            when += timedelta(hours=rng.uniform(1, 48))


def _self_assessment(user: User, catalog: Catalog, ability: float, rng: random.Random) -> None:
    framework = catalog.framework
    ratings = {}
    for competency in framework.competencies.values():
        # Self-ratings follow ability only partly: a lean per competency (shared by its
        # statements, which keeps them consistent) and noise per statement.
        lean = rng.gauss(0, 0.6)
        for statement in competency.statements:
            value = 3 + 0.6 * ability + lean + rng.gauss(0, 0.6)
            ratings[statement.id] = max(1, min(5, round(value)))
    snapshot = framework.snapshot()
    result = scoring.score(snapshot, ratings)
    when = utcnow() - timedelta(days=rng.uniform(1, 30))
    assessment = Assessment(
        user_id=user.id,
        framework_version=framework.version,
        framework=snapshot,
        result=result,
        best_profile=result["best"]["profile"],
        best_band=result["best"]["band"],
        started_at=when - timedelta(minutes=20),
        updated_at=when,
        submitted_at=when,
    )
    assessment.rating_rows = [AssessmentRating(statement_id=sid, value=v) for sid, v in ratings.items()]
    db.session.add(assessment)


def generate_activity(people: list[User], catalog: Catalog) -> bool:
    """Quiz attempts and self-assessments for ``people``; False (nothing written) when they already have some."""
    ids = [p.id for p in people]
    if db.session.scalar(select(func.count(QuizAttempt.id)).where(QuizAttempt.user_id.in_(ids))):
        return False
    rng = _rng("activity")
    now = utcnow()
    courses = list(catalog.courses.values())
    for person in sorted(people, key=lambda p: p.email):
        ability = rng.gauss(0, 1)
        start = now - timedelta(days=DAYS) + timedelta(days=rng.uniform(0, 20))
        for course in courses:
            if rng.random() < 0.75:
                _take_course(person, course, ability, rng, start + timedelta(days=rng.uniform(0, 40)))
        if catalog.framework is not None and rng.random() < 0.85:
            _self_assessment(person, catalog, ability, rng)
    db.session.commit()
    for person in people:
        for course in courses:
            issue_certificate_if_complete(person, course)
    return True
