"""Reading candidates and their submitted results for HR's pages, and the small writes those views make.

Kept apart from :mod:`.candidates` (links, decisions, hiring) so the views in
``hr`` and ``candidate`` never query or commit themselves.
"""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Assessment, Candidate, Department, User
from . import candidates


def get(candidate_id: int) -> Candidate | None:
    """The candidate with this id, or None."""
    return db.session.get(Candidate, candidate_id)


def listing(status: str = "", profile_id: str = "") -> list[Candidate]:
    """HR's candidate list, newest first, optionally filtered."""
    return list(db.session.scalars(Candidate.listing(status, profile_id)))


def by_ids(ids: list[int]) -> list[Candidate]:
    """The candidates with these ids (any order; missing ids are left out)."""
    return list(db.session.scalars(select(Candidate).where(Candidate.id.in_(ids))))


def submitted_assessments(ids: list[int]) -> dict[int, Assessment]:
    """Candidate id -> submitted assessment, for the candidates that have one (one query)."""
    if not ids:
        return {}
    query = select(Assessment).where(Assessment.candidate_id.in_(ids), Assessment.submitted_at.is_not(None))
    return {a.candidate_id: a for a in db.session.scalars(query)}


def submitted_assessment(candidate: Candidate) -> Assessment | None:
    """The candidate's submitted assessment, or None before they submit."""
    return submitted_assessments([candidate.id]).get(candidate.id)


def department(department_id: int | None) -> Department | None:
    """The department a hired candidate joins (None when none was chosen)."""
    return db.session.get(Department, department_id) if department_id else None


def add_note(candidate: Candidate, actor: User, text: str) -> None:
    """Record HR's note on the candidate's history."""
    candidates.log(candidate, actor, "note", text)
    db.session.commit()


def record_activity(candidate: Candidate) -> None:
    """Note that the candidate worked on their link now (retention counts from here) and commit."""
    candidates.touch(candidate)
    db.session.commit()
