"""Load the whole ``courses/`` tree into an in-memory, validated catalog."""

from __future__ import annotations

import re
from pathlib import Path

from .audience import EVERYONE, ROLES, AudienceRef, audience_problem
from .coverage import COVERAGE_FILE, load_point_keys
from .documents import Document, load_document, load_documents
from .errors import Reporter
from .framework import load_framework
from .framework_translation import load_translations
from .lesson_fields import read_objectives, read_optional, read_takeaways
from .model import Catalog, Course, CourseText, Module, ModuleText, SearchHit
from .questions import Question, parse_question
from .quiz_settings import read_quiz_settings, refuse_in_translation
from .render_cache import RenderCache
from .yamlfile import LineDict, load_yaml

# The data classes are re-exported: callers import everything about the catalog from here.
__all__ = [
    "ASSET_SUFFIXES",
    "EVERYONE",
    "ROLES",
    "Catalog",
    "Course",
    "Module",
    "ModuleText",
    "SearchHit",
    "load_catalog",
    "tree_signature",
]

COURSE_DIR = re.compile(r"^(\d{2})-([a-z0-9][a-z0-9-]*)$")
MODULE_FILE = re.compile(r"^(\d{2})-([a-z0-9][a-z0-9-]*)(?:\.([a-z]{2}))?\.md$")
COURSE_FILE = re.compile(r"^course(?:\.([a-z]{2}))?\.md$")
DEFAULT_PASS_MARK = 80
ASSET_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}


def _front_matter(document: Document, report: Reporter):
    """Return (meta, body, body_line) of a prepared file, or None after reporting the problem."""
    if document.missing_front_matter:
        report.error("the file must start with YAML front matter between two '---' lines", 1)
        return None
    if document.problem is not None:
        report.error(*document.problem)
        return None
    if not isinstance(document.meta, LineDict):
        report.error("the front matter must be a YAML mapping (key: value lines)", 1)
        return None
    return document.meta, document.body, document.body_line


def _string_list(meta: LineDict, key: str, report: Reporter) -> tuple[str, ...]:
    value = meta.get(key, [])
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        report.error(f"'{key}' must be a list of names, e.g. {key}: [a, b]", meta.line_of(key))
        return ()
    return tuple(v.strip() for v in value)


def _required_text(meta: LineDict, key: str, report: Reporter) -> str:
    value = meta.get(key)
    if not isinstance(value, str) or not value.strip():
        report.error(f"'{key}' is required", meta.line_of(key) or 1)
        return ""
    return value.strip()


class _Loader:
    def __init__(self, root: Path, asset_prefix: str, cache_dir: Path | str | None = None, workers: int | None = None):
        self.root = root
        self.cache = RenderCache(cache_dir) if cache_dir else None
        self.workers = workers
        self.documents: dict[Path, Document] = {}
        self.asset_prefix = asset_prefix
        self.report = Reporter(root, root)
        self.question_ids: dict[str, str] = {}
        self.point_keys = load_point_keys(root) if root.is_dir() else None
        self.statement_ids: set[str] | None = None
        self.audience_refs: list[AudienceRef] = []

    def load(self) -> Catalog:
        catalog = Catalog(self.root)
        if not self.root.is_dir():
            self.report.error(f"the courses folder {self.root} does not exist")
            catalog.errors = self.report.errors
            return catalog
        parse = self.cache.load_yaml if self.cache else load_yaml
        catalog.framework = load_framework(self.root / "competencies.yml", self.report, parse)
        if catalog.framework is not None:
            load_translations(catalog.framework, self.root, self.report, parse)
        competency_ids = set(catalog.framework.competencies) if catalog.framework else None
        self.statement_ids = set(catalog.framework.statements) if catalog.framework else None
        folders = sorted(p for p in self.root.iterdir() if p.is_dir())
        self._prepare(folders)
        for folder in folders:
            match = COURSE_DIR.match(folder.name)
            if not match:
                if not folder.name.startswith((".", "_")):
                    self.report.child(folder).error("course folders are named <NN>-<slug>, e.g. 01-smm-roles")
                continue
            course = self._course(folder, int(match.group(1)), match.group(2), competency_ids)
            if course is None:
                continue
            if course.slug in catalog.courses:
                self.report.child(folder).error(f"another course already uses the slug '{course.slug}'")
                continue
            catalog.courses[course.slug] = course
        self._check_prerequisites(catalog)
        catalog.errors = self.report.errors
        catalog.audience_refs = self.audience_refs
        return catalog

    def _prepare(self, folders: list[Path]) -> None:
        """Read, parse and render every course and module file at once (in parallel on a cold cache)."""
        files = []
        for folder in folders:
            match = COURSE_DIR.match(folder.name)
            if not match:
                continue
            module_prefix = f"{self.asset_prefix}{match.group(2)}/"
            for path in sorted(folder.glob("*.md")):
                if COURSE_FILE.match(path.name):
                    files.append((path, ""))  # a course overview has no images of its own
                elif MODULE_FILE.match(path.name):
                    files.append((path, module_prefix))
        self.documents = load_documents(files, self.cache, self.workers)

    def _document(self, path: Path, asset_prefix: str) -> Document:
        """The prepared file (every file the walk reads was prepared by ``_prepare``)."""
        document = self.documents.get(path)
        return document if document is not None else load_document(path, asset_prefix, self.cache)

    def _course(self, folder: Path, number: int, slug: str, competency_ids) -> Course | None:
        report = self.report.child(folder / "course.md")
        if not (folder / "course.md").exists():
            report.error("every course folder needs a course.md with title, summary and audience")
            return None
        document = self._document(folder / "course.md", "")
        parsed = _front_matter(document, report)
        if parsed is None:
            return None
        meta = parsed[0]
        report = self.report.child(folder / "course.md", 1)
        modules, seen = [], set()
        paths = sorted(folder.glob("*.md"))
        translations: dict[str, list[Path]] = {}
        for path in paths:  # one listing of the folder, rather than a glob per module
            match = MODULE_FILE.match(path.name)
            if match and match.group(3):
                translations.setdefault(f"{match.group(1)}-{match.group(2)}", []).append(path)
        for path in paths:
            match = MODULE_FILE.match(path.name)
            if path.name == "course.md" or COURSE_FILE.match(path.name) or (match and match.group(3)):
                continue  # translations are read together with their original
            if not match:
                self.report.child(path).error("module files are named <NN>-<slug>.md, e.g. 01-the-smm-manager.md")
                continue
            module = self._module(
                path, slug, int(match.group(1)), match.group(2), competency_ids, translations.get(path.stem, [])
            )
            if module is None:
                continue
            if module.slug in seen:
                self.report.child(path).error(f"another module of this course already uses the slug '{module.slug}'")
                continue
            seen.add(module.slug)
            modules.append(module)
        return Course(
            slug=slug,
            number=number,
            title=_required_text(meta, "title", report),
            summary=_required_text(meta, "summary", report),
            audience=self._audience(meta, report) or (EVERYONE,),
            prerequisites=_string_list(meta, "prerequisites", report),
            overview_html=document.rendered.html,
            modules=tuple(modules),
            path=str(folder),
            translations=self._course_translations(folder),
            quiz_settings=read_quiz_settings(meta, report),
        )

    def _audience(self, meta: LineDict, report: Reporter) -> tuple[str, ...]:
        """The audience list: reserved words and department keys; a display name is an error with a hint."""
        values = _string_list(meta, "audience", report)
        line = meta.line_of("audience")
        for value in values:
            problem = audience_problem(value)
            if problem:
                report.error(problem, line)
            else:
                self.audience_refs.append(AudienceRef.at(report.where(line), value))
        return values

    def _course_translations(self, folder: Path) -> dict[str, CourseText]:
        """The translated course headers beside course.md (course.ru.md): wording only."""
        translations = {}
        for path in sorted(folder.glob("course.??.md")):
            document = self._document(path, "")
            parsed = _front_matter(document, self.report.child(path))
            if parsed is None:
                continue
            meta = parsed[0]
            report = self.report.child(path, 1)
            title, summary = _required_text(meta, "title", report), _required_text(meta, "summary", report)
            refuse_in_translation(meta, report)
            translations[COURSE_FILE.match(path.name).group(1)] = CourseText(title, summary, document.rendered.html)
        return translations

    def _module_text(self, path: Path, course_slug: str, competency_ids, original: Module | None):
        """Parse one module file (an original or a translation)."""
        head = self.report.child(path)
        document = self._document(path, f"{self.asset_prefix}{course_slug}/")
        parsed = _front_matter(document, head)
        if parsed is None:
            return None
        meta, body, body_line = parsed
        report = self.report.child(path, 1)  # front matter starts on line 2
        title = _required_text(meta, "title", report)
        raw_quiz = meta.get("quiz", [])
        questions: list[Question] = []
        if raw_quiz is not None and not isinstance(raw_quiz, list):
            report.error("'quiz' must be a list of questions", meta.line_of("quiz"))
            raw_quiz = []
        for raw in raw_quiz or []:
            question = parse_question(raw, report, meta.line_of("quiz"))
            if question is None:
                continue
            if original is None:
                owner = self.question_ids.get(question.id)
                if owner:
                    report.error(
                        f"duplicate question id '{question.id}' (also used in {owner}); "
                        "question ids must be unique across all courses",
                        question.line,
                    )
                    continue
                self.question_ids[question.id] = str(path.relative_to(self.root.parent))
            self._check_points(question, report)
            questions.append(question)
        rendered = document.rendered
        for image in rendered.images:
            if not (path.parent / image).is_file() or Path(image).suffix.lower() not in ASSET_SUFFIXES:
                head.error(f"image '{image}' is not an image file beside the module", body_line)
        text = ModuleText(
            title,
            rendered.html,
            rendered.toc,
            rendered.text,
            tuple(questions),
            objectives=read_objectives(meta, report, self.statement_ids),
            takeaways=read_takeaways(body, head, body_line),
        )
        return meta, report, document.words, text

    def _check_points(self, question: Question, report: Reporter) -> None:
        """Every COVERAGE key a question names must be a row of COVERAGE.md."""
        if not question.points:
            return
        if self.point_keys is None:
            report.error(f"question '{question.id}' names points but {COVERAGE_FILE} is missing", question.line)
            return
        unknown = [key for key in question.points if key not in self.point_keys]
        if unknown:
            report.error(
                f"question '{question.id}': point(s) {', '.join(unknown)} are not rows of {COVERAGE_FILE}",
                question.line,
            )

    def _module(
        self, path: Path, course_slug: str, number: int, slug: str, competency_ids, translations: list[Path]
    ) -> Module | None:
        parsed = self._module_text(path, course_slug, competency_ids, None)
        if parsed is None:
            return None
        meta, report, words, text = parsed
        minutes = meta.get("minutes")
        if not isinstance(minutes, int) or minutes < 1:
            report.error("'minutes' must be a whole number of minutes (reading time)", meta.line_of("minutes"))
            minutes = 1
        competencies = _string_list(meta, "competencies", report)
        if competency_ids is not None:
            for cid in competencies:
                if cid not in competency_ids:
                    report.error(
                        f"unknown competency id '{cid}'; use ids from competencies.yml",
                        meta.line_of("competencies"),
                    )
        pass_mark = meta.get("pass_mark", DEFAULT_PASS_MARK)
        if not isinstance(pass_mark, int) or not 1 <= pass_mark <= 100:
            report.error("'pass_mark' must be a whole percentage from 1 to 100", meta.line_of("pass_mark"))
            pass_mark = DEFAULT_PASS_MARK
        module = Module(
            course_slug=course_slug,
            slug=slug,
            number=number,
            minutes=minutes,
            competencies=competencies,
            audience=self._audience(meta, report),
            pass_mark=pass_mark,
            words=words,
            path=str(path),
            texts={"en": text},
            optional=read_optional(meta, report),
        )
        for translation in translations:
            language = translation.name.split(".")[-2]
            variant = self._module_text(translation, course_slug, competency_ids, module)
            if variant is not None:
                self._check_translation(module, variant[3], self.report.child(translation, 1))
                module.texts[language] = variant[3]
        return module

    @staticmethod
    def _check_translation(module: Module, variant: ModuleText, report: Reporter) -> None:
        original = {q.id: q for q in module.questions}
        translated = {q.id: q for q in variant.questions}
        if set(original) != set(translated):
            report.error("a translation must have exactly the same question ids as the original")
            return
        for qid, question in translated.items():
            source = original[qid]
            same = (
                question.type == source.type
                and [k for k, _ in question.options] == [k for k, _ in source.options]
                and question.correct == source.correct
                and question.truth == source.truth
                and len(question.pairs) == len(source.pairs)
                and question.points in ((), source.points)
                and question.cognitive in (None, source.cognitive)
            )
            if not same:
                report.error(
                    f"question '{qid}' must keep the original's type, option keys, correct answers, "
                    "cognitive level and points",
                    question.line,
                )
        statements = [o.statements for o in variant.objectives]
        if statements and statements != [o.statements for o in module.objectives]:
            report.error("a translation's objectives must name the same statements as the original's")

    def _check_prerequisites(self, catalog: Catalog) -> None:
        for course in catalog.courses.values():
            report = self.report.child(Path(course.path) / "course.md")
            for slug in course.prerequisites:
                if slug not in catalog.courses:
                    report.error(f"prerequisite '{slug}' is not a course slug")
        # Depth-first search for cycles among existing prerequisites.
        state: dict[str, int] = {}

        def visit(slug: str, trail: list[str]) -> None:
            state[slug] = 1
            for nxt in catalog.courses[slug].prerequisites:
                if nxt not in catalog.courses:
                    continue
                if state.get(nxt) == 1:
                    cycle = trail[trail.index(nxt) :] + [nxt] if nxt in trail else [slug, nxt]
                    self.report.child(Path(catalog.courses[slug].path) / "course.md").error(
                        "prerequisite cycle: " + " -> ".join(cycle)
                    )
                elif nxt not in state:
                    visit(nxt, trail + [nxt])
            state[slug] = 2

        for slug in catalog.courses:
            if slug not in state:
                visit(slug, [slug])


def load_catalog(
    root: Path | str,
    asset_prefix: str = "/learn/assets/",
    cache_dir: Path | str | None = None,
    workers: int | None = None,
) -> Catalog:
    """Parse, validate and render the course tree at ``root``.

    The returned catalog always has ``errors``; when it is non-empty the
    content is invalid and the site should refuse to start outside debug.
    With ``cache_dir``, parsed and rendered files are read from and written to
    that folder (render_cache.py), so unchanged lessons are not rendered again.
    Many files to render are rendered by one process per core; ``workers``
    forces the number (1: all in this process).
    """
    return _Loader(Path(root).resolve(), asset_prefix, cache_dir, workers).load()


def tree_signature(root: Path | str) -> tuple:
    """A cheap fingerprint of the tree (names, sizes, mtimes) to detect edits."""
    root = Path(root)
    if not root.is_dir():
        return ()
    return tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in root.rglob("*") if p.is_file()))
