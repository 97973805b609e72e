"""Assemble an assessment result for display (pure: used by learners, managers and HR)."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import scoring
from .results import AssessmentResult, radar_for

# The English wording; callers pass the reader's language (a pure module cannot translate).
DEFAULT_TEXTS = {
    "quizzes": "%(passed)s of %(total)s quizzes passed",
    "target": "%(profile)s target",
    "self": "Self-rating",
}


def name_in(wording, kind: str, ident: str, stored: str) -> str:
    """The name of a competency or profile in ``wording`` (a Framework), else the stored one."""
    item = getattr(wording, kind, {}).get(ident) if wording is not None else None
    return item.name if item is not None else stored


def snapshot_names(snapshot: dict, wording=None) -> tuple[dict[str, str], dict[str, dict]]:
    """A snapshot's competency names by id and its profiles with their ``name`` in ``wording``'s language."""
    labels = {cid: name_in(wording, "competencies", cid, c["name"]) for cid, c in snapshot["competencies"].items()}
    profiles = {
        pid: {**p, "name": name_in(wording, "profiles", pid, p["name"])} for pid, p in snapshot["profiles"].items()
    }
    return labels, profiles


@dataclass
class CompetencyRow:
    id: str
    name: str
    level: float | None
    target: int
    weight: int
    evidence: float | None
    evidence_note: str
    overconfident: bool
    modules: list = field(default_factory=list)


@dataclass
class Report:
    profile_id: str
    profile_name: str
    fits: list[tuple[str, str, float, str]]  # (id, name, fit, band)
    best: scoring.BestFit
    rows: list[CompetencyRow]
    gaps: list[CompetencyRow]
    strengths: list[CompetencyRow]
    chart_svg: str


def build_report(
    snapshot: dict,
    result: AssessmentResult | dict,
    profile_id: str | None,
    modules_for,
    chart_title: str = "",
    labels: dict[str, str] | None = None,
    texts: dict[str, str] | None = None,
    wording=None,
) -> Report:
    """Build the report against ``profile_id`` (default: best fit, else nearest).

    ``modules_for(competency_id)`` returns the modules that develop it; ``texts``
    holds the reader's-language wording (see ``smmacademy.i18n.report_texts``) and
    ``wording`` the framework in the reader's language, whose names replace the
    stored (English) ones for the ids it knows.
    """
    words = {**DEFAULT_TEXTS, **(texts or {})}
    if not isinstance(result, AssessmentResult):
        result = AssessmentResult.from_json(result)
    labels_in_wording, profiles = snapshot_names(snapshot, wording)
    if profile_id not in profiles:
        profile_id = result.shown_profile
    targets = profiles[profile_id]["targets"]
    levels = result.levels
    rows = []
    for cid in snapshot["competencies"]:
        target, weight = targets.get(cid, [0, 0])
        found = result.evidence.get(cid)
        level_e = found.level if found else None
        note = found.describe(words["quizzes"]) if found else ""
        rows.append(
            CompetencyRow(
                cid,
                labels_in_wording[cid],
                levels.get(cid),
                target,
                weight,
                level_e,
                note,
                scoring.overconfident(levels.get(cid), level_e),
                list(modules_for(cid)),
            )
        )
    gap_entries, strength_entries = scoring.gaps_and_strengths(levels, targets)
    by_id = {r.id: r for r in rows}
    gaps = [by_id[e["competency"]] for e in gap_entries if e["competency"] in by_id]
    strengths = [by_id[e["competency"]] for e in strength_entries if e["competency"] in by_id]
    fits = [(pid, p["name"], result.fits[pid].fit, result.fits[pid].band) for pid, p in profiles.items()]
    names = labels or {}
    svg = radar_for(
        result, profiles[profile_id], {r.id: names.get(r.id, r.name) for r in rows}, texts=words, title=chart_title
    )
    return Report(profile_id, profiles[profile_id]["name"], fits, result.best, rows, gaps, strengths, svg)
