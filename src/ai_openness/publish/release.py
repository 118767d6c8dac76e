"""Cut a versioned release: enforce the version policy, write the changelog section from
the row-level diff against the previous release, and build reproducible archives.

The previous release is the newest section of CHANGELOG.md; its data are those of the
commit that added that section (a release commits its changelog with its data).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ai_openness.compile.metadata import CITATION, CROISSANT, croissant
from ai_openness.compile.pipeline import build
from ai_openness.contract import DESCRIPTOR, PACKAGE_YAML, PARQUET_DESCRIPTOR, Contract
from ai_openness.core.problems import BuildFailed, Problem
from ai_openness.core.retired import TABLE as RETIRED_TABLE
from ai_openness.publish import archives, gitref
from ai_openness.publish.card import archive_readme
from ai_openness.publish.diff import PackageDiff, diff_packages
from ai_openness.publish.difftext import cut_pair
from ai_openness.safeio.schema import contract_for_build
from ai_openness.views.load import release_archive_name

CHANGELOG = "CHANGELOG.md"
RETIRED = "codings/retired.yaml"
_VERSION = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
_SECTION = re.compile(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", re.M)
_PINNED = re.compile(r"\n\nReleased from commit ([0-9a-f]{7,40})\.")
_HEADER = (
    "# Changelog\n\nRow-level changes of each release of the ai-openness data package, "
    "written by `ai-openness release`.\nVersions follow the policy in README.md "
    "(major: a column, table or meaning removed or changed, or a published row removed; "
    "minor: rows, tables or columns added; patch: corrections of existing values).\n"
)
CUT = 60  # characters of a value the changelog shows


def parse(version: str) -> tuple[int, int, int]:
    match = _VERSION.match(version)
    if not match:
        raise BuildFailed([Problem(PACKAGE_YAML, None, "version", "is not a semantic version X.Y.Z", version)])
    return tuple(int(part) for part in match.groups())  # type: ignore[return-value]


def change_class(diff: PackageDiff, generated: tuple[str, ...] = ()) -> str | None:
    """major, minor or patch, by the README's policy; None when nothing changed.

    A published row that is removed is a major change: a paper citing the version it was in
    names a row the next version no longer has. Rows of the `generated` tables (derived
    from the codings: mentions, aliases...) follow the rows they come from and do not count;
    nor does a retired id restored to its table.
    """
    schema = diff.schema
    if schema.removed_resources or any(
        r.removed_columns or r.changed_types or r.removed_enum_values or r.changed_primary_key
        for r in schema.resources.values()
    ):
        return "major"
    # A retired-id row that goes is an id restored to its table: its row is added back there.
    if any(table.removed for name, table in diff.tables.items() if name not in generated and name != RETIRED_TABLE):
        return "major"
    if schema.added_resources or not schema.is_empty:
        return "minor"
    tables = diff.tables.values()
    if any(t.added or t.removed for t in tables):  # removed here: rows of generated tables only
        return "minor"
    if any(t.changed for t in tables):
        return "patch"
    return None


def smallest_next(previous: str, level: str | None) -> str:
    major, minor, patch = parse(previous)
    if level == "major":
        return f"{major + 1}.0.0"
    if level == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def unretired_ids(diff: PackageDiff, retired: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(table, id) of each released id the new version drops without a retired_ids row.

    An id is the one-column primary key of a table (stance_id, organisation_id, ...);
    rows of tables keyed by several columns are not ids.
    """
    listed = {(row["table"], row["id"]) for row in retired}
    return [
        (name, row[table.key[0]])
        for name, table in diff.tables.items()
        if len(table.key) == 1
        for row in table.removed
        if (name, row[table.key[0]]) not in listed
    ]


@dataclass
class Previous:
    version: str
    commit: str


def previous_release(root: Path, version: str) -> Previous | None:
    """The newest release in CHANGELOG.md other than `version`, with the commit that added it."""
    return _release(root, lambda found: found != version)


def recorded_release(root: Path, version: str) -> Previous | None:
    """Release `version` as CHANGELOG.md records it, with the commit of its data; None when
    CHANGELOG.md has no such release (`ai-openness diff 0.1.0` reads it)."""
    return _release(root, lambda found: found == version)


def _release(root: Path, wanted: Callable[[str], bool]) -> Previous | None:
    """The newest release of CHANGELOG.md whose version is `wanted`, with the commit of its data."""
    path = root / CHANGELOG
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    for match in _SECTION.finditer(text):
        found = match.groups()
        if not wanted(found[0]):
            continue
        pinned = _PINNED.match(text, match.end())
        if pinned:  # a release cut before this command existed names its commit
            return Previous(found[0], pinned.group(1))
        heading = f"## [{found[0]}] - {found[1]}"
        log = subprocess.run(
            ["git", "-C", str(root), "log", "--format=%H", "-S", heading, "--", CHANGELOG],
            capture_output=True,
            text=True,
            check=False,
        )
        commits = log.stdout.split()
        if not commits:
            raise BuildFailed(
                [
                    Problem(
                        CHANGELOG,
                        None,
                        None,
                        f"release {found[0]} is not in the git history",
                        fix="commit each release's changelog section with its data",
                    )
                ]
            )
        return Previous(found[0], commits[-1])
    return None


def _cell(value: str, limit: int = CUT) -> str:
    """A value as the changelog shows it; long text is cut (`ai-openness diff` shows it whole)."""
    if not value:
        return "(empty)"
    value = value if len(value) <= limit else value[: limit - 1] + "…"
    return "`" + value.replace("`", "'") + "`"


def _pair(old: str, new: str, limit: int = CUT) -> str:
    """`before` → `after`, each cut around the first character in which they differ
    (difftext.cut_pair), so that a cut never makes two different values look the same."""
    before, after = cut_pair(old, new, limit)

    def shown(value: str) -> str:
        return "`" + value.replace("`", "'") + "`" if value else "(empty)"

    return f"{shown(before)} → {shown(after)}"


def _key(row: dict[str, Any], key: list[str]) -> str:
    """A row's key, whole (never cut: it is what a reader looks the row up by)."""
    return ", ".join("`" + str(row[c]).replace("`", "'") + "`" for c in key)


def removed_rows(diff: PackageDiff, retired: list[dict[str, Any]], generated: tuple[str, ...] = ()) -> list[str]:
    """Each published row the release removes, with its successor: "stances `a` (→ `b`)". A
    retired-id row that goes is an id restored (restored_ids), not a row a citation loses."""
    successors = {(r["table"], r["id"]): r.get("successor") for r in retired}
    out = []
    for name, table in diff.tables.items():
        if name in generated or name == RETIRED_TABLE:
            continue
        for row in table.removed:
            successor = successors.get((name, row[table.key[0]])) if len(table.key) == 1 else None
            out.append(f"{name} {_key(row, table.key)} (" + (f"→ `{successor}`" if successor else "no successor") + ")")
    return out


def restored_ids(diff: PackageDiff) -> list[str]:
    """The ids retired in an earlier release that are back in their table: "stances `a`"."""
    table = diff.tables.get(RETIRED_TABLE)
    return [f"{row['table']} `{row['id']}`" for row in table.removed] if table else []


def changelog_section(
    version: str,
    date: str,
    previous: Previous | None,
    diff: PackageDiff | None,
    counts: dict[str, int],
    level: str | None,
    generated: tuple[str, ...] = (),
    retired: list[dict[str, Any]] | None = None,
) -> str:
    """The CHANGELOG.md section of a release: one line per row added, removed or changed
    (its key whole, each changed field before → after); rows of the `generated` tables
    (derived from the codings) are counted, not listed. The first line names the published
    rows removed, with their successors: the reason for a major version."""
    lines = [f"## [{version}] - {date}", ""]
    if diff is None or previous is None:
        lines += ["Initial release.", "", "| table | rows |", "|---|---:|"]
        lines += [f"| `{name}` | {count} |" for name, count in counts.items()]
        return "\n".join(lines) + "\n"
    removed = removed_rows(diff, retired or [], generated)
    first = f"Compared with {previous.version}: {level or 'no'} change."
    if removed:
        first += f" Removes {len(removed)} published row{'s' if len(removed) > 1 else ''}: " + "; ".join(removed) + "."
    restored = restored_ids(diff)
    if restored:
        first += (
            f" Restores {len(restored)} id{'s' if len(restored) > 1 else ''} retired earlier: "
            + "; ".join(restored)
            + "."
        )
    lines += [
        first,
        "",
        "| table | rows | added | removed | changed |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, table in diff.tables.items():
        lines.append(
            f"| `{name}` | {counts.get(name, 0)} | {len(table.added)} | {len(table.removed)} | {len(table.changed)} |"
        )
    schema = diff.schema
    if not schema.is_empty:
        lines += ["", "### Schema"]
        lines += [f"- table added: `{n}`" for n in schema.added_resources]
        lines += [f"- table removed: `{n}`" for n in schema.removed_resources]
        for name, r in schema.resources.items():
            lines += [f"- `{name}`: column added `{c}`" for c in r.added_columns]
            lines += [f"- `{name}`: column removed `{c}`" for c in r.removed_columns]
            lines += [f"- `{name}.{c}`: type {a} → {b}" for c, (a, b) in r.changed_types.items()]
            lines += [f"- `{name}.{c}`: values added {', '.join(v)}" for c, v in r.added_enum_values.items()]
            lines += [f"- `{name}.{c}`: values removed {', '.join(v)}" for c, v in r.removed_enum_values.items()]
            lines += [f"- `{name}.{c}`: constraints changed" for c in r.changed_constraints]
    for name, table in diff.tables.items():
        if table.is_empty or name in generated:
            continue
        lines += ["", f"### {name}", ""]
        lines += [f"- added {_key(r, table.key)}" for r in table.added]
        lines += [f"- removed {_key(r, table.key)}" for r in table.removed]
        for change in table.changed:
            fields = "; ".join(f"{c}: {_pair(o, n)}" for c, (o, n) in change.fields.items())
            lines.append(f"- changed {_key(change.key, table.key)}: {fields}")
    if any(not diff.tables[n].is_empty for n in generated if n in diff.tables):
        lines += [
            "",
            "Rows of the generated tables ("
            + ", ".join(f"`{n}`" for n in generated)
            + ") follow from the codings; `ai-openness diff` lists them.",
        ]
    return "\n".join(lines) + "\n"


def write_changelog(root: Path, version: str, section: str) -> None:
    path = root / CHANGELOG
    text = path.read_text(encoding="utf-8") if path.is_file() else _HEADER
    sections = [(m.start(), m.group(1)) for m in _SECTION.finditer(text)]
    head = text[: sections[0][0]] if sections else text.rstrip("\n") + "\n\n"
    kept = []
    for i, (start, found) in enumerate(sections):
        end = sections[i + 1][0] if i + 1 < len(sections) else len(text)
        if found != version:
            kept.append(text[start:end].rstrip("\n") + "\n")
    path.write_text(head + "\n".join([section, *kept]), encoding="utf-8")


def set_version(root: Path, version: str, date: str) -> None:
    """Record the version and its release date in schema/package.yaml, the one place they live."""
    path = root / PACKAGE_YAML
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^version: .*$", f"version: {version}", text, count=1)
    if re.search(r"(?m)^released: ", text):
        text = re.sub(r"(?m)^released: .*$", f"released: {date}", text, count=1)
    else:
        text = re.sub(r"(?m)^(version: .*)$", rf"\1\nreleased: {date}", text, count=1)
    path.write_text(text, encoding="utf-8")


def _recorded(root: Path) -> tuple[str, str | None]:
    text = (root / PACKAGE_YAML).read_text(encoding="utf-8")
    found = re.search(r"(?m)^version: (.*)$", text)
    if found is None:
        raise BuildFailed([Problem(PACKAGE_YAML, None, "version", "has no `version: X.Y.Z` line")])
    version = found.group(1).strip()
    released = re.search(r"(?m)^released: (.*)$", text)
    return version, released.group(1).strip() if released else None


def _build_archives(root: Path, version: str, date: str, dist: Path) -> list[Path]:
    # The repository's README.md describes the checkout; each archive gets its own (a
    # dataset card generated from its descriptor, see archives.package_members).
    extra = (CITATION, CHANGELOG, "LICENSE", "LICENSE-DATA.md")
    csv_zip = dist / f"ai-openness-{version}-csv.zip"
    parquet_zip = dist / release_archive_name(version)
    for path, descriptor, suffix in ((csv_zip, DESCRIPTOR, "csv"), (parquet_zip, PARQUET_DESCRIPTOR, "parquet")):
        members = archives.package_members(root, descriptor, suffix, extra)
        document = json.loads(members[DESCRIPTOR])
        contract = Contract.from_descriptor(document, f"{path.name}:{DESCRIPTOR}")
        # The archive's own croissant.json (its flavour's files and hashes) and README.
        hashes = {rel: hashlib.sha256(data).hexdigest() for rel, data in members.items() if rel.startswith("data/")}
        members[CROISSANT] = croissant(contract, document, date, hashes).encode("utf-8")
        members["README.md"] = archive_readme(document, date, contract).encode("utf-8")
        archives.write_zip(path, members)
    for old in dist.glob(f"ai_openness-{version}-*.whl"):
        old.unlink()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(dist),
            str(root),
        ],
        check=True,
        timeout=600,
    )
    wheel = next(dist.glob(f"ai_openness-{version}-*.whl"))
    made = [csv_zip, parquet_zip, wheel]
    return made + [archives.write_checksum(path) for path in made]


def release(root: Path, version: str, date: str | None = None, dist: Path | None = None) -> tuple[str, list[Path]]:
    """Release `version` from the package under `root`; return the changelog section and the files made."""
    parse(version)
    # The wheel is built with hatchling (the `release` extra): missing, it is named before anything changes.
    importlib.import_module("hatchling.build")
    result, stale = build(root, check=True)
    if stale:
        raise BuildFailed(
            [Problem(s, None, None, "is out of date", fix="run `ai-openness build` and commit first") for s in stale]
        )
    previous = previous_release(root, version)
    diff, level = None, None
    if previous is not None:
        with tempfile.TemporaryDirectory() as base:
            gitref.materialise(root, previous.commit, Path(base))
            diff = diff_packages(Path(base), root, previous.version, "release")
        dropped = unretired_ids(diff, result.tables.get(RETIRED_TABLE, []))
        if dropped:
            raise BuildFailed(
                [
                    Problem(
                        RETIRED,
                        None,
                        "id",
                        f"{table} id {identifier} was released in "
                        f"{previous.version} and is gone, but is not listed as retired",
                        identifier,
                        fix=f"keep the id, or add an entry to {RETIRED}: table: {table}, "
                        f"id: {identifier}, successor (if it was renamed or merged), reason, "
                        f'retired_in: "{version}"; then run `ai-openness build`',
                    )
                    for table, identifier in dropped
                ]
            )
        generated = contract_for_build(root).generated_tables
        level = change_class(diff, generated)
        floor = smallest_next(previous.version, level)
        if parse(version) < parse(floor):
            removed = removed_rows(diff, result.tables.get(RETIRED_TABLE, []), generated)
            why = (
                f"; it removes {len(removed)} published row(s), which a paper citing {previous.version} may "
                f"name: {'; '.join(removed[:5])}" + (" ..." if len(removed) > 5 else "")
                if removed and level == "major"
                else ""
            )
            raise BuildFailed(
                [
                    Problem(
                        PACKAGE_YAML,
                        None,
                        "version",
                        f"{version} is smaller than the changes since {previous.version} require "
                        f"({level or 'no'} change{why}): the next version is at least {floor}",
                        version,
                        expected=floor,
                    )
                ]
            )
    recorded_version, recorded_date = _recorded(root)
    date = date or (recorded_date if recorded_version == version and recorded_date else None)
    date = date or dt.datetime.now(dt.UTC).date().isoformat()
    set_version(root, version, date)
    contract = contract_for_build(root)  # read again: the version and date just changed
    result, _ = build(root, contract=contract)
    counts = {name: len(rows) for name, rows in result.tables.items()}
    section = changelog_section(
        version, date, previous, diff, counts, level, contract.generated_tables, result.tables.get(RETIRED_TABLE, [])
    )
    write_changelog(root, version, section)
    made = _build_archives(root, version, date, dist or root / "dist")
    return section, made
