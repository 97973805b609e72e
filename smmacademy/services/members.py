"""What a manager sees about one person: progress, attempts, self-assessments and assignment states."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..content.catalog import Catalog
from ..domain.progress import by_module
from ..extensions import db
from ..models import Assessment, Assignment, ModuleProgress, QuizAttempt, User
from .assignments import AssignmentView, assignment_views
from .team import Scope, member_ids_query


@dataclass(frozen=True)
class MemberRecord:
    """Everything the member page and its CSV export display, states already computed."""

    progress: list[ModuleProgress]
    attempts: list[QuizAttempt]
    history: list[Assessment]
    assignments: list[AssignmentView]


def member_record(catalog: Catalog, user_id: int, today: date | None = None) -> MemberRecord:
    """One person's record, newest first, with every assignment's state from domain.team."""
    progress = db.session.scalars(ModuleProgress.for_user(user_id).order_by(ModuleProgress.started_at)).all()
    attempts = db.session.scalars(
        select(QuizAttempt).where(QuizAttempt.user_id == user_id).order_by(QuizAttempt.submitted_at.desc())
    ).all()
    history = db.session.scalars(Assessment.history_for(user_id)).all()
    assignments = db.session.scalars(
        select(Assignment).where(Assignment.user_id == user_id).order_by(Assignment.created_at.desc())
    ).all()
    views = assignment_views(catalog, assignments, by_module(progress), history[0] if history else None, today)
    return MemberRecord(list(progress), list(attempts), list(history), views)


def people_in(scope: Scope) -> list[User]:
    """The active people of a dashboard scope, by name (e.g. whom a manager may assign to)."""
    return list(db.session.scalars(select(User).where(User.id.in_(member_ids_query(scope))).order_by(User.full_name)))
