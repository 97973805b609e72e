"""What every question exporter shares: option weights and one file per quiz.

The site grades a multiple-choice answer as (right picks - wrong picks) / number
of correct options, clamped to [0, 1] (``questions._ChoiceType.grade``). LMS
formats express that as a weight per option: +1/n for a correct option, -1/n
for a wrong one, which sums and clamps to the same score.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .model import Catalog, Module
from .questions import Question


def option_weights(question: Question) -> dict[str, float]:
    """Weight in [-1, 1] of every option key of a single or multiple choice question."""
    if question.type == "single":
        return {key: 1.0 if key in question.correct else 0.0 for key, _ in question.options}
    share = 1 / len(question.correct)
    return {key: share if key in question.correct else -share for key, _ in question.options}


def percent(weight: float) -> str:
    """A weight as the percentage LMS formats write (seven significant digits, like Moodle)."""
    return f"{weight * 100:.5f}".rstrip("0").rstrip(".")


def write_quiz_files(catalog: Catalog, target: Path, suffix: str, render: Callable[[Module, str], str]) -> list[Path]:
    """Write ``render(module, course_title)`` to ``<course>--<module><suffix>`` for every quiz; return the paths."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for course in catalog.courses.values():
        for module in course.modules:
            if not module.has_quiz:
                continue
            path = target / f"{course.slug}--{module.slug}{suffix}"
            path.write_text(render(module, course.title), encoding="utf-8")
            written.append(path)
    return written
