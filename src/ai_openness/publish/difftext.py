"""A PackageDiff written for people: plain text, or Markdown for a pull request summary."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from ai_openness.core.problems import shown
from ai_openness.publish.diff import PackageDiff, ResourceSchemaDiff, TableDiff

MAX_LISTED = 50  # rows listed per table and kind of change; the counts are always complete


def _key(row: dict[str, str], key: list[str]) -> str:
    return "/".join(row.get(c, "") for c in key)


def _schema_lines(name: str, changes: ResourceSchemaDiff) -> list[str]:
    lines: list[str] = []
    for column in changes.added_columns:
        lines.append(f"{name}: column {column} added")
    for column in changes.removed_columns:
        lines.append(f"{name}: column {column} removed")
    for column, (old, new) in changes.changed_types.items():
        lines.append(f"{name}.{column}: type {old} -> {new}")
    for column, values in changes.added_enum_values.items():
        lines.append(f"{name}.{column}: vocabulary gains {', '.join(map(str, values))}")
    for column, values in changes.removed_enum_values.items():
        lines.append(f"{name}.{column}: vocabulary loses {', '.join(map(str, values))}")
    for column, (before, after) in changes.changed_constraints.items():
        lines.append(f"{name}.{column}: constraints {json.dumps(before)} -> {json.dumps(after)}")
    if changes.changed_primary_key:
        old_key, new_key = changes.changed_primary_key
        lines.append(f"{name}: primary key {', '.join(old_key)} -> {', '.join(new_key)}")
    for fk in changes.added_foreign_keys:
        lines.append(f"{name}: foreign key added {json.dumps(fk)}")
    for fk in changes.removed_foreign_keys:
        lines.append(f"{name}: foreign key removed {json.dumps(fk)}")
    return lines


def _schema_summary(diff: PackageDiff) -> list[str]:
    lines = [f"resource {n} added" for n in diff.schema.added_resources]
    lines += [f"resource {n} removed" for n in diff.schema.removed_resources]
    for name, changes in diff.schema.resources.items():
        lines += _schema_lines(name, changes)
    return lines


def cut_pair(old: str, new: str, limit: int = 60) -> tuple[str, str]:
    """Two values cut to about `limit` characters around the first character in which they
    differ ("…" where text is left out), so that a cut never makes different values look equal."""
    if len(old) <= limit and len(new) <= limit:
        return old, new
    at = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
    start = max(0, at - limit // 3)

    def window(value: str) -> str:
        return (
            ("…" if start and value else "")
            + value[start : start + limit]
            + ("…" if start + limit < len(value) else "")
        )

    return window(old), window(new)


def _row_lines(
    table: TableDiff, cell: Callable[[str, int | None], str], name: Callable[[str], str] = str
) -> list[tuple[str, str]]:
    """(kind, description) of each listed row change; `cell(value, limit)` formats one value
    (limit None: whole), `name` a column's name. Keys are shown whole, values cut around their
    first difference (cut_pair), so that before and after never look the same."""
    out = []
    for kind, rows in (("added", table.added), ("removed", table.removed)):
        out += [(kind, cell(_key(row, table.key), None)) for row in rows[:MAX_LISTED]]
        if len(rows) > MAX_LISTED:
            out.append((kind, f"... and {len(rows) - MAX_LISTED} more"))
    for change in table.changed[:MAX_LISTED]:
        fields = "; ".join(
            f"{name(column)}: {cell(a, None)} -> {cell(b, None)}"
            for column, (a, b) in ((c, cut_pair(old, new)) for c, (old, new) in change.fields.items())
        )
        out.append(("changed", f"{cell('/'.join(change.key.values()), None)}: {fields}"))
    if len(table.changed) > MAX_LISTED:
        out.append(("changed", f"... and {len(table.changed) - MAX_LISTED} more"))
    return out


def text(diff: PackageDiff) -> str:
    lines = [
        f"Changes from {shown(diff.base)} (version {diff.base_version}) to {shown(diff.head)} "
        f"(version {diff.head_version}):"
    ]
    if diff.is_empty:
        return lines[0] + " none."
    schema = _schema_summary(diff)
    if schema:
        lines += ["Schema:"] + [f"  {line}" for line in schema]
    for name, table in diff.tables.items():
        if table.is_empty:
            continue
        lines.append(
            f"{name}: {len(table.added)} added, {len(table.removed)} removed, {len(table.changed)} changed"
            f" (rows matched by {', '.join(table.key)})"
        )
        # A value is already cut (cut_pair); a key is whole. shown() escapes what it prints.
        lines += [
            f"  {kind:<8} {what}" for kind, what in _row_lines(table, lambda v, limit: repr(shown(v, limit or 10_000)))
        ]
    return "\n".join(lines)


# Every ASCII punctuation character, each of which Markdown may act on (emphasis, links,
# images, headings, tables, HTML, entities): written with a backslash, each is plain text.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def md_text(value: object, limit: int = 60) -> str:
    """A value as plain text anywhere in a Markdown line, a table cell included: shortened,
    invisible characters and line breaks written as escapes (problems.visible), and every
    ASCII punctuation character backslash-escaped, so that nothing in it is read as
    Markdown or HTML (CommonMark: any ASCII punctuation may be escaped and is then literal)."""
    return _PUNCTUATION.sub(r"\\\1", shown(value, limit))


def md_code(value: object, limit: int = 60, in_table: bool = True) -> str:
    """A value as a code span: shortened and escaped (problems.visible), its backticks
    written as ' so that the span cannot end early, and in a table cell its pipes escaped
    (a GFM table splits cells at a pipe even inside a span). Inside the span nothing else
    is read as Markdown or HTML. An empty value is shown as (empty)."""
    if value in (None, ""):
        return "(empty)"
    text = shown(value, limit).replace("`", "'")
    return "`" + (text.replace("|", "\\|") if in_table else text) + "`"


def markdown(diff: PackageDiff) -> str:
    """The diff as GitHub Markdown (a pull request's summary): every name and value that
    comes from the packages compared is written through md_code or md_text."""
    lines = [f"## Data changes: {md_code(diff.base, in_table=False)} → {md_code(diff.head, in_table=False)}", ""]
    if diff.is_empty:
        return "\n".join([*lines, "No change to any table or schema."])
    lines += [f"Version {md_text(str(diff.base_version))} → {md_text(str(diff.head_version))}.", ""]
    schema = _schema_summary(diff)
    if schema:
        lines += ["### Schema", ""] + [f"- {md_text(line, 200)}" for line in schema] + [""]
    lines += ["| table | added | removed | changed |", "|---|---:|---:|---:|"]
    lines += [
        f"| {md_code(name)} | {len(t.added)} | {len(t.removed)} | {len(t.changed)} |"
        for name, t in diff.tables.items()
        if not t.is_empty
    ]
    for name, table in diff.tables.items():
        if table.is_empty:
            continue
        lines += ["", f"### {md_code(name, in_table=False)}", "", "| change | row |", "|---|---|"]
        cell = lambda v, limit: md_code(v, limit or 10_000)
        lines += [f"| {kind} | {what} |" for kind, what in _row_lines(table, cell, md_text)]
    return "\n".join(lines)


def as_json(diff: PackageDiff) -> str:
    return json.dumps(diff.to_dict(), indent=2, ensure_ascii=False)


RENDER = {"text": text, "json": as_json, "markdown": markdown}
