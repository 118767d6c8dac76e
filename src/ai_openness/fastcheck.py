"""Check a built package at any size: column-at-a-time checks with polars.

`check_package(root)` makes the checks of the official `frictionless validate` on the CSV
resources (labels, types, required, unique, enum, pattern, length, minimum and maximum,
primary keys, foreign keys across resources, the bytes and SHA-256 the descriptor records)
and the package's own rules: each stored source matches its SHA-256 and length, each quote
sits at its offsets in its source, and each Parquet twin holds the same typed rows as its
CSV. Every rule about columns is read from the Table Schemas embedded in
`datapackage.json`; nothing here names a column of a table except the package rules
about sources and quotes.

Tables are read in chunks of rows, so memory stays bounded whatever the number of rows:
only the keys that other tables refer to, one 64-bit hash per row for each unique key, and
the columns the quote rule needs are kept across chunks.

Problems are located like the build's: file, CSV line (the header is line 1), field. The
message starts with the kind of problem, named as frictionless names it where frictionless
checks the same thing (`type-error`, `constraint-error`, `unique-error`, `primary-key`,
`foreign-key`, `hash-count`, `byte-count`, `incorrect-label`), so the two can be compared.

    python -m ai_openness.fastcheck [DIR] [--format json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from .contract import TYPES, key_list, polars_type, schema_foreign_keys
from .problems import Problem, shorten

CHUNK_ROWS = 250_000  # rows per chunk: about 25 MB of mentions, fast and small
LIMIT = 1_000  # problems of one kind in one file before the rest are counted, as frictionless does
DEFAULT_MISSING = [""]
DEFAULT_TRUE = ["true", "True", "TRUE", "1"]
DEFAULT_FALSE = ["false", "False", "FALSE", "0"]
DEFAULT_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")  # what datetime.strptime("%Y-%m-%d") accepts


# --- problems -------------------------------------------------------------------------

class Problems:
    """Problems found so far, by file, with rows still to be turned into CSV lines."""

    def __init__(self) -> None:
        # (file, row, field, message, value, row named in the message as {first})
        self.found: list[tuple[str, int | None, str | None, str, str | None, int | None]] = []
        self.counts: dict[tuple[str, str], int] = defaultdict(int)
        self.lock = threading.Lock()  # the quote rule runs beside the table checks

    def add(self, rel: str, row: int | None, field_name: str | None, kind: str, message: str,
            value: object = None, first: int | None = None) -> None:
        with self.lock:
            self.counts[(rel, kind)] += 1
            if self.counts[(rel, kind)] <= LIMIT:
                shown = None if value is None else shorten(value)
                self.found.append((rel, row, field_name, f"{kind}: {message}", shown, first))

    def located(self, lines: dict[str, "LineMap"]) -> list[Problem]:
        def line(rel: str, row: int | None) -> int | None:
            return None if row is None else lines[rel].line(row) if rel in lines else row + 2

        out = [Problem(rel, line(rel, row), field_name, message.replace("{first}", str(line(rel, first))),
                       value)
               for rel, row, field_name, message, value, first in self.found]
        for (rel, kind), count in self.counts.items():
            if count > LIMIT:
                out.append(Problem(rel, None, None, f"{kind}: {count - LIMIT} more not listed"))
        return sorted(out, key=lambda p: (p.file, p.line or 0, p.field or "", p.message))


# --- files ----------------------------------------------------------------------------

class LineMap:
    """Data row (0-based) -> CSV line. Rows are one line each unless a quoted cell holds a
    line break; only then are the lines worked out, from the quotes and line breaks."""

    def __init__(self, path: Path, newlines: int, ends_with_newline: bool):
        self.path, self.newlines, self.ends_with_newline = path, newlines, ends_with_newline
        self.rows: int | None = None
        self._starts: np.ndarray | None = None

    def line(self, row: int) -> int:
        lines = self.newlines + (0 if self.ends_with_newline else 1)
        if self.rows is None or lines == self.rows + 1:
            return row + 2
        if self._starts is None:
            self._starts = _record_lines(self.path)
        return int(self._starts[row]) if row < len(self._starts) else row + 2


def _record_lines(path: Path, chunk: int = 64 << 20) -> np.ndarray:
    """Line of each data row: a line break ends a row when an even number of quotes precede it."""
    separators, parity, seen = [], 0, 0
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            data = np.frombuffer(block, dtype=np.uint8)
            quotes = np.cumsum(data == 34, dtype=np.int64) + parity
            breaks = np.flatnonzero(data == 10)
            ordinals = np.arange(seen, seen + len(breaks))
            separators.append(ordinals[quotes[breaks] % 2 == 0])
            parity, seen = int(quotes[-1]) % 2, seen + len(breaks)
    ordinals = np.concatenate(separators) if separators else np.zeros(0, dtype=np.int64)
    return ordinals[:-1] + 2 if len(ordinals) else ordinals  # the header's break starts row 0


def _digest(path: Path) -> tuple[str, int, int, bool]:
    """SHA-256, size, line breaks and whether the file ends with one, in one read."""
    sha, size, newlines, last = hashlib.sha256(), 0, 0, b""
    with open(path, "rb") as handle:
        while block := handle.read(16 << 20):
            sha.update(block)
            size += len(block)
            newlines += block.count(b"\n")
            last = block[-1:]
    return sha.hexdigest(), size, newlines, last == b"\n"


def _read(path: Path) -> bytes:
    """A whole file, with plain system calls: twice as fast as Path.read_bytes on the
    100,000 small stored texts of a large package."""
    fd = os.open(path, os.O_RDONLY)
    try:
        parts = [os.read(fd, os.fstat(fd).st_size + 1)]
        while parts[-1]:
            parts.append(os.read(fd, 1 << 20))
        return b"".join(parts)
    finally:
        os.close(fd)


# --- resources ------------------------------------------------------------------------

@dataclass
class Resource:
    name: str
    path: str
    schema: dict
    descriptor: dict
    twin: str | None = None

    @property
    def fields(self) -> list[dict]:
        return self.schema["fields"]

    @property
    def names(self) -> list[str]:
        return [f["name"] for f in self.fields]

    def foreign_keys(self) -> list[tuple[list[str], str, list[str]]]:
        return [(fk.fields, fk.resource, fk.reference) for fk in schema_foreign_keys(self.schema, self.name)]

    def unique_keys(self) -> list[tuple[list[str], str]]:
        """(columns, kind): the primary key and each field marked unique."""
        keys = []
        pk = key_list(self.schema.get("primaryKey"))
        if pk:
            keys.append((pk, "primary-key"))
        for f in self.fields:
            if f.get("constraints", {}).get("unique"):
                keys.append(([f["name"]], "unique-error"))
        return keys


def _resources(root: Path) -> list[Resource]:
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    twins = {}
    parquet = root / "datapackage.parquet.json"
    if parquet.is_file():
        twins = {r["name"]: r["path"] for r in json.loads(parquet.read_text(encoding="utf-8"))["resources"]}
    return [Resource(r["name"], r["path"], r["schema"], r, twins.get(r["name"]))
            for r in descriptor["resources"]]


def _order(resources: list[Resource]) -> list[Resource]:
    """Referenced tables first, so foreign keys are checked as each chunk is read."""
    by_name = {r.name: r for r in resources}
    done: list[Resource] = []

    def visit(resource: Resource, path: tuple[str, ...]) -> None:
        if resource in done or resource.name in path:
            return
        for _, target, _ in resource.foreign_keys():
            if target != resource.name and target in by_name:
                visit(by_name[target], path + (resource.name,))
        done.append(resource)

    for resource in resources:
        visit(resource, ())
    return done


# --- cells ----------------------------------------------------------------------------

@dataclass
class Cells:
    """One chunk of a table read as text, typed by the schema, with its problems."""

    typed: pl.DataFrame
    unreliable: pl.DataFrame  # True where the CSV cell is invalid (type error or missing when required)


def _typed(field: dict, text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(typed value, type error) of a non-missing cell, by the field's type and format.

    The vectorised parsers accept the usual spellings; a cell they reject is parsed again
    the way frictionless parses it (see _parse) before it counts as a type error.
    """
    kind, fmt = field["type"], field.get("format", "default")
    if kind == "string":
        if fmt == "uri":  # what rfc3986 requires of frictionless' uri: a scheme and no blanks
            return text, ~text.str.contains(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]*$")
        return text, pl.lit(False)
    if kind in ("integer", "number"):
        value = text.cast(polars_type(kind), strict=False)
    elif kind == "boolean":
        true, false = field.get("trueValues", DEFAULT_TRUE), field.get("falseValues", DEFAULT_FALSE)
        value = pl.when(text.is_in(true)).then(True).when(text.is_in(false)).then(False).otherwise(None)
    elif kind == "date":
        if fmt in ("default", None):
            value = text.str.to_date("%Y-%m-%d", strict=False)
            return value, value.is_null() | ~text.str.contains(DEFAULT_DATE.pattern)
        value = text.str.to_date(fmt, strict=False)
    else:  # a type this package does not use: keep the text, check nothing more
        return text, pl.lit(False)
    return value, value.is_null()


def _parse(field: dict, cell: str) -> object:
    """A cell as frictionless reads it (its integer, number and date readers); None if invalid."""
    import datetime as dt
    from decimal import Decimal, InvalidOperation

    try:
        if field["type"] == "integer":
            value = int(cell.strip())
            return value if -(2**63) <= value < 2**63 else None  # what a 64-bit column holds
        if field["type"] == "number":
            return float(Decimal(cell.strip()))
        if field["type"] == "date":
            fmt = field.get("format", "default")
            return dt.datetime.strptime(cell, "%Y-%m-%d" if fmt in ("default", None) else fmt).date()
    except (ValueError, InvalidOperation):
        return None
    return None


def _literal(field: dict, value: object) -> object:
    """An enum value or bound of the schema, in the field's type."""
    if field["type"] == "integer":
        return int(value)
    if field["type"] == "number":
        return float(value)
    if field["type"] == "date" and isinstance(value, str):
        import datetime as dt

        return dt.date.fromisoformat(value)
    return value


def check_cells(resource: Resource, chunk: pl.DataFrame, row0: int, problems: Problems) -> Cells:
    rel = resource.path
    missing_values = resource.schema.get("missingValues", DEFAULT_MISSING)
    # First pass: each cell's typed value, whether it is missing and whether its type is
    # wrong, each computed once; the constraints below read these columns.
    first: list[pl.Expr] = []
    for f in resource.fields:
        name = f["name"]
        text = pl.col(name)
        missing = text.is_null()
        for value in missing_values:
            missing = missing | (text == value)
        value, type_error = _typed(f, text)
        first += [missing.alias(f"{name}|missing"), (~missing & type_error).alias(f"{name}|wrong"),
                  pl.when(~missing & ~type_error).then(value).otherwise(None).alias(name)]
    cells = chunk.select(first)
    for f in resource.fields:  # cells the vectorised parsers rejected, read as frictionless does
        name = f["name"]
        if f["type"] not in ("integer", "number", "date") or not cells[f"{name}|wrong"].any():
            continue
        rows = cells[f"{name}|wrong"].arg_true()
        parsed = [(row, _parse(f, raw)) for row, raw in zip(rows.to_list(), chunk[name].gather(rows).to_list())]
        fixed = [(row, value) for row, value in parsed if value is not None]
        if fixed:
            where = pl.Series([row for row, _ in fixed], dtype=pl.UInt32)
            values = pl.Series([value for _, value in fixed], dtype=cells[name].dtype)
            cells = cells.with_columns(cells[name].scatter(where, values),
                                       cells[f"{name}|wrong"].scatter(where, False))
    flags: dict[str, pl.Expr] = {}  # "field|kind|message" -> True where the problem is
    for f in resource.fields:
        name, constraints = f["name"], f.get("constraints", {})
        value, valid = pl.col(name), pl.col(name).is_not_null()
        flags[f"{name}|type-error|is not a valid {f['type']}"] = pl.col(f"{name}|wrong")
        if constraints.get("required"):
            flags[f"{name}|constraint-error|is required"] = pl.col(f"{name}|missing")
        if "enum" in constraints:
            allowed = [_literal(f, v) for v in constraints["enum"]]
            flags[f"{name}|constraint-error|is not one of {', '.join(map(str, constraints['enum']))}"] = (
                valid & ~value.is_in(allowed))
        if "pattern" in constraints and f["type"] == "string":
            flags[f"{name}|constraint-error|does not match the pattern {constraints['pattern']}"] = (
                valid & ~value.str.contains(f"^(?:{constraints['pattern']})$"))
        for bound, test in (("minLength", lambda v, b: v.str.len_chars() < b),
                            ("maxLength", lambda v, b: v.str.len_chars() > b)):
            if bound in constraints and f["type"] == "string":
                flags[f"{name}|constraint-error|is not within {bound} {constraints[bound]}"] = (
                    valid & test(value, constraints[bound]))
        for bound, test in (("minimum", lambda v, b: v < b), ("maximum", lambda v, b: v > b),
                            ("exclusiveMinimum", lambda v, b: v <= b), ("exclusiveMaximum", lambda v, b: v >= b)):
            if bound in constraints:
                flags[f"{name}|constraint-error|is not within {bound} {constraints[bound]}"] = (
                    valid & test(value, _literal(f, constraints[bound])))
    # Counting is cheap; rows are listed only for the checks that found something.
    hits = cells.select([flag.sum().alias(key) for key, flag in flags.items()]).row(0, named=True)
    for key in (k for k, count in hits.items() if count):
        name, kind, message = key.split("|", 2)
        rows = cells.select(pl.arg_where(flags[key])).to_series()
        for row, raw in zip(rows.to_list(), chunk[name].gather(rows).to_list()):
            problems.add(rel, row0 + row, name, kind, message, raw)
    names = resource.names
    required = {f["name"] for f in resource.fields if f.get("constraints", {}).get("required")}
    unreliable = [(pl.col(f"{n}|wrong") | (pl.col(f"{n}|missing") & pl.lit(n in required))).alias(n) for n in names]
    return Cells(cells.select(names), cells.select(unreliable))


# --- keys -----------------------------------------------------------------------------

@dataclass
class KeyHashes:
    """64-bit hashes of one unique key of one table, with their rows, kept across chunks."""

    columns: list[str]
    kinds: list[str]
    rows: list[np.ndarray] = field(default_factory=list)
    hashes: list[np.ndarray] = field(default_factory=list)

    def add(self, typed: pl.DataFrame, row0: int) -> None:
        present = pl.any_horizontal([pl.col(c).is_not_null() for c in self.columns])
        frame = typed.with_row_index("row", offset=row0).filter(present)
        key = pl.struct(self.columns).hash(seed=0) if len(self.columns) > 1 else pl.col(self.columns[0]).hash(seed=0)
        frame = frame.select(pl.col("row").cast(pl.Int64), key.alias("hash"))
        self.rows.append(frame["row"].to_numpy())
        self.hashes.append(frame["hash"].to_numpy())

    def candidates(self) -> np.ndarray:
        """Rows whose hash occurs more than once (the rest are certainly unique)."""
        if not self.hashes:
            return np.zeros(0, dtype=np.int64)
        hashes = np.concatenate(self.hashes)
        ordered = pl.Series(hashes).sort().to_numpy()  # polars sorts on both cores
        repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
        if not len(repeated):
            return np.zeros(0, dtype=np.int64)
        return np.sort(np.concatenate(self.rows)[np.isin(hashes, repeated)])


# --- the package ----------------------------------------------------------------------

class Checker:
    def __init__(self, root: Path):
        self.root = root
        self.problems = Problems()
        self.lines: dict[str, LineMap] = {}
        self.targets: dict[tuple[str, tuple[str, ...]], pl.DataFrame] = {}  # referenced keys per table
        self.kept: dict[str, pl.DataFrame] = {}  # columns the package rules need
        self.unreadable: set[str] = set()  # tables whose rows could not be checked

    # Referenced keys and kept columns are decided up front from the schemas.
    def plan(self, resources: list[Resource]) -> None:
        self.referenced = defaultdict(set)
        for resource in resources:
            for _, target, target_fields in resource.foreign_keys():
                self.referenced[target].add(tuple(target_fields))
        self.keep = {"sources": ["source_id", "path", "sha256", "characters"],
                     "stances": ["source_id", "quote_start", "quote_end", "quote"]}

    def run(self) -> list[Problem]:
        resources = self.resources = _resources(self.root)
        self.plan(resources)
        digests: dict[str, tuple] = {}
        hashing = threading.Thread(target=lambda: digests.update(
            {r.path: _digest(self.root / r.path) for r in resources if (self.root / r.path).is_file()}))
        hashing.start()  # hashlib releases the GIL: the file hashes cost no wall time
        # The quote rule's thread holds the GIL between file reads; a short switch interval
        # lets the table checks, which hand each chunk to polars, get it back promptly
        # (with the default 5 ms they wait for it at every polars call).
        interval = sys.getswitchinterval()
        sys.setswitchinterval(0.0002)
        try:
            deferred = self.tables(resources, hashing)
        finally:
            sys.setswitchinterval(interval)
        for resource in resources:
            self.descriptor_counts(resource, digests.get(resource.path))
        for resource, fields, target, target_fields, frame in deferred:
            self.foreign_key(resource, fields, target, target_fields, frame)
        return self.problems.located(self.lines)

    def tables(self, resources: list[Resource], hashing: threading.Thread) -> list:
        """Check every table, referenced ones first; return the foreign keys left to check."""
        deferred, quotes = [], None
        for resource in _order(resources):
            deferred += self.table(resource)
            if quotes is None and {"sources", "stances"} <= set(self.kept):
                # Reading the stored texts waits on files and hashlib, not on polars: it
                # runs beside the remaining tables (the largest, mentions, comes last).
                quotes = threading.Thread(target=self.sources_and_quotes)
                quotes.start()
        hashing.join()
        if quotes is not None:
            quotes.join()
        return deferred

    def descriptor_counts(self, resource: Resource, digest: tuple | None) -> None:
        if digest is None:
            return
        sha, size, newlines, ends = digest
        line_map = self.lines.get(resource.path)
        if line_map is not None:
            line_map.newlines, line_map.ends_with_newline = newlines, ends
        expected_hash = resource.descriptor.get("hash")
        if expected_hash and expected_hash.removeprefix("sha256:") != sha:
            self.problems.add(resource.path, None, None, "hash-count",
                              f"the file's SHA-256 is {sha}, the descriptor records {expected_hash}")
        if resource.descriptor.get("bytes") not in (None, size):
            self.problems.add(resource.path, None, None, "byte-count",
                              f"the file has {size} bytes, the descriptor records {resource.descriptor['bytes']}")

    def table(self, resource: Resource) -> list:
        rel, path = resource.path, self.root / resource.path
        if not path.is_file():
            self.problems.add(rel, None, None, "scheme-error", "the file does not exist")
            self.unreadable.add(resource.name)
            return []
        line_map = self.lines[rel] = LineMap(path, 0, True)
        try:
            header = pl.read_csv(path, n_rows=0, infer_schema=False).columns
        except Exception as exc:  # noqa: BLE001 - any reader failure is a problem of the file
            self.problems.add(rel, None, None, "source-error", f"cannot be read as CSV ({exc})")
            self.unreadable.add(resource.name)
            return []
        if header != resource.names:
            for i, expected in enumerate(resource.names):
                got = header[i] if i < len(header) else None
                if got != expected:
                    self.problems.add(rel, None, expected, "incorrect-label",
                                      f"column {i + 1} should be {expected!r}", got)
            self.unreadable.add(resource.name)
            return []  # without the right columns no cell can be checked
        keys = [KeyHashes(columns, [kind]) for columns, kind in resource.unique_keys()]
        merged: dict[tuple[str, ...], KeyHashes] = {}
        for key in keys:  # the primary key and a unique field over the same column share hashes
            if tuple(key.columns) in merged:
                merged[tuple(key.columns)].kinds += key.kinds
            else:
                merged[tuple(key.columns)] = key
        fks = resource.foreign_keys()
        now = [(f, t, tf) for f, t, tf in fks if (t, tuple(tf)) in self.targets]
        later = [(f, t, tf) for f, t, tf in fks if (t, tuple(tf)) not in self.targets]
        later_frames: dict[int, list[pl.DataFrame]] = defaultdict(list)
        mine = {tf: [] for tf in self.referenced.get(resource.name, ())}
        keep = [c for c in self.keep.get(resource.name, []) if c in resource.names]
        kept = []
        twin = _Twin(self.root, resource) if resource.twin else None
        row0 = 0
        try:
            batches = pl.scan_csv(path, infer_schema=False, quote_char='"').collect_batches(chunk_size=CHUNK_ROWS)
            for chunk in batches:
                cells = check_cells(resource, chunk, row0, self.problems)
                typed = cells.typed
                for key in merged.values():
                    key.add(typed, row0)
                for fields, target, target_fields in now:
                    self.foreign_key_chunk(resource, fields, target, target_fields, typed, row0)
                for i, (fields, target, target_fields) in enumerate(later):
                    later_frames[i].append(typed.with_row_index("row", offset=row0).select(
                        pl.col("row").cast(pl.Int64), *fields))
                for target_fields in mine:
                    mine[target_fields].append(typed.select(list(target_fields)))
                if keep:
                    kept.append(typed.with_row_index("row", offset=row0).select(
                        pl.col("row").cast(pl.Int64), *keep))
                if twin:
                    twin.compare(cells, row0, self.problems)
                row0 += chunk.height
        except pl.exceptions.PolarsError as exc:
            self.problems.add(rel, None, None, "source-error", f"cannot be read as CSV ({exc})")
            self.unreadable.add(resource.name)
            return []
        line_map.rows = row0
        if twin:
            twin.finish(row0, self.problems)
        for target_fields, frames in mine.items():
            columns = list(target_fields)
            frame = pl.concat(frames) if frames else pl.DataFrame(schema={c: pl.String for c in columns})
            self.targets[(resource.name, target_fields)] = frame.drop_nulls().unique()
        if keep:
            self.kept[resource.name] = pl.concat(kept)
        for key in merged.values():
            self.duplicates(resource, key)
        return [(resource, f, t, tf, pl.concat(later_frames[i]) if later_frames[i] else None)
                for i, (f, t, tf) in enumerate(later)]

    def duplicates(self, resource: Resource, key: KeyHashes) -> None:
        rows = key.candidates()
        if not len(rows):
            return
        # Hashes only say which rows may repeat a key: read those rows again to be exact.
        wanted = pl.Series("row", rows, dtype=pl.Int64)
        found, row0 = [], 0
        for chunk in pl.scan_csv(self.root / resource.path, infer_schema=False).collect_batches(
                chunk_size=CHUNK_ROWS):
            typed = check_cells(resource, chunk, row0, Problems()).typed
            found.append(typed.with_row_index("row", offset=row0).with_columns(pl.col("row").cast(pl.Int64))
                         .filter(pl.col("row").is_in(wanted.implode())).select("row", *key.columns))
            row0 += chunk.height
        frame = pl.concat(found).sort("row")
        first: dict[tuple, int] = {}
        for record in frame.iter_rows():
            row, values = record[0], tuple(record[1:])
            if values in first:
                shown = ", ".join("" if v is None else str(v) for v in values)
                for kind in key.kinds:
                    where = key.columns[0] if kind == "unique-error" else key.columns[-1]
                    self.problems.add(resource.path, row, where, kind,
                                      f"duplicate {'/'.join(key.columns)}; already used at line {{first}}",
                                      shown, first=first[values])
            else:
                first[values] = row

    def foreign_key_chunk(self, resource: Resource, fields: list[str], target: str, target_fields: list[str],
                          typed: pl.DataFrame, row0: int) -> None:
        frame = typed.with_row_index("row", offset=row0).select(pl.col("row").cast(pl.Int64), *fields)
        self.foreign_key(resource, fields, target, target_fields, frame)

    def foreign_key(self, resource: Resource, fields: list[str], target: str, target_fields: list[str],
                    frame: pl.DataFrame | None) -> None:
        if frame is None:
            return
        if target in self.unreadable:
            return  # already reported; every key would look dangling
        keys = self.targets.get((target, tuple(target_fields)))
        if keys is None:
            keys = pl.DataFrame(schema={c: frame.schema[f] for f, c in zip(fields, target_fields)})
        frame = frame.filter(pl.any_horizontal([pl.col(f).is_not_null() for f in fields]))
        # Distinct values first: a chunk of mentions names a few thousand sources.
        renamed = keys.rename(dict(zip(target_fields, fields)))
        values = frame.select(fields).unique()
        missing = values.join(renamed, on=fields, how="anti", nulls_equal=False)
        if not missing.height:
            return
        dangling = frame.join(missing, on=fields, how="semi", nulls_equal=True)
        for record in dangling.iter_rows():
            row, values = record[0], record[1:]
            shown = "/".join("" if v is None else str(v) for v in values)
            self.problems.add(resource.path, row, fields[0], "foreign-key",
                              f"no {target} row has {'/'.join(target_fields)} = {shown}", shown)

    def sources_and_quotes(self) -> None:
        """Stored sources match their SHA-256 and length; each quote sits at its offsets."""
        if "sources" not in self.kept or "stances" not in self.kept:
            return
        rel_of = {r.name: r.path for r in self.resources}
        # Stances grouped by source, so each stored text is read once and then let go.
        stances = self.kept["stances"].drop_nulls().sort("source_id", "row")
        bounds = {sid: (lo, lo + n) for sid, lo, n in stances.group_by("source_id", maintain_order=True).agg(
            pl.len().alias("n")).with_columns(pl.col("n").cum_sum().shift(1, fill_value=0).alias("lo"))
            .select("source_id", "lo", "n").iter_rows()}
        rows, starts, ends, quotes = (stances[c].to_list() for c in ("row", "quote_start", "quote_end", "quote"))
        for row, source_id, rel, sha, characters in self.kept["sources"].filter(
                pl.col("path").is_not_null()).iter_rows():
            # A lexical check (no "..", under sources/) instead of resolving each path:
            # resolving 100,000 paths costs seconds of system calls.
            parts = PurePosixPath(rel).parts
            path = self.root / rel
            if PurePosixPath(rel).is_absolute() or ".." in parts or parts[:1] != ("sources",) or not path.is_file():
                self.problems.add(rel_of["sources"], row, "path", "source-text", "no stored text at this path", rel)
                continue
            data = _read(path)
            digest = hashlib.sha256(data).hexdigest()
            if digest != sha:
                self.problems.add(rel_of["sources"], row, "sha256", "source-text",
                                  f"{rel} has SHA-256 {digest}, not the recorded one", sha)
                continue
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                self.problems.add(rel_of["sources"], row, "path", "source-text", f"{rel} is not UTF-8", rel)
                continue
            if characters is not None and characters != len(text):
                self.problems.add(rel_of["sources"], row, "characters", "source-text",
                                  f"{rel} has {len(text)} characters", characters)
            lo, hi = bounds.get(source_id, (0, 0))
            for i in range(lo, hi):
                if text[starts[i]:ends[i]] != quotes[i]:
                    self.problems.add(rel_of["stances"], rows[i], "quote", "quote",
                                      f"the source text at {starts[i]}:{ends[i]} is not the quote",
                                      text[starts[i]:ends[i]])


class _Twin:
    """The Parquet twin of a resource, read in step with its CSV."""

    def __init__(self, root: Path, resource: Resource):
        self.resource, self.rel = resource, resource.twin
        self.file: bool | None = None
        self.rows = 0
        path = root / resource.twin
        if not path.is_file():
            return
        metadata = pq.read_metadata(path)
        names = metadata.schema.to_arrow_schema().names
        if names != resource.names:
            self.problem = f"columns {names} differ from the schema's {resource.names}"
            self.file = False
            return
        self.total = metadata.num_rows
        # A slice of a lazy scan decodes only the pages it needs; iterating polars' batch
        # stream instead reads ahead and held a gigabyte of mentions at a million stances.
        self.scan = pl.scan_parquet(path)
        self.file = True

    def _take(self, row0: int, n: int) -> pl.DataFrame:
        return self.scan.slice(row0, n).collect()

    def compare(self, cells: Cells, row0: int, problems: Problems) -> None:
        if not self.file:
            return
        n = cells.typed.height
        twin = self._take(row0, n)
        self.rows += twin.height
        m = min(n, twin.height)
        differs = []
        for f in self.resource.fields:
            name = f["name"]
            mine = cells.typed[name].head(m)
            theirs = twin[name].head(m)
            try:
                theirs = theirs.cast(polars_type(f) if f["type"] in TYPES else theirs.dtype, strict=True)
            except pl.exceptions.PolarsError:
                problems.add(self.rel, None, name, "twin", f"holds {theirs.dtype}, the schema says {f['type']}")
                continue
            bad = ~mine.eq_missing(theirs) & ~cells.unreliable[name].head(m)
            if bad.any() and theirs.dtype == pl.String:  # an empty string and no value are one cell
                theirs = pl.select(pl.when(theirs == "").then(None).otherwise(theirs)).to_series()
                bad = ~mine.eq_missing(theirs) & ~cells.unreliable[name].head(m)
            if bad.any():
                differs.append((name, bad, theirs))
        for name, bad, theirs in differs:
            for i in bad.arg_true().to_list():
                problems.add(self.rel, row0 + i, name, "twin", f"differs from {self.resource.path}",
                             theirs[i])

    def finish(self, csv_rows: int, problems: Problems) -> None:
        if self.file is False:
            problems.add(self.rel, None, None, "twin", self.problem)
        elif self.file is None:
            problems.add(self.rel, None, None, "twin", "the Parquet twin does not exist")
        elif self.total != csv_rows:
            problems.add(self.rel, None, None, "twin",
                         f"has {self.total} rows, {self.resource.path} has {csv_rows}")


def check_package(root: Path) -> list[Problem]:
    """Every problem of the built package under `root`, located by file, line and field."""
    return Checker(Path(root)).run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ai_openness.fastcheck",
                                     description="Check a built package with vectorised checks.")
    parser.add_argument("root", nargs="?", default=".", help="package directory (default: .)")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    args = parser.parse_args(argv)
    problems = check_package(Path(args.root))
    if args.format == "json":
        print(json.dumps([p.to_dict() for p in problems], indent=2, ensure_ascii=False))
    elif problems:
        print(f"Invalid: {len(problems)} problem(s).")
        for problem in problems:
            print(f"  {problem}")
    else:
        print("Valid: every check passes.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
