"""Review rounds: starting them, raters and their forms, results and calibration.

The rules live in :mod:`smmacademy.domain.reviews` and :mod:`smmacademy.domain.scoring`; this
module owns the queries and the transactions. What a calibration leaves behind (agreed levels,
target roles, the gap between them) is read and set in :mod:`.agreed_levels`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update

from ..content.catalog import Catalog
from ..content.framework import Framework
from ..database import upsert
from ..domain import notifications as rules
from ..domain import reviews as rules_of_review
from ..domain import scoring
from ..domain.reviews import ReviewError, ReviewResult
from ..domain.scoring import N_
from ..extensions import db
from ..models import AgreedLevel, AuditLog, ModuleProgress, ReviewRater, ReviewRating, ReviewRound, User
from ..models.base import utcnow
from ..models.review import (
    RELATION_MANAGER,
    RELATION_PEER,
    RELATION_SELF,
    ROUND_CALIBRATED,
    ROUND_CANCELLED,
    ROUND_OPEN,
)
from . import assessments, mail, management
from .agreed_levels import agreed_in, target_profile
from .notifications import notify, review_mail_keys


class AlreadyDone(ReviewError):
    """A form was submitted or a round calibrated already (a second click, a parallel request)."""


# ---------------------------------------------------------------- starting rounds and raters


def people_to_review(actor: User) -> list[User]:
    """The active people ``actor`` may start a review for (their branch; admins: everyone else)."""
    stmt = select(User).where(User.active.is_(True), User.id != actor.id).order_by(func.lower(User.full_name))
    if actor.role != "admin":
        stmt = stmt.where(User.id.in_(management.branch_ids(actor.id)))
    return list(db.session.scalars(stmt))


def direct_team(actor: User) -> list[User]:
    """The actor's active direct reports: "the whole team" of a start."""
    return list(
        db.session.scalars(
            select(User).where(User.manager_id == actor.id, User.active.is_(True)).order_by(func.lower(User.full_name))
        )
    )


def _manager_rater(actor: User, subject: User) -> int:
    """Who rates as the manager: the starter when they are in the line, else the person's line manager."""
    if actor.role != "admin" or subject.manager_id is None:
        return actor.id
    manager = db.session.get(User, subject.manager_id)
    return manager.id if manager is not None and manager.active else actor.id


def _add_rater(round_: ReviewRound, rater_id: int, relation: str, nominated_by: int | None) -> ReviewRater:
    entry = ReviewRater(round_id=round_.id, rater_id=rater_id, relation=relation, nominated_by_id=nominated_by)
    db.session.add(entry)
    db.session.flush()
    notify(rules.REVIEW_REQUEST, entry=entry)
    return entry


def start_rounds(actor: User, subjects: list[User], framework: Framework, due_date: date | None) -> list[ReviewRound]:
    """One round per person on the current framework: the person rates themselves and the manager rates them.

    Raises ReviewError when ``actor`` may not review one of them or the due date is past.
    """
    if not subjects:
        raise ReviewError(N_("Choose a person, or your whole team."))
    if due_date is not None and due_date < date.today():
        raise ReviewError(N_("The due date has passed; choose today or a later day."))
    for subject in subjects:
        if not subject.active or not management.can_lead_development(actor, subject.id):
            raise ReviewError(N_("You can start reviews only for active people in your team."))
    snapshot = framework.snapshot()
    rounds = []
    for subject in subjects:
        round_ = ReviewRound(
            subject_id=subject.id,
            started_by_id=actor.id,
            framework_version=framework.version,
            framework=snapshot,
            due_date=due_date,
        )
        db.session.add(round_)
        db.session.flush()
        _add_rater(round_, subject.id, RELATION_SELF, actor.id)
        _add_rater(round_, _manager_rater(actor, subject), RELATION_MANAGER, actor.id)
        rounds.append(round_)
    db.session.commit()
    return rounds


def get_round(round_id: int) -> ReviewRound | None:
    """A round by id."""
    return db.session.get(ReviewRound, round_id)


def subject_of(round_: ReviewRound) -> User:
    """The person a round reviews."""
    return db.session.get(User, round_.subject_id)


def people_by_id(ids) -> dict[int, User]:
    """Users by id, in one query."""
    ids = set(ids)
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


def entry_for(round_: ReviewRound, user_id: int) -> ReviewRater | None:
    """``user_id``'s rater entry in the round (a person answers once per round)."""
    return next((r for r in round_.raters if r.rater_id == user_id), None)


def peer_choices(round_: ReviewRound) -> list[User]:
    """The active people who could still be nominated as peers."""
    taken = [r.rater_id for r in round_.raters]
    return list(
        db.session.scalars(
            select(User)
            .where(User.active.is_(True), User.id != round_.subject_id, User.id.not_in(taken))
            .order_by(func.lower(User.full_name))
        )
    )


def may_nominate(viewer: User, round_: ReviewRound) -> bool:
    """The person reviewed or a manager running the review may name peers while the round is open."""
    return round_.status == ROUND_OPEN and (
        viewer.id == round_.subject_id or management.can_lead_development(viewer, round_.subject_id)
    )


def nominate_peers(round_: ReviewRound, actor: User, peer_ids: list[int]) -> list[ReviewRater]:
    """Add peers to a round: active employees other than the person, MIN_PEERS..MAX_PEERS in all."""
    if not may_nominate(actor, round_):
        raise ReviewError(N_("Peers can be named only while the review is open."))
    existing = {r.rater_id for r in round_.raters}
    new = sorted(set(peer_ids) - existing)
    people = people_by_id(new)
    if any(pid == round_.subject_id or pid not in people or not people[pid].active for pid in new):
        raise ReviewError(N_("Peers must be active employees other than the person reviewed."))
    peers = sum(1 for r in round_.raters if r.relation == RELATION_PEER)
    rules_of_review.check_peer_count(peers + len(new))
    entries = [_add_rater(round_, pid, RELATION_PEER, actor.id) for pid in new]
    db.session.commit()
    return entries


# ---------------------------------------------------------------- a rater's form


def save_ratings(entry: ReviewRater, snapshot: dict, submitted: dict[str, str], submit: bool = False) -> None:
    """Keep a rater's draft; with ``submit`` also hand it in, exactly once, when every statement is rated.

    The rater row is claimed with a conditional UPDATE before anything is written,
    so a second (or parallel) submit raises AlreadyDone and changes nothing.
    Raises RatingError for bad values or, on submit, unrated statements.
    """
    closed = N_("This review is closed; answers can no longer change.")
    if db.session.get(ReviewRound, entry.round_id).status != ROUND_OPEN:
        raise AlreadyDone(closed)
    clean = scoring.validate_ratings(snapshot, {k: v for k, v in submitted.items() if str(v).strip()}, False)
    # The round must still be open when the row is claimed: a calibration or a cancellation may have
    # just committed.
    still_open = select(ReviewRound.id).where(ReviewRound.id == entry.round_id, ReviewRound.status == ROUND_OPEN)
    claimed = db.session.execute(
        update(ReviewRater)
        .where(ReviewRater.id == entry.id, ReviewRater.submitted_at.is_(None), ReviewRater.round_id.in_(still_open))
        .values(submitted_at=utcnow() if submit else None)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        if db.session.get(ReviewRound, entry.round_id, populate_existing=True).status != ROUND_OPEN:
            raise AlreadyDone(closed)
        raise AlreadyDone(N_("These answers were submitted already."))
    if clean:
        upsert(
            ReviewRating,
            [{"rater_entry_id": entry.id, "statement_id": sid, "value": value} for sid, value in clean.items()],
            keys=["rater_entry_id", "statement_id"],
            update=["value"],
        )
    if submit:
        stored = dict(
            db.session.execute(
                select(ReviewRating.statement_id, ReviewRating.value).where(ReviewRating.rater_entry_id == entry.id)
            ).all()
        )
        try:
            scoring.validate_ratings(snapshot, stored)
        except scoring.RatingError:
            db.session.rollback()
            # Keep the draft: the values just sent are saved without submitting.
            save_ratings(db.session.get(ReviewRater, entry.id), snapshot, submitted)
            raise
    db.session.commit()


def open_requests(user_id: int) -> list[tuple[ReviewRater, ReviewRound, User]]:
    """The forms ``user_id`` is asked to fill in and has not submitted, with round and person."""
    rows = db.session.execute(
        select(ReviewRater, ReviewRound, User)
        .join(ReviewRound, ReviewRound.id == ReviewRater.round_id)
        .join(User, User.id == ReviewRound.subject_id)
        .where(
            ReviewRater.rater_id == user_id,
            ReviewRater.submitted_at.is_(None),
            ReviewRound.status == ROUND_OPEN,
        )
        .order_by(ReviewRound.due_date.is_(None), ReviewRound.due_date, ReviewRound.id)
    ).all()
    return [tuple(row) for row in rows]


def rounds_about(user_id: int) -> list[ReviewRound]:
    """Every round about a person, newest first."""
    return list(db.session.scalars(ReviewRound.for_subject(user_id)))


def rounds_run_by(actor: User) -> list[tuple[ReviewRound, User]]:
    """The rounds about people in ``actor``'s line (admins: all), newest first, with the person."""
    stmt = (
        select(ReviewRound, User)
        .join(User, User.id == ReviewRound.subject_id)
        .order_by(ReviewRound.created_at.desc(), ReviewRound.id.desc())
    )
    if actor.role != "admin":
        stmt = stmt.where(ReviewRound.subject_id.in_(management.branch_ids(actor.id)))
    return [tuple(row) for row in db.session.execute(stmt).all()]


# ---------------------------------------------------------------- results and calibration


def quiz_evidence(catalog: Catalog, user_id: int) -> dict[str, float | None]:
    """Today's quiz evidence per competency on the 1-5 scale (the self-assessment's rule)."""
    rows = db.session.scalars(ModuleProgress.for_user(user_id)).all()
    return {cid: e["level"] for cid, e in assessments.evidence_from_progress(catalog, rows).items()}


def result_for(round_: ReviewRound, catalog: Catalog, profile_id: str | None = None) -> ReviewResult:
    """The round's results from submitted forms only; the peers' average only past the anonymity threshold."""
    submitted = [r for r in round_.raters if r.submitted_at is not None]

    def first(relation: str):
        return next((r.ratings for r in submitted if r.relation == relation), None)

    if profile_id not in round_.framework["profiles"]:
        profile_id = target_profile(round_.subject_id)
    if profile_id not in round_.framework["profiles"]:
        profile_id = next(iter(round_.framework["profiles"]), None)
    return rules_of_review.build_result(
        round_.framework,
        self_ratings=first(RELATION_SELF),
        manager_ratings=first(RELATION_MANAGER),
        peer_ratings=[r.ratings for r in submitted if r.relation == RELATION_PEER],
        evidence=quiz_evidence(catalog, round_.subject_id),
        agreed={a.competency_id: a.level for a in agreed_in(round_.id)},
        profile_id=profile_id,
    )


def calibrate(round_: ReviewRound, actor: User, levels: dict[str, str], notes: dict[str, str]) -> None:
    """Record the agreed level of every competency and mark the round calibrated, exactly once."""
    if not management.can_lead_development(actor, round_.subject_id):
        raise ReviewError(N_("Only a manager above the person records agreed levels."))
    clean = rules_of_review.validate_agreed(round_.framework, levels)
    clean_notes = rules_of_review.validate_notes(round_.framework, notes)
    now = utcnow()
    claimed = db.session.execute(
        update(ReviewRound)
        .where(ReviewRound.id == round_.id, ReviewRound.status == ROUND_OPEN)
        .values(status=ROUND_CALIBRATED, calibrated_by_id=actor.id, calibrated_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise AlreadyDone(N_("The agreed levels of this review were recorded already."))
    db.session.add_all(
        AgreedLevel(
            round_id=round_.id,
            competency_id=cid,
            level=level,
            note=clean_notes[cid],
            agreed_by_id=actor.id,
            agreed_at=now,
        )
        for cid, level in clean.items()
    )
    db.session.commit()
    db.session.expire(round_)


def cancel(round_: ReviewRound, actor: User) -> None:
    """Cancel an open round, exactly once: its forms close, nobody is reminded, mail still queued is dropped.

    Answers given so far stay with the round and feed nothing (agreed levels come only from a
    calibration). Who cancelled goes to the audit log. Raises ReviewError when ``actor`` does not lead
    the person's development, AlreadyDone when the round is calibrated or cancelled already.
    """
    if not management.can_lead_development(actor, round_.subject_id):
        raise ReviewError(N_("Only a manager above the person cancels a review."))
    claimed = db.session.execute(
        update(ReviewRound)
        .where(ReviewRound.id == round_.id, ReviewRound.status == ROUND_OPEN)
        .values(status=ROUND_CANCELLED, cancelled_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise AlreadyDone(N_("This review is closed already: it was calibrated or cancelled."))
    mail.withdraw(review_mail_keys(round_))
    db.session.add(
        AuditLog(
            actor_id=actor.id, action="review cancelled", detail=f"review round #{round_.id}, user #{round_.subject_id}"
        )
    )
    db.session.commit()
    db.session.expire(round_)
