"""Database models. Import from here: ``from smmacademy.models import User``."""

from .assessment import Assessment, AssessmentRating
from .assignment import Assignment
from .candidate import AuditLog, Candidate, CandidateEvent, LinkAttempt
from .identity import UserIdentity
from .learning import Certificate, ModuleProgress, QuizAttempt
from .notification import NotificationOptOut, OutboxMessage, PasswordResetToken
from .session import UserSession
from .user import ROLES, Department, LoginAttempt, User

__all__ = [
    "ROLES",
    "Assessment",
    "AssessmentRating",
    "Assignment",
    "AuditLog",
    "Candidate",
    "CandidateEvent",
    "LinkAttempt",
    "Certificate",
    "Department",
    "LoginAttempt",
    "ModuleProgress",
    "NotificationOptOut",
    "OutboxMessage",
    "PasswordResetToken",
    "QuizAttempt",
    "User",
    "UserIdentity",
    "UserSession",
]
