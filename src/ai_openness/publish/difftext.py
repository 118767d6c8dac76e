"""A PackageDiff written for people: plain text, or Markdown for a pull request summary."""

from __future__ import annotations

import html
import json

from ai_openness.core.problems import shown
from ai_openness.publish.diff import PackageDiff, ResourceSchemaDiff, TableDiff

MAX_LISTED = 50  # rows listed per table and kind of change; the counts are always complete


def _key(row: dict[str, str], key: list[str]) -> str:
    return "/".join(row.get(c, "") for c in key)


def _schema_lines(name: str, changes: ResourceSchemaDiff) -> list[str]:
    lines = []
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
    for column, (old, new) in changes.changed_constraints.items():
        lines.append(f"{name}.{column}: constraints {json.dumps(old)} -> {json.dumps(new)}")
    if changes.changed_primary_key:
        old, new = changes.changed_primary_key
        lines.append(f"{name}: primary key {', '.join(old)} -> {', '.join(new)}")
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
    window = lambda value: (
        ("…" if start and value else "") + value[start : start + limit] + ("…" if start + limit < len(value) else "")
    )
    return window(old), window(new)


def _row_lines(table: TableDiff, cell) -> list[tuple[str, str]]:
    """(kind, description) of each listed row change; `cell` formats one value. Keys are
    shown whole, values cut around their first difference."""
    out = []
    for kind, rows in (("added", table.added), ("removed", table.removed)):
        out += [(kind, cell(_key(row, table.key), None)) for row in rows[:MAX_LISTED]]
        if len(rows) > MAX_LISTED:
            out.append((kind, f"... and {len(rows) - MAX_LISTED} more"))
    for change in table.changed[:MAX_LISTED]:
        fields = "; ".join(
            f"{column}: {cell(a, 0)} -> {cell(b, 0)}"
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
        lines += [f"  {kind:<8} {what}" for kind, what in _row_lines(table, lambda v, cut: repr(shown(v, 10_000)))]
    return "\n".join(lines)


def _md(value: str, limit: int = 60) -> str:
    """A value safe inside a Markdown table cell: no HTML, no pipes, no line breaks."""
    return html.escape(shown(value, limit)).replace("|", "\\|").replace("`", "'")


def markdown(diff: PackageDiff) -> str:
    lines = [f"## Data changes: `{_md(diff.base)}` → `{_md(diff.head)}`", ""]
    if diff.is_empty:
        return "\n".join([*lines, "No change to any table or schema."])
    lines += [f"Version {_md(str(diff.base_version))} → {_md(str(diff.head_version))}.", ""]
    schema = _schema_summary(diff)
    if schema:
        lines += ["### Schema", ""] + [f"- {_md(line)}" for line in schema] + [""]
    lines += ["| table | added | removed | changed |", "|---|---:|---:|---:|"]
    lines += [
        f"| `{name}` | {len(t.added)} | {len(t.removed)} | {len(t.changed)} |"
        for name, t in diff.tables.items()
        if not t.is_empty
    ]
    for name, table in diff.tables.items():
        if table.is_empty:
            continue
        lines += ["", f"### `{name}`", "", "| change | row |", "|---|---|"]
        lines += [f"| {kind} | {what} |" for kind, what in _row_lines(table, lambda v, cut: f"`{_md(v, 10_000)}`")]
    return "\n".join(lines)


def as_json(diff: PackageDiff) -> str:
    return json.dumps(diff.to_dict(), indent=2, ensure_ascii=False)


RENDER = {"text": text, "json": as_json, "markdown": markdown}
