"""Where each role starts after signing in (no Flask: endpoint names only)."""

from __future__ import annotations

LEARNER_HOME = "main.home"

# THE landing rule. Everyone also keeps "My learning" (LEARNER_HOME) in the menu.
LANDING_ENDPOINTS = {
    "admin": "admin.overview",
    "hr": "hr.candidates_list",
    "manager": "team.dashboard",
    "learner": LEARNER_HOME,
}


def landing_endpoint(role: str) -> str:
    """The endpoint a person of ``role`` lands on: team, candidates, admin overview or the learner home."""
    return LANDING_ENDPOINTS.get(role, LEARNER_HOME)
