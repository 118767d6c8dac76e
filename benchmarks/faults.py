"""Write a known set of faults into a built package, one or more of every class a checker
must find, and record what it must report.

Each fault edits one CSV line (and the Parquet twin the same way when the faulty value can
be stored there), so the expected findings are known exactly: `inject(root, seed)` returns
them and writes them to faults.json. The descriptor's byte count and hash of each edited
CSV are updated, so the faults are in the rows, not in stale metadata.

    kind            table.column                 what is written
    type-error      stances.date                 an impossible date (CSV only)
    type-error      mentions.in_content          "yes" (CSV only)
    type-error      models.parameters            "7B" (CSV only)
    constraint      stances.position             a value outside the vocabulary
    constraint      organisations.country        "usa" (pattern)
    constraint      sources.language             "zh_Hans" (pattern)
    constraint      stances.quote_en             empty (required; CSV only)
    constraint      mentions.text                empty (required; CSV only)
    constraint      mentions.end                 0 (minimum 1)
    unique, pk      stances                      a row repeated at the end
    primary-key     mentions                     a row repeated at the end
    foreign-key     stances.person_id            an id no person has
    foreign-key     organisations.parent_id      an id no organisation has (self-reference)
    foreign-key     mentions.source_id           an id no source has
    quote           stances.quote_start/_end     both shifted by one
    source-text-changed sources.sha256              the stored text changed by one character (found
                                                    at its sha256 line in sources/articles.yaml)
    twin            stances.quote_en             changed in the Parquet twin only
    twin            models.name                  changed in the Parquet twin only
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
from dataclasses import asdict, dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


@dataclass(frozen=True, order=True)
class Expected:
    file: str
    line: int
    field: str
    kind: str  # the kind a checker names (frictionless' error type where it checks the same)


@dataclass
class Edit:
    table: str
    row: int  # 0-based data row
    column: str
    csv: str  # the new CSV cell
    parquet: object  # the new Parquet value; KEEP leaves the twin as it is
    expected: list[tuple[str, str, str]]  # (file suffix, field, kind): what must be reported


KEEP = object()


class Table:
    """One table's CSV lines and Parquet rows, edited in memory and written back."""

    def __init__(self, root: Path, name: str):
        self.root, self.name = root, name
        self.csv_path, self.parquet_path = root / "data" / f"{name}.csv", root / "data" / f"{name}.parquet"
        self.lines = self.csv_path.read_bytes().decode("utf-8").split("\n")
        assert self.lines[-1] == "", "the build ends every CSV with a line break"
        self.lines.pop()
        self.header = next(csv.reader([self.lines[0]]))
        self.parquet = pq.read_table(self.parquet_path)

    @property
    def rows(self) -> int:
        return len(self.lines) - 1

    def cell(self, row: int, column: str) -> str:
        return next(csv.reader([self.lines[row + 1]]))[self.header.index(column)]

    def set(self, row: int, column: str, text: str, value: object = KEEP) -> None:
        cells = next(csv.reader([self.lines[row + 1]]))
        cells[self.header.index(column)] = text
        self.lines[row + 1] = _line(cells)
        if value is not KEEP:
            self.twin(row, column, value)

    def twin(self, row: int, column: str, value: object) -> None:
        """Set one Parquet cell, leaving the CSV as it is."""
        index = self.parquet.schema.get_field_index(column)
        old = self.parquet.column(index).combine_chunks()
        new = pa.concat_arrays([old.slice(0, row), pa.array([value], type=old.type), old.slice(row + 1)])
        self.parquet = self.parquet.set_column(index, self.parquet.schema.field(index), new)

    def repeat(self, row: int) -> int:
        """Append a copy of `row`; return the new row's index."""
        self.lines.append(self.lines[row + 1])
        self.parquet = pa.concat_tables([self.parquet, self.parquet.slice(row, 1)])
        return self.rows - 1

    def write(self) -> None:
        self.csv_path.write_bytes(("\n".join(self.lines) + "\n").encode("utf-8"))
        pq.write_table(self.parquet, self.parquet_path, compression="zstd")


def _line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue()[:-1]


def inject(root: Path, seed: int = 1) -> list[Expected]:
    rng = random.Random(seed)
    tables = {n: Table(root, n) for n in ("sources", "organisations", "models", "stances", "mentions")}
    expected: list[Expected] = []

    def pick(table: str, taken: set[int], where=None) -> int:
        candidates = [r for r in range(tables[table].rows) if r not in taken and (where is None or where(r))]
        row = rng.choice(candidates[:5000])  # the first rows suffice and keep picking cheap
        taken.add(row)
        return row

    def expect(table: str, row: int, field: str, kind: str) -> None:
        expected.append(Expected(f"data/{table}.csv", row + 2, field, kind))

    taken: dict[str, set[int]] = {n: set() for n in tables}
    stances, mentions = tables["stances"], tables["mentions"]

    row = pick("stances", taken["stances"], lambda r: stances.cell(r, "date") != "")
    stances.set(row, "date", "2023-02-30")
    expect("stances", row, "date", "type-error")
    row = pick("mentions", taken["mentions"])
    mentions.set(row, "in_content", "yes")
    expect("mentions", row, "in_content", "type-error")
    row = pick("models", set(), lambda r: True)
    tables["models"].set(row, "parameters", "7B")
    expect("models", row, "parameters", "type-error")
    models_taken = {row}

    row = pick("stances", taken["stances"])
    stances.set(row, "position", "undecided", "undecided")
    expect("stances", row, "position", "constraint-error")
    row = pick("organisations", taken["organisations"])
    tables["organisations"].set(row, "country", "usa", "usa")
    expect("organisations", row, "country", "constraint-error")
    sources = tables["sources"]
    row = pick("sources", taken["sources"], lambda r: sources.cell(r, "kind") == "article")
    sources.set(row, "language", "zh_Hans", "zh_Hans")
    expect("sources", row, "language", "constraint-error")
    row = pick("stances", taken["stances"])
    stances.set(row, "quote_en", "")
    expect("stances", row, "quote_en", "constraint-error")
    row = pick("mentions", taken["mentions"])
    mentions.set(row, "text", "")
    expect("mentions", row, "text", "constraint-error")
    row = pick("mentions", taken["mentions"])
    mentions.set(row, "end", "0", 0)
    expect("mentions", row, "end", "constraint-error")

    row = pick("stances", taken["stances"])
    copy = stances.repeat(row)
    taken["stances"].add(copy)
    expect("stances", copy, "stance_id", "unique-error")
    expect("stances", copy, "stance_id", "primary-key")
    row = pick("mentions", taken["mentions"])
    copy = mentions.repeat(row)
    taken["mentions"].add(copy)
    expect("mentions", copy, "entity_id", "primary-key")

    row = pick("stances", taken["stances"])
    stances.set(row, "person_id", "ghost-person", "ghost-person")
    expect("stances", row, "person_id", "foreign-key")
    row = pick("organisations", taken["organisations"])
    tables["organisations"].set(row, "parent_id", "ghost-organisation", "ghost-organisation")
    expect("organisations", row, "parent_id", "foreign-key")
    row = pick("mentions", taken["mentions"])
    mentions.set(row, "source_id", "ghost-source", "ghost-source")
    expect("mentions", row, "source_id", "foreign-key")

    row = pick("stances", taken["stances"])
    quoted_source = stances.cell(row, "source_id")
    for column in ("quote_start", "quote_end"):
        shifted = int(stances.cell(row, column)) + 1
        stances.set(row, column, str(shifted), shifted)
    expect("stances", row, "quote", "quote")

    row = pick(
        "sources",
        taken["sources"],
        lambda r: sources.cell(r, "kind") == "article" and sources.cell(r, "source_id") != quoted_source,
    )
    text_path = root / sources.cell(row, "path")
    text = text_path.read_text(encoding="utf-8")
    text_path.write_text(text[:-2] + ("。" if text[-2] != "。" else "，") + text[-1:], encoding="utf-8")
    # Reported once, at the coding that records the hash (the checkout is rebuilt from it).
    recorded = sources.cell(row, "sha256")
    listed = (root / "sources/articles.yaml").read_text(encoding="utf-8").split("\n")
    line = next(n for n, text in enumerate(listed, 1) if text.lstrip().startswith("sha256:") and recorded in text)
    expected.append(Expected("sources/articles.yaml", line, "sha256", "source-text-changed"))

    # A twin that differs is reported on the CSV line whose cell it contradicts.
    row = pick("stances", taken["stances"])
    stances.twin(row, "quote_en", "A translation that differs from the CSV.")
    expect("stances", row, "quote_en", "twin")
    row = pick("models", models_taken)
    tables["models"].twin(row, "name", "Renamed in the twin")
    expect("models", row, "name", "twin")

    for table in tables.values():
        table.write()
    _refresh_descriptor(root)
    expected.sort()
    (root / "faults.json").write_text(json.dumps([asdict(e) for e in expected], indent=2) + "\n", encoding="utf-8")
    return expected


def _refresh_descriptor(root: Path) -> None:
    """Record the edited CSVs' sizes and hashes, as a build would."""
    path = root / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        data = (root / resource["path"]).read_bytes()
        resource["bytes"] = len(data)
        resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
