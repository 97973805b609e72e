"""Translations of the competency framework (``competencies.<lang>.yml``): wording by id, nothing else.

An overlay maps the English framework's ids to translated texts; targets, weights,
order and the set of statements always come from ``competencies.yml``. Entries the
overlay lacks stay English; ids the English framework does not have are reported.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .errors import Reporter
from .framework import Framework, read_mapping
from .yamlfile import LineDict, load_yaml

OVERLAY_SECTIONS = ("scale", "areas", "competencies", "statements", "profiles")


def _overlay_text(value, what: str, line, report: Reporter) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        report.error(f"{what} must be non-empty text", line)
        return None
    return value.strip()


def _overlay_section(data: LineDict, section: str, known, report: Reporter) -> dict:
    """The entries of one overlay section whose ids the English framework has."""
    raw = data.get(section)
    if raw is None:
        return {}
    if not isinstance(raw, LineDict):
        report.error(f"'{section}' must map ids to their translation", data.line_of(section))
        return {}
    entries = {}
    for key, value in raw.items():
        if key not in known:
            report.error(f"{section}: unknown id '{key}' (ids come from competencies.yml)", raw.line_of(key))
            continue
        entries[key] = (value, raw.line_of(key))
    return entries


def _named(value, line, what: str, fields: tuple[str, str], report: Reporter) -> dict[str, str]:
    """``{name, description}``-style entries; missing fields fall back to English."""
    if not isinstance(value, dict):
        report.error(f"{what} must have {' and/or '.join(fields)}", line)
        return {}
    texts = {}
    for name in fields:
        text = _overlay_text(value.get(name), f"{what}: '{name}'", line, report)
        if text is not None:
            texts[name] = text
    return texts


def apply_overlay(framework: Framework, path: Path, report: Reporter, parse=load_yaml) -> Framework | None:
    """The framework worded from a translation file keyed by the same ids; gaps stay English."""
    report = report.child(path)
    data = read_mapping(
        path, report, f"a translation of the framework maps {', '.join(OVERLAY_SECTIONS)} to texts by id", parse
    )
    if data is None:
        return None
    for key in data:
        if key not in (*OVERLAY_SECTIONS, "source_hash"):
            report.error(f"unknown section '{key}'; use {', '.join(OVERLAY_SECTIONS)}", data.line_of(key))
    scale_texts = {
        level: _named(value, line, f"scale level {level}", ("name", "description"), report)
        for level, (value, line) in _overlay_section(data, "scale", {s.level for s in framework.scale}, report).items()
    }
    area_names = {
        aid: _overlay_text(value, f"area '{aid}'", line, report)
        for aid, (value, line) in _overlay_section(data, "areas", {a.id for a in framework.areas}, report).items()
    }
    competency_texts = {
        cid: _named(value, line, f"competency '{cid}'", ("name", "description"), report)
        for cid, (value, line) in _overlay_section(data, "competencies", framework.competencies, report).items()
    }
    statement_texts = {
        sid: _overlay_text(value, f"statement '{sid}'", line, report)
        for sid, (value, line) in _overlay_section(data, "statements", framework.statements, report).items()
    }
    profile_texts = {
        pid: _named(value, line, f"profile '{pid}'", ("name", "summary"), report)
        for pid, (value, line) in _overlay_section(data, "profiles", framework.profiles, report).items()
    }
    competencies = {
        cid: replace(
            c,
            **competency_texts.get(cid, {}),
            statements=tuple(replace(s, text=statement_texts.get(s.id) or s.text) for s in c.statements),
        )
        for cid, c in framework.competencies.items()
    }
    return replace(
        framework,
        scale=tuple(replace(s, **scale_texts.get(s.level, {})) for s in framework.scale),
        areas=tuple(replace(a, name=area_names.get(a.id) or a.name) for a in framework.areas),
        competencies=competencies,
        profiles={pid: replace(p, **profile_texts.get(pid, {})) for pid, p in framework.profiles.items()},
        translations={},
    )


def load_translations(framework: Framework, folder: Path, report: Reporter, parse=load_yaml) -> None:
    """Attach every ``competencies.<language>.yml`` beside the framework to it."""
    for path in sorted(folder.glob("competencies.??.yml")):
        localized = apply_overlay(framework, path, report, parse)
        if localized is not None:
            framework.translations[path.name.split(".")[1]] = localized
