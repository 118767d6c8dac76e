"""The per-source stage: what one source's inputs give, derived once and cached.

Most of a build is per source: a stance file's rows (its YAML read, each quote pinned in the
stored text it names, the dates and actors derived) and a stored text's mentions (the alias
registry matched in it). Each is a pure function of its inputs, so its result is stored in
a content-addressed cache (cache.py) under the hash of those inputs and of the code, and a
source whose inputs did not change is never read again. The global stage (keys, foreign
keys, rules across tables, position changes) runs on the assembled tables (collect.py).

A stance file's rows are kept as the CSV cells the checking engine reads, with where each
came from (`_file`, `_line`, `_lines`: the line of each key), so a finding on a cached row
is still located at its coding's line.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ai_openness.compile.cache import Cache, key
from ai_openness.compile.executors import Executor
from ai_openness.compile.inputs import Inputs, decoded, stance_file, stance_files
from ai_openness.compile.mentions import Alias, AliasMatcher, Tally, source_tables
from ai_openness.compile.records import Lines, Row, yaml_problems
from ai_openness.contract import Contract, arrow_type
from ai_openness.core.cells import cell_text
from ai_openness.core.problems import Problem

LOCATION = {  # the columns a stance row carries besides its cells
    "_file": pa.string(),
    "_line": arrow_type("integer"),  # a whole number, as the contract stores one
    "_lines": pa.string(),  # JSON: key -> line
    "_unresolved": pa.list_(pa.string()),
    "_arguments": pa.list_(pa.string()),
}
ENTRY = b"ai_openness.entry"
FILES_PER_TASK = 256  # stance files derived in one task of a process pool or cluster
_SOURCE_ID = re.compile(r"^source_id:[ \t]*['\"]?([^'\"\s#]+)", re.MULTILINE)


def fingerprint(contract: Contract) -> str:
    """The schemas the rows are derived and typed by, as one hash (part of every key)."""
    schemas = {name: contract.schema(name) for name in contract.names}
    return hashlib.sha256(json.dumps(schemas, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _cell(value: object) -> str | None:
    text = cell_text(value)
    return text if text != "" else None


def _schema(contract: Contract) -> pa.Schema:
    columns = [pa.field(c, pa.string()) for c in contract.columns("stances")]
    return pa.schema(columns + [pa.field(n, t) for n, t in LOCATION.items()])


def stance_batch(contract: Contract, rows: list[Row]) -> pa.Table:
    """Stance rows as CSV cells plus their locations, as one table (made for many files at
    once: a table per file would cost more than the rows in it)."""
    columns = contract.columns("stances")
    data: dict[str, list[Any]] = {c: [_cell(row.values.get(c)) for row in rows] for c in columns}
    data["_file"] = [row.file for row in rows]
    data["_line"] = [row.origin.line if row.origin else None for row in rows]
    data["_lines"] = [json.dumps(row.origin.key_lines if row.origin else {}) for row in rows]
    data["_unresolved"] = [list(row.extra.get("unresolved", ())) for row in rows]
    data["_arguments"] = [[_cell(a) for a in row.extra.get("arguments") or []] for row in rows]
    return pa.table(data, schema=_schema(contract))


def entry_meta(table: pa.Table) -> dict[str, Any]:
    meta: dict[str, Any] = json.loads((table.schema.metadata or {})[ENTRY])
    return meta


def derive_file(
    contract: Contract,
    rel: str,
    text: str,
    source_text: Callable[[str], str | None],
    known: Callable[[str], bool],
    token: Callable[[str], str],
) -> tuple[list[Row], dict[str, Any] | None]:
    """One stance file -> its rows, and what its entry records besides them: the source id,
    the token of the stored text the quotes were pinned in, and the file's problems."""
    found = stance_file(rel, text, source_text, known, contract)
    found.problems += yaml_problems(contract, "stances", found.rows)
    found.problems += yaml_problems(contract, "stance_arguments", found.arguments)
    meta = {
        "source_id": found.source_id,
        "token": token(found.source_id) if found.source_id is not None else None,
        "problems": [p.to_dict() for p in found.problems],
    }
    return found.rows, meta


def _entries(
    contract: Contract, derived: list[tuple[list[Row], dict[str, Any] | None]]
) -> tuple[pa.Table, list[tuple[dict[str, Any] | None, int]]]:
    """Many files' rows as one table, and each file's metadata and number of rows."""
    return stance_batch(contract, [row for rows, _ in derived for row in rows]), [(m, len(r)) for r, m in derived]


def _split(table: pa.Table, metas: list[tuple[dict[str, Any] | None, int]]) -> list[pa.Table | None]:
    """Each file's entry: its slice of `table`, its metadata in the schema."""
    out, start = [], 0
    for meta, count in metas:
        part = table.slice(start, count)
        start += count
        entry = {ENTRY: json.dumps(meta, ensure_ascii=False)} if meta is not None else None
        out.append(part.replace_schema_metadata(entry) if meta is not None else None)
    return out


def _derive_files(
    contract: Contract, tasks: list[tuple[str, str, str | None, str | None, bool, str]]
) -> tuple[pa.Table, list[tuple[dict[str, Any] | None, int]]]:
    """A task of a pool or cluster: each stance file with the one stored text it names (the
    id guessed from its `source_id:` line; a file that names another is derived again in
    the client, its metadata here None)."""
    derived: list[tuple[list[Row], dict[str, Any] | None]] = []
    for rel, text, guess, source, is_known, token in tasks:
        rows, meta = derive_file(contract, rel, text, *_as_guessed(guess, source, is_known, token))
        derived.append((rows, meta) if meta is not None and meta["source_id"] in (guess, None) else ([], None))
    return _entries(contract, derived)


def _as_guessed(
    guess: str | None, source: str | None, is_known: bool, token: str
) -> tuple[Callable[[str], str | None], Callable[[str], bool], Callable[[str], str]]:
    """What a task knows of the one source it was given: its text, whether it is listed, its token."""

    def source_text(s: str) -> str | None:
        return source if s == guess else None

    def known(s: str) -> bool:
        return s == guess and is_known

    def token_of(s: str) -> str:
        return token if s == guess else "elsewhere"

    return source_text, known, token_of


class LocatedRows(Sequence[Row]):
    """A stance table's rows as the located Rows check.py reports findings on, made one at a
    time and only for the rows a finding names."""

    def __init__(self, table: pa.Table, key_map: dict[str, Any] | None = None):
        self.table, self.key_map = table, key_map or {}
        self.typed: Any = None  # the cells as the engine typed them, a polars DataFrame (check.check_rows sets it)
        self._columns = {c: table.column(c) for c in ("_file", "_line", "_lines", "_unresolved")}

    def __len__(self) -> int:
        return int(self.table.num_rows)

    def __getitem__(self, index: int) -> Row:  # type: ignore[override]  # one row at a time, no slices
        cell = {name: column[index].as_py() for name, column in self._columns.items()}
        origin = Lines(cell["_line"], json.loads(cell["_lines"])) if cell["_line"] is not None else None
        extra = {"unresolved": tuple(cell["_unresolved"] or ()), "key_map": self.key_map}
        return Row({}, cell["_file"], origin, extra)

    def origins(self, columns: list[str]) -> dict[tuple[Any, ...], str]:
        """Each row's key (its cells in `columns`) -> the coding line it comes from."""
        keys = zip(*(self.table.column(c).to_pylist() for c in columns), strict=True)
        places = zip(self.table.column("_file").to_pylist(), self.table.column("_line").to_pylist(), strict=True)
        return {tuple("" if v is None else v for v in k): f"{f}:{n}" for k, (f, n) in zip(keys, places, strict=True)}


def arguments_of(contract: Contract, stances: pa.Table) -> pa.Table:
    """stance_arguments: one row per argument of each stance, located at its `arguments` key."""
    parents = pc.list_parent_indices(stances.column("_arguments"))
    taken = stances.select(["stance_id", "_file", "_line", "_lines", "_unresolved"]).take(parents)
    flat = pc.list_flatten(stances.column("_arguments"))
    columns = {"stance_id": taken.column("stance_id"), "argument": flat}
    data = [columns.get(c, pa.nulls(len(flat), pa.string())) for c in contract.columns("stance_arguments")]
    names = contract.columns("stance_arguments")
    return pa.Table.from_arrays(
        [*data, *(taken.column(c) for c in ("_file", "_line", "_lines", "_unresolved"))],
        names=[*names, "_file", "_line", "_lines", "_unresolved"],
    )


def _tokens(inputs: Inputs) -> Callable[[str], str]:
    """What a stance file's rows depend on of the source it names: the SHA-256 of its stored
    text (checked against the file when the sources were read), or that it has none."""
    digests = {
        str(row.values.get("source_id")): str(row.values.get("sha256"))
        for row in inputs.tables["sources"]
        if str(row.values.get("source_id")) in inputs.texts
    }

    def token(source_id: str) -> str:
        if source_id in digests:
            return digests[source_id]
        return "unreadable" if source_id in inputs.unreadable else "unknown"

    return token


def derive_stances(inputs: Inputs, contract: Contract, cache: Cache, executor: Executor) -> pa.Table:
    """Every stance file's rows, from the cache where its inputs are unchanged; the files'
    problems are added to inputs.problems."""
    token, fp = _tokens(inputs), fingerprint(contract)
    known = lambda s: s in inputs.texts or s in inputs.unreadable
    tables: dict[str, pa.Table] = {}
    todo: list[tuple[str, str, str]] = []  # (rel, text, cache key)
    for rel in stance_files(inputs.files):
        data = inputs.files.data[rel]  # read once, within its size limit, and found to be UTF-8 (read_inputs)
        text = decoded(data)
        name = key("stances", fp, rel, data)
        table = cache.get(name)
        if table is not None:
            meta = entry_meta(table)
            if meta["source_id"] is None or meta["token"] == token(meta["source_id"]):
                tables[rel] = table
                continue
        todo.append((rel, text, name))
    derived = _derive_all(contract, inputs, todo, token, known, executor)
    for (rel, _, name), table in zip(todo, derived, strict=True):
        cache.put(name, table)
        tables[rel] = table
    parts = [tables[rel] for rel in sorted(tables)]
    for table in parts:
        inputs.problems += [Problem(**p) for p in entry_meta(table)["problems"]]
    # One chunk per column: the engine reads columns, not ten thousand small pieces.
    whole = pa.concat_tables([t.replace_schema_metadata(None) for t in parts] or [_schema(contract).empty_table()])
    return whole.combine_chunks()


def _derive_all(
    contract: Contract,
    inputs: Inputs,
    todo: list[tuple[str, str, Any]],
    token: Callable[[str], str],
    known: Callable[[str], bool],
    executor: Executor,
) -> list[pa.Table | None]:
    if not todo:
        return []
    if executor.in_process:
        derived = [derive_file(contract, rel, text, inputs.texts.get, known, token) for rel, text, _ in todo]
        return _split(*_entries(contract, list(derived)))
    tasks = []
    for rel, text, _ in todo:
        match = _SOURCE_ID.search(text)
        guess = match.group(1) if match else None
        tasks.append(
            (rel, text, guess, inputs.texts.get(guess or ""), bool(guess) and known(guess or ""), token(guess or ""))
        )
    chunks = [tasks[i : i + FILES_PER_TASK] for i in range(0, len(tasks), FILES_PER_TASK)]
    entries: list[pa.Table | None] = [
        entry for part in executor.map(_derive_files, [(contract, c) for c in chunks]) for entry in _split(*part)
    ]
    # A file whose source_id the guess got wrong (written unusually) is derived here instead.
    return [
        entry
        if entry is not None
        else _split(*_entries(contract, [derive_file(contract, rel, text, inputs.texts.get, known, token)]))[0]
        for (rel, text, _), entry in zip(todo, entries, strict=True)
    ]


def registry_hash(aliases: list[Alias]) -> str:
    spelled = sorted((a.entity_type, a.entity_id, a.alias) for a in aliases)
    return hashlib.sha256(json.dumps(spelled, ensure_ascii=False).encode()).hexdigest()


CHUNK_CHARACTERS = 4 * 2**20  # of stored text matched in one task


def derive_mentions(inputs: Inputs, contract: Contract, cache: Cache, executor: Executor) -> pa.Table:
    """The mentions table, each stored text's rows from the cache where the text, its spans
    that are not content and the alias registry are unchanged."""
    schema = contract.arrow_schema("mentions")
    registry, fp = registry_hash(inputs.aliases), fingerprint(contract)
    digests = {str(r.values.get("source_id")): str(r.values.get("sha256")) for r in inputs.tables["sources"]}
    tables: dict[str, pa.Table] = {}
    todo: list[tuple[str, str]] = []  # (source id, cache key)
    for source_id in sorted(inputs.texts):
        spans = json.dumps(inputs.not_content.get(source_id, []))
        name = key("mentions", fp, registry, source_id, digests[source_id], spans)
        table = cache.get(name)
        if table is not None and table.schema.equals(schema):
            tables[source_id] = table
        else:
            todo.append((source_id, name))
    _count(inputs, tables)
    chunks, run, size = [], [], 0
    for source_id, _ in todo:
        run.append((source_id, inputs.texts[source_id], inputs.not_content.get(source_id, [])))
        size += len(inputs.texts[source_id])
        if size >= CHUNK_CHARACTERS:
            chunks.append(run)
            run, size = [], 0
    if run:
        chunks.append(run)
    derived = [
        table.slice(lo, hi - lo)
        for table, bounds in executor.map(source_tables, [(inputs.aliases, schema, c) for c in chunks])
        for lo, hi in pairwise(bounds)
    ]
    for (source_id, name), table in zip(todo, derived, strict=True):
        cache.put(name, table)
        tables[source_id] = table
    return pa.concat_tables([tables[s] for s in sorted(tables)] or [schema.empty_table()])


def _count(inputs: Inputs, cached: dict[str, pa.Table]) -> None:
    """Count the mentions of every source in source and text order, a run of sources at a
    time (the rows of those in the cache, the matches of the others), and stop at the first
    over a limit: before any row is made, and in memory that does not grow with the matches."""
    matcher = AliasMatcher(inputs.aliases)
    tally = Tally(matcher, inputs.alias_origins)
    texts: list[str] = []
    rows: list[pa.ChunkedArray] = []
    size = 0

    def flush() -> None:
        nonlocal size
        if texts:
            tally.add(matcher.indices(texts))
        if rows:
            tally.add(matcher.of_rows(pa.chunked_array([c for r in rows for c in r.chunks], rows[0].type)))
        texts.clear()
        rows.clear()
        size = 0

    for source_id in sorted(inputs.texts):
        table = cached.get(source_id)
        more = table.num_rows if table is not None else len(inputs.texts[source_id])
        # A run is of one kind (the order of the matches is kept) and at most a chunk, or one source.
        if (table is not None) != bool(rows) or size + more > CHUNK_CHARACTERS:
            flush()
        if table is not None:
            rows.append(table.column("alias"))
        else:
            texts.append(inputs.texts[source_id])
        size += more
    flush()
