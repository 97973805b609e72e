"""Wording a candidate can understand: test questions must not point at course material.

A candidate's knowledge test draws questions from the courses (services/candidate_test),
but a candidate never saw a lesson, module, article or course, so a question that says
"as the lesson explains" or "в этом модуле" cannot be answered fairly. The patterns name
the forms that point at the material itself; a scenario that introduces its own document
("An article on the profession says …", "курс по сборке мебели") is fine.
"""

from __future__ import annotations

import re

# Words for the course material, in any form, and definite references to it.
PATTERNS = {
    "en": (
        r"\blessons?\b",
        r"\bmodules?\b",
        r"\bquiz(?:zes)?\b",
        r"\b(?:the|this|that|our|previous|next) (?:article|course|unit|chapter|reading)s?\b(?! of\b)",
        r"\b(?:article|course|text|unit|chapter) (?:above|below)\b",
        r"\bas (?:described|discussed|explained|shown|mentioned) (?:above|earlier|before|in)\b",
    ),
    "ru": (
        r"\bурок(?:а|у|ом|е|и|ов|ам|ами|ах)?\b",
        r"\bмодул(?:ь|я|ю|ем|е|и|ей|ям|ями|ях)\b",
        r"\b(?:эт|данн|наш|предыдущ|следующ)\w* (?:стать|курс|урок|модул|тем|глав)\w*",
        r"\b(?:стать|курс|урок|модул|текст)\w* (?:выше|ниже)\b",
        r"\b(?:как|что) (?:сказано|описано|говорится|объяснено|показано) (?:выше|ранее|в (?:стать|курс|урок|модул)\w*)",
    ),
}
_COMPILED = {language: re.compile("|".join(patterns), re.IGNORECASE) for language, patterns in PATTERNS.items()}


def course_references(text: str, language: str) -> list[str]:
    """The phrases of ``text`` that point at course material a candidate never saw ([] when none)."""
    pattern = _COMPILED.get(language, _COMPILED["en"])
    return [match.group(0) for match in pattern.finditer(text or "")]


def candidate_facing_texts(question) -> list[str]:
    """What a candidate reads of a question: the prompt, the options and both sides of matching pairs."""
    return [
        question.prompt,
        *(text for _key, text in question.options),
        *(side for pair in question.pairs for side in pair),
    ]
