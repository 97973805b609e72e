"""What calibrated reviews leave: agreed levels, the person's target role and the gap between them.

Agreed levels are written by ``reviews.calibrate``; this is the one place they are
read. Public functions other features call: :func:`agreed_levels`,
:func:`profile_match_for`, :func:`target_profile` and :func:`target_gap`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..content.framework import Framework
from ..database import upsert
from ..domain import reviews as rules_of_review
from ..domain.reviews import ReviewError
from ..domain.scoring import N_
from ..extensions import db
from ..models import AgreedLevel, ReviewRound, TargetRole, User
from ..models.base import utcnow
from ..models.review import ROUND_CALIBRATED
from . import assessments, management


def agreed_in(round_id: int) -> list[AgreedLevel]:
    """A round's agreed levels."""
    return list(db.session.scalars(AgreedLevel.for_round(round_id)))


def latest_calibrated(user_id: int) -> ReviewRound | None:
    """The person's newest calibrated round."""
    return db.session.scalar(AgreedLevel.latest_round_for(user_id))


def agreed_levels(user_id: int) -> dict[str, int]:
    """The person's current agreed level per competency id (from the newest calibrated round; {} without one).

    This is the one source of calibrated levels: profile match and development plans read it.
    """
    latest = latest_calibrated(user_id)
    return {a.competency_id: a.level for a in agreed_in(latest.id)} if latest else {}


def profile_match_for(user_id: int) -> tuple[dict, dict] | None:
    """(framework snapshot, ``domain.reviews.profile_match``) on the agreed levels, or None before calibration."""
    latest = latest_calibrated(user_id)
    if latest is None:
        return None
    return latest.framework, rules_of_review.profile_match(latest.framework, agreed_levels(user_id))


# ---------------------------------------------------------------- target role


def target_profile(user_id: int) -> str | None:
    """The profile id a person wants to grow into, or None."""
    return db.session.scalar(select(TargetRole.profile_id).where(TargetRole.user_id == user_id))


def may_choose_target(viewer: User, user_id: int) -> bool:
    """The person or a manager above them (or an admin) chooses the target role."""
    return viewer.id == user_id or management.can_lead_development(viewer, user_id)


def set_target_profile(person: User, profile_id: str, actor: User, framework: Framework) -> None:
    """Store the person's target profile (one per person, replaced on change)."""
    if not may_choose_target(actor, person.id):
        raise ReviewError(N_("Only the person or their manager chooses the target role."))
    if profile_id not in framework.profiles:
        raise ReviewError(N_("Choose one of the profiles offered."))
    upsert(
        TargetRole,
        [{"user_id": person.id, "profile_id": profile_id, "chosen_by_id": actor.id, "chosen_at": utcnow()}],
        keys=["user_id"],
        update=["profile_id", "chosen_by_id", "chosen_at"],
    )
    db.session.commit()


@dataclass(frozen=True)
class TargetGap:
    """The gap to the target profile and where the levels come from (``agreed``, ``self`` or None)."""

    profile_id: str | None
    source: str | None
    rows: list[rules_of_review.GapRow]


def target_gap(user_id: int, framework: Framework) -> TargetGap:
    """Per competency, the distance to the target profile: agreed levels, else the latest self-assessment."""
    profile_id = target_profile(user_id)
    if profile_id not in framework.profiles:
        return TargetGap(None, None, [])
    levels: dict[str, float] = dict(agreed_levels(user_id))
    source = "agreed" if levels else None
    if not levels:
        history = assessments.history(user_id)
        if history:
            levels, source = dict(history[0].result.get("levels", {})), "self"
    targets = framework.snapshot()["profiles"][profile_id]["targets"]
    return TargetGap(profile_id, source, rules_of_review.target_gaps(levels, targets))


# ---------------------------------------------------------------- history


def level_history(user_id: int) -> list[tuple[ReviewRound, dict[str, int]]]:
    """Calibrated rounds, oldest first, each with its agreed levels (two queries)."""
    rounds = list(
        db.session.scalars(
            select(ReviewRound)
            .where(ReviewRound.subject_id == user_id, ReviewRound.status == ROUND_CALIBRATED)
            .order_by(ReviewRound.calibrated_at, ReviewRound.id)
        )
    )
    by_round: dict[int, dict[str, int]] = {r.id: {} for r in rounds}
    if rounds:
        for row in db.session.scalars(select(AgreedLevel).where(AgreedLevel.round_id.in_(by_round))):
            by_round[row.round_id][row.competency_id] = row.level
    return [(r, by_round[r.id]) for r in rounds]


def latest_changes(user_id: int) -> list[rules_of_review.LevelChange]:
    """Agreed levels of the last two calibrated rounds side by side ([] before the first one)."""
    history = level_history(user_id)
    if not history:
        return []
    current_round, current = history[-1]
    previous = history[-2][1] if len(history) > 1 else {}
    return rules_of_review.changes(previous, current, list(current_round.framework["competencies"]))
