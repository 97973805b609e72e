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

from smmacademy.content.questions import Question
from smmacademy.domain.assessment_quality import competency_quality, spearman
from smmacademy.domain.item_analysis import (
    LIKELY_MISKEYED,
    SMALL_SAMPLE_FLAG,
    TOO_EASY,
    Attempt,
    analyse,
    cronbach_alpha,
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


def _question(qtype, options=0, correct=0, pairs=0, truth=None):
    keys = [chr(97 + i) for i in range(options)]
    return Question(
        id="q",
        type=qtype,
        prompt="p",
        explanation="e",
        options=tuple((k, k.upper()) for k in keys),
        correct=frozenset(keys[:correct]),
        truth=truth,
        answers=("x",) if qtype == "text" else (),
        pairs=tuple((f"l{i}", f"r{i}") for i in range(pairs)),
    )


@pytest.mark.parametrize(
    "qtype, options, correct, pairs, expected",
    [
        ("single", 4, 1, 0, 0.25),
        ("truefalse", 0, 0, 0, 0.5),
        ("matching", 0, 0, 4, 0.25),
        ("text", 0, 0, 0, 0.0),
        # Two options, one right: the non-empty subsets {R}, {W}, {R, W} score 1, 0, 0.
        ("multiple", 2, 1, 0, 1 / 3),
        # Four options, three right (R1 R2 R3 W): 15 non-empty subsets; the right-only ones
        # score 1/3, 1/3, 1/3, 2/3, 2/3, 2/3, 1 (= 4), with W: R R -> 1/3 x3, R R R -> 2/3 (= 5/3).
        ("multiple", 4, 3, 0, (4 + 5 / 3) / 15),
    ],
)
def test_random_guess_score_comes_from_the_question_type(qtype, options, correct, pairs, expected):
    question = _question(qtype, options, correct, pairs, truth=True if qtype == "truefalse" else None)
    assert question.kind.random_guess(question) == pytest.approx(expected)


def test_stale_answers_count_in_totals_but_not_in_the_question_figures():
    attempts = [*HAND, Attempt({"q1": 0, "q2": 1, "q3": 1}, stale=frozenset({"q1"}))]
    analysis = analyse(attempts, ["q1", "q2", "q3"])
    q1 = analysis.questions[0]
    assert q1.attempts == 4
    assert q1.facility == pytest.approx(0.75)
    assert analysis.quiz.attempts == 5
    assert analysis.quiz.mean == pytest.approx((3 + 2 + 1 + 0 + 2) / 5)


def test_spearman_handles_ties_and_matches_the_standard_library():
    xs = [1, 2, 2, 3, 5, 4]
    ys = [2, 1, 4, 3, 6, 6]
    # Mid-ranks worked by hand: 1 2.5 2.5 4 6 5 and 2 1 4 3 5.5 5.5.
    expected = statistics.correlation([1, 2.5, 2.5, 4, 6, 5], [2, 1, 4, 3, 5.5, 5.5])
    assert spearman(xs, ys) == pytest.approx(expected)
    assert spearman([1, 2], [1, 2]) is None


def test_competency_quality_alpha_and_agreement():
    statements = {"c": ["s1", "s2", "s3"]}
    ratings = [{"s1": v, "s2": v, "s3": min(5, v + 1)} for v in (1, 2, 3, 4)] + [{"s1": 3}]
    mastery = {1: {"c": 0.1}, 2: {"c": 0.4}, 3: {"c": 0.5}, 4: {"c": 0.9}, 5: {"c": 0.2}}
    (row,) = competency_quality(statements, ratings, mastery, owners=[1, 2, 3, 4, 5])
    assert row.people == 4  # the incomplete rating is left out of alpha
    assert row.alpha == pytest.approx(cronbach_alpha([[1, 1, 2], [2, 2, 3], [3, 3, 4], [4, 4, 5]]))
    assert row.alpha == pytest.approx(1.0)
    assert row.agreement_n == 5
    # Self means 4/3, 7/3, 10/3, 13/3, 3 against mastery .1 .4 .5 .9 .2: ranks 1 2 4 5 3 vs 1 3 4 5 2.
    assert row.agreement == pytest.approx(statistics.correlation([1, 2, 4, 5, 3], [1, 3, 4, 5, 2]))


def test_alpha_is_undefined_without_variation():
    assert cronbach_alpha([[3, 3], [3, 3]]) is None
    assert cronbach_alpha([[1, 2]]) is None


def test_one_strong_persons_slip_is_not_a_miskey():
    # Totals rise with the index; only the strongest person misses the easy question.
    attempts = [Attempt({"easy": 1.0, **{f"o{j}": float(j < i % 6) for j in range(5)}}) for i in range(30)]
    attempts.append(Attempt({"easy": 0.0, **{f"o{j}": 1.0 for j in range(5)}}))
    easy = analyse(attempts, ["easy"] + [f"o{j}" for j in range(5)]).questions[0]
    assert easy.discrimination_index < 0
    assert LIKELY_MISKEYED not in easy.flags


def test_a_distractor_must_beat_the_key_clearly():
    def population(rest_of_b: float) -> list[Attempt]:
        attempts = []
        for i in range(12):
            chose_b = i < 4
            rest = (rest_of_b if chose_b else 2.0) + (i % 2) * 0.5
            attempts.append(Attempt({"q": 0.0 if chose_b else 1.0, "r": rest}, {"q": ("b",) if chose_b else ("a",)}))
        return attempts

    keys = {"q": frozenset({"a"})}
    slightly = analyse(population(2.2), ["q", "r"], keys).questions[0]
    clearly = analyse(population(4.0), ["q", "r"], keys).questions[0]
    assert LIKELY_MISKEYED not in slightly.flags
    assert LIKELY_MISKEYED in clearly.flags
