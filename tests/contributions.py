"""A corpus of broken contributions: one small patch per class, applied to a built copy
of tests/fixtures/mini.

Each patch changes what a contributor (careless or hostile) could change in a pull request
and returns nothing; its Case says what `ai-openness validate` must answer: the exit code,
the file and line it must name, and words its explanation must contain. `outside` is a
folder next to the package holding canary files whose content must never be read.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CANARY = "CANARY-7f3c2a9e-outside-the-package"
DESCRIPTOR = "datapackage.json"
ARTICLES = "sources/articles.yaml"
PEOPLE = "codings/people.yaml"
STANCES = "codings/stances/mini.yaml"

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
    (outside / "canary.csv").write_text(
        f"person_id,name,name_zh,organisation_id,role,note\n{CANARY},x,,,,\n", encoding="utf-8"
    )
    (outside / "canary.yaml").write_text(f"- person_id: canary\n  name: {CANARY}\n", encoding="utf-8")
    (outside / "canary.json").write_text(json.dumps({"name": CANARY, "resources": []}), encoding="utf-8")


# Helpers -------------------------------------------------------------------------------


def rebuild(root: Path) -> None:
    from ai_openness.commands.cli import main

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


def publish(root: Path) -> None:
    """Make a built checkout what an unzipped CSV release archive holds: the tables and
    the descriptor, marked as a published copy; no sources/ or codings/."""
    from ai_openness.publish.archives import package_members

    members = package_members(root, DESCRIPTOR, "csv", ())
    shutil.rmtree(root)
    for name, data in members.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)


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
    set_cell(root, "people", 2, "role", '=HYPERLINK("https://example.com","Musk")')


@case(
    "formula-in-coding",
    1,
    "codings/people.yaml",
    line_containing("codings/people.yaml", "=HYPERLINK"),
    "a spreadsheet would run this cell as a formula",
)
def formula_in_coding(root: Path, outside: Path) -> None:  # the build refuses it, as validate does in data/
    replace(
        root,
        "codings/people.yaml",
        "  organisation_id: xai",
        '  organisation_id: xai\n  role: \'=HYPERLINK("https://example.com","Musk")\'',
    )


@case("zero-width-character", 1, "data/organisations.csv", 2, "U+200B ZERO WIDTH SPACE")
def zero_width(root: Path, outside: Path) -> None:
    set_cell(root, "organisations", 2, "name", "Open\u200bAI")  # the build refuses it in a coding


@case("bidi-control", 1, "data/stances.csv", 3, "U+202E RIGHT-TO-LEFT OVERRIDE")
def bidi_control(root: Path, outside: Path) -> None:
    set_cell(root, "stances", 3, "quote_en", "Closed \u202esource.")


@case("bidi-in-coding", 1, STANCES, line_containing(STANCES, "quote_en: Closed"), "U+202E RIGHT-TO-LEFT OVERRIDE")
def bidi_in_coding(root: Path, outside: Path) -> None:
    replace(root, STANCES, "quote_en: Closed source.", "quote_en: Closed \u202esource.")


def _hidden_in_a_published_cell(char: str) -> Callable[[Path, Path], None]:
    def patch(root: Path, outside: Path) -> None:
        publish(root)  # a release archive, unzipped: nothing but the tables to check
        set_cell(root, "people", 2, "name", f"Elon Mu{char}sk")

    return patch


# Characters the build refuses in a name that a hand edit could put into a published table:
# a mark, a variation selector and a symbol by category, each showing nothing.
for _kind, _char, _words in (
    ("combining-grapheme-joiner", "\u034f", "U+034F COMBINING GRAPHEME JOINER"),
    ("braille-blank", "\u2800", "U+2800 BRAILLE PATTERN BLANK"),
    ("variation-selector", "\U000e0100", "U+E0100 VARIATION SELECTOR-17"),
):
    case(f"published-{_kind}", 1, "data/people.csv", 2, _words)(_hidden_in_a_published_cell(_char))


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


@case(
    "symlink-out",
    1,
    DESCRIPTOR,
    line_containing(DESCRIPTOR, '"data/people.csv"'),
    "symbolic link to a place outside the package",
)
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


@case("remote-profile", 1, DESCRIPTOR, line_containing(DESCRIPTOR, "example.com/profile.json"), "not a standard one")
def remote_profile(root: Path, outside: Path) -> None:
    edit_descriptor(root, lambda d: d.update(profile="https://example.com/profile.json"))


@case("compressed-resource", 1, DESCRIPTOR, line_containing(DESCRIPTOR, '"data/people.csv"'), "compressed archives")
def compressed_resource(root: Path, outside: Path) -> None:
    edit_descriptor(root, lambda d: resource(d, "people").update(compression="zip"))


@case(
    "regex-bomb-in-schema",
    1,
    DESCRIPTOR,
    line_containing(DESCRIPTOR, '"data/people.csv"'),
    "is not the one in schema/people.schema.json",
)
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


@case("long-number-json", 2, DESCRIPTOR, 1, "more than the limit of 4300")
def long_number_json(root: Path, outside: Path) -> None:
    # Python refuses to convert an integer of over 4,300 digits; it must not surface as an internal error.
    text = (root / DESCRIPTOR).read_text(encoding="utf-8")
    (root / DESCRIPTOR).write_text(text.replace("{", '{"x": ' + "9" * 5001 + ",", 1), encoding="utf-8")


@case("deep-folders", 1, "codings" + "/d" * 8, None, "levels below codings/")
def deep_folders(root: Path, outside: Path) -> None:
    # Deeper than the limit (tests/test_validate_cli.py goes 1,100 deep, past Python's stack).
    folder = root / "codings"
    for _ in range(40):
        folder = folder / "d"
        os.mkdir(folder)


@case("unreadable-json", 2, DESCRIPTOR, 4, "is not valid JSON")
def unreadable_json(root: Path, outside: Path) -> None:
    (root / DESCRIPTOR).write_text('{\n  "name": "mini",\n  "resources": [\n', encoding="utf-8")


@case("missing-descriptor", 2, DESCRIPTOR, None, "does not exist")
def missing_descriptor(root: Path, outside: Path) -> None:
    (root / DESCRIPTOR).unlink()


@case("yaml-alias-bomb", 1, "codings/people.yaml", line_containing("codings/people.yaml", "*a"), "YAML alias")
def yaml_alias_bomb(root: Path, outside: Path) -> None:
    path = root / "codings/people.yaml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + "- person_id: bomb\n  name: &a [x, x, x, x, x, x, x, x, x]\n  aliases: [*a, *a, *a, *a]\n",
        encoding="utf-8",
    )


# Consistency between the files ---------------------------------------------------------------------


@case("twin-mismatch", 1, "data/people.csv", 2, "differs from its Parquet twin data/people.parquet")
def twin_mismatch(root: Path, outside: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = root / "data/people.parquet"
    table = pq.read_table(path)
    table = table.set_column(
        table.schema.get_field_index("name"), table.schema.field("name"), pa.array(["Elon R. Musk"], pa.string())
    )
    pq.write_table(table, path)


@case("published-both-flavours-corrupt-twin", 1, "data/people.parquet", None, "is not a readable Parquet file")
def published_both_flavours_corrupt_twin(root: Path, outside: Path) -> None:
    """A copy marked as published that holds both descriptors, as a checkout does: its
    Parquet twins are checked too, not only the flavour datapackage.json lists."""
    for rel in ("codings", "sources"):
        shutil.rmtree(root / rel)
    for rel in (DESCRIPTOR, "datapackage.parquet.json"):
        document = json.loads((root / rel).read_text(encoding="utf-8"))
        (root / rel).write_text(json.dumps({"ai_openness:published": True, **document}, indent=2), encoding="utf-8")
    (root / "data/people.parquet").write_bytes(b"garbage")


@case("corrupt-parquet", 1, "data/people.parquet", None, "is not a readable Parquet file")
def corrupt_parquet(root: Path, outside: Path) -> None:
    (root / "data/people.parquet").write_bytes(b"PAR1" + b"\x00" * 64 + b"PAR1")


@case("parquet-too-many-rows", 1, "data/people.parquet", None, "beyond the limits")
def parquet_too_many_rows(root: Path, outside: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    # A few kilobytes on disk that declare a million rows (one repeated value compresses away).
    pq.write_table(
        pa.table({"person_id": pa.array(["x"] * 1_000_000)}), root / "data/people.parquet", compression="zstd"
    )


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


@case("sha-mismatch", 1, ARTICLES, line_containing(ARTICLES, "sha256:"), "does not match its recorded SHA-256")
def sha_mismatch(root: Path, outside: Path) -> None:
    with open(root / "sources/articles/mini.txt", "ab") as handle:
        handle.write("改".encode())


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


@case("impossible-day", 1, "data/stances.csv", 3, "the value is not of the column's type (date)")
def impossible_day(root: Path, outside: Path) -> None:
    set_cell(root, "stances", 3, "date", "2023-02-30")


@case("stance-without-actor", 1, "data/stances.csv", 2, "a stance needs a person_id, an organisation_id or both")
def stance_without_actor(root: Path, outside: Path) -> None:
    set_cell(root, "stances", 2, "person_id", "")


@case("undated-without-reason", 1, "data/stances.csv", 2, "an undated stance needs undated_reason")
def undated_without_reason(root: Path, outside: Path) -> None:
    for column in ("date", "date_end", "date_precision", "date_basis"):
        set_cell(root, "stances", 2, column, "")


@case("licence-without-weights", 1, "data/models.csv", 2, "has no weights licence")
def licence_without_weights(root: Path, outside: Path) -> None:
    set_cell(root, "models", 2, "access", "api")


@case("alias-names-two-entities", 1, "data/aliases.csv", 4, "this spelling already names model grok-1")
def alias_names_two_entities(root: Path, outside: Path) -> None:
    set_cell(root, "aliases", 4, "alias", "GROK-1")


@case("reference-with-stored-text", 1, "data/sources.csv", 3, "an external reference has none")
def reference_with_stored_text(root: Path, outside: Path) -> None:
    set_cell(root, "sources", 3, "path", "sources/articles/mini.txt")


@case("retired-id-in-use", 1, "data/retired_ids.csv", 2, "a retired id is never reused")
def retired_id_in_use(root: Path, outside: Path) -> None:
    with open(root / "data" / "retired_ids.csv", "a", encoding="utf-8", newline="") as handle:
        handle.write("stances,openai-2023-stays-closed,,merged,0.1.0\n")


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


# Hand-written inputs read strictly (sources/ and codings/, found through the rebuild) -------


ARTICLE = "sources/articles/mini.txt"


def store_article(root: Path, data: bytes) -> None:
    """Replace the stored article and record its hash, as a careless contributor would."""
    path = root / ARTICLE
    old = hashlib.sha256(path.read_bytes()).hexdigest()
    path.write_bytes(data)
    replace(root, ARTICLES, old, hashlib.sha256(data).hexdigest())


def article_text(root: Path) -> str:
    return (root / ARTICLE).read_text(encoding="utf-8")


@case("aliases-as-text", 1, PEOPLE, line_containing(PEOPLE, "aliases:"), "write it as a list: aliases: [杨乐昆, LeCun]")
def aliases_as_text(root: Path, outside: Path) -> None:
    replace(root, PEOPLE, "  organisation_id: xai", "  organisation_id: xai\n  aliases: 杨乐昆, LeCun")


@case(
    "arguments-as-text", 1, STANCES, line_containing(STANCES, "arguments:"), "write it as a list: arguments: [security]"
)
def arguments_as_text(root: Path, outside: Path) -> None:
    replace(root, STANCES, "arguments: [security]", "arguments: security")


@case("occurrence-as-text", 1, STANCES, line_containing(STANCES, "occurrence:"), "a whole number from 1")
def occurrence_as_text(root: Path, outside: Path) -> None:
    replace(root, STANCES, "occurrence: 2", 'occurrence: "2"')


@case("not-content-number", 1, ARTICLES, line_containing(ARTICLES, "not_content:"), "item 1 is the number 5")
def not_content_number(root: Path, outside: Path) -> None:
    replace(root, ARTICLES, "  language: zh-Hant", "  language: zh-Hant\n  not_content: [5]")


@case("name-read-as-truth-value", 1, "codings/organisations.yaml", 4, "put the value in quotes")
def name_read_as_truth_value(root: Path, outside: Path) -> None:
    replace(root, "codings/organisations.yaml", "country: US", "country: NO")  # YAML 1.1 reads NO as false


@case("excluded-name-as-list", 1, "codings/excluded.yaml", 1, "a list, but the name as the sources write it")
def excluded_name_as_list(root: Path, outside: Path) -> None:
    (root / "codings/excluded.yaml").write_text("- name: [AI, AGI]\n  reason: generic terms\n", encoding="utf-8")


@case("list-as-key", 1, PEOPLE, line_containing(PEOPLE, "[person_id]"), "uses a list or a mapping as a key")
def list_as_key(root: Path, outside: Path) -> None:
    with open(root / PEOPLE, "a", encoding="utf-8") as handle:
        handle.write("- [person_id]: someone\n  name: Someone\n")


@case("yaml-set-tag", 1, STANCES, line_containing(STANCES, "!!set"), "uses the YAML tag !!set")
def yaml_set_tag(root: Path, outside: Path) -> None:
    replace(root, STANCES, "arguments: [security]", "arguments: !!set {security}")


@case("yaml-python-tag", 1, PEOPLE, line_containing(PEOPLE, "!!python"), "uses the YAML tag !!python/object/apply")
def yaml_python_tag(root: Path, outside: Path) -> None:
    replace(root, PEOPLE, "name: Elon Musk", 'name: !!python/object/apply:os.system ["cat ../outside/canary.csv"]')


@case("yaml-custom-tag", 1, PEOPLE, line_containing(PEOPLE, "!upper"), "uses the YAML tag !upper")
def yaml_custom_tag(root: Path, outside: Path) -> None:
    replace(root, PEOPLE, "name: Elon Musk", "name: !upper Elon Musk")


@case("unquoted-colon", 1, STANCES, line_containing(STANCES, "quote_en: Closed"), "put the value in quotes")
def unquoted_colon(root: Path, outside: Path) -> None:
    replace(root, STANCES, "quote_en: Closed source.", "quote_en: Closed source: for now.")


@case("tab-indentation", 1, PEOPLE, line_containing(PEOPLE, "\tname:"), "indent with spaces")
def tab_indentation(root: Path, outside: Path) -> None:
    replace(root, PEOPLE, "  name: Elon Musk", "\tname: Elon Musk")


@case("blank-name", 1, "codings/organisations.yaml", 2, "is empty or only spaces")
def blank_name(root: Path, outside: Path) -> None:
    replace(root, "codings/organisations.yaml", "name: OpenAI", 'name: " "')


@case("zero-width-in-coding", 1, "codings/organisations.yaml", 2, "U+200B ZERO WIDTH SPACE")
def zero_width_in_coding(root: Path, outside: Path) -> None:
    replace(root, "codings/organisations.yaml", "name: OpenAI", "name: Open\u200bAI")


@case("grapheme-joiner-in-alias", 1, PEOPLE, line_containing(PEOPLE, "Mu\u034f"), "U+034F COMBINING GRAPHEME JOINER")
def grapheme_joiner(root: Path, outside: Path) -> None:
    replace(root, PEOPLE, "  organisation_id: xai", "  organisation_id: xai\n  aliases:\n    - Musk\n    - Mu\u034fsk")


@case("variation-selector-in-name", 1, PEOPLE, 3, "U+FE0F VARIATION SELECTOR-16")
def variation_selector(root: Path, outside: Path) -> None:
    replace(root, PEOPLE, "name_zh: 马斯克", "name_zh: 马斯克\ufe0f")


@case("braille-blank-alias", 1, PEOPLE, line_containing(PEOPLE, "aliases:"), "U+2800 BRAILLE PATTERN BLANK")
def braille_blank(root: Path, outside: Path) -> None:
    replace(root, PEOPLE, "  organisation_id: xai", '  organisation_id: xai\n  aliases: ["\u2800"]')


@case("article-bom", 1, ARTICLES, line_containing(ARTICLES, "path:"), "byte-order mark")
def article_bom(root: Path, outside: Path) -> None:
    store_article(root, b"\xef\xbb\xbf" + (root / ARTICLE).read_bytes())


@case("article-crlf", 1, ARTICLES, line_containing(ARTICLES, "path:"), "CRLF (Windows) line endings")
def article_crlf(root: Path, outside: Path) -> None:
    store_article(root, (root / ARTICLE).read_bytes().replace(b"\n", b"\r\n"))


@case("article-gb18030", 1, ARTICLES, line_containing(ARTICLES, "path:"), "it looks like gb18030")
def article_gb18030(root: Path, outside: Path) -> None:
    store_article(root, article_text(root).encode("gb18030"))


@case(
    "article-utf16",
    1,
    ARTICLES,
    line_containing(ARTICLES, "path:"),
    "is UTF-16 (it starts with a UTF-16 byte-order mark), not UTF-8",
)
def article_utf16(root: Path, outside: Path) -> None:
    store_article(root, article_text(root).encode("utf-16"))


@case("article-not-listed", 1, "sources/articles/extra.txt", None, "path: sources/articles/extra.txt")
def article_not_listed(root: Path, outside: Path) -> None:
    (root / "sources/articles/extra.txt").write_text("另一篇文章。\n", encoding="utf-8")


@case("article-hash-wrong", 1, ARTICLES, line_containing(ARTICLES, "sha256:"), "does not match its recorded SHA-256")
def article_hash_wrong(root: Path, outside: Path) -> None:
    replace(root, ARTICLES, "sha256: e", "sha256: f")


@case(
    "stance-after-publication",
    1,
    STANCES,
    line_containing(STANCES, "date: 2023-03-14"),
    "is after the publication date of its source mini (2023-03-01)",
)
def stance_after_publication(root: Path, outside: Path) -> None:
    replace(root, ARTICLES, "  language: zh-Hant", "  published: 2023-03-01\n  language: zh-Hant")


@case("quote-halfwidth-colon", 1, STANCES, line_containing(STANCES, "quote: 說:"), "U+FF1A FULLWIDTH COLON")
def quote_halfwidth_colon(root: Path, outside: Path) -> None:
    replace(root, STANCES, "quote: 開源軟件最安全。", "quote: 說:「開源軟件最安全。」")


@case("quote-other-script", 1, STANCES, line_containing(STANCES, "quote: 开源"), "Traditional vs Simplified")
def quote_other_script(root: Path, outside: Path) -> None:
    replace(root, STANCES, "quote: 開源軟件最安全。", "quote: 开源软件最安全。")


@case(
    "quote-changed-word",
    1,
    STANCES,
    line_containing(STANCES, "quote: 開源軟件最危險"),
    "at character 6 the quote has '危'",
)
def quote_changed_word(root: Path, outside: Path) -> None:
    replace(root, STANCES, "quote: 開源軟件最安全。", "quote: 開源軟件最危險。")


@case(
    "alias-too-common",
    1,
    "codings/organisations.yaml",
    line_containing("codings/organisations.yaml", "aliases:"),
    "occurs more than 5000 times",
)
def alias_too_common(root: Path, outside: Path) -> None:
    store_article(root, (article_text(root) + "閉源。" * 6_000).encode("utf-8"))
    replace(root, "codings/organisations.yaml", "name: OpenAI", "name: OpenAI\n  aliases: [閉源]")


# What an adversarial run of 0.3.0 still broke, one case per class ---------------------------------
#
# Each runs the command a contributor's change meets (`command`, "{root}" standing for the
# patched package, "{out}" for a folder beside it to write into), with --format json, and
# must exit with `exit_code` naming `file` and `line` with `words`. The sizes exercise each
# class but keep the suite fast; benchmarks/hostile.py runs the adversarial sizes.
# tests/test_hostile.py runs every case of CASES and HOSTILE under a wall-time and memory cap.


@dataclass
class Hostile(Case):
    command: tuple[str, ...] = ("validate", "{root}")
    check: Callable[[dict], bool] | None = None  # what else the JSON report must show


HOSTILE: dict[str, Hostile] = {}
DEEP = 30_000  # levels of nesting: past what a recursive parser survives on the C stack


def hostile(name: str, exit_code: int, file: str, line: Line, words: str, *command: str, check=None):
    def register(patch):
        HOSTILE[name] = Hostile(patch, exit_code, file, line, words, command or ("validate", "{root}"), check)
        return patch

    return register


def own_schema(root: Path) -> None:
    """Give the package its own schema/ (a copy of this checkout's), as a contribution may."""
    shutil.copytree(Path(__file__).resolve().parents[1] / "schema", root / "schema")


def append(root: Path, rel: str, text: str) -> None:
    with open(root / rel, "a", encoding="utf-8") as handle:
        handle.write(text)


BUILD_CHECK = ("build", "--check", "--root", "{root}")


@hostile("deep-brackets-in-coding", 1, PEOPLE, 1, "nested more than 32 levels")
def deep_brackets(root: Path, outside: Path) -> None:
    (root / PEOPLE).write_text("x: " + "[" * DEEP + "]" * DEEP + "\n", encoding="utf-8")


@hostile("deep-mappings-in-coding", 1, STANCES, 1, "nested more than 32 levels", *BUILD_CHECK)
def deep_mappings(root: Path, outside: Path) -> None:
    (root / STANCES).write_text("x: " + "{a: " * DEEP + "1" + "}" * DEEP + "\n", encoding="utf-8")


@hostile(
    "deep-package-yaml",
    1,
    "schema/package.yaml",
    line_containing("schema/package.yaml", "x: [[["),
    "nested",
    *BUILD_CHECK,
)
def deep_package_yaml(root: Path, outside: Path) -> None:
    own_schema(root)
    append(root, "schema/package.yaml", "x: " + "[" * DEEP + "]" * DEEP + "\n")


@hostile("deep-schema-json", 1, "schema/people.schema.json", 1, "nested more than 32 levels", *BUILD_CHECK)
def deep_schema_json(root: Path, outside: Path) -> None:
    own_schema(root)
    (root / "schema/people.schema.json").write_text("[" * DEEP + "]" * DEEP, encoding="utf-8")


@hostile(
    "long-integer-in-package-yaml",
    1,
    "schema/package.yaml",
    line_containing("schema/package.yaml", "x: 999"),
    "more than the limit of 4300",
    *BUILD_CHECK,
)
def long_integer(root: Path, outside: Path) -> None:
    own_schema(root)
    append(root, "schema/package.yaml", "x: " + "9" * 5_001 + "\n")


@hostile("retired-ids-in-a-circle", 1, "codings/retired.yaml", 3, "(3000 ids in the circle)")
def retired_circle(root: Path, outside: Path) -> None:
    (root / "codings/retired.yaml").write_text(
        "".join(
            f'- table: stances\n  id: r{i}\n  successor: r{(i + 1) % 3_000}\n  reason: x\n  retired_in: "0.1.0"\n'
            for i in range(3_000)
        ),
        encoding="utf-8",
    )


@hostile(
    "not-content-one-letter",
    1,
    ARTICLES,
    line_containing(ARTICLES, "not_content"),
    "more than 100 places",
    *BUILD_CHECK,
)
def not_content_one_letter(root: Path, outside: Path) -> None:
    store_article(root, (article_text(root) + "A, B, " * 20_000).encode("utf-8"))
    append(root, ARTICLES, '  not_content: [{text: "A"}]\n')


@hostile("rows-past-the-limit", 1, STANCES, 2 + 250_001, "more than 250000 entries", *BUILD_CHECK)
def rows_past_the_limit(root: Path, outside: Path) -> None:
    (root / STANCES).write_text("source_id: mini\nstances:\n" + "  - {}\n" * 250_001, encoding="utf-8")


@hostile(
    "one-character-aliases-in-many-articles",
    1,
    PEOPLE,
    line_containing(PEOPLE, "aliases: [一"),
    "occurs more than 5000 times",
    *BUILD_CHECK,
)
def one_character_aliases(root: Path, outside: Path) -> None:
    """1,000 one-character aliases, each character 625 times in each of 8 stored articles and
    once more in the last: five million matches, past the 5,000 per alias (sooner for the
    characters that fold to one Simplified spelling, one alias). The adversarial run's 4,000
    aliases and 20 million matches ran out of memory before the limit was looked at."""
    chars = [chr(0x4E00 + i) for i in range(1_000)]
    for k in range(8):
        body = ("".join(chars) * 625 + (chars[0] if k == 7 else "")).encode("utf-8")
        (root / f"sources/articles/x{k}.txt").write_bytes(body)
        append(
            root,
            ARTICLES,
            f"- source_id: x{k}\n  kind: article\n  title: x\n  language: zh-Hans\n"
            f"  path: sources/articles/x{k}.txt\n  sha256: {hashlib.sha256(body).hexdigest()}\n",
        )
    append(root, PEOPLE, "  aliases: [" + ", ".join(chars) + "]\n")


@hostile("long-note-in-coding", 1, PEOPLE, 5, "more than the limit of 65536")
def long_note(root: Path, outside: Path) -> None:
    append(root, PEOPLE, "  note: " + "x" * 140_000 + "\n")


@hostile("long-cell-in-table", 1, "data/people.csv", 2, "longer than the limit")
def long_cell(root: Path, outside: Path) -> None:
    set_cell(root, "people", 2, "note", "x" * 200_000)


@hostile(
    "nul-escape-in-article-path",
    1,
    ARTICLES,
    line_containing(ARTICLES, "path:"),
    "U+0000 (NUL",
    "build",
    "--root",
    "{root}",
)
def nul_escape_in_path(root: Path, outside: Path) -> None:
    replace(root, ARTICLES, "path: sources/articles/mini.txt", 'path: "sources/articles/mi\\0ni.txt"')


@hostile("nul-byte-in-coding", 1, PEOPLE, 5, "NUL")
def nul_byte(root: Path, outside: Path) -> None:
    append(root, PEOPLE, "  note: a\x00b\n")


@hostile("control-character-in-coding", 1, PEOPLE, 5, "U+0007", "build", "--root", "{root}")
def control_character(root: Path, outside: Path) -> None:
    append(root, PEOPLE, "  note: a\x07b\n")


@hostile("empty-coding-file", 1, "codings/organisations.yaml", None, "is empty", "build", "--root", "{root}")
def empty_coding_file(root: Path, outside: Path) -> None:
    (root / "codings/organisations.yaml").write_text("", encoding="utf-8")


@hostile("readme-too-large", 1, "README.md", None, "more than the limit")
def readme_too_large(root: Path, outside: Path) -> None:
    with open(root / "README.md", "wb") as handle:
        handle.truncate(1 << 30)  # sparse: 1 GiB on paper


def _name_walks_out(root: Path, outside: Path) -> None:
    """A resource named like a path out of the package, with a Parquet file there to find."""
    shutil.copy(root / "data/people.parquet", outside / "canary.parquet")
    edit_descriptor(root, lambda d: resource(d, "people").update(name="../../outside/canary"))


for _kind in ("sqlite", "duckdb"):
    hostile(
        f"export-{_kind}-name-walks-out",
        2,
        DESCRIPTOR,
        line_containing(DESCRIPTOR, "../../outside/canary"),
        "is not a plain identifier",
        "export",
        _kind,
        "{out}/export." + _kind,
        "--root",
        "{root}",
    )(_name_walks_out)


def _compared_with_the_codings(report: dict) -> bool:
    """The checkout's tables were compared with what its codings generate: the forged cell is found."""
    return any(p["file"] == "data/stances.csv" and p["code"] == "generated" for p in report["problems"])


@hostile(
    "forged-published-marker",
    1,
    DESCRIPTOR,
    line_containing(DESCRIPTOR, '"ai_openness:published": true'),
    "says this is a published copy",
    check=_compared_with_the_codings,
)
def forged_published_marker(root: Path, outside: Path) -> None:
    # The quote of a stance changed in data/, which only the comparison with the codings and
    # the stored article would catch, and the marker that would skip that comparison.
    set_cell(root, "stances", 2, "quote_en", "Closed source is the safest.")
    edit_descriptor(root, lambda d: d.update({"ai_openness:published": True}))


def _git(root: Path, *args: str) -> str:
    import subprocess

    who = ("-c", "user.name=contributor", "-c", "user.email=contributor@example.org")
    return subprocess.run(["git", *who, "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


def _pull_request(root: Path) -> str:
    """Make `root` a repository whose one commit is the base; change a row as a contribution
    would (OpenAI renamed), and return the base commit's id."""
    _git(root, "init", "--quiet")
    _git(root, "add", "-A")
    _git(root, "commit", "--quiet", "-m", "base")
    replace(root, "codings/organisations.yaml", "name: OpenAI", "name: OpenAI Global")
    rebuild(root)
    return _git(root, "rev-parse", "HEAD").strip()


def _shows_the_base_commits_row(report: dict) -> bool:
    changed = report["tables"]["organisations"]["changed"]
    return [c["fields"]["name"] for c in changed] == [{"old": "OpenAI", "new": "OpenAI Global"}]


def _shadowed_by(kind: str) -> Callable[[Path, Path], None]:
    def patch(root: Path, outside: Path) -> None:
        sha = _pull_request(root)
        if kind == "directory":  # a copy of the contribution named like the base: "no change"
            shutil.copytree(root, root / sha, ignore=shutil.ignore_patterns(".git"))
        else:
            (root / sha).symlink_to(".")
        (outside / "ref").write_text(sha, encoding="utf-8")

    return patch


for _kind in ("directory", "link"):
    hostile(
        f"diff-base-shadowed-by-a-{_kind}",
        0,
        "",
        None,
        "",
        "diff",
        "{ref}",
        "--root",
        "{root}",
        check=_shows_the_base_commits_row,
    )(_shadowed_by(_kind))


@hostile("diff-ref-that-is-only-a-folder", 2, "not-a-commit", None, "a folder named not-a-commit exists")
def ref_only_a_folder(root: Path, outside: Path) -> None:
    _pull_request(root)
    shutil.copytree(root, root / "not-a-commit", ignore=shutil.ignore_patterns(".git"))


HOSTILE["diff-ref-that-is-only-a-folder"].command = ("diff", "not-a-commit", "--root", "{root}")


@hostile(
    "candidates-flood",
    1,
    ARTICLE,
    None,
    "no stance quotes this sentence",
    "candidates",
    "--root",
    "{root}",
    check=lambda report: 0 < len(report["problems"]) < report["unexplained"] and report["left_out"] > 0,
)
def candidates_flood(root: Path, outside: Path) -> None:
    store_article(root, (article_text(root) + "开源。" * 20_000).encode("utf-8"))
