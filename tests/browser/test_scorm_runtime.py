"""A SCORM 1.2 SCO from the export, run in Chromium inside a page that plays the LMS."""

from __future__ import annotations

import functools
import io
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page

from smmacademy.content.catalog import load_catalog
from smmacademy.interop.scorm import scorm_package

pytestmark = pytest.mark.browser

# The smallest LMS side of the SCORM 1.2 run-time: window.API records every call.
PLAYER = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Test LMS</title><link rel="icon" href="data:,">
<script>
window.calls = [];
window.cmi = {"cmi.core.lesson_status": "not attempted"};
window.API = {
  LMSInitialize: function (a) { calls.push(["LMSInitialize", a]); return "true"; },
  LMSGetValue: function (k) { calls.push(["LMSGetValue", k]); return cmi[k] || ""; },
  LMSSetValue: function (k, v) { calls.push(["LMSSetValue", k, v]); cmi[k] = v; return "true"; },
  LMSCommit: function (a) { calls.push(["LMSCommit", a]); return "true"; },
  LMSFinish: function (a) { calls.push(["LMSFinish", a]); return "true"; },
  LMSGetLastError: function () { return "0"; },
  LMSGetErrorString: function () { return ""; },
  LMSGetDiagnostic: function () { return ""; }
};
</script></head>
<body><iframe id="sco" title="course" src="sco/intro/index.html" width="900" height="1400"></iframe></body></html>
"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the test output stays readable
        pass


@pytest.fixture
def lms(tmp_path, courses_dir):
    """The exported ``basics`` package unpacked behind a loopback HTTP server, with the player page."""
    course = load_catalog(courses_dir).courses["basics"]
    zipfile.ZipFile(io.BytesIO(scorm_package(course))).extractall(tmp_path / "pkg")
    (tmp_path / "pkg" / "player.html").write_text(PLAYER, encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(tmp_path / "pkg")))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _answer(page: Page, single: str, multiple: list[str]) -> None:
    sco = page.frame_locator("#sco")
    sco.locator(f"input[name='q-intro-single'][value='{single}']").check()
    for key in multiple:
        sco.locator(f"input[name='q-intro-multiple'][value='{key}']").check()
    sco.locator("input[name='q-intro-truefalse'][value='false']").check()
    sco.locator("input[name='q-intro-text']").fill("3 – 4")
    for left in range(3):
        sco.locator(f"select[name='q-intro-matching-{left}']").select_option(str(left))
    sco.get_by_role("button", name="Check my answers").click()


def _reported(page: Page) -> dict:
    return page.evaluate("() => window.cmi")


def test_sco_reports_passed_and_full_score_through_the_api(pages, lms):
    page = pages.new()
    page.goto(f"{lms}/player.html")
    sco = page.frame_locator("#sco")
    sco.get_by_role("heading", name="Introduction to the roles").wait_for()
    assert page.evaluate("() => calls[0]") == ["LMSInitialize", ""]
    assert _reported(page)["cmi.core.lesson_status"] == "incomplete"

    _answer(page, "a", ["a", "b", "d"])
    sco.get_by_role("status").wait_for()
    cmi = _reported(page)
    assert cmi["cmi.core.score.raw"] == "100"
    assert cmi["cmi.core.lesson_status"] == "passed"
    assert ["LMSCommit", ""] in page.evaluate("() => calls")
    assert "Passed with 100%" in sco.get_by_role("status").inner_text()


def test_sco_reports_failed_with_partial_credit_below_the_pass_mark(pages, lms):
    page = pages.new()
    page.goto(f"{lms}/player.html")
    # Wrong single choice (0), two of three right options (2/3), the other three right: 73.3% < 80%.
    _answer(page, "b", ["a", "b"])
    page.frame_locator("#sco").get_by_role("status").wait_for()
    cmi = _reported(page)
    assert cmi["cmi.core.score.raw"] == "73.3"
    assert cmi["cmi.core.lesson_status"] == "failed"
    # Leaving the SCO finishes the session.
    page.evaluate("() => { document.getElementById('sco').src = 'about:blank'; }")
    page.wait_for_function("() => calls.some(c => c[0] === 'LMSFinish')")


def test_reading_module_completes_on_open(pages, lms):
    page = pages.new()
    page.goto(f"{lms}/player.html")
    page.evaluate("() => { document.getElementById('sco').src = 'sco/reading/index.html'; }")
    page.wait_for_function("() => window.cmi['cmi.core.lesson_status'] === 'completed'")
