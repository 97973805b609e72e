"""Team status rules (no database access)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

ON_TRACK = "on_track"
BEHIND = "behind"
OVERDUE = "overdue"
INACTIVE = "inactive"
STATUSES = (ON_TRACK, BEHIND, OVERDUE, INACTIVE)
# The order a manager reads statuses in: who needs attention first.
URGENCY = (OVERDUE, BEHIND, INACTIVE, ON_TRACK)
INACTIVE_DAYS = 30
DUE_SOON_DAYS = 7


@dataclass
class MemberFacts:
    assigned: int
    assigned_done: int
    overdue: int
    due_soon: int
    last_activity: datetime | None
    created_at: datetime | None


def member_status(facts: MemberFacts, today: date) -> str:
    """One status per person, the most urgent first.

    * overdue: an unfinished assignment is past its due date;
    * behind: an unfinished assignment is due within ``DUE_SOON_DAYS`` days;
    * inactive: no learning activity for 30 days (counted from the account's
      creation for someone who has never started);
    * on track: everything else.
    """
    if facts.overdue:
        return OVERDUE
    if facts.due_soon:
        return BEHIND
    reference = facts.last_activity or facts.created_at
    if reference is not None:
        cutoff = datetime.combine(today, datetime.min.time(), tzinfo=UTC) - timedelta(days=INACTIVE_DAYS)
        if reference < cutoff:
            return INACTIVE
    return ON_TRACK


def week_ends(today: date, weeks: int) -> list[date]:
    """The last day of each of the last ``weeks`` weeks, oldest first, ending today."""
    return [today - timedelta(days=7 * offset) for offset in range(weeks - 1, -1, -1)]


# Assignment states, the most settled first. A complete assignment is complete
# whatever its due date; only unfinished ones can be overdue or due soon.
COMPLETE = "complete"
DUE_SOON = "due_soon"
OPEN = "open"
WITHDRAWN = "withdrawn"
ASSIGNMENT_STATES = (COMPLETE, OVERDUE, DUE_SOON, OPEN, WITHDRAWN)


def assignment_state(due: date | None, complete: bool, today: date, withdrawn: bool = False) -> str:
    """THE assignment-state rule: withdrawn, complete, overdue, due soon or open.

    * complete: fulfilled (even after its due date);
    * overdue: unfinished and the due date has passed;
    * due soon: unfinished and due within ``DUE_SOON_DAYS`` days (today included);
    * open: everything else, including no due date.
    """
    if withdrawn:
        return WITHDRAWN
    if complete:
        return COMPLETE
    if due is not None and due < today:
        return OVERDUE
    if due is not None and due <= today + timedelta(days=DUE_SOON_DAYS):
        return DUE_SOON
    return OPEN


def is_overdue(due: date | None, complete: bool, today: date) -> bool:
    """An unfinished assignment whose due date has passed."""
    return assignment_state(due, complete, today) == OVERDUE
