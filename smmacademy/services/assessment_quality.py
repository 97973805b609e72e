"""Self-assessment quality: loads submitted assessments and quiz evidence for the domain.

Employees and candidates are separate populations. An employee counts with
their latest submitted assessment; their quiz mastery of a competency is the
mean best score of the quizzes of the modules tagged with it that they took.
A candidate's mastery is the share of their knowledge-test questions on it
answered right.
"""

from __future__ import annotations

from sqlalchemy import select

from ..content.catalog import Catalog
from ..domain.assessment_quality import CompetencyQuality, competency_quality
from ..extensions import db
from ..models import Assessment, Candidate, ModuleProgress
from .candidate_test import test_evidence
from .item_stats import CANDIDATES, POPULATIONS


def _employee_data(catalog: Catalog):
    latest: dict[int, dict[str, int]] = {}
    stmt = (
        select(Assessment)
        .where(Assessment.user_id.is_not(None), Assessment.submitted_at.is_not(None))
        .order_by(Assessment.submitted_at, Assessment.id)
    )
    for assessment in db.session.scalars(stmt):
        latest[assessment.user_id] = assessment.ratings
    tagged = {(m.course_slug, m.slug): m.competencies for m in catalog.modules if m.has_quiz}
    scores: dict[int, dict[str, list[float]]] = {}
    rows = db.session.execute(
        select(
            ModuleProgress.user_id, ModuleProgress.course_slug, ModuleProgress.module_slug, ModuleProgress.best_score
        )
        .where(ModuleProgress.best_score.is_not(None))
        .where(ModuleProgress.user_id.in_(list(latest)))
    )
    for user_id, course_slug, module_slug, best in rows:
        for cid in tagged.get((course_slug, module_slug), ()):
            scores.setdefault(user_id, {}).setdefault(cid, []).append(best / 100)
    mastery = {uid: {cid: sum(v) / len(v) for cid, v in per.items()} for uid, per in scores.items()}
    return list(latest), list(latest.values()), mastery


def _candidate_data(catalog: Catalog):
    stmt = (
        select(Assessment, Candidate)
        .join(Candidate, Candidate.id == Assessment.candidate_id)
        .where(Assessment.submitted_at.is_not(None))
        .order_by(Assessment.id)
    )
    owners, ratings, mastery = [], [], {}
    for assessment, candidate in db.session.execute(stmt):
        owners.append(candidate.id)
        ratings.append(assessment.ratings)
        if candidate.test_submitted_at is not None and candidate.test_expired_at is None:
            evidence = test_evidence(candidate, catalog)
            mastery[candidate.id] = {cid: e["right"] / e["asked"] for cid, e in evidence.items() if e["asked"]}
    return owners, ratings, mastery


def competency_report(catalog: Catalog, population: str) -> list[tuple[str, CompetencyQuality]]:
    """(competency name, figures) for every competency of the framework, in file order."""
    if population not in POPULATIONS or catalog.framework is None:
        return []
    owners, ratings, mastery = (_candidate_data if population == CANDIDATES else _employee_data)(catalog)
    competencies = catalog.framework.competencies
    statements = {cid: [s.id for s in c.statements] for cid, c in competencies.items()}
    rows = competency_quality(statements, ratings, mastery, owners)
    return [(competencies[row.competency_id].name, row) for row in rows]
