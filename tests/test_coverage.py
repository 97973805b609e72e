"""COVERAGE.md: point keys and the generated "Checked by" column."""

from __future__ import annotations

from smmacademy import create_app
from smmacademy.content.catalog import load_catalog
from smmacademy.content.coverage import checked_by, point_keys, rewrite_checked_by

from .test_bank_lint import build_bank

TEXT = """# Coverage

Intro text | with a pipe that is not a table row.

## 000 — First article

| # | Point in the article | Taught in | Checked by |
|---|---|---|---|
| 1 | A point, with `code` | `a/b` | `old-id` |
| 2 | Another point | `a/c` | — |

Not teaching material: comments.

## 004 — Second article

| # | Point | Taught in | Checked by |
|---|---|---|---|
| 7 | Seventh | `x/y` |  |

## Fidelity notes

| 1 | not a point row | x | y |
"""


def test_point_keys_are_article_and_row_with_their_lines():
    assert point_keys(TEXT) == {"000.1": 9, "000.2": 10, "004.7": 18}


def test_rewriting_changes_only_the_checked_by_cells_and_is_idempotent():
    checks = {"000.1": ["q-one", "q-two"], "004.7": ["q-seven"]}
    once = rewrite_checked_by(TEXT, checks)
    assert rewrite_checked_by(once, checks) == once
    changed = [(a, b) for a, b in zip(TEXT.splitlines(), once.splitlines(), strict=True) if a != b]
    assert changed == [
        ("| 1 | A point, with `code` | `a/b` | `old-id` |", "| 1 | A point, with `code` | `a/b` | `q-one`, `q-two` |"),
        ("| 7 | Seventh | `x/y` |  |", "| 7 | Seventh | `x/y` | `q-seven` |"),
    ]


def test_coverage_command_rewrites_the_column_from_the_questions_points(tmp_path):
    root = build_bank(tmp_path)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x" * 40,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite'}",
            "SMMACADEMY_COURSES": str(root),
        }
    )
    runner = app.test_cli_runner()
    assert runner.invoke(args=["courses", "coverage", "--check"]).exit_code == 1
    result = runner.invoke(args=["courses", "coverage"])
    assert result.exit_code == 0 and "COVERAGE.md updated." in result.output
    text = (root / "COVERAGE.md").read_text()
    assert (
        "| 1 | Point 1 | `bank/m1` | `m0-single`, `m0-multiple`, `m0-true`, `m0-false`, `m0-text`, `m0-match` |" in text
    )
    assert checked_by(load_catalog(root))["000.5"][0] == "m4-single"
    again = runner.invoke(args=["courses", "coverage", "--check"])
    assert again.exit_code == 0 and "COVERAGE.md is in sync." in again.output
