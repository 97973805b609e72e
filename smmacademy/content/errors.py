"""Problems found in course content, reported all at once with file and line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class ContentError:
    """One problem in one file; ``line`` is 1-based, or None when unknown."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass
class Reporter:
    """Collects errors for one file; line numbers are offset to the file."""

    root: Path
    path: Path
    line_offset: int = 0
    errors: list[ContentError] = field(default_factory=list)

    def where(self, line: int | None = None, message: str = "") -> ContentError:
        """The file (relative to the content folder's parent) and absolute line of ``line``, with ``message``."""
        try:
            shown = str(self.path.relative_to(self.root.parent))
        except ValueError:
            shown = str(self.path)
        absolute = line + self.line_offset if line else None
        return ContentError(shown, absolute, message)

    def error(self, message: str, line: int | None = None) -> None:
        """Record a problem; ``line`` is relative to the YAML block being read."""
        self.errors.append(self.where(line, message))

    def child(self, path: Path, line_offset: int = 0) -> Reporter:
        """A reporter for another file that shares this error list."""
        return Reporter(self.root, path, line_offset, self.errors)


class ContentInvalid(Exception):
    """Raised when the site must not start because the content is invalid."""

    def __init__(self, errors: list[ContentError]):
        self.errors = errors
        listing = "\n".join(f"  {error}" for error in errors)
        super().__init__(f"{len(errors)} problem(s) in course content:\n{listing}")
