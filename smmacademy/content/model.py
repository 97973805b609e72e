"""The in-memory catalog: courses, modules and their language variants (plain data)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..domain.quiz_policy import DEFAULT_SETTINGS, QuizSettings
from .audience import AudienceRef
from .errors import ContentError
from .framework import Framework
from .questions import Question


@dataclass(frozen=True)
class Objective:
    """What a learner can do after a module, tied to framework statement ids."""

    text: str
    statements: tuple[str, ...]


@dataclass(frozen=True)
class ModuleText:
    """The language-specific part of a module: wording only, never keys."""

    title: str
    html: str
    toc: tuple[tuple[int, str, str], ...]
    text: str
    questions: tuple[Question, ...]
    objectives: tuple[Objective, ...] = ()
    takeaways: tuple[str, ...] = ()


@dataclass(frozen=True)
class Module:
    course_slug: str
    slug: str
    number: int
    minutes: int
    competencies: tuple[str, ...]
    audience: tuple[str, ...]
    pass_mark: int
    words: int
    path: str
    texts: dict[str, ModuleText]  # language code -> text; "en" always present
    # An optional module counts toward neither course completion nor certificates.
    optional: bool = False

    def text_for(self, language: str | None = None) -> ModuleText:
        """The module's wording in ``language``, falling back to English."""
        return self.texts.get(language or "en") or self.texts["en"]

    @property
    def title(self) -> str:
        return self.texts["en"].title

    @property
    def questions(self) -> tuple[Question, ...]:
        return self.texts["en"].questions

    @property
    def objectives(self) -> tuple[Objective, ...]:
        return self.texts["en"].objectives

    @property
    def has_quiz(self) -> bool:
        return bool(self.questions)

    @property
    def quiz_fingerprint(self) -> str:
        """Changes when the set of questions or their answer keys change."""
        parts = [f"{q.id}:{q.type}:{sorted(k for k, _ in q.options)}:{len(q.pairs)}" for q in self.questions]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class CourseText:
    """The language-specific part of a course header."""

    title: str
    summary: str
    overview_html: str


@dataclass(frozen=True)
class Course:
    slug: str
    number: int
    title: str
    summary: str
    audience: tuple[str, ...]
    prerequisites: tuple[str, ...]
    overview_html: str
    modules: tuple[Module, ...]
    path: str
    # Translations of the header by language code (course.ru.md); English lives in the fields above.
    translations: dict[str, CourseText] = field(default_factory=dict)
    # Attempts, pause between attempts and when answers are shown, for every quiz of the course.
    quiz_settings: QuizSettings = DEFAULT_SETTINGS

    @property
    def texts(self) -> dict[str, CourseText]:
        """Every language of the course header, English included."""
        return {"en": CourseText(self.title, self.summary, self.overview_html), **self.translations}

    def text_for(self, language: str | None = None) -> CourseText:
        """The course header in ``language``, falling back to English."""
        return self.translations.get(language or "en") or CourseText(self.title, self.summary, self.overview_html)

    @property
    def minutes(self) -> int:
        return sum(m.minutes for m in self.modules)

    def module(self, slug: str) -> Module | None:
        """The module with ``slug`` or None."""
        return next((m for m in self.modules if m.slug == slug), None)

    def neighbours(self, slug: str) -> tuple[Module | None, Module | None]:
        """Previous and next module around ``slug``."""
        index = next(i for i, m in enumerate(self.modules) if m.slug == slug)
        previous = self.modules[index - 1] if index > 0 else None
        following = self.modules[index + 1] if index + 1 < len(self.modules) else None
        return previous, following


@dataclass(frozen=True)
class SearchHit:
    course: Course
    module: Module
    snippet: str
    score: int


@dataclass
class Catalog:
    """Everything the site teaches, validated and rendered once."""

    root: Path
    courses: dict[str, Course] = field(default_factory=dict)
    framework: Framework | None = None
    errors: list[ContentError] = field(default_factory=list)
    # Every audience entry with its file and line, for the check against the site's department keys.
    audience_refs: list[AudienceRef] = field(default_factory=list)

    # Cached: a catalog is never changed after loading (debug reloads build a new one).
    @cached_property
    def modules(self) -> list[Module]:
        return [m for c in self.courses.values() for m in c.modules]

    @cached_property
    def questions(self) -> dict[str, tuple[Module, Question]]:
        """Every question by id with the module that holds it."""
        return {q.id: (m, q) for m in self.modules for q in m.questions}

    def module(self, course_slug: str, module_slug: str) -> Module | None:
        course = self.courses.get(course_slug)
        return course.module(module_slug) if course else None

    def modules_for_competency(self, competency_id: str) -> list[Module]:
        """Modules tagged with a competency, in catalog order."""
        return [m for m in self.modules if competency_id in m.competencies]

    def summary(self) -> str:
        """The one-line count printed by ``courses check``."""
        modules = self.modules
        return (
            f"{len(self.courses)} courses, {len(modules)} modules, {sum(len(m.questions) for m in modules)} questions"
        )

    def search(self, query: str, limit: int = 30) -> list[SearchHit]:
        """Lessons containing every word of ``query``, best matches first."""
        words = [w for w in re.findall(r"\w+", query.casefold()) if len(w) > 1]
        if not words:
            return []
        hits = []
        for course in self.courses.values():
            for module in course.modules:
                text = module.text_for().text
                haystack = f"{module.title} {text}".casefold()
                if not all(w in haystack for w in words):
                    continue
                score = sum(haystack.count(w) for w in words) + 10 * sum(w in module.title.casefold() for w in words)
                position = text.casefold().find(words[0])
                start = max(0, position - 80)
                snippet = ("…" if start else "") + text[start : start + 220].strip() + "…"
                hits.append(SearchHit(course, module, snippet, score))
        hits.sort(key=lambda h: -h.score)
        return hits[:limit]
