"""The Markdown renderer's shortcut (plain text skips the inline patterns) changes no output."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smmacademy.content.render import INLINE_PATTERNS, new_converter, render_markdown
from smmacademy.content.yamlfile import split_front_matter

COURSES = Path(__file__).resolve().parent.parent / "courses"
SHIPPED = sorted(COURSES.glob("*/*.md"))

# Words, markup characters and line shapes that reach every inline pattern and the block parser.
PIECES = st.sampled_from(
    [
        "word", "слово", " ", "  ", "\n", "\n\n", "  \n", "*", "**", "_", "__", "`", "``", "\\", "[", "]", "(", ")",
        "![", "<", ">", "&", "&amp;", "&#169;", "<b>", "</b>", "<https://example.com>", "<a@example.com>",
        "[x]: https://example.com", "[x]", "# ", "## ", "- ", "1. ", "> ", "    ", "| a | b |\n|---|---|\n",
        "```\n", "!!! tip\n", "{: .note }", "\t", "#", "!",
    ]
)  # fmt: skip


def _both(source: str) -> tuple[str, str]:
    fast, plain = new_converter(), new_converter(skip_plain_text=False)
    return fast.convert(source), plain.convert(source)


def test_every_inline_pattern_is_one_the_shortcut_knows():
    # A new extension's inline pattern may match text the shortcut treats as plain: review the
    # trigger characters in render.py before adding its name here.
    names = {item.name for item in new_converter().inlinePatterns._priority}
    assert names <= INLINE_PATTERNS
    assert {"link", "em_strong", "backtick", "linebreak", "html"} <= names


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_shipped_lessons_render_the_same_with_and_without_the_shortcut(path):
    parts = split_front_matter(path.read_text(encoding="utf-8"))
    body = parts[1] if parts else path.read_text(encoding="utf-8")
    fast, plain = _both(body)
    assert fast == plain
    assert "<p>" in fast or "<h" in fast


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_any_text_renders_the_same_with_and_without_the_shortcut(source):
    fast, plain = _both(source)
    assert fast == plain


def test_the_shortcut_leaves_markup_inside_plain_paragraphs_alone():
    rendered = render_markdown("Plain words here.\n\nSome *emphasis*, a [link](https://example.com) and `code`.")
    assert "<p>Plain words here.</p>" in rendered.html
    assert "<em>emphasis</em>" in rendered.html
    assert '<a href="https://example.com" rel="noopener noreferrer">link</a>' in rendered.html
    assert "<code>code</code>" in rendered.html
