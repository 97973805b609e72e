"""Rules of corporate sign-in: which role a directory's groups give (never more than configured)."""

from __future__ import annotations

# Highest last: a person in several mapped groups gets the highest of their roles.
ROLE_ORDER = ("learner", "manager", "hr", "admin")


class RoleMapError(ValueError):
    """A ROLE_MAP setting that cannot be used."""


def parse_role_map(text: str) -> dict[str, str]:
    """``"smm-leads=manager, people=hr"`` → ``{"smm-leads": "manager", "people": "hr"}``; unknown roles refused."""
    mapping = {}
    for pair in filter(None, (p.strip() for p in (text or "").split(","))):
        group, _, role = pair.rpartition("=")
        group, role = group.strip(), role.strip().lower()
        if not group or role not in ROLE_ORDER:
            raise RoleMapError(f"bad ROLE_MAP entry {pair!r}: use group=role with a role among {', '.join(ROLE_ORDER)}")
        mapping[group] = role
    return mapping


def role_for(groups, mapping: dict[str, str]) -> str:
    """The highest role the mapped groups give; ``learner`` when none is mapped.

    Only groups named in the mapping count, so a directory cannot grant a role
    the site's configuration does not list for it.
    """
    if isinstance(groups, str):
        groups = [groups]
    roles = {mapping[g] for g in groups or () if isinstance(g, str) and g in mapping}
    return max(roles, key=ROLE_ORDER.index, default="learner")
