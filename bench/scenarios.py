"""In-process benchmarks: content loading, module page vs trivial page, team dashboard scaling.

Every figure that matters is a ratio measured in one run, so the numbers stay
comparable across machines.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from smmacademy import create_app
from smmacademy.content import documents
from smmacademy.content.catalog import load_catalog
from smmacademy.extensions import db
from smmacademy.models import Assignment, ModuleProgress, QuizAttempt, User
from smmacademy.models.base import utcnow
from smmacademy.services import accounts
from smmacademy.services.team import Scope, build_dashboard

PROJECT = Path(__file__).resolve().parent.parent
COURSES = PROJECT / "courses"


def _timed(function, repeat: int) -> float:
    """Median seconds of ``repeat`` calls."""
    return _timed_with_cpu(function, repeat)[0]


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the catalogue's worker processes)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _timed_with_cpu(function, repeat: int) -> tuple[float, float]:
    """Median wall-clock seconds of ``repeat`` calls, and the CPU seconds of that same call.

    On a machine shared with other work the wall clock grows with the load; the
    CPU time (all processes of the call) barely does, so it is reported too.
    """
    samples = []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), _cpu_seconds()
        function()
        samples.append((time.perf_counter() - start, _cpu_seconds() - cpu))
    return sorted(samples)[len(samples) // 2]


def generated_tree(root: Path, modules: int) -> Path:
    """A course tree of ``modules`` modules built from copies of the shipped ones."""
    for name in ("competencies.yml", "COVERAGE.md"):  # questions name COVERAGE rows
        shutil.copy(COURSES / name, root / name)
    sources = sorted(COURSES.glob("*/[0-9][0-9]-*.md"))
    per_course = 20
    for index in range(modules):
        course = root / f"{index // per_course:02d}-generated-{index // per_course}"
        if not course.exists():
            course.mkdir()
            (course / "course.md").write_text(
                "---\ntitle: Generated\nsummary: Bench.\naudience: [everyone]\n---\nBody\n"
            )
        text = sources[index % len(sources)].read_text()
        text = text.replace("  - id: ", f"  - id: g{index}-")  # question ids stay unique
        (course / f"{index % per_course:02d}-module-{index}.md").write_text(text)
    return root


def content_loading() -> dict:
    """Catalog load time for the shipped courses and a generated tree of 500 modules.

    The generated tree is timed without the disk cache, from a cold cache (an empty
    folder: everything rendered and written) and from a warm one (a restart).
    """
    shipped = load_catalog(COURSES)
    with tempfile.TemporaryDirectory() as tmp:
        tree = generated_tree(Path(tmp), 500)
        big = load_catalog(tree)
        assert not big.errors, big.errors[:3]
        uncached = _timed(lambda: load_catalog(tree), 1)
        caches = iter(range(100))
        cold, cold_cpu = _timed_with_cpu(lambda: load_catalog(tree, cache_dir=Path(tmp) / f"_cache-{next(caches)}"), 3)
        warm_dir = Path(tmp) / "_cache-warm"  # "_": not a course folder
        load_catalog(tree, cache_dir=warm_dir)
        warm, warm_cpu = _timed_with_cpu(lambda: load_catalog(tree, cache_dir=warm_dir), 5)
    return {
        "shipped": shipped.summary(),
        "shipped_seconds": _timed(lambda: load_catalog(COURSES), 5),
        "generated": big.summary(),
        "generated_seconds": uncached,
        "generated_cold_seconds": cold,
        "generated_cold_cpu_seconds": cold_cpu,
        "generated_warm_seconds": warm,
        "generated_warm_cpu_seconds": warm_cpu,
        "workers": documents.worker_count(),
    }


def _app(tmp: Path):
    app = create_app(
        {
            "SECRET_KEY": "bench-secret-key-0123456789abcdefghij",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.sqlite'}",
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        }
    )
    with app.app_context():
        db.create_all()
        accounts.ensure_departments()
    return app


def module_vs_trivial(seconds: float = 3.0) -> dict:
    """Requests per second of a module page, a trivial page and /healthz, in-process, same app.

    The trivial page is the signed-in profile page: the same sign-in, layout
    and navigation as a module page, with almost no content. /healthz (no
    session, no template) is reported too, as the floor.
    """
    with tempfile.TemporaryDirectory() as tmp:
        app = _app(Path(tmp))
        with app.app_context():
            accounts.create_user("admin@example.com", "Bench Admin", "admin", "bench-password-1")
            accounts.create_user("bench@example.com", "Bench Learner", "learner", "bench-password-1")
        client = app.test_client()
        client.post("/login", data={"email": "bench@example.com", "password": "bench-password-1"})
        catalog = load_catalog(COURSES)
        course = next(iter(catalog.courses.values()))
        module_url = f"/courses/{course.slug}/{course.modules[1].slug}"
        assert client.get(module_url).status_code == 200

        def rate(url: str) -> float:
            count, deadline = 0, time.perf_counter() + seconds
            while time.perf_counter() < deadline:
                client.get(url)
                count += 1
            return count / seconds

        health = rate("/healthz")
        trivial = rate("/account")
        module = rate(module_url)
    return {
        "module_rps": module,
        "trivial_rps": trivial,
        "health_rps": health,
        "ratio": module / trivial,
        "health_ratio": module / health,
        "module_url": module_url,
    }


def seed_people(manager: User, count: int, catalog, start: int) -> None:
    modules = [m for m in catalog.modules if m.has_quiz][:30]
    now = utcnow()
    people = [
        User(
            email=f"p{start + i}@bench.example",
            full_name=f"Person {start + i}",
            role="learner",
            manager_id=manager.id,
            password_hash="x",
        )
        for i in range(count)
    ]
    db.session.add_all(people)
    db.session.flush()
    rows, attempts, assignments = [], [], []
    for index, person in enumerate(people):
        for position, module in enumerate(modules):
            passed = (index + position) % 3 != 0
            rows.append(
                ModuleProgress(
                    user_id=person.id,
                    course_slug=module.course_slug,
                    module_slug=module.slug,
                    started_at=now,
                    last_seen_at=now - timedelta(days=position),
                    quiz_passed_at=now if passed else None,
                    completed_at=now if passed else None,
                    best_score=90.0 if passed else 50.0,
                    latest_score=70.0,
                    attempts=1,
                )
            )
            attempts.append(
                QuizAttempt(
                    nonce=f"b{person.id}-{position}",
                    user_id=person.id,
                    course_slug=module.course_slug,
                    module_slug=module.slug,
                    seed=position,
                    answers={},
                    grades={},
                    score=70.0,
                    pass_mark=80,
                    passed=passed,
                    started_at=now,
                    submitted_at=now,
                )
            )
        assignments.append(
            Assignment(
                user_id=person.id,
                kind="course",
                course_slug=modules[0].course_slug,
                due_date=date.today() + timedelta(days=index % 20 - 5),
            )
        )
    db.session.add_all(rows + attempts + assignments)
    db.session.commit()


def dashboard_scaling() -> dict:
    """Dashboard build time for a team of 10 and one of 1,000 (each person with 30 modules)."""
    with tempfile.TemporaryDirectory() as tmp:
        app = _app(Path(tmp))
        with app.app_context(), app.test_request_context():
            catalog = load_catalog(COURSES)
            small = accounts.create_user("small@bench.example", "Small Team Lead", "manager", None)
            large = accounts.create_user("large@bench.example", "Large Team Lead", "manager", None)
            seed_people(small, 10, catalog, 0)
            seed_people(large, 1000, catalog, 10)
            small_time = _timed(lambda: build_dashboard(catalog, Scope(manager_id=small.id)), 5)
            large_time = _timed(lambda: build_dashboard(catalog, Scope(manager_id=large.id)), 3)
    return {
        "team_10_seconds": small_time,
        "team_1000_seconds": large_time,
        "per_person_ms_10": 1000 * small_time / 10,
        "per_person_ms_1000": 1000 * large_time / 1000,
    }
