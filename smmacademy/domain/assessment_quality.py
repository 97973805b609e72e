"""Quality of the self-assessment (no database access).

Two questions an author of ``competencies.yml`` can act on:

* do the statements of one competency hang together? Cronbach's alpha over the
  statements, per competency, over everyone who rated all of them;
* do self-ratings agree with quiz evidence? Spearman's rank correlation, per
  competency, between a person's mean self-rating of its statements and their
  quiz mastery of the modules tagged with it, over everyone who has both.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .item_analysis import cronbach_alpha

# Below this alpha the statements of a competency measure different things
# (the usual rule of thumb for a short scale).
LOW_ALPHA = 0.6


@dataclass(frozen=True)
class CompetencyQuality:
    """Alpha over a competency's statements and the self-rating/quiz agreement."""

    competency_id: str
    statements: int
    people: int
    alpha: float | None
    agreement: float | None
    agreement_n: int

    @property
    def low_alpha(self) -> bool:
        return self.alpha is not None and self.alpha < LOW_ALPHA


def _ranks(values: Sequence[float]) -> list[float]:
    """Ranks from 1, ties sharing their mean rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's correlation, None with fewer than three pairs or no variation."""
    n = len(xs)
    if n < 3:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if not sxx or not syy:
        return None
    return sxy / math.sqrt(sxx * syy)


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Spearman's rank correlation (Pearson's on mid-ranks, so ties are handled)."""
    return pearson(_ranks(xs), _ranks(ys))


def competency_quality(
    statements: Mapping[str, Sequence[str]],
    ratings: Sequence[Mapping[str, int]],
    mastery: Mapping[int, Mapping[str, float]] | None = None,
    owners: Sequence[int] | None = None,
) -> list[CompetencyQuality]:
    """Per competency (``statements``: competency id -> its statement ids).

    ``ratings`` are submitted assessments (statement id -> 1..5); ``owners``
    gives the person of each one and ``mastery`` each person's quiz mastery
    (competency id -> share 0..1) for the agreement. Incomplete ratings of a
    competency are left out of its alpha.
    """
    mastery = mastery or {}
    result = []
    for cid, ids in statements.items():
        rows = [[r[s] for s in ids] for r in ratings if all(s in r for s in ids)]
        pairs = []
        for index, rating in enumerate(ratings):
            person = owners[index] if owners is not None else None
            rated = [rating[s] for s in ids if s in rating]
            evidence = mastery.get(person, {}).get(cid) if person is not None else None
            if rated and evidence is not None:
                pairs.append((sum(rated) / len(rated), evidence))
        agreement = spearman([p[0] for p in pairs], [p[1] for p in pairs]) if pairs else None
        result.append(CompetencyQuality(cid, len(ids), len(rows), cronbach_alpha(rows), agreement, len(pairs)))
    return result
