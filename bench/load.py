"""Load test: gunicorn with several workers, driven by virtual users on localhost.

Learners sign in, open the catalog and modules and submit quizzes; managers
open their team dashboard. Every loop is bounded by a deadline, and the only
target is 127.0.0.1.
"""

from __future__ import annotations

import http.cookiejar
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-123"
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
ATTEMPT = re.compile(r'name="attempt" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SEED = """
from smmacademy import create_app
from smmacademy.extensions import db
from smmacademy.services import accounts
app = create_app()
with app.app_context():
    accounts.ensure_departments()
    accounts.create_user("admin@bench.example", "Bench Admin", "admin", {password!r})
    managers = [accounts.create_user(f"manager{{m}}@bench.example", f"Manager {{m}}", "manager", {password!r})
                for m in range({managers})]
    for i in range({learners}):
        accounts.create_user(f"learner{{i}}@bench.example", f"Learner {{i}}", "learner", {password!r},
                             manager=managers[i % len(managers)], commit=False)
    db.session.commit()
"""


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)

    def record(self, page: str, seconds: float, ok: bool) -> None:
        with self.lock:
            self.latency[page].append(seconds)
            if not ok:
                self.errors[page] += 1


class User:
    def __init__(self, base: str, stats: Stats):
        self.base = base
        self.stats = stats
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, page: str, path: str, data: dict | None = None, expect=(200,)) -> str:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        start = time.perf_counter()
        text, ok = "", False
        try:
            with self.opener.open(urllib.request.Request(self.base + path, data=body), timeout=30) as response:
                text = response.read().decode()
                ok = response.status in expect
        except urllib.error.HTTPError as error:
            text = error.read().decode(errors="replace")
        except OSError:
            pass
        self.stats.record(page, time.perf_counter() - start, ok)
        return text

    def login(self, email: str) -> None:
        page = self.request("login form", "/login")
        token = TOKEN.search(page)
        self.request(
            "login", "/login", {"email": email, "password": PASSWORD, "csrf_token": token.group(1) if token else ""}
        )


def quiz_answers(question) -> dict:
    name = f"q-{question.id}"
    if question.type in ("single", "multiple"):
        return {name: sorted(question.correct)}
    if question.type == "truefalse":
        return {name: "true" if question.truth else "false"}
    if question.type == "text":
        return {name: question.answers[0]}
    return {f"{name}-{i}": str(i) for i in range(len(question.pairs))}


def learner_loop(user: User, email: str, modules, deadline: float) -> None:
    user.login(email)
    rng = random.Random(email)  # noqa: S311 - picking pages, not security
    while time.monotonic() < deadline:
        user.request("catalog", "/courses")
        module = rng.choice(modules)
        user.request("module", f"/courses/{module.course_slug}/{module.slug}")
        html = user.request("quiz form", f"/courses/{module.course_slug}/{module.slug}/quiz")
        attempt, token = ATTEMPT.search(html), TOKEN.search(html)
        if attempt and token and time.monotonic() < deadline:
            answers = {"attempt": attempt.group(1), "csrf_token": token.group(1)}
            for question in module.questions:
                answers.update(quiz_answers(question))
            user.request("quiz submit", f"/courses/{module.course_slug}/{module.slug}/quiz", answers)


def manager_loop(user: User, email: str, deadline: float) -> None:
    user.login(email)
    while time.monotonic() < deadline:
        user.request("team dashboard", "/team/")


def hammer(base: str, path: str, users: int, seconds: float, login: str | None = None) -> float:
    """Requests per second of one page with ``users`` concurrent clients."""
    stats = Stats()
    deadline = time.monotonic() + seconds

    def loop(index: int):
        user = User(base, stats)
        if login:
            user.login(login.format(index=index))
        while time.monotonic() < deadline:
            user.request(path, path)

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(users)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(stats.latency[path]) / (time.monotonic() - start)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def run(database_url: str | None, users: int = 50, managers: int = 5, seconds: float = 60, workers: int = 4) -> dict:
    """Start gunicorn on a fresh database, run the mixed load, then the module-vs-trivial phases."""
    from smmacademy.content.catalog import load_catalog

    tmp = Path(tempfile.mkdtemp())
    env = {
        **os.environ,
        "SECRET_KEY": "bench-secret-key-0123456789abcdefghijkl",
        "FLASK_DEBUG": "0",
        "DATABASE_URL": database_url or f"sqlite:///{tmp / 'load.sqlite'}",
    }
    python = sys.executable
    subprocess.run(
        [python, "-m", "flask", "--app", "app", "db", "upgrade"], env=env, cwd=PROJECT, check=True, capture_output=True
    )
    learners = users - managers
    subprocess.run(
        [python, "-c", SEED.format(password=PASSWORD, managers=managers, learners=learners)],
        env=env,
        cwd=PROJECT,
        check=True,
        capture_output=True,
    )
    port = free_port()
    log_path = tmp / "gunicorn.log"
    server = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "-",
            "--error-logfile",
            "-",
            "app:app",
        ],
        env=env,
        cwd=PROJECT,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).close()  # noqa: S310  # nosec B310
                break
            except OSError:
                time.sleep(0.2)
        catalog = load_catalog(PROJECT / "courses")
        modules = [m for m in catalog.modules if m.has_quiz and not catalog.courses[m.course_slug].prerequisites]
        stats = Stats()
        deadline = time.monotonic() + seconds
        threads = [
            threading.Thread(
                target=learner_loop, args=(User(base, stats), f"learner{i}@bench.example", modules, deadline)
            )
            for i in range(learners)
        ] + [
            threading.Thread(target=manager_loop, args=(User(base, stats), f"manager{m}@bench.example", deadline))
            for m in range(managers)
        ]
        start = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - start
        module_url = f"/courses/{modules[0].course_slug}/{modules[0].slug}"
        health_rps = hammer(base, "/healthz", users, 10)
        trivial_rps = hammer(base, "/account", users, 10, login="learner{index}@bench.example")
        module_rps = hammer(base, module_url, users, 10, login="learner{index}@bench.example")
    finally:
        server.terminate()
        server.wait(timeout=30)
    log = log_path.read_text(errors="replace")
    pages = {
        page: {
            "requests": len(values),
            "rps": len(values) / elapsed,
            "p50_ms": 1000 * statistics.median(values),
            "p95_ms": 1000 * percentile(values, 0.95),
            "p99_ms": 1000 * percentile(values, 0.99),
            "errors": stats.errors.get(page, 0),
        }
        for page, values in sorted(stats.latency.items())
    }
    return {
        "database": "PostgreSQL" if database_url else "SQLite (WAL)",
        "users": users,
        "managers": managers,
        "workers": workers,
        "seconds": round(elapsed, 1),
        "total_rps": sum(len(v) for v in stats.latency.values()) / elapsed,
        "pages": pages,
        "errors": sum(stats.errors.values()),
        "database_locked": log.count("database is locked"),
        "server_errors": log.count('" 500 '),
        "health_rps": health_rps,
        "trivial_rps": trivial_rps,
        "module_rps": module_rps,
        "module_ratio": module_rps / trivial_rps if trivial_rps else 0.0,
        "module_url": module_url,
    }
