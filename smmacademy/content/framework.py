"""The competency framework (``courses/competencies.yml``): areas, scale, profiles."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import Reporter
from .questions import QUESTION_ID
from .yamlfile import LineDict, YamlProblem, load_yaml

SCALE_LEVELS = (1, 2, 3, 4, 5)
STATEMENTS_PER_COMPETENCY = (2, 4)
COMPETENCY_COUNT = (12, 22)


@dataclass(frozen=True)
class Statement:
    id: str
    text: str
    competency_id: str


@dataclass(frozen=True)
class Competency:
    id: str
    name: str
    description: str
    area_id: str
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class Area:
    id: str
    name: str
    competency_ids: tuple[str, ...]


@dataclass(frozen=True)
class Target:
    level: int
    weight: int


@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    summary: str
    targets: dict[str, Target]

    @property
    def demand(self) -> int:
        """How much the profile asks for overall: sum of level x weight."""
        return sum(t.level * t.weight for t in self.targets.values())


@dataclass(frozen=True)
class ScaleLevel:
    level: int
    name: str
    description: str


@dataclass(frozen=True)
class Framework:
    """The validated framework; ``competencies`` keeps file order."""

    version: int
    scale: tuple[ScaleLevel, ...]
    areas: tuple[Area, ...]
    competencies: dict[str, Competency]
    profiles: dict[str, Profile]
    # The same framework worded in other languages (competencies.ru.yml), by language code.
    translations: dict[str, Framework] = field(default_factory=dict, compare=False, repr=False)

    def localized(self, language: str | None) -> Framework:
        """The framework worded in ``language``; ids, targets and version never change."""
        return self.translations.get(language or "en", self)

    @property
    def statements(self) -> dict[str, Statement]:
        """Every statement by id, in questionnaire order."""
        return {s.id: s for c in self.competencies.values() for s in c.statements}

    def snapshot(self) -> dict:
        """A JSON-ready copy of what scoring depends on, stored with each result."""
        return {
            "version": self.version,
            "competencies": {
                c.id: {"name": c.name, "area": c.area_id, "statements": [s.id for s in c.statements]}
                for c in self.competencies.values()
            },
            "profiles": {
                p.id: {
                    "name": p.name,
                    "targets": {cid: [t.level, t.weight] for cid, t in p.targets.items()},
                }
                for p in self.profiles.values()
            },
        }


def _text(raw: LineDict, key: str, what: str, report: Reporter) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        report.error(f"{what} needs a non-empty '{key}'", raw.line_of(key))
        return ""
    return value.strip()


def _ident(raw, what: str, seen: set, report: Reporter) -> str | None:
    if not isinstance(raw, LineDict):
        report.error(f"each {what} must be a mapping", getattr(raw, "line", None))
        return None
    ident = str(raw.get("id") or "")
    if not QUESTION_ID.match(ident.replace(".", "-")):
        report.error(f"{what} needs an 'id' of lowercase letters, digits and hyphens", raw.line_of("id"))
        return None
    if ident in seen:
        report.error(f"duplicate {what} id '{ident}'", raw.line_of("id"))
        return None
    seen.add(ident)
    return ident


def _parse_scale(data: LineDict, report: Reporter) -> tuple[ScaleLevel, ...]:
    raw_scale = data.get("scale")
    scale = []
    for item in raw_scale if isinstance(raw_scale, list) else []:
        if isinstance(item, LineDict) and item.get("level") in SCALE_LEVELS:
            scale.append(
                ScaleLevel(
                    item["level"],
                    _text(item, "name", "a scale level", report),
                    _text(item, "description", "a scale level", report),
                )
            )
    if [s.level for s in scale] != list(SCALE_LEVELS):
        report.error(
            "'scale' must describe levels 1 to 5 in order, each with name and description", data.line_of("scale")
        )
    return tuple(scale)


def _parse_areas(data: LineDict, report: Reporter):
    areas, competencies, seen_areas, seen_ids, seen_statements = [], {}, set(), set(), set()
    raw_areas = data.get("areas")
    if not isinstance(raw_areas, list) or not raw_areas:
        report.error("'areas' must list the competency areas", data.line_of("areas"))
        return (), {}
    for raw_area in raw_areas:
        area_id = _ident(raw_area, "area", seen_areas, report)
        if area_id is None:
            continue
        area_name = _text(raw_area, "name", f"area '{area_id}'", report)
        ids = []
        raw_comps = raw_area.get("competencies")
        if not isinstance(raw_comps, list) or not raw_comps:
            report.error(f"area '{area_id}' must list its competencies", raw_area.line)
            continue
        for raw_comp in raw_comps:
            comp_id = _ident(raw_comp, "competency", seen_ids, report)
            if comp_id is None:
                continue
            what = f"competency '{comp_id}'"
            statements = []
            raw_statements = raw_comp.get("statements")
            low, high = STATEMENTS_PER_COMPETENCY
            if not isinstance(raw_statements, list) or not low <= len(raw_statements) <= high:
                report.error(f"{what} must have {low} to {high} statements", raw_comp.line_of("statements"))
                raw_statements = raw_statements if isinstance(raw_statements, list) else []
            for raw_statement in raw_statements:
                statement_id = _ident(raw_statement, "statement", seen_statements, report)
                if statement_id is not None:
                    text = _text(raw_statement, "text", f"statement '{statement_id}'", report)
                    statements.append(Statement(statement_id, text, comp_id))
            competencies[comp_id] = Competency(
                comp_id,
                _text(raw_comp, "name", what, report),
                _text(raw_comp, "description", what, report),
                area_id,
                tuple(statements),
            )
            ids.append(comp_id)
        areas.append(Area(area_id, area_name, tuple(ids)))
    low, high = COMPETENCY_COUNT
    if not low <= len(competencies) <= high:
        report.error(
            f"the framework must have {low} to {high} competencies, it has {len(competencies)}", data.line_of("areas")
        )
    return tuple(areas), competencies


def _parse_profiles(data: LineDict, competencies: dict, report: Reporter) -> dict[str, Profile]:
    profiles, seen = {}, set()
    raw_profiles = data.get("profiles")
    if not isinstance(raw_profiles, list) or not raw_profiles:
        report.error("'profiles' must list the role profiles", data.line_of("profiles"))
        return {}
    for raw in raw_profiles:
        profile_id = _ident(raw, "profile", seen, report)
        if profile_id is None:
            continue
        what = f"profile '{profile_id}'"
        targets = {}
        raw_targets = raw.get("targets")
        if not isinstance(raw_targets, LineDict):
            report.error(f"{what} needs 'targets' mapping competency ids to level and weight", raw.line)
            continue
        for comp_id, spec in raw_targets.items():
            line = raw_targets.line_of(comp_id)
            if comp_id not in competencies:
                report.error(f"{what}: unknown competency id '{comp_id}'", line)
                continue
            level = spec.get("level") if isinstance(spec, dict) else None
            weight = spec.get("weight") if isinstance(spec, dict) else None
            if level not in SCALE_LEVELS or not isinstance(weight, int) or weight < 1:
                report.error(f"{what}: target for '{comp_id}' needs level 1-5 and a whole weight >= 1", line)
                continue
            targets[comp_id] = Target(level, weight)
        missing = [cid for cid in competencies if cid not in targets]
        if missing:
            report.error(f"{what} has no target for: {', '.join(missing)}", raw.line_of("targets"))
        profiles[profile_id] = Profile(
            profile_id, _text(raw, "name", what, report), _text(raw, "summary", what, report), targets
        )
    return profiles


def read_mapping(path: Path, report: Reporter, not_a_mapping: str, parse=load_yaml) -> LineDict | None:
    """The YAML mapping in ``path``, or None after reporting why it cannot be read.

    ``parse`` is ``load_yaml`` or the content cache's copy of it (render_cache.py).
    """
    try:
        data = parse(path.read_text(encoding="utf-8"))
    except YamlProblem as problem:
        report.error(problem.message, problem.line)
        return None
    if not isinstance(data, LineDict):
        report.error(not_a_mapping)
        return None
    return data


def load_framework(path: Path, report: Reporter, parse=load_yaml) -> Framework | None:
    """Read and validate the framework file; problems go to ``report``."""
    report = report.child(path)
    if not path.exists():
        report.error("the competency framework file is missing")
        return None
    data = read_mapping(
        path, report, "the framework must be a YAML mapping with version, scale, areas and profiles", parse
    )
    if data is None:
        return None
    version = data.get("version")
    if not isinstance(version, int) or version < 1:
        report.error("'version' must be a whole number >= 1", data.line_of("version"))
        version = 0
    errors_before = len(report.errors)
    scale = _parse_scale(data, report)
    areas, competencies = _parse_areas(data, report)
    profiles = _parse_profiles(data, competencies, report)
    if len(report.errors) > errors_before or not version:
        return None
    return Framework(version, scale, areas, competencies, profiles)
