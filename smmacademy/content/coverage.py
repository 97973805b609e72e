"""``courses/COVERAGE.md``: the points of the source articles and who checks them.

Each article has a section ``## 000 — title`` with a table whose rows are
``| n | point | taught in | checked by |``. A point's key is
``<article>.<row>`` (``"000.23"``). Questions name the points they check in
``points:``; the "Checked by" column is generated from those fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

COVERAGE_FILE = "COVERAGE.md"
NO_QUESTION = "—"
_SECTION = re.compile(r"^## (\d{3})\b")
_ROW = re.compile(r"^\| *(\d+) *\|")


def _rows(lines: list[str]) -> Iterable[tuple[int, str]]:
    """(index, key) of every numbered table row, in file order."""
    article = None
    for index, line in enumerate(lines):
        section = _SECTION.match(line)
        if section:
            article = section.group(1)
            continue
        if line.startswith("## "):
            article = None  # e.g. "## Fidelity notes": not an article
            continue
        row = _ROW.match(line)
        if article and row:
            yield index, f"{article}.{int(row.group(1))}"


def point_keys(text: str) -> dict[str, int]:
    """Every point key with its 1-based line in the file."""
    return {key: index + 1 for index, key in _rows(text.splitlines())}


def load_point_keys(root: Path) -> dict[str, int] | None:
    """Point keys of ``root/COVERAGE.md``, or None when the file does not exist."""
    path = Path(root) / COVERAGE_FILE
    return point_keys(path.read_text(encoding="utf-8")) if path.is_file() else None


def checked_by(catalog) -> dict[str, list[str]]:
    """Question ids per point key, in catalog order (courses, modules, quiz order)."""
    result: dict[str, list[str]] = {}
    for module in catalog.modules:
        for question in module.questions:
            for key in question.points:
                result.setdefault(key, []).append(question.id)
    return result


def _with_last_cell(line: str, value: str) -> str:
    """Replace the last cell of a Markdown table row, keeping the rest byte for byte."""
    body = line.rstrip("\r\n")
    ending = line[len(body) :]
    head, _cell, tail = body.rsplit("|", 2)
    return f"{head}| {value} |{tail}{ending}"


def rewrite_checked_by(text: str, checks: dict[str, list[str]]) -> str:
    """``text`` with every row's "Checked by" cell generated from ``checks``."""
    lines = text.splitlines(keepends=True)
    for index, key in list(_rows(lines)):
        ids = checks.get(key, [])
        lines[index] = _with_last_cell(lines[index], ", ".join(f"`{qid}`" for qid in ids) or NO_QUESTION)
    return "".join(lines)


def sync_coverage(catalog, write: bool = True) -> bool:
    """Regenerate the "Checked by" column of the catalog's COVERAGE.md.

    Returns True when the file was (or, with ``write=False``, would be) changed.
    """
    path = Path(catalog.root) / COVERAGE_FILE
    text = path.read_text(encoding="utf-8")
    updated = rewrite_checked_by(text, checked_by(catalog))
    if updated != text and write:
        path.write_text(updated, encoding="utf-8")
    return updated != text
