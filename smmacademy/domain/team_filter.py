"""Which people the team dashboard lists: its filters and their allowed values (no Flask, no database)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .plans import PLAN_STATUSES
from .team import STATUSES

ASSESSED_YES = "yes"
ASSESSED_NO = "no"
ASSESSED_VALUES = (ASSESSED_YES, ASSESSED_NO)


@dataclass(frozen=True)
class TeamFilter:
    """A dashboard filter; empty fields keep everyone."""

    query: str = ""
    department: str = ""  # a department key (models.Department.key): stays right when the name changes
    status: str = ""
    assessed: str = ""
    plan: str = ""  # a development plan status (domain.plans.PLAN_STATUSES)

    @property
    def active(self) -> bool:
        """Whether any field narrows the list."""
        return bool(self.query or self.department or self.status or self.assessed or self.plan)

    def keeps(self, row) -> bool:
        """Whether a dashboard row (``services.team.MemberRow``) passes every field."""
        user = row.user
        if self.query and self.query not in user.full_name.lower() and self.query not in (user.email or "").lower():
            return False
        if self.department and user.department_key != self.department:
            return False
        if self.status and row.status != self.status:
            return False
        if self.plan and row.plan != self.plan:
            return False
        if self.assessed:
            return row.assessed == (self.assessed == ASSESSED_YES)
        return True

    def apply(self, rows: Iterable) -> list:
        """The rows this filter keeps, in their order."""
        return [row for row in rows if self.keeps(row)]


def parse_team_filter(
    query: str = "",
    department: str = "",
    status: str = "",
    assessed: str = "",
    plan: str = "",
    departments: Mapping[str, str] | None = None,
) -> tuple[TeamFilter, list[tuple[str, str]]]:
    """A filter from query-string values, and the (field, value) pairs it refused.

    An unknown status or assessment value is dropped rather than matching nobody,
    so a mistyped link still shows the team; the caller says what was ignored.
    ``departments`` (key -> name, the departments the list can show) checks the
    department: a name is taken for its key (links made before keys), anything
    else is refused.
    """
    refused = []
    status, assessed, plan, department = status.strip(), assessed.strip(), plan.strip(), department.strip()
    if department and departments is not None and department not in departments:
        by_name = {name: key for key, name in departments.items()}
        if department in by_name:
            department = by_name[department]
        else:
            refused.append(("department", department))
            department = ""
    if status and status not in STATUSES:
        refused.append(("status", status))
        status = ""
    if assessed and assessed not in ASSESSED_VALUES:
        refused.append(("assessed", assessed))
        assessed = ""
    if plan and plan not in PLAN_STATUSES:
        refused.append(("plan", plan))
        plan = ""
    return TeamFilter(query.strip().lower(), department, status, assessed, plan), refused
