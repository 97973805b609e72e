"""Item analysis of quizzes and of the self-assessment (no database access).

The per-question and per-quiz figures follow Moodle's quiz statistics report
(``question/classes/statistics/questions/calculator.php`` and
``mod/quiz/report/statistics/classes/calculator.php``), so a company that also
runs our GIFT export in Moodle sees the same numbers:

* every question's mark is its score in [0, 1] (our questions are worth one mark
  each); an attempt's total is the sum of its marks;
* facility = mean mark / max mark; SD uses the sample variance (n - 1);
* discrimination index = 100 * corr(mark, rest of the attempt), where the rest
  is the attempt's total minus this question's mark (the corrected item-total
  correlation, not a top/bottom 27 % split);
* discriminative efficiency = 100 * cov(mark, rest) / cov_max, where cov_max
  pairs the sorted marks with the sorted rest scores;
* effective weight = 100 * sqrt(cov(mark, total)) / sum over questions of the
  same, undefined when any covariance with the total is negative;
* coefficient of internal consistency (Cronbach's alpha as Moodle computes it)
  = 100 * p / (p - 1) * (1 - sum of mark variances / variance of totals), then
  error ratio = 100 * sqrt(1 - CIC / 100) and standard error = ER * SD / 100.

Attempts are whatever population the caller passes (first attempts, all
attempts; employees and candidates are always analysed separately by the caller).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

# Moodle flags a discriminative efficiency below this as "dubious" ("weak" here).
WEAK_EFFICIENCY = 15.0
TOO_EASY_FACILITY = 0.95
TOO_HARD_FACILITY = 0.05
HIGH_RANDOM_GUESS = 0.40
SMALL_SAMPLE = 30
# A wrong option counts against the key only when this many people chose it, and a
# negative index only when this many earned and this many missed the full mark.
MISKEY_MIN_CHOOSERS = 3
FULL_MARK = 0.999  # as content/questions.py's Grade.correct
# A negative discrimination index is "likely miskeyed" only when chance explains it
# poorly: Fisher's z of the correlation below this (one-sided, 5 %). On a short quiz
# taken by a handful of people a negative correlation is often noise.
MISKEY_Z = -1.645

LIKELY_MISKEYED = "likely_miskeyed"
TOO_EASY = "too_easy"
TOO_HARD = "too_hard"
WEAK = "weak"
GUESSABLE = "guessable"
SMALL_SAMPLE_FLAG = "small_sample"
# Their wording for people lives with the report (services/item_stats.py, translated).


@dataclass(frozen=True)
class Attempt:
    """One scored attempt: each question's mark in [0, 1] and what was chosen.

    ``choices`` maps a question id to the option keys (or matching pairs,
    normalised text answers) the person gave; it feeds the distractor table.
    ``stale`` names questions answered in an earlier version (another key or
    wording): their marks count in the attempt's total, as they did in the
    score, but not in that question's figures, so a fixed key stops being
    flagged once new answers arrive.
    """

    marks: Mapping[str, float]
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    stale: frozenset[str] = frozenset()

    @property
    def total(self) -> float:
        return sum(self.marks.values())


@dataclass(frozen=True)
class ChoiceStats:
    """How often one option (pair, answer) was chosen and by whom."""

    choice: str
    count: int
    share: float
    mean_rest: float | None
    is_key: bool


@dataclass(frozen=True)
class QuestionStats:
    question_id: str
    attempts: int
    facility: float | None
    sd: float | None
    random_guess: float | None
    discrimination_index: float | None
    discriminative_efficiency: float | None
    effective_weight: float | None
    choices: tuple[ChoiceStats, ...]
    flags: tuple[str, ...]


@dataclass(frozen=True)
class QuizStats:
    attempts: int
    questions: int
    mean: float | None
    median: float | None
    sd: float | None
    skewness: float | None
    kurtosis: float | None
    cic: float | None
    error_ratio: float | None
    standard_error: float | None


@dataclass(frozen=True)
class Analysis:
    quiz: QuizStats
    questions: tuple[QuestionStats, ...]


def _sample_variance(values: Sequence[float]) -> float | None:
    return statistics.variance(values) if len(values) > 1 else None


def _covariance(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / (n - 1)


def _question_core(marks: list[float], rests: list[float], totals: list[float]):
    """Facility, SD, discrimination, efficiency and cov(mark, total) for one question."""
    n = len(marks)
    facility = sum(marks) / n if n else None
    var_mark = _sample_variance(marks)
    var_rest = _sample_variance(rests)
    cov = _covariance(marks, rests)
    sd = math.sqrt(var_mark) if var_mark is not None else None
    discrimination = None
    if cov is not None and var_mark and var_rest:
        discrimination = 100 * cov / math.sqrt(var_mark * var_rest)
    efficiency = None
    cov_max = _covariance(sorted(marks), sorted(rests))
    if cov is not None and cov_max:
        efficiency = 100 * cov / cov_max
    return facility, sd, var_mark, discrimination, efficiency, _covariance(marks, totals)


def _choice_table(question_id: str, answered: list[Attempt], keys: frozenset[str]) -> tuple[ChoiceStats, ...]:
    chosen_by: dict[str, list[float]] = {}
    for attempt in answered:
        rest = attempt.total - attempt.marks[question_id]
        for choice in attempt.choices.get(question_id, ()):
            chosen_by.setdefault(choice, []).append(rest)
    for key in keys:
        chosen_by.setdefault(key, [])
    n = len(answered) or 1
    rows = [
        ChoiceStats(choice, len(rests), len(rests) / n, (sum(rests) / len(rests)) if rests else None, choice in keys)
        for choice, rests in chosen_by.items()
    ]
    return tuple(sorted(rows, key=lambda row: (not row.is_key, -row.count, row.choice)))


def clearly_negative(discrimination: float | None, attempts: int) -> bool:
    """True when a discrimination index (in %) is negative beyond chance (Fisher's z < MISKEY_Z)."""
    if discrimination is None or discrimination >= 0 or attempts < 4:
        return False
    r = max(discrimination / 100, -0.999999)
    return math.atanh(r) * math.sqrt(attempts - 3) < MISKEY_Z


def distractor_beats_key(choices: Sequence[ChoiceStats], rest_sd: float | None) -> bool:
    """True when a wrong choice's people score clearly higher on the rest than the key's.

    "Clearly": at least MISKEY_MIN_CHOOSERS chose it and the difference of mean
    rest scores exceeds -MISKEY_Z standard errors (rest SD * sqrt(1/n1 + 1/n2)).
    """
    keys = [c for c in choices if c.is_key and c.mean_rest is not None and c.count]
    if not keys or not rest_sd:
        return False
    best = max(keys, key=lambda c: c.mean_rest)
    return any(
        not c.is_key
        and c.mean_rest is not None
        and c.count >= MISKEY_MIN_CHOOSERS
        and c.mean_rest - best.mean_rest > -MISKEY_Z * rest_sd * math.sqrt(1 / c.count + 1 / best.count)
        for c in choices
    )


def _flags(
    attempts: int,
    split: int,
    facility: float | None,
    discrimination: float | None,
    efficiency: float | None,
    guess: float | None,
    miskey_by_choice: bool,
) -> tuple[str, ...]:
    flags = []
    # One strong person's slip on an easy question makes a large negative index:
    # the key is suspect only when several people are on each side of it.
    negative = split >= MISKEY_MIN_CHOOSERS and clearly_negative(discrimination, attempts)
    if negative or miskey_by_choice:
        flags.append(LIKELY_MISKEYED)
    if facility is not None and facility > TOO_EASY_FACILITY:
        flags.append(TOO_EASY)
    if facility is not None and facility < TOO_HARD_FACILITY:
        flags.append(TOO_HARD)
    if efficiency is not None and efficiency < WEAK_EFFICIENCY:
        flags.append(WEAK)
    if guess is not None and guess > HIGH_RANDOM_GUESS:
        flags.append(GUESSABLE)
    if attempts < SMALL_SAMPLE:
        flags.append(SMALL_SAMPLE_FLAG)
    return tuple(flags)


def median(values: Sequence[float]) -> float | None:
    """Median as Moodle takes it (the mean of the two middle values for an even count)."""
    return statistics.median(values) if values else None


def quiz_statistics(totals: Sequence[float], questions: int, sum_of_mark_variance: float) -> QuizStats:
    """Mean, median, SD, skewness, kurtosis, CIC, error ratio and standard error of totals."""
    s = len(totals)
    if not s:
        return QuizStats(0, questions, None, None, None, None, None, None, None, None)
    mean = sum(totals) / s
    sd = skewness = kurtosis = cic = error_ratio = standard_error = None
    if s > 1:
        power2 = sum((t - mean) ** 2 for t in totals)
        power3 = sum((t - mean) ** 3 for t in totals)
        power4 = sum((t - mean) ** 4 for t in totals)
        sd = math.sqrt(power2 / (s - 1))
        if s > 2:
            m2, m3, m4 = power2 / s, power3 / s, power4 / s
            k2 = s * m2 / (s - 1)
            k3 = s * s * m3 / ((s - 1) * (s - 2))
            if k2:
                skewness = k3 / k2**1.5
                if s > 3:
                    k4 = s * s * ((s + 1) * m4 - 3 * (s - 1) * m2 * m2) / ((s - 1) * (s - 2) * (s - 3))
                    kurtosis = k4 / (k2 * k2)
                if questions > 1:
                    cic = (100 * questions / (questions - 1)) * (1 - sum_of_mark_variance / k2)
                    if cic <= 100:
                        error_ratio = 100 * math.sqrt(1 - cic / 100)
                        standard_error = error_ratio * sd / 100
    return QuizStats(s, questions, mean, median(totals), sd, skewness, kurtosis, cic, error_ratio, standard_error)


def analyse(
    attempts: Iterable[Attempt],
    question_ids: Sequence[str],
    keys: Mapping[str, frozenset[str]] | None = None,
    guesses: Mapping[str, float | None] | None = None,
) -> Analysis:
    """Item analysis of one quiz over ``attempts``.

    ``question_ids`` fixes the order of the report; ``keys`` names the right
    choices per question (for the distractor table and the miskey check);
    ``guesses`` gives each question's random-guess score. The quiz's CIC uses
    every mark (current or stale) that made up the totals.
    """
    attempts = list(attempts)
    keys = keys or {}
    guesses = guesses or {}
    cores = {}
    sum_of_mark_variance = 0.0
    for qid in question_ids:
        answered = [a for a in attempts if qid in a.marks and qid not in a.stale]
        marks = [a.marks[qid] for a in answered]
        totals = [a.total for a in answered]
        rests = [t - m for t, m in zip(totals, marks, strict=True)]
        cores[qid] = (answered, _question_core(marks, rests, totals))
        sum_of_mark_variance += _sample_variance([a.marks[qid] for a in attempts if qid in a.marks]) or 0.0

    # As Moodle: questions whose covariance with the total is negative get no
    # effective weight and are left out of the sum the others are shared of.
    covariances = [core[5] for _, core in cores.values()]
    root_sum = sum(math.sqrt(c) for c in covariances if c is not None and c >= 0)

    results = []
    for qid in question_ids:
        answered, (facility, sd, _var, discrimination, efficiency, cov_total) = cores[qid]
        weight = None
        if root_sum and cov_total is not None and cov_total >= 0:
            weight = 100 * math.sqrt(cov_total) / root_sum
        choices = _choice_table(qid, answered, keys.get(qid, frozenset()))
        guess = guesses.get(qid)
        full = sum(1 for a in answered if a.marks[qid] >= FULL_MARK)
        split = min(full, len(answered) - full)
        rests = [a.total - a.marks[qid] for a in answered]
        rest_sd = math.sqrt(_sample_variance(rests) or 0.0)
        by_choice = distractor_beats_key(choices, rest_sd)
        flags = _flags(len(answered), split, facility, discrimination, efficiency, guess, by_choice)
        results.append(
            QuestionStats(qid, len(answered), facility, sd, guess, discrimination, efficiency, weight, choices, flags)
        )
    quiz = quiz_statistics([a.total for a in attempts], len(question_ids), sum_of_mark_variance)
    return Analysis(quiz, tuple(results))


def cronbach_alpha(rows: Iterable[Sequence[float]]) -> float | None:
    """Cronbach's alpha of k items over people (each row: one person's k ratings).

    Used per competency over its statements in the self-assessment. None when
    there are fewer than two items or two people, or the totals do not vary.
    """
    rows = [list(r) for r in rows]
    if len(rows) < 2 or not rows[0] or len(rows[0]) < 2:
        return None
    k = len(rows[0])
    item_variances = sum(statistics.variance([r[i] for r in rows]) for i in range(k))
    total_variance = statistics.variance([sum(r) for r in rows])
    if not total_variance:
        return None
    return k / (k - 1) * (1 - item_variances / total_variance)
