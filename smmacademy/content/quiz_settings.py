"""The quiz settings of a course (``attempts``, ``cooldown``, ``show_answers`` in ``course.md``).

They are language-independent: ``course.md`` sets them for every module's quiz
and a translated header (``course.ru.md``) inherits them and may not set them.
Every bad value is reported with its file and line.
"""

from __future__ import annotations

import re
from datetime import timedelta

from ..domain.quiz_policy import AFTER_LAST_ATTEMPT, DEFAULT_SETTINGS, SHOW_ANSWERS, QuizSettings
from .errors import Reporter
from .yamlfile import LineDict

SETTING_KEYS = ("attempts", "cooldown", "show_answers")
UNLIMITED = "unlimited"
_DURATION = re.compile(r"^(\d+)\s*(m|min|minutes?|h|hours?|d|days?)$")
_UNIT_MINUTES = {"m": 1, "h": 60, "d": 24 * 60}


def _attempts(meta: LineDict, report: Reporter) -> int | None:
    value = meta.get("attempts", UNLIMITED)
    if value is None or value == UNLIMITED:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        report.error(
            f"'attempts' must be a whole number of attempts (1 or more) or '{UNLIMITED}' (got '{value}')",
            meta.line_of("attempts"),
        )
        return None
    return value


def _cooldown(meta: LineDict, report: Reporter) -> timedelta:
    value = meta.get("cooldown", 0)
    if value is None:
        return timedelta(0)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return timedelta(minutes=value)
    match = _DURATION.match(value.strip().lower()) if isinstance(value, str) else None
    if match is None:
        report.error(
            "'cooldown' must be whole minutes between attempts (30) or a duration such as '30 minutes', "
            f"'2 hours' or '1 day' (got '{value}')",
            meta.line_of("cooldown"),
        )
        return timedelta(0)
    return timedelta(minutes=int(match.group(1)) * _UNIT_MINUTES[match.group(2)[0]])


def read_quiz_settings(meta: LineDict, report: Reporter) -> QuizSettings:
    """The quiz settings of ``course.md``'s front matter; defaults for what is not set."""
    if not any(key in meta for key in SETTING_KEYS):
        return DEFAULT_SETTINGS
    attempts = _attempts(meta, report)
    cooldown = _cooldown(meta, report)
    show = meta.get("show_answers", DEFAULT_SETTINGS.show_answers)
    if show not in SHOW_ANSWERS:
        report.error(
            f"'show_answers' must be one of {', '.join(SHOW_ANSWERS)} (got '{show}')", meta.line_of("show_answers")
        )
        show = DEFAULT_SETTINGS.show_answers
    elif show == AFTER_LAST_ATTEMPT and attempts is None:
        report.error(
            "'show_answers: after_last_attempt' needs a limit: set 'attempts' to a number", meta.line_of("show_answers")
        )
    return QuizSettings(attempts=attempts, cooldown=cooldown, show_answers=show)


def refuse_in_translation(meta: LineDict, report: Reporter) -> None:
    """A translated course header inherits the quiz settings: setting them there is an error."""
    for key in SETTING_KEYS:
        if key in meta:
            report.error(f"'{key}' is set only in course.md; the translation inherits it", meta.line_of(key))
