"""Read hand-written YAML strictly, keeping line numbers so every problem can point at its line.

Only the plain core of YAML is accepted: mappings with text keys, lists and scalars. Tags
(`!!set`, `!!python/...`, `!custom`), anchors and aliases (`&a`, `*a`), and keys that are
themselves lists or mappings are refused with a located message, before anything is
constructed: codings never need them, and each is a way for a contribution to build
something other than what it looks like (a set, an object, an exponentially large value).

Values are built from the parser's events with an explicit stack, never by PyYAML's
recursive composer, and every limit of core/limits.py is checked as its event arrives: no
nesting can exhaust the C stack, and a file past a limit costs only the reading up to it.
A character YAML does not allow (a NUL, a control character) is named at its line first.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from ai_openness.core.errors import error_type, problem
from ai_openness.core.limits import (
    MAX_ENTRIES,
    MAX_KEYS,
    MAX_NUMBER_DIGITS,
    MAX_SCALAR_CHARS,
    MAX_VALUES,
    MAX_YAML_DEPTH,
    input_bytes,
)
from ai_openness.core.problems import BuildFailed, Problem, shown, visible
from ai_openness.safeio.files import Refused, decode_utf8, read_file

_Base: type[Any]
try:  # the C parser is much faster; its events are read the same way as the Python one's
    _Base = yaml.CBaseLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Base = yaml.BaseLoader


class Located(dict[str, Any]):
    """A mapping that remembers the line of itself and of each of its keys (1-based)."""

    line: int = 0
    key_lines: dict[str, Any]

    def line_of(self, key: str) -> int:
        return int(self.key_lines.get(key, self.line))


class LocatedList(list[Any]):
    """A list that remembers the line of each of its items (1-based)."""

    line: int = 0
    item_lines: list[Any]

    def line_of(self, index: int) -> int:
        return int(self.item_lines[index]) if 0 <= index < len(self.item_lines) else self.line


_CORE = "tag:yaml.org,2002:"
_STR_TAG = _CORE + "str"
# What YAML accepts as text (PyYAML's reader refuses the rest without saying where).
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class _Constructor(yaml.constructor.SafeConstructor):
    """Only the scalar constructors are used: collections are built in `_build`."""


def _construct_timestamp(constructor: _Constructor, node: yaml.ScalarNode) -> Any:
    # An impossible date (2023-02-30) stays text, so the row check can name its line.
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(constructor, node)
    except (ValueError, OverflowError):
        return node.value


_Constructor.add_constructor(_CORE + "timestamp", _construct_timestamp)  # type: ignore[type-var]
_SCALARS = {_CORE + t: _Constructor.yaml_constructors[_CORE + t] for t in ("null", "bool", "int", "float", "timestamp")}


def _refuse(rel: str, mark: Any, message: str, fix: str | None = None, code: str = "yaml-shape") -> BuildFailed:
    """A problem at `mark`, of kind `code` in the catalogue (core/errors.py); its fix is the
    catalogue's unless one is given."""
    fix = fix if fix is not None else error_type(code).fix
    return BuildFailed([Problem(rel, mark.line + 1, None, message, fix=fix, column=mark.column + 1, code=code)])


_COLLECTION_KEY = (
    "uses a list or a mapping as a key; a key is a name such as person_id "
    "(put it in quotes if `[`, `{` or `?` is meant as text)"
)
_SPLIT = "split the file, or remove what a coding does not need"
_FLAT = f"write it with at most {MAX_YAML_DEPTH} levels of lists and mappings (a coding needs four)"


def _build(parser: Any, rel: str) -> Any:
    """The document's value, built from the parser's events one at a time with an explicit
    stack of open collections.

    PyYAML's composer and constructor recurse once per level of nesting (the C composer on
    the C stack: 30,000 nested brackets crash the interpreter), and build the whole document
    before anything can be checked. Here every limit of core/limits.py (nesting, items per
    list, keys per mapping, characters per value, values per file, digits per number) is
    checked as its event arrives, so the work and memory spent on a hostile file stop at
    the first value past a limit. Tags, aliases, keys that are not names, and a second
    document are refused at their event; an anchor at the end, so that the alias using it
    (the real harm) is the one named. One loop with local names: it runs once per value of
    every coding, a million times at a million stances.
    """
    scalar_event, sequence_start, mapping_start = yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent
    ends, alias, document_start = (
        (yaml.SequenceEndEvent, yaml.MappingEndEvent),
        yaml.AliasEvent,
        yaml.DocumentStartEvent,
    )
    check, get = parser.check_event, parser.get_event
    stack: list[tuple[Any, ...]] = []  # the enclosing collections' (container, lines, key, start mark)
    # The innermost open collection (a Located or a LocatedList), its lines, the key awaiting
    # its value (None in a list) and where it starts.
    container: Any = None
    lines: Any = None
    key: Any = None
    start: Any = None
    result: Any = None
    values, documents = 0, 0
    anchors: list[Any] = []
    while check():
        event = get()
        kind = type(event)
        if kind is scalar_event:
            values += 1
            if event.tag is not None or event.anchor is not None or values > MAX_VALUES:
                _unusual(event, values, anchors, rel)
            value = event.value
            if len(value) > MAX_SCALAR_CHARS:
                raise _refuse(
                    rel,
                    event.start_mark,
                    f"holds a value of {len(value)} characters, more than the limit of {MAX_SCALAR_CHARS}",
                    f"shorten the value to at most {MAX_SCALAR_CHARS} characters (a table cell holds no more)",
                    "limit",
                )
            if event.style == '"' and "\x00" in value:  # written \0: no path, id or text holds one
                raise _unprintable(value, event.start_mark.line + 1, event.start_mark.column + 1, rel, True)
            if event.implicit[0] and (not value or value[0] in _RESOLVED_FIRST):
                value = _scalar(event, rel)
            mark = event.start_mark
        elif kind is sequence_start or kind is mapping_start:
            values += 1
            if event.tag is not None or event.anchor is not None or values > MAX_VALUES:
                _unusual(event, values, anchors, rel)
            if key is _KEY:
                raise _refuse(rel, event.start_mark, _COLLECTION_KEY)
            if len(stack) >= MAX_YAML_DEPTH:
                raise _refuse(rel, event.start_mark, f"is nested more than {MAX_YAML_DEPTH} levels deep", _FLAT)
            stack.append((container, lines, key, start))
            start = event.start_mark
            if kind is sequence_start:
                container, key = LocatedList(), None
                lines = container.item_lines = []
            else:
                container, key = Located(), _KEY
                lines = container.key_lines = {}
            container.line = start.line + 1
            continue
        elif kind in ends:
            value, mark = container, start
            container, lines, key, start = stack.pop()
        elif kind is alias:
            raise _refuse(
                rel, event.start_mark, "uses a YAML alias (*name); write the value out instead", code="yaml-alias"
            )
        elif kind is document_start:
            documents += 1
            if documents > 1:
                raise _refuse(
                    rel,
                    event.start_mark,
                    "holds more than one YAML document (a second `---`)",
                    "keep one document per file: remove the `---` line",
                )
            continue
        else:
            continue
        # A value is complete: put it into the innermost open collection.
        if container is None:
            result = value
        elif key is None:  # a list
            if len(container) >= MAX_ENTRIES:
                raise _refuse(rel, mark, f"holds a list of more than {MAX_ENTRIES} entries", _SPLIT, "limit")
            container.append(value)
            lines.append(mark.line + 1)
        elif key is _KEY:  # collections are refused as keys at their start: this is a scalar
            if not isinstance(value, str):
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"the key {shown(value)!r} is not a name; keys are names such as person_id "
                    "(put it in quotes if it is meant as text)",
                    mark,
                )
            if value in container:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {shown(value)!r}", mark)
            if len(container) >= MAX_KEYS:
                raise _refuse(rel, mark, f"holds a mapping of more than {MAX_KEYS} keys", _SPLIT, "limit")
            lines[value] = mark.line + 1
            key = value
        else:
            container[key] = value
            key = _KEY
    if anchors:
        anchor = anchors[0]
        message = f"uses a YAML anchor (&{anchor.anchor}); write each value out instead"
        raise _refuse(rel, anchor.start_mark, message, code="yaml-anchor")
    return result


def _unusual(event: Any, values: int, anchors: list[Any], rel: str) -> None:
    """A node with a tag or an anchor, or one past the number of values a file may hold."""
    if values > MAX_VALUES:
        raise _refuse(rel, event.start_mark, f"holds more than {MAX_VALUES} values", _SPLIT, "limit")
    if event.tag is not None:
        tag = event.tag
        shown_tag = "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag
        raise _refuse(
            rel,
            event.start_mark,
            f"uses the YAML tag {shown(shown_tag)}; codings hold only text, numbers, "
            "dates, lists and key: value mappings, so remove the tag (quote the value if the "
            "! is meant as text)",
            code="yaml-tag",
        )
    anchors.append(event)


def _scalar(event: Any, rel: str) -> Any:
    """A plain scalar that may be other than text: numbers, dates, booleans and null are
    made by PyYAML's constructor for the tag its resolver gives them."""
    tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
    make = _SCALARS.get(tag)
    if make is None:  # text, or `<<` and `=`, which PyYAML resolves to tags of their own
        return event.value
    if tag == _INT_TAG:
        digits = sum(ch.isdigit() for ch in event.value)
        if digits > MAX_NUMBER_DIGITS:
            raise _refuse(
                rel,
                event.start_mark,
                f"holds a number of {digits} digits, more than the limit of {MAX_NUMBER_DIGITS}",
                "write numbers with a few digits; put the value in quotes if it is meant as text",
                "limit",
            )
    return make(_CONSTRUCTOR, yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark))


_RESOLVER, _CONSTRUCTOR = yaml.resolver.Resolver(), _Constructor()
_INT_TAG = _CORE + "int"
# The first characters of a plain scalar that the resolver may read as other than text
# (digits, signs, y/n/t/f/o for YAML 1.1's booleans, ~ and n for null...): any other first
# character means text, without asking the resolver.
_RESOLVED_FIRST = frozenset(first for first in yaml.resolver.Resolver.yaml_implicit_resolvers if first)


_KEY = object()  # a mapping's frame waits for a key


def _check_characters(text: str, rel: str) -> None:
    """A character YAML does not accept (NUL, other controls), named with its line and column."""
    bad = _NOT_PRINTABLE.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        raise _unprintable(bad.group(), line, bad.start() - text.rfind("\n", 0, bad.start()), rel)


def _unprintable(text: str, line: int, column: int, rel: str, escaped: bool = False) -> BuildFailed:
    """The first character of `text` that YAML does not allow in a file, at `line`. A NUL
    may not be written as an escape (\\0) either: the operating system ends a path at it."""
    found_char = _NOT_PRINTABLE.search(text)
    char = found_char.group() if found_char else text[:1]
    name = "NUL" if char == "\x00" else unicodedata.name(char, "a control character")
    name += ", written as the escape \\0" if escaped else ""
    found = problem(
        "control-character", rel, line, None, visible(char), column=column, character=f"U+{ord(char):04X}", name=name
    )
    return BuildFailed([found])


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


def parse_yaml(text: str, rel: str) -> Any:
    """Parse YAML text strictly, within the limits; any problem becomes a located BuildFailed."""
    _check_characters(text, rel)
    parser = _Base(text)
    try:
        return _build(parser, rel)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        context, problem = getattr(exc, "context", None) or "", getattr(exc, "problem", None) or str(exc)
        if "quoted scalar" in context and getattr(exc, "context_mark", None) is not None:
            mark = getattr(exc, "context_mark")  # noqa: B009 - where the unclosed quote starts, not the file's end
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
    finally:
        parser.dispose()


def read_yaml(path: Path, root: Path) -> Any:
    """Parse one YAML file; a syntax error becomes a located Problem."""
    rel = path.relative_to(root).as_posix()
    try:
        data = read_file(root, rel, input_bytes(rel))
    except Refused as refused:
        raise BuildFailed([Problem(refused.where or rel, None, None, refused.message, fix=refused.fix)]) from None
    return yaml_of(rel, data)


def yaml_of(rel: str, data: bytes) -> Any:
    """Parse the bytes of the YAML file `rel`; bad encoding or syntax becomes a located Problem."""
    text, problems = decode_utf8(rel, data)
    if text is None or problems:
        raise BuildFailed(problems)
    return parse_yaml(text, rel)
