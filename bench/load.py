"""Load test: gunicorn (--preload, 4 workers × 4 threads) driven by Locust (bench/locustfile.py), headless.

On a fresh database (SQLite or PostgreSQL) the same server takes: steps of a
growing number of people with 30–90 s think time (the largest step with p95 under
500 ms and no error is what the machine sustains), a stress step without think
time, and the throughput of a signed-in module page against /healthz. The only
target is 127.0.0.1.
"""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
PASSWORD = "bench-password-123"
P95_LIMIT_MS = 500
SIGN_IN = ("login form", "login")  # once a person's day, at the start of a step: reported apart
WORKERS, THREADS = 4, 4

# Accounts use a cheap scrypt cost so that signing hundreds of people in measures the site, not scrypt;
# everything else is the production configuration.
SEED = """
import json
from smmacademy import create_app
from smmacademy.extensions import db
from smmacademy.services import accounts, candidates
app = create_app({{"PASSWORD_HASH_METHOD": "scrypt:1024:8:1"}})
with app.app_context():
    accounts.ensure_departments()
    admin = accounts.create_user("admin@bench.example", "Bench Admin", "admin", {password!r})
    hr = [accounts.create_user(f"hr{{h}}@bench.example", f"HR {{h}}", "hr", {password!r}) for h in range({hr})]
    managers = [accounts.create_user(f"manager{{m}}@bench.example", f"Manager {{m}}", "manager", {password!r})
                for m in range({managers})]
    learners = [accounts.create_user(f"learner{{i}}@bench.example", f"Learner {{i}}", "learner", {password!r},
                                     manager=managers[i % len(managers)], commit=False) for i in range({learners})]
    db.session.commit()
    profile = next(iter(app.extensions["smmacademy_catalog"].catalog.framework.profiles))
    ids = [candidates.invite(hr[0], f"Candidate {{c}}", f"c{{c}}@bench.example", profile, "", 14, None)[0].id
           for c in range(20)]
    members = {{m.email: [u.id for u in learners if u.manager_id == m.id][:50] for m in managers}}
    print(json.dumps({{"learners": [u.email for u in learners], "managers": [m.email for m in managers],
                      "hr": [h.email for h in hr], "members": members, "candidates": ids}}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _modules() -> list[dict]:
    """The quiz modules a new learner may open, with what a correct answer sends."""
    from smmacademy.content.catalog import load_catalog

    catalog = load_catalog(PROJECT / "courses")
    plan = []
    for module in catalog.modules:
        if not module.has_quiz or catalog.courses[module.course_slug].prerequisites:
            continue
        questions = [
            {
                "id": q.id,
                "type": q.type,
                "correct": sorted(q.correct),
                "truth": q.truth,
                "answers": list(q.answers),
                "pairs": len(q.pairs),
            }
            for q in module.questions
        ]
        plan.append({"url": f"/courses/{module.course_slug}/{module.slug}", "questions": questions})
    return plan


def _stats(prefix: Path) -> dict:
    """Per-page and aggregated figures from Locust's CSV."""
    pages, total = {}, {}
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            figures = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50_ms": float(row["50%"] or 0),
                "p95_ms": float(row["95%"] or 0),
                "p99_ms": float(row["99%"] or 0),
            }
            if row["Name"] == "Aggregated":
                total = figures
            else:
                pages[row["Name"]] = figures
    return {"pages": pages, **total}


class Server:
    """gunicorn on a fresh, seeded database."""

    def __init__(self, database_url: str | None, learners: int, managers: int, hr: int):
        self.tmp = Path(tempfile.mkdtemp())
        self.env = {
            **os.environ,
            "SECRET_KEY": "bench-secret-key-0123456789abcdefghijkl",
            "FLASK_DEBUG": "0",
            "SMMACADEMY_ENV": "development",
            "DATABASE_URL": database_url or f"sqlite:///{self.tmp / 'load.sqlite'}",
            "SMMACADEMY_CONTENT_CACHE_DIR": str(self.tmp / "content-cache"),
        }
        python = sys.executable
        subprocess.run([python, "-m", "flask", "--app", "app", "db", "upgrade"], **self._run())
        seeded = subprocess.run(
            [python, "-c", SEED.format(password=PASSWORD, managers=managers, learners=learners, hr=hr)], **self._run()
        )
        self.plan = json.loads(seeded.stdout.strip().splitlines()[-1])
        self.plan["modules"] = _modules()
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = self.tmp / "gunicorn.log"
        command = [python, "-m", "gunicorn", "--preload", "--workers", str(WORKERS), "--threads", str(THREADS)]
        command += ["--bind", f"127.0.0.1:{self.port}", "--error-logfile", "-", "app:app"]
        self.process = subprocess.Popen(
            command, env=self.env, cwd=PROJECT, stdout=self.log_path.open("w"), stderr=subprocess.STDOUT
        )
        for _ in range(150):
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=1).close()  # noqa: S310  # nosec B310
                return
            except OSError:
                time.sleep(0.2)

    def _run(self) -> dict:
        return {"env": self.env, "cwd": PROJECT, "check": True, "capture_output": True, "text": True}

    def locust(self, name: str, users: int, seconds: float, think: bool = True, only: str = "") -> dict:
        """One headless Locust run against this server; its figures."""
        prefix = self.tmp / name
        env = {**os.environ, "BENCH_PLAN": json.dumps(self.plan), "BENCH_THINK": "1" if think else "0"}
        env["BENCH_ONLY"] = only
        command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary"]
        command += ["-u", str(users), "-r", str(max(10, users / 20)), "-t", f"{int(seconds)}s", "--stop-timeout", "5"]
        command += ["--host", self.base, "--csv", str(prefix), "--loglevel", "WARNING"]
        if only:
            command.append("Learner")
        subprocess.run(command, env=env, cwd=PROJECT, capture_output=True, check=False)
        return {"users": users, "seconds": seconds, **_stats(prefix)}

    def cpu_seconds(self) -> float:
        """CPU time used so far by gunicorn's master and its workers (Linux /proc; 0 elsewhere)."""
        try:
            pids = [self.process.pid]
            for task in Path(f"/proc/{self.process.pid}/task").iterdir():
                pids += [int(pid) for pid in (task / "children").read_text().split()]
            ticks = 0
            for pid in pids:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
            return ticks / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return 0.0

    def measured(self, name: str, only: str) -> dict:
        """20 users without think time on one page for 15 s, with the server's CPU time per request."""
        before = self.cpu_seconds()
        result = self.locust(name, 20, 15, think=False, only=only)
        spent = self.cpu_seconds() - before
        result["cpu_ms"] = 1000 * spent / result["requests"] if result.get("requests") and spent else 0.0
        return result

    def stop(self) -> str:
        self.process.terminate()
        self.process.wait(timeout=30)
        return self.log_path.read_text(errors="replace")


def run(
    database_url: str | None,
    steps: tuple[int, ...] = (25, 50, 100, 200, 400),
    step_seconds: float = 60,
    stress_seconds: float = 30,
) -> dict:
    """Steps of people with think time (until one fails), a stress step, then page vs /healthz throughput."""
    server = Server(database_url, learners=max(steps), managers=max(4, max(steps) // 25), hr=4)
    results, sustained = [], 0
    try:
        for users in steps:
            step = server.locust(f"step{users}", users, step_seconds)
            pages = {name: row for name, row in step["pages"].items() if name not in SIGN_IN}
            step["worst_page"], step["worst_p95_ms"] = max(
                ((name, row["p95_ms"]) for name, row in pages.items()), key=lambda item: item[1], default=("", 1e9)
            )
            step["sign_in_p95_ms"] = step["pages"].get("login", {}).get("p95_ms", 0.0)
            step["ok"] = step.get("failures", 1) == 0 and step["worst_p95_ms"] < P95_LIMIT_MS
            results.append(step)
            if not step["ok"]:
                break
            sustained = users
        stress = server.locust("stress", 20, stress_seconds, think=False)
        module_url = server.plan["modules"][0]["url"]
        health = server.measured("health", "/healthz")
        module = server.measured("module", module_url)
    finally:
        log = server.stop()
    return {
        "database": "PostgreSQL" if database_url else "SQLite (WAL)",
        "workers": WORKERS,
        "threads": THREADS,
        "steps": results,
        "sustained": sustained,
        "stress": stress,
        "module_url": module_url,
        "health_rps": health.get("rps", 0.0),
        "module_rps": module.get("rps", 0.0),
        "module_ratio": module.get("rps", 0.0) / health["rps"] if health.get("rps") else 0.0,
        "health_cpu_ms": health.get("cpu_ms", 0.0),
        "module_cpu_ms": module.get("cpu_ms", 0.0),
        "database_locked": log.count("database is locked"),
        "tracebacks": log.count("Traceback"),
    }
