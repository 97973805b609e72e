"""Department keys: made once from the name (transliterated), checked, never changed (no Flask, no database)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

from ..content.audience import KEY_MAX_LENGTH, RESERVED_AUDIENCES, is_key
from .scoring import N_

# Russian (and the common Ukrainian/Belarusian letters) to Latin, close to the
# passport transliteration people already know (ГОСТ Р 52535.1-2006 / ICAO).
TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    "і": "i", "ї": "i", "є": "ie", "ґ": "g", "ў": "u",
}  # fmt: skip
FALLBACK_KEY = "department"


def slugify(name: str) -> str:
    """An ASCII key-shaped form of a department name: "Маркетинг" -> "marketing", "B2B sales" -> "b2b-sales".

    Cyrillic is transliterated, accents are dropped, anything else becomes a
    hyphen; the result is cut at a word boundary to the key length.
    """
    text = "".join(TRANSLIT.get(c, c) for c in name.strip().lower())
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) > KEY_MAX_LENGTH:
        slug = slug[:KEY_MAX_LENGTH].rsplit("-", 1)[0] or slug[:KEY_MAX_LENGTH]
    return slug


def new_key(name: str, taken: Collection[str]) -> str:
    """A free key for a new department called ``name``.

    A reserved audience word ("hr" is a role) gets "-department" appended, a
    taken key a number ("pr-2"), so the key never means two things.
    """
    base = slugify(name) or FALLBACK_KEY
    if base in RESERVED_AUDIENCES:
        base = f"{base}-department"
    candidate, number = base, 2
    while candidate in taken:
        suffix = f"-{number}"
        candidate = base[: KEY_MAX_LENGTH - len(suffix)].rstrip("-") + suffix
        number += 1
    return candidate


def key_problem(key: str, taken: Collection[str]) -> tuple[str, dict] | None:
    """Why an admin's key cannot be used, as (message, values) for the caller to translate; None when fine."""
    if not is_key(key):
        return (
            N_(
                "A key is lower-case Latin letters and digits, words joined by hyphens "
                "(e.g. b2b-sales), at most %(limit)s characters."
            ),
            {"limit": KEY_MAX_LENGTH},
        )
    if key in RESERVED_AUDIENCES:
        return N_("%(key)s is a reserved audience word (%(words)s); choose another key."), {
            "key": key,
            "words": ", ".join(RESERVED_AUDIENCES),
        }
    if key in taken:
        return N_("Another department already has the key %(key)s."), {"key": key}
    return None
