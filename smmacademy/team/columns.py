"""The team dashboard's columns: which always show, which on demand, and how each one sorts.

Adding a column takes two steps: a ``Column`` in ``COLUMNS`` below and a macro
with the same key in ``templates/team/_cells.html`` (the cell of one row). The
table, its header, the phone cards and the "More columns" picker follow.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..domain.plans import PLAN_STATUSES
from ..domain.team import URGENCY


@dataclass(frozen=True)
class Column:
    """One column of the team table.

    ``priority`` columns always show (they fit 1,280 px together); the others
    show when the viewer asks for them. ``sort`` orders rows ascending; None
    means the column cannot be sorted.
    """

    key: str
    label: object
    sort: Callable | None = None
    priority: bool = False


def _name(row) -> str:
    return row.user.full_name.lower()


COLUMNS: tuple[Column, ...] = (
    Column("name", _l("Name"), _name, priority=True),
    Column("status", _l("Status"), lambda r: (URGENCY.index(r.status), -r.overdue, _name(r)), priority=True),
    Column("assigned", _l("Done / assigned"), lambda r: (r.assigned - r.assigned_done, r.assigned), priority=True),
    Column("completion", _l("Curriculum completion"), lambda r: r.completion, priority=True),
    Column("profile", _l("Best-fit profile"), lambda r: (r.best_profile or "~", r.best_band or ""), priority=True),
    # Sorted in the order of domain.plans.PLAN_STATUSES (on track, behind, draft, done, no plan).
    Column("plan", _l("Plan"), lambda r: PLAN_STATUSES.index(r.plan), priority=True),
    Column("department", _l("Department"), lambda r: r.user.department_name.lower()),
    Column("score", _l("Avg quiz score"), lambda r: r.avg_score if r.avg_score is not None else -1),
    Column("in_progress", _l("In progress"), lambda r: r.in_progress),
    Column("activity", _l("Last activity"), lambda r: r.last_activity.timestamp() if r.last_activity else 0),
)
BY_KEY = {column.key: column for column in COLUMNS}
OPTIONAL = tuple(column for column in COLUMNS if not column.priority)
ALL = "all"
DEFAULT_SORT = "name"


def shown_columns(chosen: Iterable[str]) -> tuple[list[Column], list[str]]:
    """The columns to show for the requested optional ``chosen`` keys, and the keys that name no column.

    ``all`` asks for every column; priority columns show whatever is asked.
    """
    chosen = [key for key in chosen if key]
    unknown = [key for key in chosen if key != ALL and key not in BY_KEY]
    wanted = set(BY_KEY) if ALL in chosen else set(chosen)
    return [c for c in COLUMNS if c.priority or c.key in wanted], unknown


def sort_rows(rows: Iterable, key: str, descending: bool) -> list:
    """Rows ordered by the column ``key`` (by name when it cannot sort), ties by name."""
    column = BY_KEY.get(key)
    order = column.sort if column is not None and column.sort is not None else _name
    return sorted(sorted(rows, key=_name), key=order, reverse=descending)
