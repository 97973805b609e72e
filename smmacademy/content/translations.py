"""Which content translations are missing or stale (no Flask: used by the CLI and the admin page).

A translation records the English text it was made from as ``source_hash:`` (in a
module's or course header's front matter, or at the top of competencies.<lang>.yml).
When the English file changes, its hash no longer matches and the translation is stale.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from .yamlfile import split_front_matter

MISSING = "missing"
STALE = "stale"
UNMARKED = "unmarked"
CURRENT = "current"
FRAMEWORK_FILE = "competencies.yml"


@dataclass(frozen=True)
class TranslationStatus:
    """One English file and the state of its translation into one language."""

    original: str  # path relative to the courses folder
    language: str
    state: str  # missing, stale, unmarked (no source_hash) or current
    translation: str | None  # relative path of the translation when it exists
    source_hash: str  # the hash the translation should record

    @property
    def needs_work(self) -> bool:
        return self.state != CURRENT

    def describe(self) -> str:
        """One line for ``courses check``."""
        if self.state == MISSING:
            return f"{self.language}: missing translation of {self.original} (source_hash: {self.source_hash})"
        if self.state == UNMARKED:
            return (
                f"{self.language}: {self.translation} records no source_hash; "
                f"check it against {self.original} and add source_hash: {self.source_hash}"
            )
        return (
            f"{self.language}: {self.translation} is stale: the English changed since this translation "
            f"(bring it in line with {self.original}, then record source_hash: {self.source_hash})"
        )


def source_hash(path: Path) -> str:
    """The short hash of an English file's text (line endings do not count)."""
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def recorded_hash(path: Path) -> str | None:
    """The ``source_hash`` a translation file records, or None."""
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix == ".md":
            parts = split_front_matter(text)
            meta = yaml.safe_load(parts[0]) if parts else None
        else:
            meta = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    value = meta.get("source_hash") if isinstance(meta, dict) else None
    return str(value) if value is not None else None


def _originals(root: Path) -> list[Path]:
    """Every English content file that can be translated, in a stable order."""
    files = [root / FRAMEWORK_FILE] if (root / FRAMEWORK_FILE).exists() else []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        files += [p for p in sorted(folder.glob("*.md")) if p.name.count(".") == 1]
    return files


def translation_of(original: Path, language: str) -> Path:
    """Where the ``language`` translation of ``original`` lives (``x.md`` -> ``x.ru.md``)."""
    return original.with_name(f"{original.stem}.{language}{original.suffix}")


def translation_report(root: Path, languages) -> list[TranslationStatus]:
    """The state of every translatable file in every language other than English."""
    report = []
    for original in _originals(root):
        wanted = source_hash(original)
        for language in languages:
            if language == "en":
                continue
            path = translation_of(original, language)
            if not path.exists():
                state, relative = MISSING, None
            else:
                recorded = recorded_hash(path)
                state = CURRENT if recorded == wanted else UNMARKED if recorded is None else STALE
                relative = str(path.relative_to(root))
            report.append(TranslationStatus(str(original.relative_to(root)), language, state, relative, wanted))
    return report
