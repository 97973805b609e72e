"""Every Markdown file of the course tree prepared once: front matter parsed, body rendered.

What is prepared here depends on one file's text and its asset prefix alone, so
it is kept on disk (render_cache.py) under a hash of both and the renderer's
version, and on a cold cache the files are prepared in worker processes, one per
core. Validation, which looks across files (question ids, competencies,
prerequisites, images), stays with the loader in catalog.py.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .render import Rendered, render_markdown, word_count
from .render_cache import RenderCache, decode_rendered, decode_yaml, encode_rendered, encode_yaml, write_entry
from .yamlfile import YamlProblem, load_yaml, split_front_matter

# Fewer documents than this to prepare (an edit, a small tree): starting processes costs more than it saves.
PARALLEL_MIN = 32


@dataclass(frozen=True)
class Document:
    """One source file split and prepared.

    ``meta`` is the parsed front matter (None when the file has none or it does
    not parse: then ``problem`` holds the message and its line within the front
    matter, or ``missing_front_matter`` is true); ``rendered`` is the body.
    """

    meta: object
    problem: tuple[str, int | None] | None
    body: str
    body_line: int
    rendered: Rendered | None
    words: int = 0
    missing_front_matter: bool = False


def prepare(text: str, asset_prefix: str) -> tuple[dict, Document]:
    """One file prepared: its cache entry and the Document (built from the parsed values, not decoded).

    The entry holds the front matter (line numbers kept), the rendered body and
    the word count. Front matter JSON cannot hold (a date) is marked
    ``"front": "parse"``: the loader parses it again each time rather than cache
    a lossy copy. Front matter that does not parse is cached as its problem.
    """
    parts = split_front_matter(text)
    if parts is None:
        entry = {"front": None, "problem": None, "rendered": None, "body": None}
        return entry, Document(None, None, "", 1, None, missing_front_matter=True)
    front, body, body_line = parts
    # Where the body starts, so a cached file is not split again.
    entry: dict = {"front": None, "problem": None, "rendered": None, "body": [len(text) - len(body), body_line]}
    try:
        meta = load_yaml(front)
    except YamlProblem as problem:
        entry["problem"] = [problem.message, problem.line]
        return entry, Document(None, (problem.message, problem.line), body, body_line, None)
    try:
        entry["front"] = encode_yaml(meta)
    except TypeError:
        entry["front"] = "parse"
    rendered = render_markdown(body, asset_prefix)
    entry["rendered"], entry["words"] = encode_rendered(rendered), word_count(body)
    return entry, Document(meta, None, body, body_line, rendered, entry["words"])


def _decode(entry: dict, text: str) -> Document:
    """A Document from a cache entry; raises (KeyError, TypeError, ValueError...) on a damaged entry."""
    if entry["body"] is None:
        return Document(None, None, "", 1, None, missing_front_matter=True)
    start, body_line = (int(n) for n in entry["body"])
    body = text[start:]
    problem = entry["problem"]
    if problem is not None:
        message, line = problem
        return Document(None, (str(message), None if line is None else int(line)), body, body_line, None)
    front = entry["front"]
    meta = load_yaml(split_front_matter(text)[0]) if front == "parse" else decode_yaml(front)
    return Document(meta, None, body, body_line, decode_rendered(entry["rendered"]), int(entry["words"]))


def _prepare_and_store(job: tuple[str, str, str | None]) -> Document:
    """Prepare one file and write its cache entry (runs in a worker process when there are many)."""
    text, asset_prefix, cache_path = job
    entry, document = prepare(text, asset_prefix)
    if cache_path and entry["front"] != "parse":
        write_entry(Path(cache_path), entry)
    return document


def worker_count() -> int:
    """How many processes prepare a cold cache: one per core this process may run on, at most 8."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return min(cores, 8)


def _prepare_all(jobs: list[tuple[str, str, str | None]], workers: int | None) -> list[Document]:
    """Prepare ``jobs`` in this process or, when there are many, in one worker process per core.

    Workers are forked, so they start at once with everything imported; a fork
    is only safe while this process runs a single thread (gunicorn --preload, a
    CLI command, a worker booting): otherwise, or where fork does not exist,
    the work is done here. ``workers`` forces a number (tests).
    """
    if workers is None:
        automatic = len(jobs) >= PARALLEL_MIN and threading.active_count() == 1
        workers = worker_count() if automatic else 1
    if workers < 2 or len(jobs) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [_prepare_and_store(job) for job in jobs]
    # Small chunks: the last one a worker takes decides when the load ends, and a lesson costs ~5 ms.
    chunk = max(1, len(jobs) // (workers * 16))
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(_prepare_and_store, jobs, chunksize=chunk))


def load_documents(
    files: list[tuple[Path, str]], cache: RenderCache | None, workers: int | None = None
) -> dict[Path, Document]:
    """Read and prepare ``files`` ((path, asset prefix) pairs): from the cache where it has them."""
    documents: dict[Path, Document] = {}
    misses: list[tuple[Path, str, str]] = []
    for path, asset_prefix in files:
        text = path.read_text(encoding="utf-8")
        entry = cache.read_entry(cache.document_path(text, asset_prefix)) if cache else None
        if entry is not None:
            try:
                documents[path] = _decode(entry, text)
                cache.hits += 1
                continue
            except (KeyError, TypeError, ValueError, AttributeError):
                pass  # a damaged entry: prepare the file again and overwrite it
        misses.append((path, asset_prefix, text))
    if cache:
        cache.misses += len(misses)
    jobs = [(text, prefix, str(cache.document_path(text, prefix)) if cache else None) for _p, prefix, text in misses]
    for (path, _prefix, _text), document in zip(misses, _prepare_all(jobs, workers), strict=True):
        documents[path] = document  # built where it was prepared: no decoding on this (serial) side
    return documents


def load_document(path: Path, asset_prefix: str, cache: RenderCache | None) -> Document:
    """One file prepared (through the cache when there is one)."""
    return load_documents([(path, asset_prefix)], cache, workers=1)[path]
