"""Export quizzes in Moodle's GIFT format."""

from __future__ import annotations

from pathlib import Path

from .catalog import Catalog, Module
from .exchange import option_weights, write_quiz_files
from .questions import Question

_SPECIAL = "~=#{}:\\"


def escape(text: str) -> str:
    """Escape GIFT's control characters and fold line breaks."""
    folded = " ".join(str(text).split())
    return "".join("\\" + ch if ch in _SPECIAL else ch for ch in folded)


def _feedback(question: Question) -> str:
    return f"####{escape(question.explanation)}"


def question_to_gift(question: Question) -> str:
    """One question as a GIFT block (title, prompt, answers, general feedback)."""
    head = f"::{escape(question.id)}::{escape(question.prompt)} "
    if question.type == "single":
        answers = " ".join(("=" if key in question.correct else "~") + escape(text) for key, text in question.options)
    elif question.type == "multiple":
        weights = option_weights(question)
        answers = " ".join(f"~%{weights[key] * 100:g}%{escape(text)}" for key, text in question.options)
    elif question.type == "truefalse":
        answers = "TRUE" if question.truth else "FALSE"
    elif question.type == "text":
        answers = " ".join("=" + escape(a) for a in question.answers)
    elif question.type == "matching":
        answers = " ".join(f"={escape(left)} -> {escape(right)}" for left, right in question.pairs)
    else:  # pragma: no cover - every registered type is handled above
        raise ValueError(f"no GIFT form for type {question.type}")
    return f"{head}{{\n{answers}\n{_feedback(question)}\n}}\n"


def module_to_gift(module: Module, course_title: str) -> str:
    """A module's quiz as a GIFT file with a category line."""
    lines = [
        f"// {course_title} — {module.title}",
        f"$CATEGORY: SMM Academy/{escape(course_title)}/{escape(module.title)}",
        "",
    ]
    lines += [question_to_gift(q) for q in module.questions]
    return "\n".join(lines)


def export_gift(catalog: Catalog, target: Path) -> list[Path]:
    """Write one ``<course>--<module>.gift.txt`` per module with a quiz; return the paths."""
    return write_quiz_files(catalog, target, ".gift.txt", module_to_gift)
