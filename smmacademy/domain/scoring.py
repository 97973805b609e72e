"""Self-assessment scoring: competency levels, profile fit, bands and evidence.

Everything works on a framework *snapshot* (see ``Framework.snapshot``), the
JSON stored with each result, so a result can always be re-read against the
framework version it was scored with.

* Level of a competency = mean of its statement ratings (1-5).
* Credit for one competency against a profile target: 1 when the level meets
  or exceeds the target (exceeding is never penalised); within one level
  below the target, partial credit falling linearly from 1 to 0.5; more than
  one level below, 0.
* Fit to a profile = sum(weight x credit) / sum(weight), as a percentage.
* Bands: ready >= 85 %, close 60-85 %, developing < 60 %.
* Best fit: among profiles the person is ready for, the most demanding one
  (being ready for the manager profile usually covers the others); when ready
  for none, the closest profile if it is at least "close"; otherwise no
  confident match.
"""

from __future__ import annotations

from dataclasses import dataclass

READY = "ready"
CLOSE = "close"
DEVELOPING = "developing"
READY_AT = 85.0
CLOSE_AT = 60.0
OVERCONFIDENCE_GAP = 2.0
MIN_RATING, MAX_RATING = 1, 5


def N_(message: str) -> str:
    """Mark ``message`` for translation (``pybabel extract -k N_``); this module knows no Flask."""
    return message


class RatingError(ValueError):
    """Ratings that are missing, unknown or out of range.

    ``message`` is an English template with ``%(name)s`` placeholders filled from
    ``values``; the views show it translated with ``smmacademy.i18n.translated``.
    """

    def __init__(self, message: str, **values):
        self.message, self.values = message, values
        super().__init__(message % values)


def validate_ratings(snapshot: dict, ratings: dict, require_all: bool = True) -> dict[str, int]:
    """Return ratings as ints, or raise RatingError naming the problem."""
    known = {sid for c in snapshot["competencies"].values() for sid in c["statements"]}
    unknown = sorted(set(ratings) - known)
    if unknown:
        raise RatingError(N_("unknown statement(s): %(names)s"), names=", ".join(unknown[:5]))
    clean = {}
    for sid, value in ratings.items():
        if isinstance(value, bool):
            raise RatingError(N_("rating for '%(statement)s' must be a whole number from 1 to 5"), statement=sid)
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            raise RatingError(
                N_("rating for '%(statement)s' must be a whole number from 1 to 5"), statement=sid
            ) from None
        if str(number) != str(value).strip() or not MIN_RATING <= number <= MAX_RATING:
            raise RatingError(N_("rating for '%(statement)s' must be a whole number from 1 to 5"), statement=sid)
        clean[sid] = number
    if require_all:
        missing = sorted(known - set(clean))
        if missing:
            raise RatingError(N_("%(num)s statement(s) not rated yet"), num=len(missing))
    return clean


def competency_levels(snapshot: dict, ratings: dict[str, int]) -> dict[str, float]:
    """Mean rating per competency (only competencies with at least one rating)."""
    levels = {}
    for cid, competency in snapshot["competencies"].items():
        values = [ratings[s] for s in competency["statements"] if s in ratings]
        if values:
            levels[cid] = round(sum(values) / len(values), 2)
    return levels


def credit(level: float, target: int) -> float:
    """Share of a target met: 1 at or above it, 1 -> 0.5 within one level below, else 0."""
    shortfall = target - level
    if shortfall <= 0:
        return 1.0
    if shortfall <= 1:
        return 1.0 - 0.5 * shortfall
    return 0.0


def profile_fit(levels: dict[str, float], targets: dict[str, list[int]]) -> float:
    """Weighted share of a profile's targets met, in percent."""
    total = sum(weight for _, weight in targets.values())
    earned = sum(weight * credit(levels.get(cid, 0.0), level) for cid, (level, weight) in targets.items())
    return round(100.0 * earned / total, 1) if total else 0.0


def band(fit: float) -> str:
    """Readiness band of a fit percentage."""
    if fit >= READY_AT:
        return READY
    if fit >= CLOSE_AT:
        return CLOSE
    return DEVELOPING


def _demand(targets: dict[str, list[int]]) -> int:
    return sum(level * weight for level, weight in targets.values())


@dataclass(frozen=True)
class BestFit:
    profile: str | None  # None: no confident match
    band: str
    ready_for: tuple[str, ...]
    nearest: str


def best_fit(snapshot: dict, fits: dict[str, float]) -> BestFit:
    """Choose the best-fit profile according to the rule in the module docstring."""
    profiles = snapshot["profiles"]
    ready = [pid for pid, fit in fits.items() if band(fit) == READY]
    ready.sort(key=lambda pid: (-_demand(profiles[pid]["targets"]), -fits[pid]))
    nearest = max(fits, key=lambda pid: (fits[pid], _demand(profiles[pid]["targets"])))
    if ready:
        return BestFit(ready[0], READY, tuple(ready), nearest)
    if band(fits[nearest]) == CLOSE:
        return BestFit(nearest, CLOSE, (), nearest)
    return BestFit(None, DEVELOPING, (), nearest)


def gaps_and_strengths(levels: dict[str, float], targets: dict[str, list[int]]):
    """Competencies below a profile's targets (biggest weighted gap first) and those meeting them."""
    gaps, strengths = [], []
    for cid, (level, weight) in targets.items():
        have = levels.get(cid, 0.0)
        entry = {"competency": cid, "level": have, "target": level, "weight": weight}
        (strengths if have >= level else gaps).append(entry)
    gaps.sort(key=lambda e: (-(e["target"] - e["level"]) * e["weight"], e["competency"]))
    strengths.sort(key=lambda e: (-e["weight"], -(e["level"] - e["target"]), e["competency"]))
    return gaps, strengths


def score(snapshot: dict, ratings: dict[str, int]) -> dict:
    """Score complete ratings; the result is JSON-ready and stored as is."""
    clean = validate_ratings(snapshot, ratings)
    levels = competency_levels(snapshot, clean)
    fits = {pid: profile_fit(levels, p["targets"]) for pid, p in snapshot["profiles"].items()}
    best = best_fit(snapshot, fits)
    return {
        "levels": levels,
        "fits": {pid: {"fit": fit, "band": band(fit)} for pid, fit in fits.items()},
        "best": {
            "profile": best.profile,
            "band": best.band,
            "ready_for": list(best.ready_for),
            "nearest": best.nearest,
        },
    }


def evidence_level(passed: int, total: int, attempted: int) -> float | None:
    """Evidence on the 1-5 scale from quizzes on tagged modules; None without any attempt."""
    if total == 0 or attempted == 0:
        return None
    return round(1 + 4 * passed / total, 2)


def share_level(correct: float, asked: int) -> float | None:
    """Evidence on the 1-5 scale from a share of correct test answers."""
    if asked == 0:
        return None
    return round(1 + 4 * correct / asked, 2)


def overconfident(self_level: float | None, evidence: float | None) -> bool:
    """True when the self-rating exceeds the evidence by two levels or more."""
    return self_level is not None and evidence is not None and self_level - evidence >= OVERCONFIDENCE_GAP
