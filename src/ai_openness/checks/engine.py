"""The checking engine: every table read once, a chunk of rows at a time, every check made
on the chunk's columns.

Tables are read referenced-first, so most foreign keys are checked as each chunk is read;
across chunks only key hashes, the referenced key values and the columns the stored-text
rule needs are kept, so memory stays bounded whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from ai_openness.checks import table_rules
from ai_openness.checks.cells import check_hygiene
from ai_openness.checks.findings import Findings, Located
from ai_openness.checks.keys import KeyHashes, dangling, unique_keys
from ai_openness.checks.package_rules import KEEP, check_actor, check_dates, check_offsets, check_texts
from ai_openness.checks.schema_checks import check_cells, check_labels, check_limits, check_shape
from ai_openness.checks.twins import Twin
from ai_openness.contract import Contract, ForeignKey
from ai_openness.core.limits import Limits
from ai_openness.core.retired import TABLE as RETIRED_TABLE
from ai_openness.safeio.descriptor import Descriptor, Resource
from ai_openness.safeio.scan import Scan, not_utf8_problem, record_cells, scan

EMITS = ("hash-count", "byte-count", "limit", "source-error")
CHUNK_ROWS = 250_000  # rows per chunk: about 25 MB of mentions, fast and small


def _order(contract: Contract, names: list[str]) -> list[str]:
    """Referenced tables first, so foreign keys are checked as each chunk is read."""
    done: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in done or name in path:
            return
        for fk in contract.foreign_keys(name):
            if fk.resource != name and fk.resource in names:
                visit(fk.resource, (*path, name))
        done.append(name)

    for name in names:
        visit(name, ())
    return done


def _chunks(path: Path) -> Iterator[pl.DataFrame]:
    return pl.scan_csv(path, infer_schema=False, truncate_ragged_lines=True).collect_batches(chunk_size=CHUNK_ROWS)


@dataclass
class _TableState:
    """What is kept across the chunks of one table."""

    name: str
    rel: str
    suspect: bool  # may hold an invisible character (the file's scan says; rows in memory always may)
    longest: int  # the longest cell, in bytes
    keys: list[KeyHashes]  # hashes of each unique key
    now: list[ForeignKey]  # foreign keys whose targets are read: checked chunk by chunk
    later: list[tuple[ForeignKey, list[pl.DataFrame]]]  # the others (a self-reference): values kept
    mine: dict[tuple[str, ...], list[pl.DataFrame]]  # this table's values other tables refer to
    keep: list[str]  # columns the stored-text rule needs
    twin: Twin | None
    kept: list[pl.DataFrame] = field(default_factory=list)


class Engine:
    """Checks tables read from the files of a descriptor (run) or given in memory (run_frames)."""

    def __init__(
        self,
        root: Path | None,
        contract: Contract,
        names: list[str],
        limits: Limits,
        today: dt.date,
        check_stored_texts: bool,
        descriptor: Descriptor | None = None,
        twins: dict[str, Resource] | None = None,
    ):
        self.root, self.descriptor, self.twins, self.limits, self.today = root, descriptor, twins or {}, limits, today
        self.contract = contract  # the schemas the tables are checked against
        self.names = names
        self.rels: dict[str, str] = {}
        self.check_stored_texts = check_stored_texts
        self.findings = Findings()
        # The file each table's rows are written in, as messages name it (the build gives the codings).
        self.defined_in: dict[str, str] = {}
        self.files: dict[str, Located] = {}
        self.rows: dict[str, int] = {}
        self.unreadable: set[str] = set()
        self.targets: dict[tuple[str, tuple[str, ...]], pl.DataFrame] = {}  # referenced key values per table
        self.kept: dict[str, pl.DataFrame] = {}
        self.typed: dict[str, pl.DataFrame] = {}  # tables given in memory, typed by their schemas
        self.referenced: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        for name in names:
            for fk in contract.foreign_keys(name):
                self.referenced[fk.resource].add(tuple(fk.reference))
            key = contract.primary_key(name)
            if RETIRED_TABLE in names and len(key) == 1:  # a retired id must not be a current one
                self.referenced[name].add(tuple(key))

    @property
    def _read(self) -> Descriptor:
        """The descriptor whose files run() reads (an engine on frames in memory has none)."""
        if self.descriptor is None:
            raise ValueError("this engine checks tables in memory (run_frames); it has no files to read")
        return self.descriptor

    @property
    def _root(self) -> Path:
        if self.root is None:
            raise ValueError("this engine checks tables in memory (run_frames); it has no package directory")
        return self.root

    def run(self) -> None:
        later: list[tuple[str, ForeignKey, pl.DataFrame]] = []
        texts: threading.Thread | None = None
        for name in _order(self.contract, self.names):
            resource = self._read.resources[name]
            self.rels[name] = resource.path
            later += self.table(resource)
            if texts is None and self.check_stored_texts and set(KEEP) <= set(self.kept):
                # Reading the stored texts waits on files and hashlib, not on polars: it runs
                # beside the remaining tables (the largest, mentions, comes last).
                rels = {name: self._read.resources[name].path for name in KEEP}
                texts = threading.Thread(
                    target=check_texts, args=(self._root, rels, self.kept, self.limits.text_bytes, self.findings)
                )
                texts.start()
        if texts is None and self.check_stored_texts and "sources" in self.kept:  # stances could not be read
            check_texts(
                self._root,
                {name: r.path for name, r in self._read.resources.items()},
                self.kept,
                self.limits.text_bytes,
                self.findings,
            )
        self.finish(later)
        if texts is not None:
            texts.join()

    def run_frames(self, frames: dict[str, pl.DataFrame]) -> None:
        """Check tables held in memory: every cell a string, or None for an empty one, as the
        CSV would hold it; each frame is one chunk and its table's name is its file."""
        later = []
        for name in _order(self.contract, self.names):
            frame, self.rels[name] = frames[name], name
            state = self._state(name, name, True, 0, None)
            self.typed[name] = self.chunk(state, frame, 0)
            later += self._finish(state, frame.height, partial(_reread, [frame], name, self.contract))
        self.finish(later)

    def finish(self, later: list[tuple[str, ForeignKey, pl.DataFrame]]) -> None:
        """What needs every table read: foreign keys to a later table, rules across tables."""
        for rel, fk, frame in later:
            if not self._skipped(fk):
                dangling(
                    rel,
                    fk,
                    frame,
                    self.targets.get((fk.resource, tuple(fk.reference))),
                    self.findings,
                    self._defined_in(fk.resource),
                )
        kept = {name: self.kept[name] for name in table_rules.COLUMNS if name in self.kept}
        table_rules.check(self.contract, kept, self.rels, self._ids, self.findings)

    def _defined_in(self, table: str) -> str:
        return self.defined_in.get(table) or self.rels.get(table) or f"data/{table}.csv"

    def _ids(self, table: str) -> set[str] | None:
        """The ids of a table keyed by one column, or None when it could not be read."""
        key = tuple(self.contract.primary_key(table))
        frame = self.targets.get((table, key))
        return None if frame is None or table in self.unreadable else set(frame[key[0]].to_list())

    def _skipped(self, fk: ForeignKey) -> bool:
        """A foreign key to a table that is not read (already reported): every value would dangle."""
        return fk.resource in self.unreadable or fk.resource not in self.names

    def _counts(self, resource: Resource, found: Scan) -> None:
        item: dict[str, Any] = next((i for i in self._read.checked["resources"] if i["name"] == resource.name), {})
        expected = "the hash and size that `ai-openness build` records"
        recorded = item.get("hash")
        if isinstance(recorded, str) and recorded.removeprefix("sha256:") != found.sha256:
            self.findings.add(resource.path, None, None, "hash-count", recorded, expected=expected, sha256=found.sha256)
        if item.get("bytes") not in (None, found.size):
            self.findings.add(
                resource.path, None, None, "byte-count", item["bytes"], expected=expected, size=found.size
            )

    def _open(self, resource: Resource) -> tuple[Scan, list[str]] | None:
        """The file's scan and header, or None (with findings) when its rows cannot be read."""
        rel, limit = resource.path, self.limits.table_bytes
        size = resource.file.stat().st_size
        if limit is not None and size > limit:
            self.findings.add(
                self._read.rel,
                None,
                "path",
                "limit",
                line=resource.line,
                note=f"{rel} is {size} bytes, more than the limit of {limit} bytes",
            )
            return None
        found = scan(resource.file, rel)
        self._counts(resource, found)
        if found.problem is not None:
            self.findings.problem(found.problem)
            return None
        if self.limits.columns is not None and found.cells[0] > self.limits.columns:
            self.findings.add(
                rel,
                None,
                None,
                "limit",
                expected="the columns of the table's schema",
                line=1,
                note=f"has {found.cells[0]} columns, more than the limit of {self.limits.columns}",
            )
            return None
        with open(resource.file, "rb") as handle:
            first = handle.read(int(found.ends[0]) if len(found.ends) else found.size)
        try:
            header = record_cells(first.decode("utf-8"))  # csv would stop at a label of 131,072 characters
        except UnicodeDecodeError:
            encoding = not_utf8_problem(resource.file, rel)
            if encoding is not None:
                self.findings.problem(encoding)
            return None
        self.files[rel] = Located(resource.file, found, header)
        return found, header

    def table(self, resource: Resource) -> list[tuple[str, ForeignKey, pl.DataFrame]]:
        """Check one table; return the foreign keys to check once their targets are read."""
        opened = self._open(resource)
        names = self.contract.columns(resource.name)
        if opened is None or not check_labels(resource.path, opened[1], names, self.findings):
            self.unreadable.add(resource.name)
            return []
        found, _ = opened
        check_shape(resource.path, found, names, self.findings)
        state = self._state(resource.name, resource.path, found.suspect, found.longest, self._twin(resource, found))
        row0 = 0
        try:
            for chunk in _chunks(resource.file):
                self.chunk(state, chunk, row0)
                row0 += chunk.height
        except pl.exceptions.PolarsError as exc:
            encoding = not_utf8_problem(resource.file, resource.path)
            if encoding is not None:
                self.findings.problem(encoding)
            else:
                self.findings.add(
                    resource.path,
                    None,
                    None,
                    "source-error",
                    expected='comma-separated cells, quoted with " when they hold a comma, quote or line break',
                    reason=str(exc).splitlines()[0],
                )
            self.unreadable.add(resource.name)
            return []
        return self._finish(state, row0, lambda rows, columns: self.reread(resource, rows, columns))

    def _state(self, name: str, rel: str, suspect: bool, longest: int, twin: Twin | None) -> _TableState:
        fks = self.contract.foreign_keys(name)
        now = [fk for fk in fks if (fk.resource, tuple(fk.reference)) in self.targets or self._skipped(fk)]
        keep = [*KEEP.get(name, []), *(c for c in table_rules.COLUMNS.get(name, []) if c not in KEEP.get(name, []))]
        return _TableState(
            name,
            rel,
            suspect,
            longest,
            keys=[KeyHashes(list(columns), kinds) for columns, kinds in unique_keys(self.contract, name).items()],
            now=now,
            later=[(fk, []) for fk in fks if fk not in now],
            mine={columns: [] for columns in self.referenced.get(name, ())},
            keep=[c for c in keep if c in self.contract.columns(name)],
            twin=twin,
        )

    def _finish(
        self, state: _TableState, rows: int, reread: Callable[[np.ndarray, list[str]], pl.DataFrame]
    ) -> list[tuple[str, ForeignKey, pl.DataFrame]]:
        """After a table's last chunk: its keys, what other tables refer to, what is kept."""
        self.rows[state.name] = rows
        if state.twin:
            state.twin.finish(rows, self.findings)
        for columns, frames in state.mine.items():
            frame = pl.concat(frames) if frames else pl.DataFrame(schema=dict.fromkeys(columns, pl.String))
            self.targets[(state.name, columns)] = frame.drop_nulls().unique()
        if state.kept:
            self.kept[state.name] = pl.concat(state.kept)
        for key in state.keys:
            key.report(state.rel, reread, self.findings)
        return [(state.rel, fk, pl.concat(frames)) for fk, frames in state.later if frames]

    def _twin(self, resource: Resource, found: Scan) -> Twin | None:
        twin = self.twins.get(resource.name)
        if twin is None:
            return None
        return Twin(twin.file, twin.path, resource.path, twin.schema, self.limits, found.size)

    def chunk(self, state: _TableState, chunk: pl.DataFrame, row0: int) -> pl.DataFrame:
        """Check one chunk of rows; return its cells typed by the schema (null where invalid)."""
        rel, schema = state.rel, self.contract.schema(state.name)
        if self.limits.cell_chars is not None and state.longest > self.limits.cell_chars:
            check_limits(rel, chunk, row0, self.limits.cell_chars, self.findings)
        cells = check_cells(rel, schema, chunk, row0, self.findings)
        typed = cells.typed
        check_hygiene(rel, schema, chunk, row0, state.suspect, self.findings)
        check_dates(rel, schema, typed, cells.unreliable, row0, self.today, self.findings)
        if state.name == "stances":
            check_actor(rel, typed, row0, self.findings)
            check_offsets(rel, typed, row0, self.findings)
        numbered = typed.with_row_index("row", offset=row0).with_columns(pl.col("row").cast(pl.Int64))
        for key in state.keys:
            key.add(typed, row0, rel, self.findings)
        for fk in state.now:
            if not self._skipped(fk):
                dangling(
                    rel,
                    fk,
                    numbered.select("row", *fk.fields),
                    self.targets.get((fk.resource, tuple(fk.reference))),
                    self.findings,
                    self._defined_in(fk.resource),
                )
        for fk, frames in state.later:
            frames.append(numbered.select("row", *fk.fields))
        for columns, frames in state.mine.items():
            frames.append(typed.select(list(columns)))
        if state.keep:
            # Rules across tables skip a row whose cells they read were reported as invalid.
            rules = [c for c in table_rules.COLUMNS.get(state.name, []) if c in cells.unreliable.columns]
            invalid = (
                cells.unreliable.select(pl.any_horizontal(rules)).to_series()
                if rules
                else pl.Series([False] * chunk.height)
            )
            state.kept.append(numbered.select("row", *state.keep).with_columns(invalid.alias(table_rules.INVALID)))
        if state.twin:
            state.twin.compare(chunk, cells, row0, self.findings)
        return typed

    def reread(self, resource: Resource, rows: np.ndarray, columns: list[str]) -> pl.DataFrame:
        """The typed `columns` of some rows, read again."""
        return _reread(_chunks(resource.file), resource.name, self.contract, rows, columns)


def _reread(
    chunks: Iterable[pl.DataFrame], name: str, contract: Contract, rows: np.ndarray, columns: list[str]
) -> pl.DataFrame:
    wanted, found, row0 = pl.Series("row", rows, dtype=pl.Int64).implode(), [], 0
    for chunk in chunks:
        typed = check_cells(name, contract.schema(name), chunk, row0, None).typed
        found.append(
            typed.with_row_index("row", offset=row0)
            .with_columns(pl.col("row").cast(pl.Int64))
            .filter(pl.col("row").is_in(wanted))
            .select("row", *columns)
        )
        row0 += chunk.height
    return pl.concat(found)


def check_tables(
    root: Path,
    descriptor: Descriptor,
    twins: dict[str, Resource],
    limits: Limits,
    today: dt.date,
    check_stored_texts: bool,
) -> tuple[Findings, dict[str, Located], dict[str, int]]:
    """Check the tables of a checked descriptor whose schemas are pinned (safeio/descriptor.py)."""
    contract = Contract.from_descriptor(descriptor.checked, descriptor.rel)
    engine = Engine(root, contract, list(descriptor.resources), limits, today, check_stored_texts, descriptor, twins)
    engine.run()
    return engine.findings, engine.files, engine.rows
