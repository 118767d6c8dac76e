"""Primary keys, unique fields and foreign keys, across the chunks of a table.

Across chunks only one 64-bit hash per row is kept for each unique key, and for each
foreign key the distinct values of the referenced columns: a repeated hash only says which
rows may repeat a key, so those rows are read again and compared exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from ai_openness.checks.findings import Findings
from ai_openness.contract import Contract, ForeignKey

EMITS = ("primary-key", "unique-error", "foreign-key")


def unique_keys(contract: Contract, name: str) -> dict[tuple[str, ...], list[str]]:
    """columns -> kinds: the primary key and each field marked unique (one hash set if they coincide)."""
    keys: dict[tuple[str, ...], list[str]] = {}
    if contract.primary_key(name):
        keys[tuple(contract.primary_key(name))] = ["primary-key"]
    for f in contract.fields(name):
        if (f.get("constraints") or {}).get("unique"):
            keys.setdefault((f["name"],), []).append("unique-error")
    return keys


@dataclass
class KeyHashes:
    columns: list[str]
    kinds: list[str]
    rows: list[np.ndarray] = field(default_factory=list)
    hashes: list[np.ndarray] = field(default_factory=list)

    def add(self, typed: pl.DataFrame, row0: int, rel: str, findings: Findings) -> None:
        present = pl.any_horizontal([pl.col(c).is_not_null() for c in self.columns])
        if "primary-key" in self.kinds:  # as frictionless: a row whose key cells are all empty has no key
            for row in typed.select(~present).to_series().arg_true().to_list():
                findings.add(
                    rel,
                    row0 + row,
                    self.columns[-1],
                    "primary-key",
                    expected="a key no other row has",
                    note=f"the row has no primary key (its {'/'.join(self.columns)} cells are all empty)",
                )
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

    def report(self, rel: str, reread: Callable[[np.ndarray, list[str]], pl.DataFrame], findings: Findings) -> None:
        rows = self.candidates()
        if not len(rows):
            return
        first: dict[tuple[Any, ...], int] = {}
        for record in reread(rows, self.columns).sort("row").iter_rows():
            row, values = record[0], tuple(record[1:])
            if values not in first:
                first[values] = row
                continue
            shown = ", ".join("" if v is None else str(v) for v in values)
            columns = "/".join(self.columns)
            for kind in self.kinds:
                where = self.columns[0] if kind == "unique-error" else self.columns[-1]
                findings.add(
                    rel,
                    row,
                    where,
                    kind,
                    shown,
                    expected="a key no other row has",
                    first=first[values],
                    columns=columns,
                    note=f"another row already has this primary key ({columns} already used at line {{first}})",
                )


def dangling(rel: str, fk: ForeignKey, frame: pl.DataFrame, targets: pl.DataFrame | None, findings: Findings) -> None:
    """Rows of `frame` (row, *fk.fields) whose values no row of the referenced table has."""
    if targets is None:
        targets = pl.DataFrame(schema={c: frame.schema[f] for f, c in zip(fk.fields, fk.reference)})
    frame = frame.filter(pl.any_horizontal([pl.col(f).is_not_null() for f in fk.fields]))
    renamed = targets.rename(dict(zip(fk.reference, fk.fields)))
    values = frame.select(fk.fields).unique()  # distinct values first: a chunk names few sources
    missing = values.join(renamed, on=fk.fields, how="anti", nulls_equal=False)
    if not missing.height:
        return
    for record in frame.join(missing, on=fk.fields, how="semi", nulls_equal=True).iter_rows():
        row, cells = record[0], record[1:]
        shown = "/".join("" if v is None else str(v) for v in cells)
        findings.add(
            rel,
            row,
            fk.fields[0],
            "foreign-key",
            shown,
            expected=f"a value present in {fk.resource}",
            table=fk.resource,
            columns="/".join(fk.reference),
            key=shown,
        )
