"""Bank lint: authoring-quality checks on the whole question bank (issue 21).

Valid content can still be a poor test: the longest option is the key, false
statements are the ones with "never", two modules ask the same thing. These
checks measure the bank against the thresholds below. They make
``flask courses check`` fail, but never stop the site from starting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import combinations
from pathlib import Path

from .answers import normalise_answer
from .questions import COGNITIVE_LEVELS, Question

# Thresholds: the one place they are defined.
LONGEST_CORRECT_MAX = 0.35  # share of single-choice items whose key is strictly the longest option
SINGLE_MIN_OPTIONS = 4
MULTIPLE_MIN_OPTIONS = 5
MULTIPLE_MIN_WRONG = 2
MULTIPLE_CORRECT_SHARE_MAX = 0.55  # share of correct options among all multiple-choice options
ABSOLUTES = ("only", "every", "never", "always", "all", "none", "must", "no one", "nothing")
ABSOLUTES_GAP_MAX = 0.15  # false statements may use absolutes at most 15 points more often than true ones
ABSOLUTES_MIN_EACH = 5  # ... judged only with at least this many true and false statements
NEAR_DUPLICATE_RATIO = 0.85  # difflib ratio of normalised prompts in different modules
QUIZ_SIZE = (5, 8)
HIGHER_ORDER_MIN = 0.5  # share of application or scenario questions per module
HIGHER_ORDER = ("application", "scenario")
TEXT_ANSWER_MAX_WORDS = 4
# Objectives start with a measurable verb (decide, explain, plan ...), never with one of these.
VAGUE_OBJECTIVE_VERBS = frozenset(
    ["understand", "know", "learn", "appreciate", "realise", "realize", "be", "become", "see", "get", "grasp"]
)
# Words for numbers that the answer normaliser cannot turn into digits.
UNREADABLE_NUMBER_WORDS = frozenset(
    [
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
        "dozen",
        "dozens",
        "couple",
        "half",
        "thousand",
        "thousands",
        "million",
        "millions",
        "hundreds",
        "few",
        "several",
        "первый",
        "второй",
        "третий",
        "пара",
        "десяток",
        "половина",
        "тысяча",
        "тысячи",
        "миллион",
        "несколько",
    ]
)
_ABSOLUTE = re.compile(r"\b(" + "|".join(re.escape(word) for word in ABSOLUTES) + r")\b")


@dataclass(frozen=True)
class Finding:
    """One problem found by a check, at ``where`` (file:line or file)."""

    check: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class Figure:
    """One row of the summary table."""

    name: str
    value: str
    limit: str
    ok: bool


@dataclass
class LintReport:
    figures: list[Figure] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.findings) or not all(f.ok for f in self.figures)

    def table(self) -> str:
        """The figures as a fixed-width text table."""
        width = max([len(f.name) for f in self.figures] + [10])
        lines = [f"{'Bank lint':<{width}}  {'value':>12}  {'limit':>10}  result"]
        for f in self.figures:
            lines.append(f"{f.name:<{width}}  {f.value:>12}  {f.limit:>10}  {'ok' if f.ok else 'FAIL'}")
        return "\n".join(lines)


def source_of(root: Path | str, module, question: Question | None = None) -> tuple[str, int | None]:
    """The module's file relative to the repository (``courses/...``) and the question's line in it."""
    try:
        shown = str(Path(module.path).relative_to(Path(root).parent))
    except ValueError:
        shown = module.path
    # A question's line counts from the front matter, which starts on line 2.
    return shown, (question.line + 1 if question is not None else None)


def _where(root: Path, module, question: Question | None = None) -> str:
    shown, line = source_of(root, module, question)
    return f"{shown}:{line}" if line is not None else shown


def _percent(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 0.0


def strictly_longest(question: Question) -> bool:
    """True when the correct option of a single-choice item is longer than every other option."""
    key = next(iter(question.correct))
    length = len(question.option_text(key))
    return all(length > len(text) for k, text in question.options if k != key)


def has_absolute(text: str) -> bool:
    """True when a statement uses an absolute word (only, never, all ...)."""
    return bool(_ABSOLUTE.search(text.casefold()))


def prompt_key(text: str) -> str:
    """A prompt reduced for comparison: normalised, letters, digits and spaces only."""
    return " ".join(re.sub(r"[^\w ]+", " ", normalise_answer(text)).split())


def text_answer_problems(question: Question) -> list[str]:
    """What the normaliser cannot cover in a text question's accepted answers."""
    problems = []
    normalised = [normalise_answer(a) for a in question.answers]
    has_digits = any(re.search(r"\d", a) for a in normalised)
    for answer, folded in zip(question.answers, normalised, strict=True):
        words = folded.split()
        if len(words) > TEXT_ANSWER_MAX_WORDS:
            problems.append(f"accepted answer '{answer}' is a phrase; typed phrases vary too much, use single choice")
        unreadable = sorted(set(words) & UNREADABLE_NUMBER_WORDS)
        if unreadable and not has_digits:
            problems.append(
                f"accepted answer '{answer}' gives a number only as a word ({', '.join(unreadable)}); "
                "add the form in digits"
            )
    return problems


class _Bank:
    def __init__(self, catalog):
        self.root = Path(catalog.root)
        self.items = [(m, q) for m in catalog.modules for q in m.questions]
        self.modules = catalog.modules
        self.report = LintReport()

    def fail(self, check: str, where: str, message: str) -> None:
        self.report.findings.append(Finding(check, where, message))

    def figure(self, name: str, value: str, limit: str, ok: bool) -> None:
        self.report.figures.append(Figure(name, value, limit, ok))

    def single_choice(self) -> None:
        singles = [(m, q) for m, q in self.items if q.type == "single"]
        longest = sum(strictly_longest(q) for _, q in singles)
        share = _percent(longest, len(singles))
        self.figure(
            "single: key is the longest option",
            f"{share:.0f}% ({longest}/{len(singles)})",
            f"<= {LONGEST_CORRECT_MAX:.0%}",
            share <= 100 * LONGEST_CORRECT_MAX,
        )
        if share > 100 * LONGEST_CORRECT_MAX:
            self.fail("longest", str(self.root), f"the correct option is strictly the longest in {share:.0f}% of items")
        few = [(m, q) for m, q in singles if len(q.options) < SINGLE_MIN_OPTIONS]
        for m, q in few:
            self.fail("options", _where(self.root, m, q), f"'{q.id}' has {len(q.options)} options (at least 4)")
        self.figure(f"single: items with < {SINGLE_MIN_OPTIONS} options", str(len(few)), "0", not few)

    def multiple_choice(self) -> None:
        multiples = [(m, q) for m, q in self.items if q.type == "multiple"]
        few = 0
        for m, q in multiples:
            wrong = len(q.options) - len(q.correct)
            if len(q.options) < MULTIPLE_MIN_OPTIONS or wrong < MULTIPLE_MIN_WRONG:
                few += 1
                self.fail(
                    "options",
                    _where(self.root, m, q),
                    f"'{q.id}' has {len(q.options)} options, {wrong} wrong "
                    f"(at least {MULTIPLE_MIN_OPTIONS} options and {MULTIPLE_MIN_WRONG} wrong)",
                )
        self.figure(f"multiple: < {MULTIPLE_MIN_OPTIONS} options or < 2 wrong", str(few), "0", not few)
        options = sum(len(q.options) for _, q in multiples)
        correct = sum(len(q.correct) for _, q in multiples)
        share = _percent(correct, options)
        ok = share <= 100 * MULTIPLE_CORRECT_SHARE_MAX
        self.figure(
            "multiple: correct options",
            f"{share:.0f}% ({correct}/{options})",
            f"<= {MULTIPLE_CORRECT_SHARE_MAX:.0%}",
            ok,
        )
        if not ok:
            self.fail("correct-share", str(self.root), f"{share:.0f}% of multiple-choice options are correct")

    def absolutes(self) -> None:
        statements = [q for _, q in self.items if q.type == "truefalse"]
        true = [q for q in statements if q.truth]
        false = [q for q in statements if not q.truth]
        true_share = _percent(sum(has_absolute(q.prompt) for q in true), len(true))
        false_share = _percent(sum(has_absolute(q.prompt) for q in false), len(false))
        gap = false_share - true_share
        judged = len(true) >= ABSOLUTES_MIN_EACH and len(false) >= ABSOLUTES_MIN_EACH
        ok = not judged or gap <= 100 * ABSOLUTES_GAP_MAX
        value = f"{false_share:.0f}% vs {true_share:.0f}%"
        self.figure("true/false: absolutes, false vs true", value, f"gap <= {ABSOLUTES_GAP_MAX * 100:.0f}", ok)
        if not ok:
            self.fail(
                "absolutes",
                str(self.root),
                f"absolutes mark false statements: {false_share:.0f}% of false vs {true_share:.0f}% of true ones",
            )

    def near_duplicates(self) -> None:
        keyed = [(m, q, prompt_key(q.prompt)) for m, q in self.items]
        pairs = 0
        for (m1, q1, k1), (m2, q2, k2) in combinations(keyed, 2):
            if m1 is m2:
                continue
            matcher = SequenceMatcher(None, k1, k2, autojunk=False)
            if matcher.real_quick_ratio() < NEAR_DUPLICATE_RATIO or matcher.quick_ratio() < NEAR_DUPLICATE_RATIO:
                continue
            ratio = matcher.ratio()
            if ratio >= NEAR_DUPLICATE_RATIO:
                pairs += 1
                self.fail(
                    "duplicate",
                    _where(self.root, m1, q1),
                    f"prompt of '{q1.id}' is {ratio:.0%} like '{q2.id}' at {_where(self.root, m2, q2)}",
                )
        self.figure("near-duplicate prompts (pairs)", str(pairs), "0", not pairs)

    def text_answers(self) -> None:
        count = 0
        for m, q in self.items:
            if q.type != "text":
                continue
            for problem in text_answer_problems(q):
                count += 1
                self.fail("text", _where(self.root, m, q), f"'{q.id}': {problem}")
        self.figure("text: answers the grader cannot cover", str(count), "0", not count)

    def per_module(self) -> None:
        low, high = QUIZ_SIZE
        sizes = mix = objectives = takeaways = 0
        for module in self.modules:
            where = _where(self.root, module)
            size = len(module.questions)
            if not low <= size <= high:
                sizes += 1
                self.fail("quiz-size", where, f"the quiz has {size} questions ({low} to {high})")
            higher = sum(q.cognitive in HIGHER_ORDER for q in module.questions)
            if size and higher / size < HIGHER_ORDER_MIN:
                mix += 1
                self.fail(
                    "cognitive-mix", where, f"{higher} of {size} questions are application or scenario (at least half)"
                )
            if not module.objectives:
                objectives += 1
                self.fail("objectives", where, "no 'objectives:' (3 or 4, each tied to statement ids)")
            for objective in module.objectives:
                verb = objective.text.split()[0].casefold().strip(",.:")
                if verb in VAGUE_OBJECTIVE_VERBS:
                    self.fail(
                        "objectives", where, f"objective '{objective.text}' starts with '{verb}': use a measurable verb"
                    )
            if not module.text_for().takeaways:
                takeaways += 1
                self.fail("takeaways", where, "no '## Key takeaways' section with three bullets before Sources")
        count = len(self.modules)
        self.figure(f"modules outside {low}-{high} questions", f"{sizes}/{count}", "0", not sizes)
        self.figure("modules < 50% application/scenario", f"{mix}/{count}", "0", not mix)
        self.figure("modules without objectives", f"{objectives}/{count}", "0", not objectives)
        self.figure("modules without key takeaways", f"{takeaways}/{count}", "0", not takeaways)

    def fields(self) -> None:
        no_cognitive = no_points = 0
        for m, q in self.items:
            if q.cognitive is None:
                no_cognitive += 1
                self.fail(
                    "cognitive",
                    _where(self.root, m, q),
                    f"'{q.id}' has no 'cognitive:' ({', '.join(COGNITIVE_LEVELS)})",
                )
            if not q.points:
                no_points += 1
                self.fail("points", _where(self.root, m, q), f"'{q.id}' has no 'points:' (COVERAGE keys it checks)")
        total = len(self.items)
        recall = sum(q.cognitive == "recall" for _, q in self.items)
        self.figure("questions without cognitive", f"{no_cognitive}/{total}", "0", not no_cognitive)
        self.figure("questions without points", f"{no_points}/{total}", "0", not no_points)
        self.figure("recall questions (for reference)", f"{_percent(recall, total):.0f}%", "-", True)


def lint_bank(catalog) -> LintReport:
    """Run every bank check on a loaded catalog; see the thresholds at the top of this module."""
    bank = _Bank(catalog)
    bank.single_choice()
    bank.multiple_choice()
    bank.absolutes()
    bank.near_duplicates()
    bank.text_answers()
    bank.per_module()
    bank.fields()
    return bank.report
