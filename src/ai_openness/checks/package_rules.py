"""The package's own rules on the published tables, beyond what a Table Schema can say.

Every rule reads the tables as published (not the codings), so it also catches a table that
was edited by hand. Rules read typed columns and skip cells already reported as invalid
(a cell that is not a date is a `type-error`, never also a date problem).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import polars as pl

from ai_openness.checks.findings import Findings
from ai_openness.core.dates import derived_date_columns, expected_end
from ai_openness.core.errors import REGENERATE
from ai_openness.core.find import occurrences
from ai_openness.core.problems import shown
from ai_openness.safeio.files import Refused, contained, read_file

EMITS = (
    "actor",
    "quote-offsets",
    "date-in-future",
    "precision-without-date",
    "month-not-first-day",
    "year-not-first-day",
    "date-without-precision",
    "date-end",
    "source-text-unreadable",
    "source-text-changed",
    "source-text-encoding",
    "source-text-length",
    "quote",
)
# The columns the rules below need, kept across chunks with each row's number.
KEEP = {
    "sources": ["source_id", "path", "sha256", "characters"],
    "stances": ["source_id", "quote_start", "quote_end", "quote"],
}


def check_actor(rel: str, typed: pl.DataFrame, row0: int, findings: Findings) -> None:
    if not {"person_id", "organisation_id"} <= set(typed.columns):
        return
    for row in (
        typed.select(pl.col("person_id").is_null() & pl.col("organisation_id").is_null())
        .to_series()
        .arg_true()
        .to_list()
    ):
        findings.add(
            rel,
            row0 + row,
            "person_id",
            "actor",
            expected="person_id, organisation_id or both",
        )


def check_offsets(rel: str, typed: pl.DataFrame, row0: int, findings: Findings) -> None:
    if not {"quote_start", "quote_end"} <= set(typed.columns):
        return
    bad = typed.select(pl.col("quote_end") <= pl.col("quote_start")).to_series().fill_null(False)
    for row in bad.arg_true().to_list():
        start, end = typed["quote_start"][row], typed["quote_end"][row]
        findings.add(
            rel,
            row0 + row,
            "quote_end",
            "quote-offsets",
            f"{start}:{end}",
            expected="quote_end greater than quote_start",
        )


def _precision_column(field: str, columns: list[str]) -> str | None:
    for candidate in (f"{field}_precision", "date_precision" if field == "date" else None):
        if candidate in columns:
            return candidate
    return None


def check_dates(
    rel: str,
    schema: dict[str, Any],
    typed: pl.DataFrame,
    unreliable: pl.DataFrame,
    row0: int,
    today: dt.date,
    findings: Findings,
) -> None:
    """Dates are not in the future, and the first day of their month or year when only the
    month or year is known; a precision goes with a date."""
    fields = [f["name"] for f in schema["fields"] if f.get("type") == "date"]
    ends = {derived_date_columns(f)[1] for f in fields}
    for field in fields:
        if field in ends:
            continue  # the last day of a date, checked against it below (it may lie ahead)
        precision = _precision_column(field, typed.columns)
        reported = (unreliable[field] | unreliable[precision]) if precision else unreliable[field]
        _check_end(rel, typed, field, precision, unreliable, row0, findings)
        date, p = pl.col(field), pl.col(precision) if precision else pl.lit(None, pl.String)
        # (condition, field, code, what was expected: a template of the row's date `d`)
        rules: list[tuple[pl.Expr, str, str, str]] = [
            (date > today, field, "date-in-future", f"a date on or before {today}")
        ]
        if precision:
            rules += [
                (
                    date.is_null() & p.is_not_null(),
                    precision,
                    "precision-without-date",
                    f"{precision} empty",
                ),
                ((p == "month") & (date.dt.day() != 1), field, "month-not-first-day", "{d:%Y-%m}-01"),
                (
                    (p == "year") & ((date.dt.month() != 1) | (date.dt.day() != 1)),
                    field,
                    "year-not-first-day",
                    "{d:%Y}-01-01",
                ),
                (
                    date.is_not_null() & (date <= today) & p.is_null(),
                    precision,
                    "date-without-precision",
                    "day, month or year",
                ),
            ]
        flags = typed.select([(rule.fill_null(False) & ~reported).alias(str(i)) for i, (rule, *_) in enumerate(rules)])
        params = {"today": today.isoformat(), "date": field, "precision": precision}
        for i, (_, key, code, expected) in enumerate(rules):
            for row in flags[str(i)].arg_true().to_list():
                value = typed[field][row]
                shown_value = typed[key][row] if key != field else value
                findings.add(rel, row0 + row, key, code, shown_value, expected=expected.format(d=value), **params)


def _check_end(
    rel: str,
    typed: pl.DataFrame,
    field: str,
    precision: str | None,
    unreliable: pl.DataFrame,
    row0: int,
    findings: Findings,
) -> None:
    """date_end (released_end) is the last day its date can mean (records.expected_end)."""
    end = derived_date_columns(field)[1]
    if precision is None or end not in typed.columns:
        return
    reported = (unreliable[field] | unreliable[precision] | unreliable[end]).to_list()

    def text(value: dt.date | None) -> str:
        return value.isoformat() if value is not None else ""

    for row, (date, kind, last) in enumerate(zip(typed[field], typed[precision], typed[end])):
        expected = None if reported[row] else expected_end(text(date), kind or "", text(last))
        if expected is not None:
            findings.add(
                rel,
                row0 + row,
                end,
                "date-end",
                text(last),
                expected=expected or "empty",
                date=field,
            )


def check_texts(
    root: Path, rels: dict[str, str], kept: dict[str, pl.DataFrame], text_bytes: int | None, findings: Findings
) -> None:
    """Each stored source matches its SHA-256 and length; each quote sits at its offsets.

    Stances are grouped by source, so each stored text is read once and then let go. A path
    is read only when it leads to a regular file under sources/ without leaving the package.
    """
    if "sources" not in kept:
        return
    by_source = {}
    if "stances" in kept:
        stances = (
            kept["stances"]
            .select("row", *KEEP["stances"])
            .drop_nulls()
            .filter(pl.col("quote_end") > pl.col("quote_start"))
        )
        by_source = {key[0]: group for key, group in stances.group_by("source_id")}
    base = (root / "sources").resolve()
    for row, source_id, rel, sha, characters in (
        kept["sources"].select("row", *KEEP["sources"]).filter(pl.col("path").is_not_null()).iter_rows()
    ):
        at = (rels["sources"], row)
        try:
            file = contained(root, rel)
            if not file.is_relative_to(base):
                raise Refused(f"{shown(rel)} is not under sources/", "store source texts under sources/articles/")
            data = read_file(root, rel, text_bytes)
        except Refused as refused:
            fix = (
                refused.fix
                if refused.fix != REGENERATE
                else (
                    "restore the stored text at this path, or correct `path` in sources/articles.yaml and run "
                    "`ai-openness build`"
                )
            )
            findings.add(*at, "path", "source-text-unreadable", rel, reason=refused.message, advice=fix)
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest != sha:
            findings.add(
                *at,
                "sha256",
                "source-text-changed",
                sha,
                expected=digest,
                path=shown(rel),
            )
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            findings.add(
                *at,
                "path",
                "source-text-encoding",
                rel,
                path=shown(rel),
                reason=exc.reason,
            )
            continue
        if characters is not None and characters != len(text):
            findings.add(
                *at,
                "characters",
                "source-text-length",
                characters,
                expected=str(len(text)),
            )
        if source_id in by_source:
            _quotes(rels["stances"], text, by_source[source_id], findings)  # only when stances were read


def _quotes(rel: str, text: str, stances: pl.DataFrame, findings: Findings) -> None:
    for row, _, start, end, quote in stances.iter_rows():
        if text[start:end] == quote:
            continue
        found = occurrences(text, quote) if quote else []
        where = (
            f"the quote, which the source has at {', '.join(f'{s}:{s + len(quote)}' for s in found[:5])}"
            if found
            else "the quote; it is not in the stored source at all"
        )
        findings.add(
            rel,
            row,
            "quote",
            "quote",
            quote,
            expected=where,
            found=repr(shown(text[start:end], 40)),
            start=start,
            end=end,
        )
