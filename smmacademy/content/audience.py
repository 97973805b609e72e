"""Who a course or module is for: reserved audience words and department keys (no Flask, no database).

Content names departments by their stable key (``marketing``, ``b2b-sales``),
never by their display name, so an admin can rename "Marketing" to
"Маркетинг" without silently dropping its onboarding. A key is lower-case
ASCII letters and digits in hyphen-separated words; the reserved words below
are never department keys.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import ContentError

EVERYONE = "everyone"
ROLES = ("learner", "manager", "hr", "admin")
RESERVED_AUDIENCES = (EVERYONE, *ROLES)
KEY_MAX_LENGTH = 64
KEY_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# The departments a new site starts with: key -> English display name. Shipped
# content refers to these keys; the names may be renamed freely afterwards.
DEFAULT_DEPARTMENTS = {
    "marketing": "Marketing",
    "pr": "PR",
    "b2b-sales": "B2B sales",
    "b2c-sales": "B2C sales",
    "supplier-relations": "Supplier relations",
    "partner-relations": "Partner relations",
    "technical-support": "Technical support",
    # "hr" is the HR role; the department needs a key of its own.
    "hr-department": "HR",
}


def is_key(value: str) -> bool:
    """True when ``value`` has the form of a department key (whether or not one exists)."""
    return len(value) <= KEY_MAX_LENGTH and bool(KEY_PATTERN.match(value))


def audience_problem(value: str) -> str | None:
    """Why ``value`` cannot be an audience entry, or None when it is a reserved word or a well-formed key."""
    if value in RESERVED_AUDIENCES or is_key(value):
        return None
    suggestion = "".join(c if c.isascii() and c.isalnum() else "-" for c in value.lower()).strip("-")
    suggestion = re.sub("-+", "-", suggestion)
    hint = f" (perhaps '{suggestion}')" if suggestion and is_key(suggestion) else ""
    return (
        f"audience '{value}' is not a department key{hint}: use lower-case keys as listed under "
        f"Admin -> Departments, or one of {', '.join(RESERVED_AUDIENCES)}"
    )


@dataclass(frozen=True)
class AudienceRef(ContentError):
    """One audience entry where it is written (str(): the file:line warning shown when no department has it)."""

    value: str = ""

    @classmethod
    def at(cls, where: ContentError, value: str) -> AudienceRef:
        """The entry ``value`` at the file and line of ``where``."""
        return cls(where.path, where.line, f"warning: audience '{value}' names no department key on this site", value)


def unknown_audiences(refs: Iterable[AudienceRef], known_keys: Iterable[str]) -> list[AudienceRef]:
    """Every audience entry that is neither a reserved word nor a known department key (str() = file:line warning).

    A warning, not an error: the department may simply not be created yet on
    this site, and nothing breaks meanwhile (nobody is onboarded by it).
    """
    known = set(known_keys) | set(RESERVED_AUDIENCES)
    return [ref for ref in refs if ref.value not in known]
