"""Lighthouse (mobile profile) and page weight of the pages people wait on, signed in, against gunicorn.

Needs ``npm install`` in bench/ (package.json pins lighthouse) and Debian's /usr/bin/chromium;
both missing means the section is skipped with a note, never a failure of ``make bench``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from .load import PASSWORD, Server

BENCH = Path(__file__).resolve().parent
LIGHTHOUSE = BENCH / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
# Lighthouse sometimes fails to record its own trace (NO_NAVSTART, NO_FCP …) and says "run Lighthouse
# again": such a run has no performance score, which is not a score of 0.
ATTEMPTS = 3


class LighthouseRunError(RuntimeError):
    """Lighthouse reported a runtime error of its own instead of scores (its error code)."""


def available() -> bool:
    """True when the pinned Lighthouse and Chromium are installed."""
    return LIGHTHOUSE.exists() and Path(CHROMIUM).exists()


def _cookie(base: str, email: str) -> str:
    """The Cookie header of a fresh sign-in (loopback only)."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login", timeout=30).read().decode()  # noqa: S310  # nosec B310
    token = TOKEN.search(page)
    body = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": token.group(1)}).encode()
    opener.open(urllib.request.Request(base + "/login", data=body), timeout=30).close()  # noqa: S310  # nosec B310
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def _audit(url: str, cookie: str, out: Path) -> dict:
    command = [
        str(LIGHTHOUSE),
        url,
        "--only-categories=performance,accessibility",
        "--output=json",
        f"--output-path={out}",
        "--quiet",
        "--chrome-flags=--headless=new --no-sandbox",
        f"--extra-headers={json.dumps({'Cookie': cookie})}",
    ]
    subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, timeout=180, check=False)
    report = json.loads(out.read_text(encoding="utf-8"))
    if report.get("runtimeError"):
        raise LighthouseRunError(report["runtimeError"].get("code", "runtime error"))
    categories, audits = report["categories"], report["audits"]
    failed = [
        audit_id
        for audit_id in (ref["id"] for ref in categories["accessibility"]["auditRefs"])
        if audits.get(audit_id, {}).get("score") == 0
    ]
    return {
        "performance": round(100 * (categories["performance"]["score"] or 0)),
        "accessibility": round(100 * (categories["accessibility"]["score"] or 0)),
        "bytes": int(audits["total-byte-weight"].get("numericValue", 0)),
        "requests": len(audits.get("network-requests", {}).get("details", {}).get("items", [])),
        "lcp_ms": audits.get("largest-contentful-paint", {}).get("numericValue"),  # absent when nothing painted large
        "failed_accessibility": failed,
    }


def _audit_with_retries(server: Server, cookie: str, path: str) -> dict:
    """One page's audit; a run Lighthouse itself could not record is repeated (up to ATTEMPTS) and reported."""
    failed_runs = []
    for _attempt in range(ATTEMPTS):
        try:
            return {
                "path": path,
                "failed_runs": failed_runs,
                **_audit(server.base + path, cookie, server.tmp / "lh.json"),
            }
        except LighthouseRunError as error:
            failed_runs.append(str(error))
        except (OSError, ValueError, KeyError, subprocess.TimeoutExpired) as error:
            return {"path": path, "error": str(error)[:200]}
    return {"path": path, "error": "Lighthouse could not record the page: " + ", ".join(failed_runs)}


def run() -> dict:
    """Audit home, module, quiz, team dashboard and a candidate report on a seeded server."""
    server = Server(None, learners=10, managers=2, hr=1)
    try:
        cookie = _cookie(server.base, "admin@bench.example")
        module = server.plan["modules"][0]["url"]
        pages = {
            "home": "/home",
            "module": module,
            "quiz": module + "/quiz",
            "team dashboard": "/team/",
            "candidate report": f"/hr/candidates/{server.plan['candidates'][0]}",
        }
        results = {name: _audit_with_retries(server, cookie, path) for name, path in pages.items()}
    finally:
        server.stop()
    return results
