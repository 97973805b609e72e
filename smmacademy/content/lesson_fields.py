"""Module fields beyond the basics: objectives, key takeaways and ``optional``.

Each reader validates its part and reports problems with file and line; a
missing field is not an error here (the bank lint asks for it), a malformed one is.
"""

from __future__ import annotations

import re

from .errors import Reporter
from .model import Objective
from .yamlfile import LineDict

OBJECTIVES_PER_MODULE = (3, 4)
TAKEAWAYS_HEADING = "## Key takeaways"
TAKEAWAY_COUNT = 3
_BULLET = re.compile(r"^[-*] +(\S.*)$")
_SOURCES = re.compile(r"^\**Sources\b")


def read_objectives(meta: LineDict, report: Reporter, statement_ids: set[str] | None) -> tuple[Objective, ...]:
    """``objectives:``: 3-4 items ``{text, statements}`` naming framework statement ids."""
    raw = meta.get("objectives")
    line = meta.line_of("objectives")
    if raw is None:
        return ()
    low, high = OBJECTIVES_PER_MODULE
    if not isinstance(raw, list) or not low <= len(raw) <= high:
        report.error(f"'objectives' must list {low} to {high} objectives, each with text and statements", line)
        return ()
    objectives = []
    for item in raw:
        where = item.line if isinstance(item, LineDict) else line
        text = item.get("text") if isinstance(item, LineDict) else None
        statements = item.get("statements") if isinstance(item, LineDict) else None
        if isinstance(statements, str):
            statements = [statements]
        valid = (
            isinstance(text, str)
            and text.strip()
            and isinstance(statements, list)
            and statements
            and all(isinstance(s, str) for s in statements)
        )
        if not valid:
            report.error(
                "each objective needs 'text' and 'statements' (a list of statement ids from competencies.yml)", where
            )
            continue
        unknown = [s for s in statements if statement_ids is not None and s not in statement_ids]
        if unknown:
            report.error(f"objective names unknown statement id(s): {', '.join(unknown)}", item.line_of("statements"))
            continue
        objectives.append(Objective(text.strip(), tuple(statements)))
    return tuple(objectives)


def read_takeaways(body: str, report: Reporter, body_line: int) -> tuple[str, ...]:
    """The bullets of the ``## Key takeaways`` section (exactly three, before the Sources line)."""
    lines = body.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == TAKEAWAYS_HEADING), None)
    if start is None:
        return ()
    heading_line = body_line + start
    sources = next((i for i, line in enumerate(lines) if _SOURCES.match(line.strip())), None)
    if sources is not None and sources < start:
        report.error(f"'{TAKEAWAYS_HEADING}' must come before the Sources line", heading_line)
        return ()
    end = sources if sources is not None else len(lines)
    bullets = []
    for offset, line in enumerate(lines[start + 1 : end], start=start + 1):
        if line.startswith("#"):
            report.error(
                f"'{TAKEAWAYS_HEADING}' must be the last section, just before the Sources line", body_line + offset
            )
            return ()
        match = _BULLET.match(line)
        if match:
            bullets.append(match.group(1).strip())
    if len(bullets) != TAKEAWAY_COUNT:
        report.error(
            f"'{TAKEAWAYS_HEADING}' must hold exactly {TAKEAWAY_COUNT} bullet points ('- ...'), it has {len(bullets)}",
            heading_line,
        )
        return ()
    return tuple(bullets)


def read_optional(meta: LineDict, report: Reporter) -> bool:
    """``optional: true`` marks a module that completion and certificates ignore."""
    value = meta.get("optional", False)
    if not isinstance(value, bool):
        report.error("'optional' must be true or false", meta.line_of("optional"))
        return False
    return value
