"""Database models. Import from here: ``from smmacademy.models import User``."""

from .assessment import Assessment, AssessmentRating
from .assignment import Assignment
from .candidate import AuditLog, Candidate, CandidateEvent, LinkAttempt
from .learning import Certificate, ModuleProgress, QuizAttempt
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
    "QuizAttempt",
    "User",
    "UserSession",
]
