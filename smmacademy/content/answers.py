"""Typed-answer normalisation and comparison for ``text`` questions.

People type the same answer in many ways: "5-20 hours", "5 – 20", "from 5 to
20", "от 5 до 20", "60 000", "Ёмкость" or "емкость". :func:`normalise_answer`
folds every such variant onto one canonical text, and :func:`answers_match`
also lets a number or range match with or without its unit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Every character people (or their keyboards) use as a dash, hyphen or minus.
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\ufe58\ufe63\uff0d-"
QUOTES = "\"'`\u00ab\u00bb\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2039\u203a\u00b4"
TRAILING_PUNCTUATION = ".,;:!?\u2026 "
_DASH_TABLE = str.maketrans({c: "-" for c in DASHES} | {c: None for c in QUOTES})

NUMBER = r"\d+(?:\.\d+)?"
_UNITS = {
    "hour": "hour hours h hr hrs час часа часов ч",
    "day": "day days d день дня дней",
    "week": "week weeks wk неделя недели недель неделю нед",
    "month": "month months mo мес месяц месяца месяцев",
    "year": "year years yr г год года лет",
    "minute": "minute minutes min мин минута минуты минут",
    "percent": "% percent per-cent процент процента процентов",
    "time": "time times раз раза",
    "person": "person persons people человек человека чел",
}
UNIT_WORDS = {word: unit for unit, words in _UNITS.items() for word in words.split()}
# Words that join a number and its unit without changing the meaning ("hours a week").
FILLER_WORDS = {"a", "an", "per", "each", "every", "in", "в", "за", "of"}

_EN_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
]
_EN_TEENS = {"sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_EN_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_RU = {
    "ноль": 0,
    "один": 1,
    "одна": 1,
    "одно": 1,
    "одного": 1,
    "два": 2,
    "две": 2,
    "двух": 2,
    "три": 3,
    "трех": 3,
    "четыре": 4,
    "четырех": 4,
    "пять": 5,
    "пяти": 5,
    "шесть": 6,
    "шести": 6,
    "семь": 7,
    "семи": 7,
    "восемь": 8,
    "восьми": 8,
    "девять": 9,
    "девяти": 9,
    "десять": 10,
    "десяти": 10,
}
NUMBER_WORDS = {word: n for n, word in enumerate(_EN_UNITS)} | _EN_TEENS | _EN_TENS | {"hundred": 100} | _RU
_COMPOUND = re.compile(rf"\b({'|'.join(_EN_TENS)})-({'|'.join(_EN_UNITS[1:10])})\b")
_NUMBER_WORD = re.compile(rf"\b({'|'.join(sorted(NUMBER_WORDS, key=len, reverse=True))})\b")
_THOUSANDS = re.compile(r"(?<=\d)[ ,.](?=\d{3}(?!\d))")
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")
_RANGE = re.compile(rf"(?:\b(?:from|от|с) )?({NUMBER}) ?(?:-|\bto\b|\bдо\b|\bпо\b) ?({NUMBER})")
_BETWEEN = re.compile(rf"\b(?:between|между) ({NUMBER}) (?:and|и) ({NUMBER})")
_NUMERIC = re.compile(rf"^({NUMBER})(?:-({NUMBER}))?(?: ?(.*))?$")


def _one_pass(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е").translate(_DASH_TABLE)
    text = " ".join(text.split())
    text = re.sub(r" ?- ?", "-", text)
    text = _COMPOUND.sub(lambda m: str(_EN_TENS[m.group(1)] + _EN_UNITS.index(m.group(2))), text)
    text = _NUMBER_WORD.sub(lambda m: str(NUMBER_WORDS[m.group(1)]), text)
    text = _THOUSANDS.sub("", text)
    text = _DECIMAL_COMMA.sub(".", text)
    text = _BETWEEN.sub(r"\1-\2", text)
    text = _RANGE.sub(r"\1-\2", text)
    text = re.sub(r"(?<=\d) %", "%", text)
    return text.strip(TRAILING_PUNCTUATION).lstrip(".,;:!?\u2026 ")


def normalise_answer(value: object) -> str:
    """The canonical form of a typed answer (idempotent; every dash is the same)."""
    text = str(value)
    # Some rewrites expose others ("from five to twenty" -> "from 5 to 20" -> "5-20"):
    # repeat until nothing changes, which also makes the function idempotent.
    for _ in range(8):
        folded = _one_pass(text)
        if folded == text:
            break
        text = folded
    return text


@dataclass(frozen=True)
class NumericAnswer:
    """A number or range with an optional unit, e.g. (5.0, 20.0) and ("hour", "week")."""

    numbers: tuple[float, ...]
    unit: tuple[str, ...]


def unit_key(words: str) -> tuple[str, ...]:
    """Canonical unit words: synonyms and plurals folded, filler words dropped."""
    result = []
    for word in words.replace("-", " ").split():
        if word in FILLER_WORDS:
            continue
        result.append(UNIT_WORDS.get(word) or UNIT_WORDS.get(word.rstrip("s")) or word.rstrip("s"))
    return tuple(result)


def numeric_answer(normalised: str) -> NumericAnswer | None:
    """Read a normalised answer as a number or range with a unit, or None."""
    match = _NUMERIC.match(normalised)
    if not match:
        return None
    numbers = tuple(float(n) for n in match.group(1, 2) if n is not None)
    rest = match.group(3) or ""
    unit = ("percent",) if rest.startswith("%") else ()
    rest = rest.removeprefix("%").strip()
    if rest and not re.fullmatch(r"[^\d]+", rest):
        return None
    return NumericAnswer(numbers, unit + unit_key(rest))


def answers_match(typed: str, accepted: str) -> bool:
    """True when ``typed`` says the same as ``accepted``.

    Beyond equal normalised texts, a number or range matches when the numbers
    are equal and the units agree or either side gives none.
    """
    left, right = normalise_answer(typed), normalise_answer(accepted)
    if left == right:
        return True
    a, b = numeric_answer(left), numeric_answer(right)
    if a is None or b is None or a.numbers != b.numbers:
        return False
    return not a.unit or not b.unit or a.unit == b.unit
