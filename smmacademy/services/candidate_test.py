"""The candidate's knowledge test and final submission, each recorded exactly once.

The questions are drawn and frozen (content/snapshot.py) when the test
starts; the test page, the grading and HR's review all read that snapshot, so
editing courses never changes a test in progress or its report. The deadline is
the server's: start time plus the time limit plus a short grace for network
delay. State changes are conditional UPDATEs (``… WHERE test_submitted_at IS
NULL``): among parallel requests one wins, the others learn it was done.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta

from flask_babel import gettext
from sqlalchemy import update

from ..content.catalog import Catalog
from ..content.model import Module
from ..content.questions import Question, expected_fields
from ..content.snapshot import freeze, restore
from ..domain import grading, scoring
from ..domain.notifications import CANDIDATE_FINISHED
from ..extensions import db
from ..models import Assessment, Candidate
from ..models.base import utcnow
from . import assessments
from .candidates import TEST_SIZE, AlreadyDone, CandidateError, log
from .learning import unknown_fields_message
from .notifications import notify

DEFAULT_GRACE_SECONDS = 60


class TimeExpired(CandidateError):
    """The test's time limit (plus grace) ran out; the test is closed."""


class AnswersInvalid(CandidateError):
    """Some answers do not fit their questions: ``problems`` holds each typed error; the page is shown again."""

    def __init__(self, problems: tuple[grading.AnswerError, ...]):
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


def grace_of(config: Mapping) -> timedelta:
    """The configured grace after the deadline (``CANDIDATE_TIME_GRACE_SECONDS``)."""
    return timedelta(seconds=int(config.get("CANDIDATE_TIME_GRACE_SECONDS", DEFAULT_GRACE_SECONDS)))


def question_pool(catalog: Catalog, profile_id: str) -> list[tuple[Module, Question, int]]:
    """(module, question, weight) of every question a candidate for the profile may be asked.

    Every question of a module tagged with at least one of the profile's
    competencies is in the pool; its weight is the highest profile weight among
    those competencies, so core competencies (weight 3) are asked about most often.
    """
    profile = catalog.framework.profiles[profile_id]
    pool = []
    for module in catalog.modules:
        weights = [profile.targets[c].weight for c in module.competencies if c in profile.targets]
        if weights:
            pool.extend((module, question, max(weights)) for question in module.questions)
    return pool


def draw_questions(catalog: Catalog, profile_id: str, seed: int, size: int = TEST_SIZE) -> list[str]:
    """Draw ``size`` questions of the profile's pool (:func:`question_pool`), weighted by their weight."""
    pool = [(question.id, weight) for _module, question, weight in question_pool(catalog, profile_id)]
    rng = random.Random(seed)  # noqa: S311 - drawing test questions, not security  # nosec B311
    chosen: list[str] = []
    candidates = list(pool)
    while candidates and len(chosen) < size:
        total = sum(w for _, w in candidates)
        pick = rng.uniform(0, total)
        running = 0.0
        for index, (qid, weight) in enumerate(candidates):
            running += weight
            if pick <= running:
                chosen.append(qid)
                candidates.pop(index)
                break
    return chosen


def _freeze_drawn(catalog: Catalog, question_ids: list[str], seed: int, language: str = "en") -> list[dict]:
    """The snapshot of drawn questions that still exist, in ``language``, each with its module's competencies."""
    bank = catalog.questions
    drawn = [bank[qid] for qid in question_ids if qid in bank]
    # The candidate reads (and is graded on) the wording of the invitation's language; keys are the same.
    shown = tuple(
        next(q for q in module.text_for(language).questions if q.id == question.id) for module, question in drawn
    )
    frozen = freeze(shown, seed, tuple(q for _, q in drawn))
    for entry, (module, _question) in zip(frozen, drawn, strict=True):
        entry["competencies"] = list(module.competencies)
    return frozen


def _claim(candidate: Candidate, condition, **values) -> bool:
    """UPDATE the candidate only while ``condition`` holds; True when this request changed it."""
    result = db.session.execute(
        update(Candidate)
        .where(Candidate.id == candidate.id, condition)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def start_test(candidate: Candidate, catalog: Catalog) -> None:
    """Draw and freeze the candidate's questions and start the clock (once, even when clicked twice)."""
    if candidate.test_started_at is not None:
        return
    seed = secrets.randbelow(2**31)
    ids = draw_questions(catalog, candidate.profile_id, seed)
    now = utcnow()
    _claim(
        candidate,
        Candidate.test_started_at.is_(None),
        test_seed=seed,
        test_question_ids=ids,
        test_snapshot=_freeze_drawn(catalog, ids, seed, candidate.language),
        test_started_at=now,
        last_activity_at=now,
    )
    db.session.commit()


def snapshot_of(candidate: Candidate, catalog: Catalog | None = None) -> list[dict]:
    """The frozen test; tests started before snapshots existed are frozen from the live catalog."""
    if candidate.test_snapshot or catalog is None:
        return candidate.test_snapshot or []
    return _freeze_drawn(catalog, candidate.test_question_ids or [], candidate.test_seed or 0, candidate.language)


def test_questions(candidate: Candidate, catalog: Catalog | None = None):
    """(questions, display orders) of the candidate's test as shown to them."""
    return restore(snapshot_of(candidate, catalog))


def deadline(candidate: Candidate) -> datetime | None:
    """When the time limit ends (server time), or None without a limit or before the start."""
    if candidate.time_limit_minutes and candidate.test_started_at:
        return candidate.test_started_at + timedelta(minutes=candidate.time_limit_minutes)
    return None


def time_expired(candidate: Candidate, grace: timedelta, now: datetime | None = None) -> bool:
    """True when the test was closed for time, or is still open past its deadline plus grace."""
    if candidate.test_expired_at is not None:
        return True
    limit = deadline(candidate)
    return candidate.test_submitted_at is None and limit is not None and (now or utcnow()) > limit + grace


def close_if_expired(candidate: Candidate, grace: timedelta, catalog: Catalog | None = None) -> bool:
    """Close an open test whose time ran out; True when it is closed for time.

    The answers the candidate saved before the deadline (plus grace) are graded;
    nothing else counts.
    """
    if not time_expired(candidate, grace):
        return False
    if candidate.test_expired_at is None:
        now = utcnow()
        frozen = snapshot_of(candidate, catalog)
        graded = _grade_saved(restore(frozen)[0], candidate.test_draft)
        if _claim(
            candidate,
            Candidate.test_submitted_at.is_(None),
            test_snapshot=frozen,
            test_answers=graded.answers,
            test_grades=graded.scores,
            test_score=graded.score if frozen else 0.0,
            test_submitted_at=now,
            test_expired_at=now,
            last_activity_at=now,
        ):
            log(candidate, None, "test", "Knowledge test closed: the time limit ran out")
            db.session.commit()
        else:
            db.session.rollback()
        db.session.refresh(candidate)
    return candidate.test_expired_at is not None


def _saved_getlist(draft: Mapping | None):
    """A form-like ``getlist`` over saved answers."""
    saved = draft or {}
    return lambda name: list(saved.get(name, ()))


def _grade_saved(questions: tuple[Question, ...], draft: Mapping | None) -> grading.Submission:
    """The saved answers graded (checked when saved; anything unreadable since scores 0)."""
    try:
        return _grade(questions, set(draft or {}), _saved_getlist(draft))
    except CandidateError:
        return _grade(questions, set(), _saved_getlist({}))


def _grade(questions: tuple[Question, ...], field_names: set[str], getlist) -> grading.Submission:
    """The graded test; blank answers score 0, tampered ones raise CandidateError."""
    try:
        return grading.grade_submission(questions, field_names, getlist, grading.BLANK_SCORES_ZERO)
    except grading.UnknownFields as error:
        raise CandidateError(unknown_fields_message(error)) from None
    except grading.AnswersRejected as error:
        raise AnswersInvalid(error.problems) from None


def _open_test(candidate: Candidate, catalog: Catalog, grace: timedelta) -> tuple[Question, ...]:
    """The questions of a test that is still open; raise AlreadyDone, CandidateError or TimeExpired otherwise."""
    if candidate.test_submitted_at is not None:
        raise AlreadyDone(gettext("The knowledge test was already submitted."))
    if candidate.test_started_at is None:
        raise CandidateError(gettext("The knowledge test has not been started."))
    if close_if_expired(candidate, grace, catalog):
        raise TimeExpired(gettext("The time for the knowledge test ran out."))
    return restore(snapshot_of(candidate, catalog))[0]


def _checked(questions: tuple[Question, ...], field_names: set[str], getlist) -> grading.Submission:
    """The answers graded, after a rollback when they are refused (tampered or invalid)."""
    try:
        return _grade(questions, field_names, getlist)
    except CandidateError:
        db.session.rollback()
        raise


def save_answers(candidate: Candidate, catalog: Catalog, field_names: set[str], getlist, grace: timedelta) -> None:
    """Keep the candidate's answers on the server; the test stays open and nothing is graded yet.

    The answers are checked like a submission (tampered input raises
    CandidateError); the same errors as :func:`submit_test` otherwise.
    """
    questions = _open_test(candidate, catalog, grace)
    _checked(questions, field_names, getlist)
    draft = {}
    for name in sorted(expected_fields(questions)):
        values = [value for value in getlist(name) if value]
        if values:
            draft[name] = values
    if not _claim(candidate, Candidate.test_submitted_at.is_(None), test_draft=draft, last_activity_at=utcnow()):
        db.session.rollback()
        raise AlreadyDone(gettext("The knowledge test was already submitted."))
    db.session.commit()
    db.session.refresh(candidate)


def saved_answers(candidate: Candidate) -> dict[str, list[str]]:
    """The answers saved so far (form field -> values), to fill the test form again."""
    return dict(candidate.test_draft or {})


def unanswered(candidate: Candidate, catalog: Catalog | None = None) -> list[Question]:
    """The test's questions without a saved answer, in test order (the confirmation step lists them)."""
    questions = test_questions(candidate, catalog)[0]
    answered = _grade_saved(questions, candidate.test_draft).answers
    return [q for q in questions if q.id not in answered]


def submit_test(candidate: Candidate, catalog: Catalog, field_names: set[str], getlist, grace: timedelta) -> None:
    """Grade the knowledge test once against its snapshot (the final submission).

    The answers sent with it are graded; when none are sent (the confirmation
    step), the answers saved before are. Raises AlreadyDone when it was already
    submitted (also by a parallel request), TimeExpired after the deadline plus
    grace (the test is closed), CandidateError for tampered input.
    """
    questions = _open_test(candidate, catalog, grace)
    if not any(name.startswith("q-") for name in field_names):
        field_names, getlist = set(candidate.test_draft or {}), _saved_getlist(candidate.test_draft)
    graded = _checked(questions, field_names, getlist)
    now = utcnow()
    if not _claim(
        candidate,
        Candidate.test_submitted_at.is_(None),
        test_snapshot=snapshot_of(candidate, catalog),
        test_answers=graded.answers,
        test_grades=graded.scores,
        test_score=graded.score if questions else 0.0,
        test_submitted_at=now,
        last_activity_at=now,
    ):
        db.session.rollback()
        raise AlreadyDone(gettext("The knowledge test was already submitted."))
    log(candidate, None, "test", "Knowledge test submitted")
    db.session.commit()


def seconds_left(candidate: Candidate, now: datetime | None = None) -> int | None:
    """Whole seconds until the server's deadline (0 once passed), or None without a time limit."""
    limit = deadline(candidate)
    if limit is None:
        return None
    return max(0, int((limit - (now or utcnow())).total_seconds()))


def test_evidence(candidate: Candidate, catalog: Catalog) -> dict[str, dict]:
    """Per competency: share of the candidate's test questions answered right."""
    evidence: dict[str, dict] = {}
    grades = candidate.test_grades or {}
    for entry in snapshot_of(candidate, catalog):
        for cid in entry.get("competencies", ()):
            item = evidence.setdefault(cid, {"right": 0.0, "asked": 0})
            item["asked"] += 1
            item["right"] += grades.get(entry["id"], 0.0)
    for item in evidence.values():
        item["level"] = scoring.share_level(item["right"], item["asked"])
        item["note"] = f"{round(item['right'], 1):g} of {item['asked']} test questions right"
    return evidence


def finish(candidate: Candidate, catalog: Catalog, grace: timedelta) -> None:
    """Final submission: score the assessment with test evidence and close the link (once)."""
    if candidate.test_started_at is not None:
        close_if_expired(candidate, grace, catalog)
    assessment = db.session.scalar(Assessment.for_candidate(candidate.id))
    if assessment is None or candidate.test_submitted_at is None:
        raise CandidateError(gettext("Finish the self-assessment and the knowledge test first."))
    now = utcnow()
    try:
        # Scored before the link closes: incomplete ratings raise and leave it open.
        assessments.finalise(assessment, catalog.framework, test_evidence(candidate, catalog), "knowledge test", now)
    except scoring.RatingError:
        db.session.rollback()
        raise
    if not _claim(
        candidate, Candidate.submitted_at.is_(None), submitted_at=now, status="submitted", last_activity_at=now
    ):
        db.session.rollback()  # also drops the result stored above: the first request's stands
        raise AlreadyDone(gettext("The assessment was already submitted."))
    log(candidate, None, "submitted", "Candidate submitted the assessment")
    notify(CANDIDATE_FINISHED, candidate=candidate)
    db.session.commit()
