"""Review rules: sources kept apart, the peers' anonymity threshold, blind spots, calibrated profile match.

Flask-free. Every source is turned into competency levels by
:func:`scoring.competency_levels` and every profile match by
:func:`scoring.profile_fit` / :func:`scoring.best_fit`, exactly as for the
self-assessment.

* Peers' levels are shown only as an average over the peers who submitted, and
  only once at least :data:`PEER_ANONYMITY_THRESHOLD` of them did; below it no
  peer value leaves this module (page, CSV and JSON all read :class:`ReviewResult`).
* Blind spot: the self-rating is at least :data:`GAP_STEP` above the others
  (the mean of the manager's level and the peers' average, whichever are
  shown); hidden strength: at least one step below.
* Self-ratings never meet a profile: only agreed levels (or, before any
  calibration, nothing) go into :func:`profile_match`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from . import scoring
from .scoring import N_
from .text import control_character

# Fewer submitted peers than this: no peer value is shown anywhere.
PEER_ANONYMITY_THRESHOLD = 3
# How many peers a round may have.
MIN_PEERS, MAX_PEERS = 3, 8
# One step on the 1-5 scale: the distance that makes a blind spot or a hidden strength.
GAP_STEP = 1.0

BLIND_SPOT = "blind_spot"
HIDDEN_STRENGTH = "hidden_strength"


class ReviewError(ValueError):
    """A review request that breaks a rule; ``message`` is an English template with ``%(name)s`` values.

    ``competency``: the competency whose value is wrong, when there is one (so a form can show it on that row).
    """

    def __init__(self, message: str, competency: str | None = None, **values):
        self.message, self.values, self.competency = message, values, competency
        super().__init__(message % values)


def check_peer_count(count: int) -> None:
    """Raise ReviewError unless a round's peers number MIN_PEERS to MAX_PEERS."""
    if not MIN_PEERS <= count <= MAX_PEERS:
        raise ReviewError(
            N_("Choose from %(low)s to %(high)s peers (a round would have %(num)s)."),
            low=MIN_PEERS,
            high=MAX_PEERS,
            num=count,
        )


def peer_average(snapshot: dict, peer_ratings: Sequence[Mapping[str, int]]) -> dict[str, float] | None:
    """Peers' mean level per competency, or None while fewer than the threshold submitted.

    Each peer's ratings become levels first (so every peer weighs the same), then are averaged.
    """
    if len(peer_ratings) < PEER_ANONYMITY_THRESHOLD:
        return None
    per_peer = [scoring.competency_levels(snapshot, ratings) for ratings in peer_ratings]
    average = {}
    for cid in snapshot["competencies"]:
        values = [levels[cid] for levels in per_peer if cid in levels]
        if len(values) >= PEER_ANONYMITY_THRESHOLD:
            average[cid] = round(sum(values) / len(values), 2)
    return average


def mark(self_level: float | None, others: Sequence[float | None]) -> str | None:
    """BLIND_SPOT, HIDDEN_STRENGTH or None, comparing the self-rating with the mean of the other sources."""
    shown = [value for value in others if value is not None]
    if self_level is None or not shown:
        return None
    # Rounded: levels carry two decimals, and 4.0 - 3.0 must be exactly one step.
    difference = round(self_level - sum(shown) / len(shown), 2)
    if difference >= GAP_STEP:
        return BLIND_SPOT
    if difference <= -GAP_STEP:
        return HIDDEN_STRENGTH
    return None


@dataclass(frozen=True)
class SourceRow:
    """One competency with every source apart (None: that source has nothing to show)."""

    competency: str
    self_level: float | None
    manager: float | None
    peers: float | None
    evidence: float | None
    agreed: int | None
    target: int
    weight: int
    mark: str | None


@dataclass(frozen=True)
class ReviewResult:
    """A round's results. ``peers_shown`` False means no peer value exists in it at all."""

    rows: list[SourceRow]
    peers_submitted: int
    peers_shown: bool
    profile_id: str | None
    levels: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def blind_spots(self) -> list[SourceRow]:
        return [r for r in self.rows if r.mark == BLIND_SPOT]

    @property
    def hidden_strengths(self) -> list[SourceRow]:
        return [r for r in self.rows if r.mark == HIDDEN_STRENGTH]

    def to_json(self) -> dict:
        """The JSON shape of the results (peer values only when shown)."""
        return {
            "profile": self.profile_id,
            "peers_submitted": self.peers_submitted,
            "peers_shown": self.peers_shown,
            "competencies": [
                {
                    "id": r.competency,
                    "self": r.self_level,
                    "manager": r.manager,
                    **({"peers": r.peers} if self.peers_shown else {}),
                    "evidence": r.evidence,
                    "agreed": r.agreed,
                    "target": r.target,
                    "mark": r.mark,
                }
                for r in self.rows
            ],
        }


def build_result(
    snapshot: dict,
    *,
    self_ratings: Mapping[str, int] | None,
    manager_ratings: Mapping[str, int] | None,
    peer_ratings: Sequence[Mapping[str, int]],
    evidence: Mapping[str, float | None] | None = None,
    agreed: Mapping[str, int] | None = None,
    profile_id: str | None = None,
) -> ReviewResult:
    """Results of a round from the SUBMITTED ratings of each source (drafts must not be passed in)."""
    own = scoring.competency_levels(snapshot, dict(self_ratings)) if self_ratings else {}
    manager = scoring.competency_levels(snapshot, dict(manager_ratings)) if manager_ratings else {}
    peers = peer_average(snapshot, peer_ratings)
    targets = snapshot["profiles"][profile_id]["targets"] if profile_id in snapshot["profiles"] else {}
    evidence, agreed = evidence or {}, agreed or {}
    rows = []
    for cid in snapshot["competencies"]:
        peer_level = peers.get(cid) if peers is not None else None
        target, weight = targets.get(cid, [0, 0])
        rows.append(
            SourceRow(
                cid,
                own.get(cid),
                manager.get(cid),
                peer_level,
                evidence.get(cid),
                agreed.get(cid),
                target,
                weight,
                mark(own.get(cid), (manager.get(cid), peer_level)),
            )
        )
    levels = {"self": own, "manager": manager}
    if peers is not None:
        levels["peers"] = peers
    return ReviewResult(rows, len(peer_ratings), peers is not None, profile_id if targets else None, levels)


def profile_match(snapshot: dict, levels: Mapping[str, float]) -> dict:
    """Fit per profile and the best fit for given (agreed) levels, by the self-assessment's scoring rules.

    Returns ``{"fits": {profile: {"fit", "band"}}, "best": BestFit}``; never pass self-ratings here.
    """
    fits = {pid: scoring.profile_fit(dict(levels), p["targets"]) for pid, p in snapshot["profiles"].items()}
    return {
        "fits": {pid: {"fit": fit, "band": scoring.band(fit)} for pid, fit in fits.items()},
        "best": scoring.best_fit(snapshot, fits) if fits else None,
    }


@dataclass(frozen=True)
class GapRow:
    """Distance from a level to a target profile's target for one competency."""

    competency: str
    level: float | None
    target: int
    weight: int
    gap: float


def target_gaps(levels: Mapping[str, float], targets: Mapping[str, Sequence[int]]) -> list[GapRow]:
    """Every targeted competency, biggest weighted gap first (ordering of ``scoring.gaps_and_strengths``)."""
    gaps, strengths = scoring.gaps_and_strengths(dict(levels), dict(targets))
    return [
        GapRow(
            e["competency"],
            levels.get(e["competency"]),
            e["target"],
            e["weight"],
            round(max(0.0, e["target"] - e["level"]), 2),
        )
        for e in gaps + strengths
    ]


@dataclass(frozen=True)
class LevelChange:
    """A competency's agreed level in the previous and the current round."""

    competency: str
    previous: int | None
    current: int | None

    @property
    def delta(self) -> int | None:
        if self.previous is None or self.current is None:
            return None
        return self.current - self.previous


def changes(previous: Mapping[str, int], current: Mapping[str, int], order: Sequence[str]) -> list[LevelChange]:
    """Per competency (in ``order``), the change of agreed level between two rounds."""
    return [
        LevelChange(cid, previous.get(cid), current.get(cid))
        for cid in order
        if previous.get(cid) is not None or current.get(cid) is not None
    ]


def validate_agreed(snapshot: dict, submitted: Mapping[str, str]) -> dict[str, int]:
    """Agreed levels as ints, one for every competency of the round, or ReviewError."""
    clean = {}
    for cid in snapshot["competencies"]:
        raw = str(submitted.get(cid, "")).strip()
        if not raw:
            raise ReviewError(N_("Record an agreed level for every competency."), competency=cid)
        if not raw.isdigit() or not scoring.MIN_RATING <= int(raw) <= scoring.MAX_RATING:
            raise ReviewError(N_("An agreed level must be a whole number from 1 to 5."), competency=cid)
        clean[cid] = int(raw)
    unknown = sorted(set(submitted) - set(snapshot["competencies"]))
    if unknown:
        raise ReviewError(N_("unknown competency: %(names)s"), names=", ".join(unknown[:5]))
    return clean


NOTE_LENGTH = 1000


def validate_notes(snapshot: dict, submitted: Mapping[str, str]) -> dict[str, str]:
    """Optional calibration notes per competency, trimmed; ReviewError when one is too long or has control characters."""
    notes = {}
    for cid in snapshot["competencies"]:
        text = str(submitted.get(cid, "")).strip()
        if len(text) > NOTE_LENGTH:
            raise ReviewError(N_("A note may be at most %(num)s characters long."), competency=cid, num=NOTE_LENGTH)
        if control_character(text, multiline=True):
            raise ReviewError(
                N_("A note contains an invisible control character; remove it and try again."), competency=cid
            )
        notes[cid] = text
    return notes
