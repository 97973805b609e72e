"""What a typed value may contain, and which numbers are ids (no Flask).

One definition for the forms, the CSV import and the URL converters, so a value
the admin user form refuses is refused by the import too.
"""

from __future__ import annotations

import re

# Ids are INTEGER columns: 32-bit on PostgreSQL. A larger number cannot name a
# row, and SQLite raises OverflowError past 2**63, so such a number is "not found".
MAX_ID = 2**31 - 1
# Digits only, no sign, no leading zero, at most ten digits (MAX_ID has ten).
ID_PATTERN = r"[1-9][0-9]{0,9}"
_ID = re.compile(ID_PATTERN)

# Unicode category Cc: C0 controls, DEL and C1 controls. NUL cannot be stored in a
# PostgreSQL text column; the others are invisible and break CSV exports and pages.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# A multi-line text (a textarea) keeps its tabs and line breaks.
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def parse_id(text: str | None) -> int | None:
    """``text`` as an id (1 to MAX_ID, plain ASCII digits, no leading zero), else None."""
    if text is None or not _ID.fullmatch(text):
        return None
    value = int(text)
    return value if value <= MAX_ID else None


def control_character(text: str | None, multiline: bool = False) -> str | None:
    """The first control character in ``text`` that is not allowed, or None.

    Single-line values allow none; ``multiline`` values allow tab, LF and CR.
    """
    if not text:
        return None
    match = (_CONTROL_MULTILINE if multiline else _CONTROL).search(text)
    return match.group() if match else None


def code_point(character: str) -> str:
    """How a character is named in a message: ``U+0000``."""
    return f"U+{ord(character):04X}"


def column_length(column) -> int | None:
    """The ``String(n)`` length of a model column (``User.full_name`` → 200); None for ``Text``.

    Forms and the CSV import read their limits here, so they follow the schema.
    """
    return getattr(column.type, "length", None)
