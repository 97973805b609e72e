"""Self-assessment drafts, submission, evidence and who may see results."""

from __future__ import annotations

from sqlalchemy import update

from ..content.catalog import Catalog
from ..content.framework import Framework
from ..database import upsert
from ..domain import results, scoring
from ..domain.progress import by_module
from ..domain.results import AssessmentResult
from ..domain.scoring import N_
from ..extensions import db
from ..models import Assessment, AssessmentRating, ModuleProgress, User
from ..models.base import utcnow


def draft_for(user: User) -> Assessment | None:
    """The learner's unfinished assessment, if any."""
    return db.session.scalar(Assessment.draft_for(user.id))


def start(user: User, framework: Framework) -> Assessment:
    """Return the open draft or create a new one against the current framework."""
    draft = draft_for(user)
    if draft is None:
        draft = Assessment(user_id=user.id, framework_version=framework.version)
        db.session.add(draft)
        db.session.commit()
    return draft


def save_area(assessment: Assessment, framework: Framework, area_id: str, submitted: dict[str, str]) -> None:
    """Store the ratings of one area; every statement of the area is required.

    Raises RatingError (nothing stored) for missing, unknown or out-of-range values.
    """
    area = next((a for a in framework.areas if a.id == area_id), None)
    if area is None:
        raise scoring.RatingError(N_("unknown area '%(area)s'"), area=area_id)
    expected = [s.id for cid in area.competency_ids for s in framework.competencies[cid].statements]
    unknown = sorted(set(submitted) - set(expected))
    if unknown:
        raise scoring.RatingError(N_("statement(s) %(names)s do not belong to this page"), names=", ".join(unknown[:5]))
    missing = [sid for sid in expected if not str(submitted.get(sid, "")).strip()]
    if missing:
        raise scoring.RatingError(N_("%(num)s statement(s) on this page are not rated yet"), num=len(missing))
    clean = scoring.validate_ratings(framework.snapshot(), submitted, require_all=False)
    store_ratings(assessment, clean)


def store_ratings(assessment: Assessment, ratings: dict[str, int]) -> None:
    """Upsert one row per rating: pages saved in parallel all keep their ratings."""
    if not ratings:
        return
    upsert(
        AssessmentRating,
        [{"assessment_id": assessment.id, "statement_id": sid, "value": value} for sid, value in ratings.items()],
        keys=["assessment_id", "statement_id"],
        update=["value"],
    )
    db.session.execute(update(Assessment).where(Assessment.id == assessment.id).values(updated_at=utcnow()))
    db.session.commit()  # expires the assessment, so its ratings are read afresh


def evidence_from_progress(catalog: Catalog, rows: list[ModuleProgress]) -> dict[str, dict]:
    """Per competency: quizzes passed and attempted among modules tagged with it."""
    keyed = by_module(rows)
    evidence = {}
    framework = catalog.framework
    for cid in framework.competencies if framework else ():
        modules = [m for m in catalog.modules_for_competency(cid) if m.has_quiz]
        states = [keyed.get((m.course_slug, m.slug)) for m in modules]
        passed = sum(1 for r in states if r is not None and r.quiz_passed_at)
        attempted = sum(1 for r in states if r is not None and r.attempts)
        evidence[cid] = {
            "passed": passed,
            "attempted": attempted,
            "total": len(modules),
            "level": scoring.evidence_level(passed, len(modules), attempted),
        }
    return evidence


def finalise(
    assessment: Assessment,
    framework: Framework,
    evidence: dict[str, dict] | None,
    evidence_source: str | None,
    now=None,
) -> AssessmentResult:
    """Score the assessment's ratings and store the result with its framework snapshot (no commit).

    The one place a submitted assessment is made, for employees and candidates
    alike; raises RatingError when a statement is not rated.
    """
    snapshot = framework.snapshot()
    result = results.finalise(snapshot, assessment.ratings or {}, evidence, evidence_source)
    assessment.framework = snapshot
    assessment.framework_version = framework.version
    assessment.result = result.to_json()
    assessment.best_profile = result.best.profile
    assessment.best_band = result.best.band
    assessment.submitted_at = now or utcnow()
    return result


def submit(assessment: Assessment, framework: Framework, catalog: Catalog) -> Assessment:
    """Score a complete draft and freeze it with a framework snapshot and quiz evidence."""
    if assessment.framework_version != framework.version:
        # Ratings of statements that no longer exist are dropped; the person
        # is asked to rate any new statements before submitting.
        known = set(framework.statements)
        assessment.ratings = {k: v for k, v in (assessment.ratings or {}).items() if k in known}
        assessment.framework_version = framework.version
    evidence, source = None, None
    if assessment.user_id:
        rows = db.session.scalars(ModuleProgress.for_user(assessment.user_id)).all()
        evidence, source = evidence_from_progress(catalog, rows), "quizzes"
    try:
        finalise(assessment, framework, evidence, source)
    except scoring.RatingError:
        db.session.rollback()  # the draft stays as it was, outdated ratings included
        raise
    db.session.commit()
    return assessment


def history(user_id: int | None) -> list[Assessment]:
    """The person's submitted assessments, newest first."""
    return list(db.session.scalars(Assessment.history_for(user_id)))


def submitted(assessment_id: int) -> Assessment | None:
    """A submitted assessment by id (None for a draft or an unknown id)."""
    assessment = db.session.get(Assessment, assessment_id)
    return assessment if assessment is not None and assessment.submitted_at is not None else None


def person_of(assessment: Assessment) -> User | None:
    """The employee who took the assessment (None for a candidate's)."""
    return db.session.get(User, assessment.user_id) if assessment.user_id else None
