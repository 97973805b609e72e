"""The assessment result: one typed value for employees and candidates, built by :func:`finalise`.

A result is stored as JSON on the assessment (``Assessment.result``); the
shape never changed, so :meth:`AssessmentResult.from_json` reads every stored
result, old or new, and :meth:`AssessmentResult.to_json` writes the same
shape back. Evidence differs only in where it comes from: an employee's
quizzes (passed of total) or a candidate's knowledge test (right of asked).
:func:`radar_for` draws a result against a profile for every page that shows
one (results page, member page, HR report, HR comparison).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from . import scoring
from .charts import radar

EVIDENCE_KEYS = ("passed", "attempted", "total", "right", "asked", "note")
# Series classes of the comparison chart, in order; the first person is drawn like a self-rating.
OTHER_SERIES = ("other", "target", "self")


@dataclass(frozen=True)
class Evidence:
    """Outside evidence for one competency on the 1-5 scale (``level`` None: nothing to go on)."""

    level: float | None
    passed: int | None = None
    attempted: int | None = None
    total: int | None = None
    right: float | None = None
    asked: int | None = None
    note: str | None = None

    @classmethod
    def from_json(cls, data: Mapping) -> Evidence:
        """Read one stored evidence entry (either source)."""
        return cls(data.get("level"), **{key: data[key] for key in EVIDENCE_KEYS if key in data})

    def to_json(self) -> dict:
        """The stored shape: ``level`` always, the counts of its source."""
        data = {"level": self.level}
        data.update({key: getattr(self, key) for key in EVIDENCE_KEYS if getattr(self, key) is not None})
        return data

    def describe(self, quizzes_text: str) -> str:
        """The note shown beside the evidence; ``quizzes_text`` words quiz counts in the reader's language."""
        if self.note:
            return self.note
        if self.passed is not None and self.total:
            return quizzes_text % {"passed": self.passed, "total": self.total}
        return ""


@dataclass(frozen=True)
class ProfileFit:
    """How well the ratings fit one profile: a percentage and its band."""

    fit: float
    band: str


@dataclass(frozen=True)
class AssessmentResult:
    """A scored self-assessment: levels, profile fits, best fit and evidence per competency."""

    levels: dict[str, float]
    fits: dict[str, ProfileFit]
    best: scoring.BestFit
    evidence: dict[str, Evidence] = field(default_factory=dict)
    evidence_source: str | None = None

    @classmethod
    def from_json(cls, data: Mapping) -> AssessmentResult:
        """Read a stored result (every version stored so far has this shape)."""
        best = data["best"]
        return cls(
            levels=dict(data.get("levels", {})),
            fits={pid: ProfileFit(f["fit"], f["band"]) for pid, f in data.get("fits", {}).items()},
            best=scoring.BestFit(best["profile"], best["band"], tuple(best.get("ready_for", ())), best["nearest"]),
            evidence={cid: Evidence.from_json(e) for cid, e in (data.get("evidence") or {}).items()},
            evidence_source=data.get("evidence_source"),
        )

    def to_json(self) -> dict:
        """The JSON stored on the assessment."""
        data = {
            "levels": dict(self.levels),
            "fits": {pid: {"fit": f.fit, "band": f.band} for pid, f in self.fits.items()},
            "best": {
                "profile": self.best.profile,
                "band": self.best.band,
                "ready_for": list(self.best.ready_for),
                "nearest": self.best.nearest,
            },
        }
        if self.evidence_source is not None:
            data["evidence"] = {cid: e.to_json() for cid, e in self.evidence.items()}
            data["evidence_source"] = self.evidence_source
        return data

    @property
    def shown_profile(self) -> str:
        """The profile a result is shown against by default: the best fit, else the nearest."""
        return self.best.profile or self.best.nearest

    def level(self, competency_id: str) -> float:
        """The self-rated level of a competency (0 when it was not rated)."""
        return self.levels.get(competency_id, 0.0)

    def fit_for(self, profile_id: str) -> ProfileFit | None:
        """The fit to ``profile_id``, or None when the result does not know that profile."""
        return self.fits.get(profile_id)


def finalise(
    snapshot: dict,
    ratings: dict,
    evidence: Mapping[str, Mapping] | None = None,
    evidence_source: str | None = None,
) -> AssessmentResult:
    """Score complete ``ratings`` against a framework snapshot and attach the evidence.

    The one way a result is made, for employees (quiz evidence) and
    candidates (knowledge-test evidence). Raises RatingError for incomplete ratings.
    """
    scored = AssessmentResult.from_json(scoring.score(snapshot, ratings))
    if evidence_source is None:
        return scored
    return AssessmentResult(
        scored.levels,
        scored.fits,
        scored.best,
        {cid: Evidence.from_json(e) for cid, e in (evidence or {}).items()},
        evidence_source,
    )


def radar_for(
    result: AssessmentResult | None,
    profile: Mapping | None,
    labels: Mapping[str, str],
    *,
    texts: Mapping[str, str],
    title: str = "",
    person: str | None = None,
    others: Sequence[tuple[str, AssessmentResult]] = (),
    sources: Sequence[tuple[str, Mapping[str, float | None], str]] = (),
) -> str:
    """SVG radar of ``result`` against ``profile`` (a snapshot profile with a display ``name``).

    ``labels`` maps competency ids to axis labels in the reader's language, in
    axis order; ``texts`` holds the series wording (``target``, ``self``; see
    ``i18n.report_texts``); ``person`` names the result's series (default
    ``texts["self"]``); ``others`` adds more people, as on the comparison page.
    """
    ids = list(labels)
    series = []
    if profile is not None:
        targets = profile["targets"]
        series.append(
            (
                texts["target"] % {"profile": profile["name"]},
                [float(targets.get(cid, [0, 0])[0]) for cid in ids],
                "target",
            )
        )
    if result is not None:
        series.append((person or texts["self"], [result.level(cid) for cid in ids], "self"))
    for index, (name, other) in enumerate(others):
        series.append((name, [other.level(cid) for cid in ids], OTHER_SERIES[index % len(OTHER_SERIES)]))
    for name, levels, css in sources:
        series.append((name, [float(levels.get(cid) or 0.0) for cid in ids], css))
    if not series:
        return ""
    return radar([labels[cid] for cid in ids], series, title=title)
