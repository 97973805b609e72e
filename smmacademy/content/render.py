"""Markdown to sanitised HTML, with a table of contents and plain text for search."""

from __future__ import annotations

import html
import re
import threading
from dataclasses import dataclass

import markdown
import nh3
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import InlineProcessor

# Bump whenever a change here alters the output: rendered lessons cached on disk
# (render_cache.py) are keyed by it, so a new version re-renders everything once.
RENDERER_VERSION = 1
EXTENSIONS = ["toc", "tables", "fenced_code", "admonition", "sane_lists", "attr_list"]
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd",
    "li", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start"},
}
CALLOUT_KINDS = ("tip", "warning", "example", "note")
_IMG_SRC = re.compile(r'(<img\b[^>]*\bsrc=")([^"]+)(")')
_RELATIVE = re.compile(r"^(?![a-z][a-z0-9+.-]*:|/|#)", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
_TABLE = re.compile(r"<table\b")


@dataclass(frozen=True)
class Rendered:
    """A rendered Markdown document."""

    html: str
    toc: tuple[tuple[int, str, str], ...]  # (level, anchor id, heading text)
    text: str  # plain text, for search
    images: tuple[str, ...]  # relative image paths the document refers to


def _flatten(tokens, out):
    for token in tokens:
        out.append((token["level"], token["id"], html.unescape(token["name"])))
        _flatten(token.get("children", []), out)
    return out


# Every inline pattern the converter has (INLINE_PATTERNS) needs one of these to match: a backtick,
# a backslash escape, a link or image bracket, an angle bracket (autolink, inline HTML), an entity,
# emphasis, or a hard line break (two spaces before a newline).
_MAY_HOLD_INLINE_MARKUP = re.compile(r"[`\\\[<&*_]|  \n").search
INLINE_PATTERNS = frozenset({
    "backtick", "escape", "reference", "link", "image_link", "image_reference", "short_reference",
    "short_image_ref", "autolink", "automail", "linebreak", "html", "entity", "em_strong",  # em_strong: * and _
})  # fmt: skip


class _PlainTextSkippingInlineProcessor(InlineProcessor):
    """Python-Markdown's inline step, minus trying every pattern on text none of them can match.

    Plain text is most of a lesson and the pattern loop about a quarter of the
    rendering time; the output is the same (tests/test_render.py compares both).
    """

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803
        if _MAY_HOLD_INLINE_MARKUP(data) is None:
            return data
        return super()._InlineProcessor__handleInline(data, patternIndex)


_local = threading.local()


def new_converter(skip_plain_text: bool = True) -> markdown.Markdown:
    """A Markdown converter with the site's extensions (``skip_plain_text=False``: unchanged inline step)."""
    md = markdown.Markdown(
        extensions=EXTENSIONS, extension_configs={"toc": {"toc_depth": "2-3", "slugify": slugify_unicode}}
    )
    if skip_plain_text:
        md.treeprocessors.register(_PlainTextSkippingInlineProcessor(md), "inline", 20)
    return md


def _markdown() -> markdown.Markdown:
    """A reset Markdown converter: building one loads every extension, so each thread keeps one."""
    md = getattr(_local, "markdown", None)
    if md is None:
        md = _local.markdown = new_converter()
    return md.reset()


def render_markdown(source: str, asset_prefix: str = "") -> Rendered:
    """Render trusted-but-sanitised Markdown.

    Relative image paths are collected (so the loader can check the files
    exist) and prefixed with ``asset_prefix`` so they are served from the
    course folder.
    """
    md = _markdown()
    raw_html = md.convert(source)
    images = []

    def _rewrite(match: re.Match) -> str:
        src = html.unescape(match.group(2))
        if _RELATIVE.match(src):
            images.append(src)
            src = asset_prefix + src
        return match.group(1) + html.escape(src, quote=True) + match.group(3)

    raw_html = _IMG_SRC.sub(_rewrite, raw_html)
    clean = nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    # A wide table scrolls inside its box on a phone (app.css): it must take keyboard focus to be scrolled.
    clean = _TABLE.sub('<table tabindex="0"', clean)
    toc = tuple(_flatten(md.toc_tokens, []))
    text = html.unescape(_TAGS.sub(" ", clean))
    return Rendered(clean, toc, " ".join(text.split()), tuple(images))


def word_count(source: str) -> int:
    """Words in a Markdown body, ignoring markup characters."""
    return len(re.findall(r"[A-Za-z0-9][A-Za-z0-9'’-]*", source))
