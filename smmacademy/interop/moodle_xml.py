"""Export quizzes in Moodle XML, the question format Moodle imports with categories.

The markup mirrors what Moodle's own exporter writes (question/format/xml/format.php):
a category question first, then one ``<question>`` per item; text that contains
markup characters goes into CDATA, split around any ``]]>``.
"""

from __future__ import annotations

from html import escape as html_escape
from pathlib import Path

from ..content.catalog import Catalog, Module
from ..content.exchange import option_weights, percent, write_quiz_files
from ..content.questions import Question

CATEGORY_ROOT = "$course$/SMM Academy"


def xml_text(value: str) -> str:
    """Escape like Moodle's ``xml_escape``: CDATA when the text has markup characters."""
    value = str(value)
    if value and any(ch in value for ch in "<>&\"'"):
        return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"
    return value


def _html(text: str) -> str:
    """Plain course text as the HTML Moodle's editor expects (entities, then CDATA)."""
    return xml_text(f"<p>{html_escape(text, quote=False)}</p>")


def _category_name(part: str) -> str:
    # A slash separates category levels in Moodle; a literal one is written twice.
    return part.replace("/", "//")


def _category(course_title: str, module_title: str) -> str:
    path = f"{CATEGORY_ROOT}/{_category_name(course_title)}/{_category_name(module_title)}"
    return (
        '  <question type="category">\n'
        f"    <category>\n      <text>{xml_text(path)}</text>\n    </category>\n"
        '    <info format="html">\n      <text></text>\n    </info>\n'
        "  </question>\n"
    )


def _combined_feedback() -> list[str]:
    return [
        f'    <{name} format="html">\n      <text></text>\n    </{name}>'
        for name in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")
    ]


def _answer(fraction: str, text: str, fmt: str = "html") -> str:
    return (
        f'    <answer fraction="{fraction}" format="{fmt}">\n'
        f"      <text>{text}</text>\n"
        '      <feedback format="html">\n        <text></text>\n      </feedback>\n'
        "    </answer>"
    )


def _body(question: Question) -> tuple[str, list[str]]:
    """Moodle's question type and the type-specific elements."""
    if question.type in ("single", "multiple"):
        weights = option_weights(question)
        lines = [
            f"    <single>{'true' if question.type == 'single' else 'false'}</single>",
            "    <shuffleanswers>true</shuffleanswers>",
            "    <answernumbering>abc</answernumbering>",
            "    <showstandardinstruction>0</showstandardinstruction>",
            *_combined_feedback(),
            "    <shownumcorrect/>",
        ]
        lines += [_answer(percent(weights[key]), _html(text)) for key, text in question.options]
        return "multichoice", lines
    if question.type == "truefalse":
        truth = bool(question.truth)
        return "truefalse", [
            _answer("100" if truth else "0", "true", "moodle_auto_format"),
            _answer("0" if truth else "100", "false", "moodle_auto_format"),
        ]
    if question.type == "text":
        lines = ["    <usecase>0</usecase>"]
        # "*" is a wildcard in Moodle's short answers; "\*" is a literal asterisk.
        lines += [
            _answer("100", xml_text(accepted.replace("*", "\\*")), "moodle_auto_format")
            for accepted in question.answers
        ]
        return "shortanswer", lines
    if question.type == "matching":
        lines = ["    <shuffleanswers>true</shuffleanswers>", *_combined_feedback(), "    <shownumcorrect/>"]
        lines += [
            '    <subquestion format="html">\n'
            f"      <text>{_html(left)}</text>\n"
            f"      <answer>\n        <text>{xml_text(right)}</text>\n      </answer>\n"
            "    </subquestion>"
            for left, right in question.pairs
        ]
        return "matching", lines
    raise ValueError(f"no Moodle XML form for type {question.type}")  # pragma: no cover


def question_to_xml(question: Question) -> str:
    """One question as a Moodle XML ``<question>`` element."""
    moodle_type, body = _body(question)
    head = [
        f'  <question type="{moodle_type}">',
        f"    <name>\n      <text>{xml_text(question.id)}</text>\n    </name>",
        f'    <questiontext format="html">\n      <text>{_html(question.prompt)}</text>\n    </questiontext>',
        f'    <generalfeedback format="html">\n      <text>{_html(question.explanation)}</text>\n'
        "    </generalfeedback>",
        "    <defaultgrade>1</defaultgrade>",
        # Our quizzes give no retries within an attempt, so no penalty either.
        "    <penalty>0</penalty>",
        "    <hidden>0</hidden>",
        f"    <idnumber>{xml_text(question.id)}</idnumber>",
    ]
    return "\n".join([*head, *body, "  </question>"]) + "\n"


def module_to_moodle_xml(module: Module, course_title: str) -> str:
    """A module's quiz as a Moodle XML document with its category."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n', _category(course_title, module.title)]
    parts += [question_to_xml(q) for q in module.questions]
    parts.append("</quiz>\n")
    return "".join(parts)


def export_moodle_xml(catalog: Catalog, target: Path) -> list[Path]:
    """Write one ``<course>--<module>.moodle.xml`` per module with a quiz; return the paths."""
    return write_quiz_files(catalog, target, ".moodle.xml", module_to_moodle_xml)
