"""Read hand-written YAML keeping line numbers, so every problem can point at its line."""

from __future__ import annotations

from pathlib import Path

import yaml

from .limits import MAX_INPUT_BYTES, MAX_YAML_DEPTH
from .problems import BuildFailed, Problem

try:  # the C parser is much faster; the constructor below works with either
    _Base = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Base = yaml.SafeLoader


class Located(dict):
    """A mapping that remembers the line of itself and of each of its keys (1-based)."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _Loader(_Base):
    pass


_STR_TAG = "tag:yaml.org,2002:str"


def _construct(loader: _Loader, node: yaml.Node):
    # Plain strings are most of what the codings hold. For them PyYAML's generic dispatch
    # ends in construct_yaml_str, which returns node.value; returning it directly gives the
    # same object and makes large codings (a million stances) parse in a third less time.
    if node.tag == _STR_TAG and isinstance(node, yaml.ScalarNode):
        return node.value
    return loader.construct_object(node, deep=True)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Located:
    loader.flatten_mapping(node)
    result = Located()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = _construct(loader, key_node)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        result[key] = _construct(loader, value_node)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode):
    # An impossible date (2023-02-30) stays text, so the row check can name its line.
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def _check_shape(text: str, rel: str) -> None:
    """Refuse aliases, explicit tags and deep nesting before anything is built from the events.

    An alias (`*name`) lets a few lines expand into an exponentially large structure (a
    "billion laughs" bomb); a tag (`!!python/...`, `!name`) asks for a constructor. Codings
    and schema/package.yaml never need either, so neither is accepted.
    """
    depth = 0
    for event in yaml.parse(text, Loader=_Base):
        if isinstance(event, yaml.AliasEvent):
            raise BuildFailed([Problem(rel, event.start_mark.line + 1, None,
                                       "uses a YAML alias (*name); write the value out instead")])
        if getattr(event, "tag", None) is not None and _explicit(event):
            raise BuildFailed([Problem(rel, event.start_mark.line + 1, None,
                                       f"uses a YAML tag ({event.tag}); write a plain value instead")])
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise BuildFailed([Problem(rel, event.start_mark.line + 1, None,
                                           f"is nested more than {MAX_YAML_DEPTH} levels deep")])
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _explicit(event: yaml.Event) -> bool:
    implicit = getattr(event, "implicit", True)
    # A scalar's `implicit` is a pair (plain, quoted); a collection's is one flag.
    return not any(implicit) if isinstance(implicit, tuple) else not implicit


def parse_yaml(text: str, rel: str):
    """Parse YAML text (of the file `rel`); an alias, a tag or a syntax error becomes a located Problem."""
    try:
        _check_shape(text, rel)
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise BuildFailed([Problem(rel, line, None, f"is not valid YAML: {reason}")]) from None


def read_yaml(path: Path, root: Path):
    """Parse one YAML file; a syntax error becomes a located Problem."""
    rel = path.relative_to(root).as_posix()
    if path.stat().st_size > MAX_INPUT_BYTES:
        raise BuildFailed([Problem(rel, None, None, f"is larger than {MAX_INPUT_BYTES} bytes; split it")])
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise BuildFailed([Problem(rel, None, None, f"is not UTF-8 text ({exc.reason}); save it as UTF-8")])
    return parse_yaml(text, rel)
