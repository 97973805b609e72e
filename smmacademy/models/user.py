"""People, departments and login attempts."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, func, or_, select
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload, validates
from werkzeug.security import check_password_hash, generate_password_hash

from ..content.audience import DEFAULT_DEPARTMENTS as DEFAULT_DEPARTMENT_KEYS
from ..extensions import db
from .base import UTCDateTime, utcnow

ROLES = ("learner", "manager", "hr", "admin")
# The default departments' display names (their keys: content.audience.DEFAULT_DEPARTMENTS).
DEFAULT_DEPARTMENTS = tuple(DEFAULT_DEPARTMENT_KEYS.values())


class Department(db.Model):
    """A managed list of departments."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # The stable identity content refers to (course audiences, onboarding): set once
    # at creation (domain.departments.new_key) and never changed, whatever the name becomes.
    key: Mapped[str] = mapped_column(String(64), unique=True, index=True)

    @validates("key")
    def _keep_key(self, _attribute: str, value: str) -> str:
        if self.key is not None and value != self.key:
            raise ValueError(f"department {self.key!r} keeps its key; it cannot become {value!r}")
        return value

    @staticmethod
    def ordered():
        """All departments by name."""
        return select(Department).order_by(Department.name)


class User(UserMixin, db.Model):
    """An employee account (learner, manager, HR or admin)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased so uniqueness is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    role: Mapped[str] = mapped_column(String(20), default="learner")
    job_title: Mapped[str] = mapped_column(String(200), default="")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Set for accounts created with a temporary password (import, reset).
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Interface language chosen by the person ('en', 'ru'); None follows the browser.
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    department: Mapped[Department | None] = relationship(lazy="joined")
    # Loaded on demand; lists that show managers use selectinload (one query).
    manager: Mapped[User | None] = relationship(remote_side=[id])

    @staticmethod
    def normalise_email(email: str) -> str:
        """The canonical (stripped, lower-case) form of an address."""
        return (email or "").strip().lower()

    def set_password(self, password: str) -> None:
        """Hash and store a new password (scrypt; tests configure a cheaper cost)."""
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        """True when ``password`` matches the stored hash."""
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    # The token of the server-side session this object was loaded for (see
    # services.sessions); Flask-Login keeps it in its cookies instead of the id.
    session_token = None
    current_session_id = None

    def get_id(self) -> str:
        """Flask-Login's "alternative id": the random session token, never the user id."""
        if not self.session_token:
            raise RuntimeError("sign in through services.sessions.start(), which issues a session token")
        return self.session_token

    # Two User objects are the same person when they are the same row; Flask-Login's
    # mixin would compare session tokens instead.
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def has_role(self, *roles: str) -> bool:
        """True when the user holds one of ``roles`` (admins hold every role)."""
        return self.role in roles or self.role == "admin"

    @property
    def department_name(self) -> str:
        return self.department.name if self.department else ""

    @property
    def department_key(self) -> str:
        """The stable key of the person's department ("" without one): what content and onboarding match."""
        return self.department.key if self.department else ""

    @staticmethod
    def by_email(email: str):
        """Statement selecting the user with this address, in any letter case."""
        return select(User).where(User.email == User.normalise_email(email))

    @staticmethod
    def search(query: str = "", role: str = "", department_id: int | None = None, include_inactive=True):
        """Statement for the admin user list, filtered and ordered by name."""
        stmt = select(User).options(selectinload(User.manager)).order_by(func.lower(User.full_name))
        if query:
            like = f"%{query.strip().lower()}%"
            stmt = stmt.where(
                or_(func.lower(User.full_name).like(like), User.email.like(like), func.lower(User.job_title).like(like))
            )
        if role:
            stmt = stmt.where(User.role == role)
        if department_id:
            stmt = stmt.where(User.department_id == department_id)
        if not include_inactive:
            stmt = stmt.where(User.active.is_(True))
        return stmt

    @staticmethod
    def any_exists():
        """Statement that is non-empty once any account exists (then /setup is closed)."""
        return select(User.id).limit(1)

    @staticmethod
    def active_admins():
        """Statement selecting the ids of active administrators."""
        return select(User.id).where(User.role == "admin", User.active.is_(True))


class LoginAttempt(db.Model):
    """A failed login, kept in the database so every worker sees the same count."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_time", "email", "created_at"),
        Index("ix_login_attempts_address_time", "address", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @staticmethod
    def failures_since(since: datetime, email: str | None = None, address: str | None = None, exclude_id=None):
        """Statement: (count, oldest, newest time) of failures for an account, an address or both."""
        stmt = select(
            func.count(LoginAttempt.id), func.min(LoginAttempt.created_at), func.max(LoginAttempt.created_at)
        ).where(LoginAttempt.created_at >= since)
        if email is not None:
            stmt = stmt.where(LoginAttempt.email == User.normalise_email(email))
        if address is not None:
            stmt = stmt.where(LoginAttempt.address == address)
        if exclude_id is not None:
            stmt = stmt.where(LoginAttempt.id != exclude_id)
        return stmt
