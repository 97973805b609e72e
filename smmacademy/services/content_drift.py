"""Questions changed on disk since people answered them (a warning for ``courses check``)."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ..content.catalog import Catalog
from ..content.snapshot import question_hash
from ..extensions import db
from ..models import Candidate, QuizAttempt


def stored_hashes():
    """(question id, stored hash) of every frozen question in attempts and candidate tests."""
    for column in (QuizAttempt.questions, Candidate.test_snapshot):
        for frozen in db.session.scalars(select(column).where(column.is_not(None))):
            for entry in frozen or []:
                yield entry.get("id"), entry.get("hash")


def drift_warnings(catalog: Catalog) -> list[str] | None:
    """One line per question whose content differs from what stored attempts saw.

    Returns None when the database cannot be read (no database, no tables):
    the check of the files still stands on its own.
    """
    try:
        seen = Counter((qid, digest) for qid, digest in stored_hashes() if qid and digest)
    except SQLAlchemyError:
        db.session.rollback()
        return None
    bank = catalog.questions
    warnings = []
    for (qid, digest), count in sorted(seen.items()):
        if qid not in bank:
            warnings.append(f"warning: question '{qid}' was removed; {count} stored attempt(s) keep the old version")
            continue
        module, question = bank[qid]
        if question_hash(question) != digest:
            warnings.append(
                f"warning: {module.path}: question '{qid}' changed since {count} stored attempt(s) answered it; "
                "their reviews keep showing the version answered"
            )
    return warnings
