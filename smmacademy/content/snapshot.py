"""Questions frozen as a person saw them, so a stored attempt never depends on live content.

An attempt (an employee's quiz or a candidate's test) stores :func:`freeze`'s
list: per question its type, prompt, options in the shown order, matching
pairs with the shown order of both columns, the key and the explanation, plus a
hash of the keyed question. :func:`restore` turns it back into questions and
display orders that the question templates render unchanged; :func:`question_hash`
lets ``courses check`` spot content that changed under stored attempts.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .questions import Question, presentations


def question_hash(question: Question) -> str:
    """A short hash of what a question asks and accepts (ids, wording, key; not the line)."""
    payload = {
        "type": question.type,
        "prompt": question.prompt,
        "explanation": question.explanation,
        "options": [list(option) for option in question.options],
        "correct": sorted(question.correct),
        "truth": question.truth,
        "answers": list(question.answers),
        "pairs": [list(pair) for pair in question.pairs],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def freeze(shown: tuple[Question, ...], seed: int, keyed: tuple[Question, ...] = ()) -> list[dict[str, Any]]:
    """The questions as displayed for the attempt seeded with ``seed``.

    ``shown`` holds the wording the person read (their language); ``keyed``
    the reference questions whose hash is stored (defaults to ``shown``).
    """
    order = presentations(shown, seed)
    hashes = {q.id: question_hash(q) for q in keyed or shown}
    frozen = []
    for question in shown:
        view = order[question.id]
        options = dict(question.options)
        entry: dict[str, Any] = {
            "id": question.id,
            "type": question.type,
            "prompt": question.prompt,
            "explanation": question.explanation,
            "options": [[key, options[key]] for key in view.get("order", [])],
            "correct": sorted(question.correct),
            "truth": question.truth,
            "answers": list(question.answers),
            # Matching answers are indexes into the authored pair order, so the
            # pairs keep that order and the shown order of each column is kept beside it.
            "pairs": [list(pair) for pair in question.pairs],
            "lefts": list(view.get("lefts", [])),
            "rights": list(view.get("rights", [])),
            "hash": hashes.get(question.id, ""),
        }
        frozen.append(entry)
    return frozen


def restore(frozen: list[dict[str, Any]]) -> tuple[tuple[Question, ...], dict[str, dict[str, Any]]]:
    """Questions and display orders from a frozen list, ready for the question templates."""
    questions, order = [], {}
    for entry in frozen or []:
        options = tuple((str(key), str(text)) for key, text in entry.get("options") or [])
        question = Question(
            id=entry["id"],
            type=entry["type"],
            prompt=entry.get("prompt", ""),
            explanation=entry.get("explanation", ""),
            options=options,
            correct=frozenset(entry.get("correct") or ()),
            truth=entry.get("truth"),
            answers=tuple(entry.get("answers") or ()),
            pairs=tuple((str(left), str(right)) for left, right in entry.get("pairs") or []),
        )
        questions.append(question)
        if question.type == "matching":
            order[question.id] = {"lefts": list(entry.get("lefts") or []), "rights": list(entry.get("rights") or [])}
        elif options:
            order[question.id] = {"order": [key for key, _ in options]}
        else:
            order[question.id] = {}
    return tuple(questions), order


def fits(question: Question, answer: Any) -> bool:
    """True when a stored answer can be shown against ``question`` (for attempts without a snapshot)."""
    if question.type in ("single", "multiple"):
        keys = dict(question.options)
        return isinstance(answer, list) and all(key in keys for key in answer)
    if question.type == "matching":
        size = len(question.pairs)
        return isinstance(answer, list) and len(answer) == size and all(0 <= int(i) < size for i in answer)
    if question.type == "truefalse":
        return isinstance(answer, bool)
    return isinstance(answer, str)
