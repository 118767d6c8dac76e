"""Read hand-written YAML strictly, keeping line numbers so every problem can point at its line.

Only the plain core of YAML is accepted: mappings with text keys, lists and scalars. Tags
(`!!set`, `!!python/...`, `!custom`), anchors and aliases (`&a`, `*a`), and keys that are
themselves lists or mappings are refused with a located message, before anything is
constructed: codings never need them, and each is a way for a contribution to build
something other than what it looks like (a set, an object, an exponentially large value).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ai_openness.core.limits import MAX_YAML_DEPTH, input_bytes
from ai_openness.core.problems import BuildFailed, Problem

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


class LocatedList(list):
    """A list that remembers the line of each of its items (1-based)."""

    line: int = 0
    item_lines: list

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


class _Loader(_Base):
    pass


_CORE = "tag:yaml.org,2002:"
_STR_TAG = _CORE + "str"


def _value(loader: _Loader, node: yaml.Node, depth: int = 0):
    """The value of a composed node: Located mappings, LocatedLists and scalars.

    Written out rather than through PyYAML's generic constructor, which keeps a memo of every
    node for anchors and aliases (refused before this runs) and dispatches each node through
    generators: a third of the time of reading a million stances. The nesting limit and the
    rule that a key is a name are checked here, at the node, in document order.
    """
    if isinstance(node, yaml.ScalarNode):
        # Plain strings are most of what the codings hold; other scalars (numbers, dates,
        # booleans, null) go through the loader's constructors for their tags.
        return node.value if node.tag == _STR_TAG else loader.construct_object(node)
    if depth >= MAX_YAML_DEPTH:
        raise _refuse(loader.rel, node.start_mark, f"is nested more than {MAX_YAML_DEPTH} levels deep")
    if isinstance(node, yaml.SequenceNode):
        result = LocatedList(_value(loader, item, depth + 1) for item in node.value)
        result.line = node.start_mark.line + 1
        result.item_lines = [item.start_mark.line + 1 for item in node.value]
        return result
    result = Located()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _refuse(loader.rel, key_node.start_mark, _COLLECTION_KEY)
        key = _value(loader, key_node)
        if not isinstance(key, str):
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"the key {key!r} is not a name; keys are names such as person_id "
                "(put it in quotes if it is meant as text)",
                key_node.start_mark,
            )
        if key in result:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        result[key] = _value(loader, value_node, depth + 1)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode):
    # An impossible date (2023-02-30) stays text, so the row check can name its line.
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
for _tag in ("tag:yaml.org,2002:set", "tag:yaml.org,2002:omap", "tag:yaml.org,2002:pairs", "tag:yaml.org,2002:binary"):
    # Only reachable through an explicit tag, which _check_shape refuses first; keep them
    # from ever building a set or bytes even if that check is bypassed.
    _Loader.add_constructor(_tag, None)


def _refuse(rel: str, mark, message: str, code: str = "yaml-shape") -> BuildFailed:
    return BuildFailed([Problem(rel, mark.line + 1, None, message, column=mark.column + 1, code=code)])


_COLLECTION_KEY = (
    "uses a list or a mapping as a key; a key is a name such as person_id "
    "(put it in quotes if `[`, `{` or `?` is meant as text)"
)
# What only the parser's events show: a tag (!), an anchor (&) or an alias (*). A text without
# these characters holds none of them, and the rest of the shape is checked at the nodes.
_EVENT_MARKS = "!&*"


def _check_shape(text: str, rel: str) -> None:
    """Refuse tags, anchors, aliases, non-text keys and deep nesting from the parser's
    events, before anything is built from them.

    An alias (`*name`) lets a few lines expand into an exponentially large structure (a
    "billion laughs" bomb); a tag makes a value something else than it reads as.
    """
    # One entry per open collection: for a mapping, whether the next node is a key.
    stack: list[list[bool] | None] = []
    anchor = None
    for event in yaml.parse(text, Loader=_Base):
        if isinstance(event, yaml.AliasEvent):
            raise _refuse(rel, event.start_mark, "uses a YAML alias (*name); write the value out instead", "yaml-alias")
        if not isinstance(event, (yaml.NodeEvent, yaml.CollectionEndEvent)):
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            stack.pop()
            _advance(stack)
            continue
        if event.anchor is not None and anchor is None:
            anchor = event  # refused at the end, unless an alias (the real use) is found first

        tag = getattr(event, "tag", None)
        if tag is not None:
            shown = "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag
            raise _refuse(
                rel,
                event.start_mark,
                f"uses the YAML tag {shown}; codings hold only text, numbers, "
                "dates, lists and key: value mappings, so remove the tag (quote the value if the "
                "! is meant as text)",
                "yaml-tag",
            )
        at_key = bool(stack) and stack[-1] is not None and stack[-1][0]
        if isinstance(event, yaml.ScalarEvent):
            _advance(stack)
            continue
        if at_key:
            raise _refuse(rel, event.start_mark, _COLLECTION_KEY)
        if len(stack) >= MAX_YAML_DEPTH:
            raise _refuse(rel, event.start_mark, f"is nested more than {MAX_YAML_DEPTH} levels deep")
        stack.append([True] if isinstance(event, yaml.MappingStartEvent) else None)
    if anchor is not None:
        raise _refuse(
            rel,
            anchor.start_mark,
            f"uses a YAML anchor (&{anchor.anchor}); write each value out instead",
            "yaml-anchor",
        )


def _advance(stack: list) -> None:
    # A node has ended inside the innermost collection: in a mapping, keys and values alternate.
    if stack and stack[-1] is not None:
        stack[-1][0] = not stack[-1][0]


# Hints for the parser's messages that contributors meet most, by words in the message.
_HINTS = (
    (
        "mapping values are not allowed",
        "a value contains a colon followed by a space (`: `); put the value in quotes, "
        'e.g. quote: "…: …" (or check the indentation of this line)',
    ),
    ("found character '\\t'", "the line is indented with a tab; indent with spaces only"),
    ("tab character", "the line is indented with a tab; indent with spaces only"),
    ("cannot start any token", "a value cannot start with this character; put the value in quotes"),
    (
        "found unknown escape character",
        "a backslash in a double-quoted value starts an escape; use single quotes, or write \\\\",
    ),
    ("found undefined alias", "a value starting with * must be put in quotes"),
    ("expected alphabetic or numeric character", "a value starting with * or & must be put in quotes"),
    ("while scanning a quoted scalar", "a quoted value is not closed; add the closing quote"),
    ("found unexpected end of stream", "a quoted value is not closed; add the closing quote"),
    (
        "could not find expected ':'",
        "this line is neither `key: value` nor a list item; add the colon, or put a multi-line value in quotes",
    ),
    ("expected ',' or ']'", "a [list] is not closed, or an item holds a comma or colon; put such items in quotes"),
    ("expected ',' or '}'", "a {mapping} is not closed, or a value holds a comma; put such values in quotes"),
    (
        "expected <block end>",
        "the indentation is inconsistent; line up the keys of one entry, and start each entry with `- `",
    ),
    (
        "did not find expected key",
        "the indentation is inconsistent, or a value starts with a quote but goes on after it; "
        "line up the keys of one entry, and quote whole values",
    ),
    ("did not find expected '-' indicator", "the list items are not lined up; start each at the same column"),
    ("duplicate key", "each key may appear once per entry; remove or rename the repeated one"),
    ("is not a name", "write the key as a name, such as person_id"),
)


def _hint(text: str) -> str:
    for words, hint in _HINTS:
        if words in text:
            return hint
    return "check the YAML syntax of this line (https://yaml.org/spec/1.2.2/)"


def parse_yaml(text: str, rel: str):
    """Parse YAML text strictly; any problem becomes a located BuildFailed."""
    try:
        if any(mark in text for mark in _EVENT_MARKS):
            _check_shape(text, rel)
        loader = _Loader(text)
        loader.rel = rel
        try:
            node = loader.get_single_node()
            return None if node is None else _value(loader, node)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        context, problem = getattr(exc, "context", None) or "", getattr(exc, "problem", None) or str(exc)
        if "quoted scalar" in context and getattr(exc, "context_mark", None) is not None:
            mark = exc.context_mark  # where the unclosed quote starts, not the end of the file
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        hint = _hint(f"{context} {problem}")
        raise BuildFailed(
            [
                Problem(
                    rel,
                    line,
                    None,
                    f"is not valid YAML: {problem}",
                    fix=hint or None,
                    column=column,
                    code="yaml-syntax",
                )
            ]
        ) from None
    except RecursionError:
        raise BuildFailed([Problem(rel, None, None, f"is nested more than {MAX_YAML_DEPTH} levels deep")]) from None


def read_yaml(path: Path, root: Path):
    """Parse one YAML file; a syntax error becomes a located Problem."""
    rel = path.relative_to(root).as_posix()
    if path.stat().st_size > input_bytes(rel):
        raise BuildFailed([Problem(rel, None, None, f"is larger than {input_bytes(rel)} bytes; split it")])
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise BuildFailed([Problem(rel, None, None, f"is not UTF-8 text ({exc.reason}); save it as UTF-8")]) from None
    return parse_yaml(text, rel)
