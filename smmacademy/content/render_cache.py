"""Rendered Markdown and parsed front matter kept on disk, so a restart redoes only what changed.

One JSON file per source file (documents.py: its front matter and rendered
body together), per rendered document or per YAML file, named after a SHA-256
of the renderer's version, the entry format, the asset prefix and the source:
an edited lesson, or a new renderer, gets a new name, so nothing is ever stale.
A file that cannot be read back (truncated, edited, another format) is ignored
and written again. YAML that does not parse is reported on every load.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from .render import RENDERER_VERSION, Rendered, render_markdown
from .yamlfile import LineDict, LineList, load_yaml

# Bump when the layout of the cached front matter or of a document entry changes.
FRONT_MATTER_FORMAT = 1
DOCUMENT_FORMAT = 1


class RenderCache:
    """``render(source, prefix)`` that reads a previous result from ``directory`` when it has one."""

    def __init__(self, directory: Path | str):
        self.directory = Path(directory)
        self.hits = 0
        self.misses = 0

    def path_for(self, source: str, asset_prefix: str) -> Path:
        """The cache file for one rendered document (it may not exist yet)."""
        return self._path(f"render {RENDERER_VERSION}\0{asset_prefix}\0{source}")

    def document_path(self, text: str, asset_prefix: str) -> Path:
        """The cache file for one whole source file (documents.py), whatever its state."""
        return self._path(f"document {DOCUMENT_FORMAT} {RENDERER_VERSION}\0{asset_prefix}\0{text}")

    @staticmethod
    def read_entry(path: Path):
        """The JSON stored at ``path``, or None when it is missing or unreadable."""
        return _read(path, lambda data: data)

    def _path(self, key: str) -> Path:
        digest = hashlib.sha256(key.encode()).hexdigest()
        return self.directory / digest[:2] / f"{digest}.json"

    def render(self, source: str, asset_prefix: str = "") -> Rendered:
        """The rendering of ``source``: from disk when cached, else rendered now and stored."""
        path = self.path_for(source, asset_prefix)
        cached = _read(path, decode_rendered)
        if cached is not None:
            self.hits += 1
            return cached
        self.misses += 1
        rendered = render_markdown(source, asset_prefix)
        write_entry(path, encode_rendered(rendered))
        return rendered

    def load_yaml(self, text: str):
        """``yamlfile.load_yaml`` with its result (line numbers included) cached on disk."""
        path = self._path(f"yaml {FRONT_MATTER_FORMAT}\0{text}")
        cached = _read(path, decode_yaml)
        if cached is not None:
            self.hits += 1
            return cached
        self.misses += 1
        value = load_yaml(text)  # raises YamlProblem: nothing is written
        try:
            encoded = encode_yaml(value)
        except TypeError:
            return value  # a date or another value JSON cannot hold: parse it every time
        write_entry(path, encoded)
        return value


def encode_yaml(value):
    """JSON for a tree of LineDict / LineList / scalars, keeping every line number (TypeError for others)."""
    if isinstance(value, LineDict):
        return {"line": value.line, "items": [[key, value.key_lines[key], encode_yaml(v)] for key, v in value.items()]}
    if isinstance(value, LineList):
        return {"line": value.line, "list": [encode_yaml(v) for v in value]}
    if value is None or isinstance(value, (str, int, float)):
        return {"scalar": value}
    raise TypeError(f"cannot cache {type(value).__name__}")


def decode_yaml(data):
    """The tree ``encode_yaml`` stored; raises on anything else."""
    if "scalar" in data:
        return data["scalar"]
    if "list" in data:
        result = LineList(decode_yaml(v) for v in data["list"])
        result.line = int(data["line"])
        return result
    mapping = LineDict()
    mapping.line, mapping.key_lines = int(data["line"]), {}
    for key, line, value in data["items"]:
        mapping[key] = decode_yaml(value)
        mapping.key_lines[key] = int(line)
    return mapping


def _read(path: Path, decode):
    try:
        return decode(json.loads(path.read_bytes()))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # missing or unreadable: compute again and overwrite


def encode_rendered(rendered: Rendered) -> dict:
    """JSON for a rendered document."""
    return {"html": rendered.html, "toc": rendered.toc, "text": rendered.text, "images": rendered.images}


def decode_rendered(data) -> Rendered:
    """The rendered document ``encode_rendered`` stored; raises on anything else."""
    return Rendered(
        html=_str(data["html"]),
        toc=tuple((int(level), _str(anchor), _str(name)) for level, anchor, name in data["toc"]),
        text=_str(data["text"]),
        images=tuple(_str(image) for image in data["images"]),
    )


def _str(value) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value


def write_entry(path: Path, data) -> None:
    """Write atomically (several workers may start at once); a read-only disk only costs speed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(json.dumps(data, ensure_ascii=False))  # dumps uses the C encoder, dump does not
        os.replace(temporary, path)
    except OSError:
        pass
