"""A corpus of broken contributions: one small patch per class, applied to a built copy
of tests/fixtures/mini.

Each patch changes what a contributor (careless or hostile) could change in a pull request
and returns nothing; its Case says what `ai-openness validate` must answer: the exit code,
the file and line it must name, and words its explanation must contain. `outside` is a
folder next to the package holding canary files whose content must never be read.
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

CANARY = "CANARY-7f3c2a9e-outside-the-package"
DESCRIPTOR = "datapackage.json"

Line = int | None | Callable[[Path], int]


@dataclass
class Case:
    patch: Callable[[Path, Path], None]
    exit_code: int
    file: str
    line: Line
    words: str


CASES: dict[str, Case] = {}


def case(name: str, exit_code: int, file: str, line: Line, words: str):
    def register(patch):
        CASES[name] = Case(patch, exit_code, file, line, words)
        return patch
    return register


def make_outside(outside: Path) -> None:
    """Canary files outside the package, shaped like the files a patch points at."""
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "canary.csv").write_text(f"person_id,name,name_zh,organisation_id,role,note\n{CANARY},x,,,,\n",
                                        encoding="utf-8")
    (outside / "canary.yaml").write_text(f"- person_id: canary\n  name: {CANARY}\n", encoding="utf-8")
    (outside / "canary.json").write_text(json.dumps({"name": CANARY, "resources": []}), encoding="utf-8")


# Helpers -------------------------------------------------------------------------------


def rebuild(root: Path) -> None:
    from ai_openness.cli import main

    assert main(["build", "--root", str(root), "--quiet"]) == 0


def replace(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def set_cell(root: Path, table: str, line: int, column: str, value: str) -> None:
    """Change one cell of data/<table>.csv as a hand edit would (line 1 is the header)."""
    path = root / "data" / f"{table}.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    rows[line - 1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")


def edit_descriptor(root: Path, change: Callable[[dict], None]) -> None:
    path = root / DESCRIPTOR
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def resource(document: dict, name: str) -> dict:
    return next(r for r in document["resources"] if r["name"] == name)


def line_containing(rel: str, needle: str) -> Callable[[Path], int]:
    """The expected line is found in the patched file itself, so schema changes that move
    lines do not break the corpus."""
    def find(root: Path) -> int:
        for number, line in enumerate((root / rel).read_text(encoding="utf-8").split("\n"), start=1):
            if needle in line:
                return number
        raise AssertionError(f"{needle!r} not in {rel}")
    return find


# Cells a spreadsheet or a reader would misread -------------------------------------------


@case("formula-injection", 1, "data/people.csv", 2, "a spreadsheet would run this cell as a formula")
def formula_injection(root: Path, outside: Path) -> None:
    replace(root, "codings/people.yaml", "  organisation_id: xai",
            '  organisation_id: xai\n  role: \'=HYPERLINK("https://example.com","Musk")\'')
    rebuild(root)


@case("zero-width-character", 1, "data/organisations.csv", 2, "U+200B ZERO WIDTH SPACE")
def zero_width(root: Path, outside: Path) -> None:
    replace(root, "codings/organisations.yaml", "name: OpenAI", "name: Open\u200bAI")
    rebuild(root)


@case("bidi-control", 1, "data/stances.csv", 3, "U+202E RIGHT-TO-LEFT OVERRIDE")
def bidi_control(root: Path, outside: Path) -> None:
    replace(root, "codings/stances/mini.yaml", "quote_en: Closed source.", "quote_en: Closed \u202esource.")
    rebuild(root)


@case("non-nfc-id", 1, "data/aliases.csv", 6, "not in Unicode normalisation form NFC")
def non_nfc_id(root: Path, outside: Path) -> None:
    set_cell(root, "aliases", 6, "entity_id", "elon-muske\u0301")  # e + combining acute, NFC is é


# Paths that lead out of the package ---------------------------------------------------------


@case("path-traversal", 1, DESCRIPTOR, line_containing(DESCRIPTOR, "../outside/canary.csv"), "leaves the package")
def path_traversal(root: Path, outside: Path) -> None:
    edit_descriptor(root, lambda d: resource(d, "people").update(path="../outside/canary.csv"))


@case("absolute-path", 1, DESCRIPTOR, line_containing(DESCRIPTOR, "canary.csv"), "is absolute")
def absolute_path(root: Path, outside: Path) -> None:
    edit_descriptor(root, lambda d: resource(d, "people").update(path=str(outside / "canary.csv")))


@case("symlink-out", 1, DESCRIPTOR, line_containing(DESCRIPTOR, '"data/people.csv"'),
      "symbolic link to a place outside the package")
def symlink_out(root: Path, outside: Path) -> None:
    (root / "data/people.csv").unlink()
    (root / "data/people.csv").symlink_to(outside / "canary.csv")


@case("symlink-out-in-codings", 1, "codings/people.yaml", None, "symbolic link to a place outside the package")
def symlink_out_in_codings(root: Path, outside: Path) -> None:
    (root / "codings/people.yaml").unlink()
    (root / "codings/people.yaml").symlink_to(outside / "canary.yaml")


@case("remote-url", 1, DESCRIPTOR, line_containing(DESCRIPTOR, "example.com/people.csv"), "is a URL")
def remote_url(root: Path, outside: Path) -> None:
    edit_descriptor(root, lambda d: resource(d, "people").update(path="https://example.com/people.csv"))


@case("remote-profile", 1, DESCRIPTOR, line_containing(DESCRIPTOR, "example.com/profile.json"),
      "not a standard one")
def remote_profile(root: Path, outside: Path) -> None:
    edit_descriptor(root, lambda d: d.update(profile="https://example.com/profile.json"))


@case("compressed-resource", 1, DESCRIPTOR, line_containing(DESCRIPTOR, '"data/people.csv"'),
      "compressed archives")
def compressed_resource(root: Path, outside: Path) -> None:
    edit_descriptor(root, lambda d: resource(d, "people").update(compression="zip"))


@case("regex-bomb-in-schema", 1, DESCRIPTOR, line_containing(DESCRIPTOR, '"data/people.csv"'),
      "is not the one in schema/people.schema.json")
def regex_bomb(root: Path, outside: Path) -> None:
    def change(document):
        name = next(f for f in resource(document, "people")["schema"]["fields"] if f["name"] == "name")
        name.setdefault("constraints", {})["pattern"] = "(a+)+"  # exponential backtracking on a…a!
    edit_descriptor(root, change)
    set_cell(root, "people", 2, "name", "a" * 32 + "!")


# Encodings ---------------------------------------------------------------------------------


@case("utf8-bom", 1, "data/people.csv", 1, "byte-order mark")
def utf8_bom(root: Path, outside: Path) -> None:
    path = root / "data/people.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())


@case("latin-1", 1, "data/organisations.csv", 2, "is not UTF-8")
def latin_1(root: Path, outside: Path) -> None:
    path = root / "data/organisations.csv"
    path.write_bytes(path.read_text(encoding="utf-8").replace("OpenAI", "Société OpenAI").encode("latin-1"))


@case("utf-16", 1, "data/organisations.csv", 1, "UTF-16")
def utf_16(root: Path, outside: Path) -> None:
    path = root / "data/organisations.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))


@case("crlf", 1, "data/organisations.csv", 1, "CRLF (Windows) line endings")
def crlf(root: Path, outside: Path) -> None:
    path = root / "data/organisations.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))


@case("crlf-in-coding", 1, "codings/people.yaml", 1, "CRLF (Windows) line endings")
def crlf_in_coding(root: Path, outside: Path) -> None:
    path = root / "codings/people.yaml"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))


# Hostile sizes and shapes ----------------------------------------------------------------------


@case("huge-field", 1, "data/people.csv", 2, "longer than the limit")
def huge_field(root: Path, outside: Path) -> None:
    set_cell(root, "people", 2, "note", "x" * 100_000)


@case("many-columns", 1, "data/people.csv", 1, "more than the limit of 100")
def many_columns(root: Path, outside: Path) -> None:
    path = root / "data/people.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[0] += "".join(f",extra{i}" for i in range(5_000))
    path.write_text("\n".join(lines), encoding="utf-8")


@case("huge-file", 1, DESCRIPTOR, line_containing(DESCRIPTOR, '"data/mentions.csv"'), "more than the limit")
def huge_file(root: Path, outside: Path) -> None:
    os.truncate(root / "data/mentions.csv", 1 << 30)  # sparse: 1 GiB on paper, nothing on disk


@case("deep-json", 2, DESCRIPTOR, 1, "nested more than 32 levels")
def deep_json(root: Path, outside: Path) -> None:
    (root / DESCRIPTOR).write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")


@case("unreadable-json", 2, DESCRIPTOR, 4, "is not valid JSON")
def unreadable_json(root: Path, outside: Path) -> None:
    (root / DESCRIPTOR).write_text('{\n  "name": "mini",\n  "resources": [\n', encoding="utf-8")


@case("missing-descriptor", 2, DESCRIPTOR, None, "does not exist")
def missing_descriptor(root: Path, outside: Path) -> None:
    (root / DESCRIPTOR).unlink()


@case("yaml-alias-bomb", 1, "codings/people.yaml", line_containing("codings/people.yaml", "*a"), "YAML alias")
def yaml_alias_bomb(root: Path, outside: Path) -> None:
    path = root / "codings/people.yaml"
    path.write_text(path.read_text(encoding="utf-8")
                    + "- person_id: bomb\n  name: &a [x, x, x, x, x, x, x, x, x]\n  aliases: [*a, *a, *a, *a]\n",
                    encoding="utf-8")


# Consistency between the files ---------------------------------------------------------------------


@case("twin-mismatch", 1, "data/people.csv", 2, "differs from its Parquet twin data/people.parquet")
def twin_mismatch(root: Path, outside: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = root / "data/people.parquet"
    table = pq.read_table(path)
    table = table.set_column(table.schema.get_field_index("name"), table.schema.field("name"),
                             pa.array(["Elon R. Musk"], pa.string()))
    pq.write_table(table, path)


@case("corrupt-parquet", 1, "data/people.parquet", None, "is not a readable Parquet file")
def corrupt_parquet(root: Path, outside: Path) -> None:
    (root / "data/people.parquet").write_bytes(b"PAR1" + b"\x00" * 64 + b"PAR1")


@case("parquet-too-many-rows", 1, "data/people.parquet", None, "beyond the limits")
def parquet_too_many_rows(root: Path, outside: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    # A few kilobytes on disk that declare a million rows (one repeated value compresses away).
    pq.write_table(pa.table({"person_id": pa.array(["x"] * 1_000_000)}), root / "data/people.parquet",
                   compression="zstd")


@case("parquet-bomb", 1, "data/people.parquet", None, "decodes to")
def parquet_bomb(root: Path, outside: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    # One 1 MB value repeated in 100,000 rows: a small dictionary-encoded file that would
    # expand to 100 GB if decoded naively.
    big = pa.array([0] * 100_000, pa.int32())
    column = pa.DictionaryArray.from_arrays(big, pa.array(["x" * 1_000_000]))
    pq.write_table(pa.table({"person_id": column}), root / "data/people.parquet", compression="zstd")


@case("quote-offset-wrong", 1, "data/stances.csv", 2, "not the quote")
def quote_offset_wrong(root: Path, outside: Path) -> None:
    set_cell(root, "stances", 2, "quote_start", "7")


@case("quote-end-before-start", 1, "data/stances.csv", 3, "quote_end is not after quote_start")
def quote_end_before_start(root: Path, outside: Path) -> None:
    set_cell(root, "stances", 3, "quote_end", "30")


@case("sha-mismatch", 1, "data/sources.csv", 2, "does not match its recorded SHA-256")
def sha_mismatch(root: Path, outside: Path) -> None:
    with open(root / "sources/articles/mini.txt", "ab") as handle:
        handle.write("改".encode("utf-8"))


@case("stale-generated-file", 1, "data/stances.csv", 3, "is not what `ai-openness build` generates")
def stale_generated(root: Path, outside: Path) -> None:
    replace(root, "codings/stances/mini.yaml", "quote_en: Closed source.", "quote_en: Closed, for now.")


# Rules across fields ---------------------------------------------------------------------------


@case("future-date", 1, "data/stances.csv", 3, "is in the future")
def future_date(root: Path, outside: Path) -> None:
    set_cell(root, "stances", 3, "date", "2999-03-14")


@case("month-precision-not-first", 1, "data/models.csv", 2, "first day of its month")
def month_not_first(root: Path, outside: Path) -> None:
    set_cell(root, "models", 2, "released", "2024-03-15")


@case("impossible-day", 1, "data/stances.csv", 3, "not a real calendar day")
def impossible_day(root: Path, outside: Path) -> None:
    set_cell(root, "stances", 3, "date", "2023-02-30")


@case("stance-without-actor", 1, "data/stances.csv", 2, "neither a person nor an organisation")
def stance_without_actor(root: Path, outside: Path) -> None:
    set_cell(root, "stances", 2, "person_id", "")


# What the Table Schemas say (frictionless) ---------------------------------------------------------


@case("dangling-foreign-key", 1, "data/stances.csv", 3, "refers to a row that does not exist")
def dangling_foreign_key(root: Path, outside: Path) -> None:
    set_cell(root, "stances", 3, "organisation_id", "nobody")


@case("duplicate-primary-key", 1, "data/organisations.csv", 3, "primary key")
def duplicate_primary_key(root: Path, outside: Path) -> None:
    set_cell(root, "organisations", 3, "organisation_id", "openai")


@case("bad-enum", 1, "data/stances.csv", 2, "one of: open, closed, mixed, neutral")
def bad_enum(root: Path, outside: Path) -> None:
    set_cell(root, "stances", 2, "position", "maybe")
