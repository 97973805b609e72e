"""Assemble an assessment result for display (pure: used by learners, managers and HR)."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import scoring
from .charts import radar

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
    best: dict
    rows: list[CompetencyRow]
    gaps: list[CompetencyRow]
    strengths: list[CompetencyRow]
    chart_svg: str


def build_report(
    snapshot: dict,
    result: dict,
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
    profiles = {
        pid: {**p, "name": name_in(wording, "profiles", pid, p["name"])} for pid, p in snapshot["profiles"].items()
    }
    if profile_id not in profiles:
        profile_id = result["best"]["profile"] or result["best"]["nearest"]
    targets = profiles[profile_id]["targets"]
    levels = result["levels"]
    evidence = result.get("evidence", {})
    rows = []
    for cid, info in snapshot["competencies"].items():
        target, weight = targets.get(cid, [0, 0])
        found = evidence.get(cid) or {}
        level_e = found.get("level")
        note = found.get("note") or (
            words["quizzes"] % {"passed": found["passed"], "total": found["total"]}
            if "passed" in found and found.get("total")
            else ""
        )
        rows.append(
            CompetencyRow(
                cid,
                name_in(wording, "competencies", cid, info["name"]),
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
    fits = [(pid, p["name"], result["fits"][pid]["fit"], result["fits"][pid]["band"]) for pid, p in profiles.items()]
    names = labels or {}
    svg = radar(
        [names.get(r.id, r.name) for r in rows],
        [
            (words["target"] % {"profile": profiles[profile_id]["name"]}, [float(r.target) for r in rows], "target"),
            (words["self"], [r.level or 0.0 for r in rows], "self"),
        ],
        title=chart_title,
    )
    return Report(profile_id, profiles[profile_id]["name"], fits, result["best"], rows, gaps, strengths, svg)
