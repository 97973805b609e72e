"""The real app in its own processes for tests: ``flask run`` or gunicorn on a free port, and an HTTP client.

Used by the browser tests, the two-servers test and the parallel-writes tests.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
SECRET_KEY = "browser-tests-secret-key-0123456789abcdef"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    """The real app (migrated with ``flask db upgrade``) on its own database and port."""

    url: str
    env: dict
    process: subprocess.Popen
    log: Path
    demo_password: str = ""
    extra: dict = field(default_factory=dict)

    def cli(self, *args: str, stdin: str = "") -> str:
        """Run a ``flask`` command against this server's database."""
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env,
            cwd=PROJECT,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def load_demo(self) -> str:
        """Load the demo organisation (a copy of one built once per test process, on SQLite)."""
        target = _sqlite_file(self.env["DATABASE_URL"])
        if target is None:
            output = self.cli("demo")
            self.demo_password = re.search(r"password: (\S+)", output).group(1)
        else:
            template, self.demo_password = _demo_template(self.env)
            _copy_database(template, target)
        return self.demo_password

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


# Migrating a new SQLite file and loading the demo organisation take seconds and give the same database each
# time, so each is done once per test process and copied (SQLite's backup API) into every server's file.
_TEMPLATES = Path(tempfile.mkdtemp(prefix="smmacademy-templates-"))
_templates: dict[str, tuple[Path, str]] = {}


def _sqlite_file(url: str) -> Path | None:
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def _copy_database(source: Path, target: Path) -> None:
    """Replace ``target``'s content with ``source``'s (safe while a server has the file open)."""
    import sqlite3

    origin, copy = sqlite3.connect(source), sqlite3.connect(target)
    try:
        origin.backup(copy)
    finally:
        origin.close()
        copy.close()


def _template(name: str, env: dict, build) -> tuple[Path, str]:
    if name not in _templates:
        path = _TEMPLATES / f"{name}.sqlite"
        output = build(LiveServer("", {**env, "DATABASE_URL": f"sqlite:///{path}"}, None, Path(os.devnull)), path)
        _templates[name] = (path, output)
    return _templates[name]


def _migrated_template(env: dict) -> Path:
    return _template("migrated", env, lambda server, _path: server.cli("db", "upgrade"))[0]


def _demo_template(env: dict) -> tuple[Path, str]:
    def build(server, path):
        _copy_database(_migrated_template(env), path)
        return re.search(r"password: (\S+)", server.cli("demo")).group(1)

    return _template("demo", env, build)


def start_server(
    tmp_path: Path, database_url: str | None = None, workers: int = 0, extra_env: dict | None = None
) -> LiveServer:
    """Migrate the database and start the app: ``flask run``, or gunicorn with ``workers`` processes."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url or f"sqlite:///{tmp_path / 'browser.sqlite'}",
        "SECRET_KEY": SECRET_KEY,
        "FLASK_DEBUG": "0",
        "SMMACADEMY_DIGEST_WEEKDAY": str((date.today().weekday() + 3) % 7),  # as conftest.NOT_A_DIGEST_DAY
        **(extra_env or {}),
    }
    env.pop("SMMACADEMY_ENV", None)
    server = LiveServer(f"http://127.0.0.1:{port}", env, None, tmp_path / f"server-{port}.log")
    database = _sqlite_file(env["DATABASE_URL"])
    if database is not None and not database.exists():
        _copy_database(_migrated_template(env), database)
    else:
        server.cli("db", "upgrade")
    if workers:
        command = ["-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "app:app"]
    else:
        command = ["-m", "flask", "--app", "app", "run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"]
    log = server.log.open("w")
    server.process = subprocess.Popen(
        [sys.executable, *command], env=env, cwd=PROJECT, stdout=log, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(server.url + "/verify", timeout=2):  # noqa: S310  # nosec B310
                return server
        except OSError:
            if server.process.poll() is not None:
                break
            time.sleep(0.2)
    server.process.kill()
    raise RuntimeError("the app did not start:\n" + server.log.read_text())


def reset_postgres(url: str) -> None:
    """Empty the shared PostgreSQL test database so a server starts from nothing."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Reply:
    status: int
    body: str
    location: str = ""


class Browser:
    """A tiny HTTP client with one cookie jar (thread-safe), shared across servers and parallel requests."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.direct = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def _open(self, opener, request) -> Reply:
        try:
            with opener.open(request, timeout=60) as response:
                return Reply(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read().decode(), error.headers.get("Location", ""))

    def get(self, url: str) -> tuple[int, str]:
        reply = self._open(self.opener, url)
        return reply.status, reply.body

    def csrf(self, page_url: str) -> str:
        """The CSRF token of this browser's session, read from a page with a form."""
        return CSRF.search(self.get(page_url)[1]).group(1)

    def post(self, url: str, data: dict | list, follow: bool = False) -> Reply:
        """POST form data (a dict or a list of pairs for repeated fields); redirects are not followed by default."""
        body = urllib.parse.urlencode(data, doseq=True).encode()
        return self._open(self.opener if follow else self.direct, urllib.request.Request(url, data=body))

    def post_form(self, page_url: str, data: dict) -> tuple[int, str]:
        reply = self.post(page_url, {**data, "csrf_token": self.csrf(page_url)}, follow=True)
        return reply.status, reply.body
