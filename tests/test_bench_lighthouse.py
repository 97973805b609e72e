"""The Lighthouse section of `make bench`: a run Lighthouse could not record is repeated, never scored 0."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bench import lighthouse
from bench.run import lighthouse_table

SCORES = {
    "performance": 100,
    "accessibility": 100,
    "bytes": 43 * 1024,
    "requests": 5,
    "lcp_ms": 1100.0,
    "failed_accessibility": [],
}


@pytest.fixture
def server(tmp_path):
    return SimpleNamespace(base="http://127.0.0.1:1", tmp=tmp_path)


def audits_failing(times: int, code: str = "NO_NAVSTART"):
    calls = []

    def audit(url, cookie, out):
        calls.append(url)
        if len(calls) <= times:
            raise lighthouse.LighthouseRunError(code)
        return dict(SCORES)

    return audit, calls


def test_a_run_lighthouse_could_not_record_is_repeated_and_counted(monkeypatch, server):
    audit, calls = audits_failing(2)
    monkeypatch.setattr(lighthouse, "_audit", audit)
    row = lighthouse._audit_with_retries(server, "session=x", "/team/")
    assert len(calls) == 3
    assert row == {"path": "/team/", "failed_runs": ["NO_NAVSTART", "NO_NAVSTART"], **SCORES}
    [line] = [line for line in lighthouse_table({"team dashboard": row}) if line.startswith("| team")]
    assert line == "| team dashboard (/team/) | 100 | 100 | 43 KiB | 5 | 1100 | none | NO_NAVSTART, NO_NAVSTART |"


def test_a_page_lighthouse_never_records_is_reported_not_measured(monkeypatch, server):
    audit, calls = audits_failing(lighthouse.ATTEMPTS, "NO_FCP")
    monkeypatch.setattr(lighthouse, "_audit", audit)
    row = lighthouse._audit_with_retries(server, "session=x", "/home")
    assert len(calls) == lighthouse.ATTEMPTS
    assert row == {"path": "/home", "error": "Lighthouse could not record the page: NO_FCP, NO_FCP, NO_FCP"}
    [line] = [line for line in lighthouse_table({"home": row}) if line.startswith("| home")]
    assert "| — | — |" in line and "not measured: Lighthouse could not record the page" in line


def test_a_report_with_a_runtime_error_raises_instead_of_scoring(monkeypatch, tmp_path):
    out = tmp_path / "lh.json"
    out.write_text('{"runtimeError": {"code": "NO_NAVSTART"}, "categories": {}, "audits": {}}', encoding="utf-8")
    monkeypatch.setattr(lighthouse.subprocess, "run", lambda *args, **kwargs: None)
    with pytest.raises(lighthouse.LighthouseRunError, match="NO_NAVSTART"):
        lighthouse._audit("http://127.0.0.1:1/home", "session=x", out)
