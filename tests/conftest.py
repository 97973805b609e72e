"""Shared fixtures: an app with a fresh database per test, clients, factories."""

from __future__ import annotations

import contextvars
import itertools
import os
import re
import shutil
import stat
from datetime import date
from pathlib import Path

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import text

from smmacademy import catalog_state, create_app
from smmacademy.content.catalog import tree_signature
from smmacademy.extensions import db
from smmacademy.models import User
from smmacademy.services import accounts

FIXTURE_COURSES = Path(__file__).parent / "fixtures" / "courses"
TRANSLATIONS = Path(__file__).parent.parent / "translations"
REAL_COURSES = Path(__file__).parent.parent / "courses"


def load_real_framework():
    """The competency framework of the real courses, loaded without errors."""
    from smmacademy.content.errors import Reporter
    from smmacademy.content.framework import load_framework

    report = Reporter(REAL_COURSES, REAL_COURSES)
    loaded = load_framework(REAL_COURSES / "competencies.yml", report)
    assert report.errors == []
    return loaded


PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


def _database_url(tmp_path: Path) -> str:
    """SQLite file per test, or the PostgreSQL server named by TEST_DATABASE_URL."""
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.sqlite'}"


def compile_translations(root: Path = TRANSLATIONS) -> list[Path]:
    """Compile every ``messages.po`` whose ``.mo`` is missing or older (what ``make translations`` does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    compiled = []
    for po_path in sorted(root.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=po_path.parent.parent.name)
        # Written to a temporary name first: parallel test processes never read half a file.
        partial = mo_path.with_suffix(f".mo.{os.getpid()}")
        with partial.open("wb") as handle:
            write_mo(handle, catalog)
        partial.replace(mo_path)
        compiled.append(mo_path)
    return compiled


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """``pytest`` alone works: the Russian catalogue is compiled before any app starts."""
    compile_translations()


@pytest.fixture(autouse=True)
def postgres_server(request) -> str | None:
    """A ``postgres``-marked test needs TEST_DATABASE_URL: without it the test FAILS, never skips.

    A skipped test would be counted as passing by whoever selected it (``-m postgres``).
    """
    url = os.environ.get("TEST_DATABASE_URL")
    if request.node.get_closest_marker("postgres") and not (url and url.startswith("postgresql")):
        pytest.fail("This test needs PostgreSQL: set TEST_DATABASE_URL=postgresql+psycopg://user:pw@host/db")
    return url


def _copy_course_tree(target: Path) -> Path:
    """The fixture courses plus the real framework and its translations, copied to ``target``."""
    shutil.copytree(FIXTURE_COURSES, target)
    for framework in REAL_COURSES.glob("competencies*.yml"):
        shutil.copy(framework, target / framework.name)
    return target


@pytest.fixture(scope="session")
def shared_courses(tmp_path_factory) -> Path:
    """One read-only course tree for every test that does not edit content.

    Read-only so that a test writing to it fails loudly instead of changing
    what the tests after it see; tests that edit content ask for ``courses_dir``.
    """
    root = _copy_course_tree(tmp_path_factory.mktemp("shared") / "courses")
    for path in [root, *root.rglob("*")]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    return root


@pytest.fixture(scope="session", autouse=True)
def catalog_loaded_once(shared_courses):
    """Parse and render each unchanged read-only tree once per session, not once per test.

    Only the shared fixture tree and the real ``courses/`` qualify, and only
    while their files are unchanged (the key is the tree's signature); a
    private ``courses_dir`` copy is loaded afresh, as in production.
    """
    shared_roots = {shared_courses.resolve(), REAL_COURSES.resolve()}
    load_catalog = catalog_state.load_catalog
    loaded: dict[tuple, object] = {}

    def load_once(root, cache_dir=None):
        if Path(root).resolve() not in shared_roots:
            return load_catalog(root, cache_dir=cache_dir)
        key = (str(Path(root).resolve()), tree_signature(root))
        if key not in loaded:
            loaded[key] = load_catalog(root, cache_dir=cache_dir)
        return loaded[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(catalog_state, "load_catalog", load_once)
        yield


@pytest.fixture(scope="session", autouse=True)
def url_builders_compiled_once():
    """Compile each URL rule's builder functions once per session, not once per test's app.

    Werkzeug generates two Python functions per rule (``Rule._compile_builder``:
    an AST, then ``compile``) every time an app registers its routes: about
    25 ms of each test's 45 ms ``create_app``. The generated code depends only
    on the rule's text, its parsed parts and whether unknown arguments become a
    query string, so a rule with the same three reuses it; a rule with
    defaults, whose code also depends on its converters, is compiled as usual.
    """
    from werkzeug.routing.rules import Rule

    compile_builder = Rule._compile_builder
    compiled: dict[tuple, object] = {}

    def compile_once(rule, append_unknown=True):
        if rule.defaults:
            return compile_builder(rule, append_unknown)
        key = (rule.rule, tuple(rule._trace), append_unknown)
        if key not in compiled:
            compiled[key] = compile_builder(rule, append_unknown)
        return compiled[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Rule, "_compile_builder", compile_once)
        yield


@pytest.fixture
def courses_dir(tmp_path) -> Path:
    """A private, writable copy of the fixture course tree for a test that edits content."""
    return _copy_course_tree(tmp_path / "courses")


# The weekly digest is queued on one weekday; on that day every send-reminders in a test would
# queue it too. Tests run with a weekday three days away (a test about the digest sets today's).
NOT_A_DIGEST_DAY = (date.today().weekday() + 3) % 7


@pytest.fixture
def app_config(request, tmp_path, shared_courses) -> dict:
    # A test that asks for ``courses_dir`` edits content: its app reads that private copy.
    editable = "courses_dir" in request.fixturenames
    courses = request.getfixturevalue("courses_dir") if editable else shared_courses
    return _base_config(tmp_path, courses)


def _base_config(tmp_path: Path, courses: Path) -> dict:
    """A test app's configuration: its own database, key file and content cache under ``tmp_path``."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-000",
        "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path),
        "SMMACADEMY_COURSES": str(courses),
        "WTF_CSRF_ENABLED": False,
        # Real scrypt, lower cost: the suite creates hundreds of accounts.
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        "BADGE_KEY_FILE": str(tmp_path / "badge_key.pem"),
        "CONTENT_CACHE_DIR": str(tmp_path / "content-cache"),
        "DIGEST_WEEKDAY": NOT_A_DIGEST_DAY,
    }


class RequestIsolatedClient(FlaskClient):
    """A test client whose every request runs in its own application context, as in production.

    The ``app`` fixture keeps a context open so a test body can use the
    database; Flask would reuse it (and its ``g``, its database session and the
    user Flask-Login cached there) for every request. Running each request in
    an empty ``contextvars`` context makes Flask push a fresh one instead.
    """

    def open(self, *args, **kwargs):
        if not has_app_context():
            return contextvars.Context().run(super().open, *args, **kwargs)
        # What the test wrote must be committed to be seen, as between two real
        # requests; afterwards the test reads what the request wrote, not its cache.
        db.session.commit()
        try:
            return contextvars.Context().run(super().open, *args, **kwargs)
        finally:
            db.session.expire_all()


def _create_schema() -> None:
    """The tables and the default departments, as ``flask db upgrade`` and the first start leave them."""
    db.create_all()
    accounts.ensure_departments()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory, shared_courses) -> Path | None:
    """A SQLite database with the schema already created, copied for each test (None on PostgreSQL).

    ``create_all`` costs about 20 ms a test; copying the file costs well under one.
    """
    if os.environ.get("TEST_DATABASE_URL"):
        return None
    folder = tmp_path_factory.mktemp("schema")
    path = folder / "schema.sqlite"
    app = create_app({**_base_config(folder, shared_courses), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        _create_schema()
        db.session.remove()
        # Closing the last connection checkpoints the write-ahead log into the file itself.
        db.engine.dispose()
    return path


@pytest.fixture
def app(app_config, sqlite_template):
    url = app_config["SQLALCHEMY_DATABASE_URI"]
    copied = sqlite_template is not None and url.startswith("sqlite:///")
    if copied:
        shutil.copyfile(sqlite_template, url.removeprefix("sqlite:///"))
    app = create_app(app_config)
    app.test_client_class = RequestIsolatedClient
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        if not copied:
            _create_schema()
        yield app
        db.session.remove()
        # A copied SQLite file is the test's own and goes with its folder.
        if not copied:
            db.drop_all()


@pytest.fixture
def smtp():
    """A real SMTP server on a free localhost port that keeps what it receives (tests/mailserver.py)."""
    from .mailserver import SMTPServer

    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Factory: ``make_user(role="manager", department="PR", manager=u)`` with unique defaults."""

    def factory(
        role: str = "learner",
        department: str | None = None,
        manager: User | None = None,
        password: str = PASSWORD,
        **fields,
    ) -> User:
        number = next(_counter)
        user = accounts.create_user(
            fields.pop("email", f"{role}{number}@example.com"),
            fields.pop("full_name", f"{role.title()} Person {number}"),
            role,
            password,
            department=accounts.department_by_name(department) if department else None,
            manager=manager,
            **fields,
        )
        return user

    return factory


def login(client, user_or_email, password: str = PASSWORD, follow: bool = False):
    """Sign in through the real login form."""
    email = user_or_email if isinstance(user_or_email, str) else user_or_email.email
    return client.post("/login", data={"email": email, "password": password}, follow_redirects=follow)


@pytest.fixture
def login_as(client, make_user):
    """Create a user with ``role`` and sign them in; returns the user."""

    def do(role: str = "learner", **fields) -> User:
        user = make_user(role, **fields)
        response = login(client, user)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return do


CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The CSRF token embedded in a rendered form."""
    match = CSRF_INPUT.search(html)
    assert match, "no csrf token in page"
    return match.group(1) or match.group(2)


def make_submitted_assessment(app, user_id: int, level: int = 3, submitted_at=None):
    """A scored, submitted self-assessment with every statement rated ``level``."""
    from smmacademy.models import Assessment
    from smmacademy.services.assessments import finalise

    framework = app.extensions["smmacademy_catalog"].catalog.framework
    assessment = Assessment(user_id=user_id, framework_version=framework.version)
    assessment.ratings = {sid: level for sid in framework.statements}
    finalise(assessment, framework, None, None, submitted_at)
    db.session.add(assessment)
    return assessment


def make_attempt(user_id: int, nonce: str, course_slug: str = "basics", module_slug: str = "intro", **fields):
    """An unsaved quiz attempt with neutral defaults."""
    from smmacademy.models import QuizAttempt
    from smmacademy.models.base import utcnow

    values = {
        "seed": 1,
        "answers": {},
        "grades": {},
        "score": 0,
        "pass_mark": 80,
        "passed": False,
        "started_at": utcnow(),
        **fields,
    }
    return QuizAttempt(nonce=nonce, user_id=user_id, course_slug=course_slug, module_slug=module_slug, **values)
