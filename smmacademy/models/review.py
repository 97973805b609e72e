"""Reviews on the competency framework, agreed levels, target roles and development plans.

A review round asks several people about one person on the same statements:
the person (``self``), their manager (``manager``) and, optionally, peers
(``peer``). Each source is kept apart; self-ratings never count toward
meeting a profile. After the conversation the manager records an agreed
level per competency (:class:`AgreedLevel`): that calibrated level is what
profile matching and development plans use.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

RELATION_SELF = "self"
RELATION_MANAGER = "manager"
RELATION_PEER = "peer"
RELATIONS = (RELATION_SELF, RELATION_MANAGER, RELATION_PEER)

ROUND_OPEN = "open"
ROUND_CALIBRATED = "calibrated"
ROUND_CANCELLED = "cancelled"

PLAN_DRAFT = "draft"
PLAN_AGREED = "agreed"
PLAN_IN_PROGRESS = "in_progress"
PLAN_DONE = "done"
PLAN_STATES = (PLAN_DRAFT, PLAN_AGREED, PLAN_IN_PROGRESS, PLAN_DONE)

ITEM_COMPETENCY = "competency"
ITEM_OWN = "own"


class ReviewRound(db.Model):
    """One review of one person on a snapshot of the framework."""

    __tablename__ = "review_rounds"
    __table_args__ = (Index("ix_review_rounds_subject_created", "subject_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    framework_version: Mapped[int]
    # The framework as it was when the round started, so later edits never rewrite it.
    framework: Mapped[dict] = mapped_column(JSON)
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=ROUND_OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    calibrated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    calibrated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who cancelled it is in the audit log (action "review cancelled").
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    raters: Mapped[list[ReviewRater]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="selectin", order_by="ReviewRater.id"
    )

    @staticmethod
    def for_subject(subject_id: int):
        """Statement for a person's rounds, newest first."""
        return (
            select(ReviewRound)
            .where(ReviewRound.subject_id == subject_id)
            .order_by(ReviewRound.created_at.desc(), ReviewRound.id.desc())
        )


class ReviewRater(db.Model):
    """One person asked to answer in a round, with the source they answer as."""

    __tablename__ = "review_raters"
    __table_args__ = (UniqueConstraint("round_id", "rater_id", "relation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("review_rounds.id", ondelete="CASCADE"), index=True)
    rater_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    relation: Mapped[str] = mapped_column(String(16))
    nominated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    rating_rows: Mapped[list[ReviewRating]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="selectin", order_by="ReviewRating.id"
    )

    @property
    def ratings(self) -> dict[str, int]:
        """Statement id -> rating (1-5) given so far."""
        return {row.statement_id: row.value for row in self.rating_rows}


class ReviewRating(db.Model):
    """One statement's rating by one rater (saved with an upsert, never read-modify-write)."""

    __tablename__ = "review_ratings"
    __table_args__ = (UniqueConstraint("rater_entry_id", "statement_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rater_entry_id: Mapped[int] = mapped_column(ForeignKey("review_raters.id", ondelete="CASCADE"))
    statement_id: Mapped[str] = mapped_column(String(100))
    value: Mapped[int]


class AgreedLevel(db.Model):
    """The level per competency the manager recorded after the review conversation."""

    __tablename__ = "agreed_levels"
    __table_args__ = (UniqueConstraint("round_id", "competency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("review_rounds.id", ondelete="CASCADE"), index=True)
    competency_id: Mapped[str] = mapped_column(String(100))
    level: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")
    agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    agreed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @staticmethod
    def latest_round_for(subject_id: int):
        """Statement for the person's newest calibrated round (its agreed levels are the current ones)."""
        return (
            select(ReviewRound)
            .where(ReviewRound.subject_id == subject_id, ReviewRound.status == ROUND_CALIBRATED)
            .order_by(ReviewRound.calibrated_at.desc(), ReviewRound.id.desc())
            .limit(1)
        )

    @staticmethod
    def for_round(round_id: int):
        """Statement for a round's agreed levels."""
        return select(AgreedLevel).where(AgreedLevel.round_id == round_id).order_by(AgreedLevel.competency_id)


class TargetRole(db.Model):
    """The profile a person wants to grow into ("I want to become an SMM manager")."""

    __tablename__ = "target_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    profile_id: Mapped[str] = mapped_column(String(64))
    chosen_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DevelopmentPlan(db.Model):
    """An individual development plan (ИПР): draft → agreed → in progress → done."""

    __tablename__ = "development_plans"
    __table_args__ = (Index("ix_development_plans_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("review_rounds.id", ondelete="SET NULL"))
    profile_id: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default=PLAN_DRAFT)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    items: Mapped[list[PlanItem]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="selectin", order_by="PlanItem.position"
    )

    @staticmethod
    def current_for(user_id: int):
        """Statement for the person's newest plan that is not done."""
        return (
            select(DevelopmentPlan)
            .where(DevelopmentPlan.user_id == user_id, DevelopmentPlan.state != PLAN_DONE)
            .order_by(DevelopmentPlan.created_at.desc(), DevelopmentPlan.id.desc())
            .limit(1)
        )


class PlanItem(db.Model):
    """One step of a plan: a competency to close with modules, or the person's own action."""

    __tablename__ = "plan_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("development_plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(16), default=ITEM_COMPETENCY)
    competency_id: Mapped[str | None] = mapped_column(String(100))
    # Weighted gap between the agreed level and the target when the plan was built.
    gap: Mapped[float | None]
    # What someone typed; empty on a built item, whose goal is worded from ``target`` in the reader's language.
    goal: Mapped[str] = mapped_column(Text, default="")
    # The level a built item aims at (the target profile's level when the plan was built).
    target: Mapped[int | None]
    # "course-slug/module-slug" keys of the modules that teach this competency.
    modules: Mapped[list | None] = mapped_column(JSON(none_as_null=True))
    due_date: Mapped[date | None] = mapped_column(Date)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
