"""The password policy: one definition used by setup, password change, reset and account creation.

Flask-free: :func:`password_problem` returns a problem code and its parameters;
the service layer turns it into a translated message.

The list of common passwords (``smmacademy/data/common-passwords.txt``) holds
the 10,000 most frequent passwords of the ``zxcvbn`` frequency lists, extracted
once and shipped as a text file so the package is not a runtime dependency.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

MIN_LENGTH = 10
MAX_LENGTH = 200
MIN_DISTINCT = 4
# A password "made of" the person's email or name keeps fewer than this many
# characters once those parts and digits are taken out.
MIN_OWN_CHARACTERS = 4
COMMON_FILE = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt"

TOO_SHORT = "too_short"
TOO_LONG = "too_long"
SPACES = "spaces"
TOO_SIMPLE = "too_simple"
COMMON = "common"
PERSONAL = "personal"


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-cased (read once)."""
    return frozenset(line.strip().lower() for line in COMMON_FILE.read_text("utf-8").splitlines() if line.strip())


def _letters_and_digits(text: str) -> str:
    return re.sub(r"[\W_]+", "", (text or "").lower())


def _personal_parts(email: str, name: str) -> list[str]:
    local = (email or "").split("@")[0]
    parts = [_letters_and_digits(local), _letters_and_digits(name)]
    parts += [_letters_and_digits(p) for p in re.split(r"[\W_]+", f"{local} {name}")]
    # Longest first, so "annamaria" goes before "anna".
    return sorted({p for p in parts if len(p) >= 3}, key=len, reverse=True)


def is_made_of_personal_data(password: str, email: str = "", name: str = "") -> bool:
    """True when the password is little more than the person's email or name (plus digits)."""
    rest = _letters_and_digits(password)
    parts = _personal_parts(email, name)
    if not parts:
        return False
    for part in parts:
        rest = rest.replace(part, "")
    return len(re.sub(r"\d", "", rest)) < MIN_OWN_CHARACTERS


def password_problem(password: str, email: str = "", name: str = "") -> tuple[str, dict] | None:
    """What is wrong with a new password, as (code, parameters), or None when it is acceptable."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT, {"n": MIN_LENGTH}
    if len(password) > MAX_LENGTH:
        return TOO_LONG, {"n": MAX_LENGTH}
    if password.strip() != password:
        return SPACES, {}
    if len(set(password)) < MIN_DISTINCT:
        return TOO_SIMPLE, {}
    if password.lower() in common_passwords():
        return COMMON, {}
    if is_made_of_personal_data(password, email, name):
        return PERSONAL, {}
    return None
