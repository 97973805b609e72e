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
from ..content.snapshot import freeze, restore
from ..domain import scoring
from ..domain.grading import grade_quiz
from ..domain.progress import course_progress
from ..extensions import db
from ..models import Assessment, AssessmentRating, Assignment, Candidate, ModuleProgress, QuizAttempt, User
from ..models.assignment import KIND_ASSESSMENT, KIND_COURSE, SOURCE_MANAGER
from ..models.base import utcnow
from . import assessments, candidate_test, candidates
from .learning import issue_certificate_if_complete
from .learning_records import progress_rows

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


def _ratings(framework, ability: float, rng: random.Random) -> dict[str, int]:
    """Self-ratings that follow ability only partly: a lean per competency (shared by its
    statements, which keeps them consistent) and noise per statement."""
    ratings = {}
    for competency in framework.competencies.values():
        lean = rng.gauss(0, 0.6)
        for statement in competency.statements:
            value = 3 + 0.6 * ability + lean + rng.gauss(0, 0.6)
            ratings[statement.id] = max(1, min(5, round(value)))
    return ratings


def _self_assessment(user: User, catalog: Catalog, ability: float, rng: random.Random) -> None:
    framework = catalog.framework
    ratings = _ratings(framework, ability, rng)
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


# Manager assignments of the demo, per team member in turn: (days the due date lies
# ahead, negative = past; None = no due date). The first is always overdue.
DUE_IN_DAYS = (-12, 5, 30, None, -3, 45)


def generate_assignments(teams: dict[User, list[User]], catalog: Catalog) -> int:
    """Courses each manager assigned to their team over the last weeks, some overdue; returns how many.

    Only unfinished courses are assigned, so a past due date really is overdue.
    Nothing is written when the managers already assigned something (a second run).
    """
    managers = [m.id for m in teams]
    if db.session.scalar(select(func.count(Assignment.id)).where(Assignment.assigned_by_id.in_(managers))):
        return 0
    now = utcnow()
    today = now.date()
    rng = _rng("assignments")
    created = []
    for manager, members in sorted(teams.items(), key=lambda item: item[0].email):
        turn = 0
        for member in sorted(members, key=lambda m: m.email):
            rows = progress_rows(member.id)
            unfinished = [c for c in catalog.courses.values() if not course_progress(c, rows).complete]
            if not unfinished:
                continue
            due_in = DUE_IN_DAYS[turn % len(DUE_IN_DAYS)]
            turn += 1
            assigned = now - timedelta(days=rng.randint(20, 60))
            created.append(
                Assignment(
                    user_id=member.id,
                    kind=KIND_COURSE,
                    course_slug=rng.choice(unfinished).slug,
                    due_date=None if due_in is None else today + timedelta(days=due_in),
                    note="",
                    source=SOURCE_MANAGER,
                    assigned_by_id=manager.id,
                    created_at=assigned,
                    updated_at=assigned,
                )
            )
        if members:
            # The self-assessment too, for the whole team's radar.
            first = min(members, key=lambda m: m.email)
            created.append(
                Assignment(
                    user_id=first.id,
                    kind=KIND_ASSESSMENT,
                    due_date=today + timedelta(days=14),
                    note="",
                    source=SOURCE_MANAGER,
                    assigned_by_id=manager.id,
                )
            )
    db.session.add_all(created)
    db.session.commit()
    return len(created)


# Two external candidates who finished the assessment and the knowledge test:
# (name, email, profile, ability, HR's decision).
DEMO_CANDIDATES = (
    ("Cleo Morgan", "cleo.morgan@candidates.example", "smm-manager", 1.2, "shortlisted"),
    ("Pavel Sokolov", "pavel.sokolov@candidates.example", "community-manager", -0.6, "reviewed"),
)


def generate_candidates(hr: User, catalog: Catalog) -> int:
    """Candidates invited by ``hr`` who submitted both parts and got a decision; returns how many were added.

    Each goes the way a real one does: invitation, consent, the knowledge test
    drawn for the profile (answered by the ability model), self-ratings, the
    final score with the test as evidence, then HR's decision. A candidate with
    the same email is left as it is (a second run).
    """
    framework = catalog.framework
    if framework is None:
        return 0
    added = 0
    for name, email, profile_id, ability, decision in DEMO_CANDIDATES:
        if profile_id not in framework.profiles:
            profile_id = next(iter(framework.profiles))
        if db.session.scalar(select(func.count(Candidate.id)).where(Candidate.email == email)):
            continue
        rng = _rng("candidate", email)
        candidate, _token = candidates.invite(hr, name, email, profile_id, "", days=14, time_limit=None)
        candidate.consent_at = utcnow()
        candidate_test.start_test(candidate, catalog)
        db.session.refresh(candidate)
        questions, _order = restore(candidate.test_snapshot)
        answers = {q.id: simulated_answer(q, rng.random() < p_correct(ability, q), rng) for q in questions}
        score, grades = grade_quiz(questions, answers)
        candidate.test_answers = answers
        candidate.test_grades = {qid: g.score for qid, g in grades.items()}
        candidate.test_score = score
        candidate.test_submitted_at = utcnow()
        assessment = Assessment(candidate_id=candidate.id, framework_version=framework.version)
        assessment.ratings = _ratings(framework, ability, rng)
        db.session.add(assessment)
        now = utcnow()
        evidence = candidate_test.test_evidence(candidate, catalog)
        assessments.finalise(assessment, framework, evidence, "knowledge test", now)
        candidate.submitted_at, candidate.status, candidate.last_activity_at = now, "submitted", now
        candidates.log(candidate, None, "submitted", "Candidate submitted the assessment")
        candidates.change_status(candidate, hr, decision)
        _spread_over_days(candidate, rng.randint(8, 20))
        added += 1
    db.session.commit()
    return added


def _spread_over_days(candidate: Candidate, days: int) -> None:
    """Move the candidate's story into the past: invited ``days`` ago, each later step a day or two after."""
    invited = utcnow() - timedelta(days=days)
    candidate.created_at = invited
    candidate.consent_at = candidate.test_started_at = invited + timedelta(days=1, hours=2)
    candidate.test_submitted_at = candidate.test_started_at + timedelta(minutes=25)
    candidate.submitted_at = candidate.last_activity_at = candidate.test_submitted_at + timedelta(minutes=30)
    decided = candidate.submitted_at + timedelta(days=2)
    moments = {"invited": invited, "test": candidate.test_submitted_at, "submitted": candidate.submitted_at}
    for event in candidate.events:
        event.created_at = moments.get(event.kind, decided)
    assessment = db.session.scalar(Assessment.for_candidate(candidate.id))
    assessment.started_at = candidate.consent_at
    assessment.updated_at = assessment.submitted_at = candidate.submitted_at
