"""Factories for development-plan tests: a calibrated review round with agreed levels, a target role."""

from __future__ import annotations

from smmacademy.extensions import db
from smmacademy.models import AgreedLevel, ReviewRound, TargetRole
from smmacademy.models.base import utcnow
from smmacademy.models.review import ROUND_CALIBRATED


def make_calibrated_round(app, subject, manager, levels: dict[str, int], default: int = 5) -> ReviewRound:
    """A calibrated round on the current framework: ``levels`` per competency, ``default`` for the rest."""
    framework = app.extensions["smmacademy_catalog"].catalog.framework
    review = ReviewRound(
        subject_id=subject.id,
        started_by_id=manager.id,
        framework_version=framework.version,
        framework=framework.snapshot(),
        status=ROUND_CALIBRATED,
        calibrated_by_id=manager.id,
        calibrated_at=utcnow(),
    )
    db.session.add(review)
    db.session.flush()
    for cid in framework.competencies:
        db.session.add(
            AgreedLevel(round_id=review.id, competency_id=cid, level=levels.get(cid, default), agreed_by_id=manager.id)
        )
    db.session.commit()
    return review


def choose_target(subject, profile_id: str, chosen_by=None) -> TargetRole:
    """The person's chosen target profile."""
    role = TargetRole(user_id=subject.id, profile_id=profile_id, chosen_by_id=(chosen_by or subject).id)
    db.session.add(role)
    db.session.commit()
    return role
