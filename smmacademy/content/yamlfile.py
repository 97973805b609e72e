"""YAML and front matter reading that remembers line numbers."""

from __future__ import annotations

import yaml


class LineDict(dict):
    """A mapping that knows the line it starts on and the line of each key."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        """Line of ``key`` when present, else the mapping's own line."""
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A sequence that knows the line it starts on."""

    line: int = 0


class DuplicateKey(yaml.MarkedYAMLError):
    """The same key appears twice in one mapping."""


class _LineLoader(yaml.SafeLoader):
    pass


# libyaml's parser is about ten times faster than the pure-Python one and reports the same
# marks; the pure-Python loader stays for error messages (see load_yaml) and where libyaml is missing.
_FastLineLoader = type("_FastLineLoader", (yaml.CSafeLoader,), {}) if yaml.__with_libyaml__ else _LineLoader


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise DuplicateKey(problem=f"the key '{key}' appears twice", problem_mark=key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


for _loader in {_LineLoader, _FastLineLoader}:
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


class YamlProblem(Exception):
    """YAML that cannot be parsed; ``line`` is 1-based within the parsed text."""

    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.message = message
        self.line = line


def load_yaml(text: str):
    """Parse YAML keeping line numbers; raise :class:`YamlProblem` on bad syntax."""
    try:
        # Both loaders subclass SafeLoader / CSafeLoader: no arbitrary objects are built.
        return yaml.load(text, Loader=_FastLineLoader)  # noqa: S506  # nosec B506
    except yaml.YAMLError:
        pass  # parse again below: the pure-Python loader words errors the way authors have seen them
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506  # nosec B506
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or str(exc)
        return_message = f"invalid YAML: {problem}"
        raise YamlProblem(return_message, line) from exc
    except yaml.YAMLError as exc:
        raise YamlProblem(f"invalid YAML: {exc}", None) from exc


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """Split ``---`` delimited front matter from the body.

    Returns ``(front_matter, body, body_start_line)`` where the front matter's
    first line is line 2 of the file, or None when the file has no front matter.
    """
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            front = "".join(lines[1:index])
            body = "".join(lines[index + 1 :])
            return front, body, index + 2
    return None
