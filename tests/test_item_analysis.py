"""Item analysis reproduces Moodle's quiz statistics on fixed data.

The expected figures of the four-person example were worked out by hand (see
the comments); the larger data set is checked against a second, differently
written computation (Pearson correlation from the standard library, alpha from
the item covariance matrix).
"""

from __future__ import annotations

import random
import statistics

import pytest

from smmacademy.domain.item_analysis import (
    LIKELY_MISKEYED,
    SMALL_SAMPLE_FLAG,
    TOO_EASY,
    Attempt,
    analyse,
    cronbach_alpha,
    random_guess_score,
)

# Four people, three questions; totals 3, 2, 1, 0.
HAND = [
    Attempt({"q1": 1, "q2": 1, "q3": 1}),
    Attempt({"q1": 1, "q2": 1, "q3": 0}),
    Attempt({"q1": 1, "q2": 0, "q3": 0}),
    Attempt({"q1": 0, "q2": 0, "q3": 0}),
]


def test_hand_worked_question_figures():
    stats = {q.question_id: q for q in analyse(HAND, ["q1", "q2", "q3"]).questions}
    q1 = stats["q1"]
    # marks 1,1,1,0 (mean .75, variance .25); rests 2,1,0,0 (variance 11/12);
    # covariance .25, so the discrimination index is 100 * .25 / sqrt(.25 * 11/12).
    assert q1.facility == pytest.approx(0.75)
    assert q1.sd == pytest.approx(0.5)
    assert q1.discrimination_index == pytest.approx(52.22, abs=0.01)
    # Sorted marks 0,1,1,1 against sorted rests 0,0,1,2 give the same covariance.
    assert q1.discriminative_efficiency == pytest.approx(100.0)
    assert stats["q2"].facility == pytest.approx(0.5)


def test_hand_worked_quiz_figures():
    quiz = analyse(HAND, ["q1", "q2", "q3"]).quiz
    # totals 3,2,1,0: mean 1.5, variance 5/3; item variances .25 + 1/3 + .25.
    assert quiz.mean == pytest.approx(1.5)
    assert quiz.median == pytest.approx(1.5)
    assert quiz.sd == pytest.approx(1.2910, abs=1e-4)
    assert quiz.skewness == pytest.approx(0.0, abs=1e-9)
    assert quiz.kurtosis == pytest.approx(-1.2)
    # CIC = 100 * 3/2 * (1 - (5/6) / (5/3)) = 75; ER = 100 * sqrt(.25) = 50.
    assert quiz.cic == pytest.approx(75.0)
    assert quiz.error_ratio == pytest.approx(50.0)
    assert quiz.standard_error == pytest.approx(0.6455, abs=1e-4)


def _reference_population(seed: int = 7, people: int = 60, items: int = 6) -> list[Attempt]:
    """Responses from a simple ability model, with partial credit on the last item."""
    rng = random.Random(seed)
    attempts = []
    for _ in range(people):
        ability = rng.gauss(0, 1)
        marks = {}
        for i in range(items):
            difficulty = -1 + 0.4 * i
            p = 1 / (1 + 2.718281828 ** (difficulty - ability))
            marks[f"i{i}"] = 1.0 if rng.random() < p else 0.0
        marks["i5"] = round(rng.random() * marks["i5"] + 0.5 * (ability > 0), 2) / 1.5
        attempts.append(Attempt(marks))
    return attempts


def test_matches_an_independent_computation_to_a_tenth():
    attempts = _reference_population()
    ids = [f"i{i}" for i in range(6)]
    analysis = analyse(attempts, ids)
    for q in analysis.questions:
        marks = [a.marks[q.question_id] for a in attempts]
        rests = [a.total - a.marks[q.question_id] for a in attempts]
        expected = 100 * statistics.correlation(marks, rests)
        assert q.discrimination_index == pytest.approx(expected, abs=0.1)
        cov = statistics.covariance(marks, rests)
        cov_max = statistics.covariance(sorted(marks), sorted(rests))
        assert q.discriminative_efficiency == pytest.approx(100 * cov / cov_max, abs=0.1)
    # Alpha from the item covariance matrix: k/(k-1) * (1 - trace / sum of all entries).
    columns = [[a.marks[i] for a in attempts] for i in ids]
    matrix = [[statistics.covariance(x, y) for y in columns] for x in columns]
    trace = sum(matrix[i][i] for i in range(len(ids)))
    total = sum(sum(row) for row in matrix)
    alpha = len(ids) / (len(ids) - 1) * (1 - trace / total)
    assert analysis.quiz.cic == pytest.approx(100 * alpha, abs=0.1)
    assert cronbach_alpha([[a.marks[i] for i in ids] for a in attempts]) == pytest.approx(alpha, abs=1e-3)
    weights = [q.effective_weight for q in analysis.questions]
    assert sum(weights) == pytest.approx(100.0)


def test_a_planted_miskeyed_question_is_flagged():
    rng = random.Random(3)
    attempts = []
    for _ in range(40):
        ability = rng.random()
        marks = {f"k{i}": float(rng.random() < ability) for i in range(5)}
        # The key is wrong: the strong pick "b" (scored 0), the weak pick "a" (scored 1).
        chose_b = ability > 0.5
        marks["bad"] = 0.0 if chose_b else 1.0
        attempts.append(Attempt(marks, {"bad": ("b",) if chose_b else ("a",)}))
    ids = [f"k{i}" for i in range(5)] + ["bad"]
    stats = {q.question_id: q for q in analyse(attempts, ids, keys={"bad": frozenset({"a"})}).questions}
    assert LIKELY_MISKEYED in stats["bad"].flags
    assert stats["bad"].discrimination_index < 0
    b_row = next(c for c in stats["bad"].choices if c.choice == "b")
    a_row = next(c for c in stats["bad"].choices if c.choice == "a")
    assert b_row.mean_rest > a_row.mean_rest
    assert all(LIKELY_MISKEYED not in stats[f"k{i}"].flags for i in range(5))


def test_a_planted_too_easy_question_is_flagged_and_small_samples_warned():
    rng = random.Random(5)
    attempts = [Attempt({"easy": 1.0, "other": float(rng.random() < 0.5)}) for _ in range(35)]
    attempts.append(Attempt({"easy": 0.0, "other": 0.0}))
    stats = {q.question_id: q for q in analyse(attempts, ["easy", "other"]).questions}
    assert TOO_EASY in stats["easy"].flags
    assert SMALL_SAMPLE_FLAG not in stats["easy"].flags
    few = analyse(attempts[:10], ["easy", "other"]).questions[0]
    assert SMALL_SAMPLE_FLAG in few.flags


@pytest.mark.parametrize(
    "qtype, options, correct, pairs, expected",
    [
        ("single", 4, 1, 0, 0.25),
        ("truefalse", 0, 0, 0, 0.5),
        ("matching", 0, 0, 4, 0.25),
        ("text", 0, 0, 0, 0.0),
        # Two options, one right: subsets {}, {R}, {W}, {R, W} score 0, 1, 0, 0.
        ("multiple", 2, 1, 0, 0.25),
    ],
)
def test_random_guess_score_per_type(qtype, options, correct, pairs, expected):
    assert random_guess_score(qtype, options, correct, pairs) == pytest.approx(expected)


def test_alpha_is_undefined_without_variation():
    assert cronbach_alpha([[3, 3], [3, 3]]) is None
    assert cronbach_alpha([[1, 2]]) is None
