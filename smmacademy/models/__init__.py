"""Database models. Import from here: ``from smmacademy.models import User``."""

from .assessment import Assessment, AssessmentRating
from .assignment import Assignment
from .candidate import AuditLog, Candidate, CandidateEvent, LinkAttempt
from .identity import UserIdentity
from .learning import Certificate, ModuleProgress, QuizAttempt
from .notification import NotificationOptOut, OutboxMessage, PasswordResetToken
from .review import AgreedLevel, DevelopmentPlan, PlanItem, ReviewRater, ReviewRating, ReviewRound, TargetRole
from .session import UserSession
from .user import ROLES, Department, LoginAttempt, User

__all__ = [
    "ROLES",
    "Assessment",
    "AssessmentRating",
    "Assignment",
    "AgreedLevel",
    "AuditLog",
    "Candidate",
    "CandidateEvent",
    "LinkAttempt",
    "Certificate",
    "Department",
    "DevelopmentPlan",
    "LoginAttempt",
    "ModuleProgress",
    "NotificationOptOut",
    "OutboxMessage",
    "PasswordResetToken",
    "PlanItem",
    "QuizAttempt",
    "ReviewRater",
    "ReviewRating",
    "ReviewRound",
    "TargetRole",
    "User",
    "UserIdentity",
    "UserSession",
]
