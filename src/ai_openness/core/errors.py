"""The catalogue of findings: every kind of fault the checking engine reports, written once.

Each kind has its code (frictionless' name where frictionless makes the same check:
`type-error`, `constraint-error`, `primary-key`, ...; the package's own otherwise), one
message template, a description of what happened in a contributor's words, and its fix.
A check declares the codes it emits (`EMITS` in each module of checks/) and makes its
findings from the catalogue, so a fault is worded one way wherever it is found, by `build`
on the codings and by `validate` on the published tables. CONTRIBUTING.md's table of
messages is generated from the entries marked `contributor`.

Templates and fixes are `str.format` templates; the parameters each one names are given by
the check that makes the finding.
"""

from __future__ import annotations

from dataclasses import dataclass

from ai_openness.core.problems import Problem

REGENERATE = "run `ai-openness build` and commit the result (never edit data/ or the descriptors by hand)"
IN_CODING = "edit the value in its coding (see below, or search codings/ for it) and run `ai-openness build`"
DATE_IN_CODING = "correct the date in the coding (written YYYY, YYYY-MM or YYYY-MM-DD) and run `ai-openness build`"
DATING = "correct the stance's date fields in its coding (docs/codebook.md section 6), then run `ai-openness build`"
RETIRED = "correct the entry in codings/retired.yaml, then run `ai-openness build`"
OFFSETS = REGENERATE + "; the build computes the offsets from the quote in the coding"


@dataclass(frozen=True)
class ErrorType:
    code: str
    template: str  # the message, with {parameters}
    description: str  # what happened, in a contributor's words
    fix: str  # how to fix it (a template too)
    contributor: bool = False  # a contributor meets it: listed in CONTRIBUTING.md
    example: str = ""  # what the message looks like, where the template alone says little

    def message(self, **params: object) -> str:
        return self.template.format(**params)

    def fix_for(self, **params: object) -> str:
        return self.fix.format(**params)


ENTRIES = (
    # The header (frictionless' label errors) ---------------------------------------------
    ErrorType(
        "missing-label",
        "a column of the schema is missing from the header (column {column})",
        "the table's header lacks a column its Table Schema has",
        REGENERATE,
    ),
    ErrorType(
        "extra-label",
        "the header has a column the schema does not know (column {column})",
        "the table's header has a column its Table Schema does not have",
        REGENERATE,
    ),
    ErrorType(
        "blank-label", "a column name is empty (column {column})", "a column of the header has no name", REGENERATE
    ),
    ErrorType(
        "duplicate-label",
        "two columns have the same name (column {column})",
        "the header names one column twice",
        REGENERATE,
    ),
    ErrorType(
        "incorrect-label",
        "the header does not match the schema (column {column})",
        "the header's columns are not the schema's, in the schema's order",
        REGENERATE,
    ),
    # Rows and cells (frictionless' row and cell errors) ----------------------------------
    ErrorType("blank-row", "the row is empty", "a row has no value in any cell", REGENERATE),
    ErrorType(
        "missing-cell",
        "the row has fewer cells than the header",
        "a row of the CSV has fewer cells than its header",
        REGENERATE,
    ),
    ErrorType(
        "extra-cell",
        "the row has more cells than the header (cell {cell})",
        "a row of the CSV has more cells than its header",
        REGENERATE,
    ),
    ErrorType(
        "type-error",
        "the value is not of the column's type ({type})",
        "a cell cannot be read as its column's type (a number, a truth value, a date)",
        REGENERATE,
    ),
    ErrorType(
        "constraint-error",
        "{note}",
        "a cell breaks its column's constraint: required, vocabulary, pattern, length or bounds",
        REGENERATE,
    ),
    ErrorType(
        "limit",
        "{note}",
        "a file, a table or a cell is larger than a contribution may be",
        "check that the right file was committed: this package's files are far smaller (a package of "
        "your own may be checked with `ai-openness validate --trusted`)",
    ),
    ErrorType(
        "out-of-memory",
        "needs more memory than this process may use (a package's mention rows take about 600 bytes "
        "each: aliases that match millions of places need gigabytes)",
        "the run ran out of memory before it could finish; nothing was written",
        "remove aliases that are common words or single characters from codings/, or run on a machine with more memory",
    ),
    ErrorType("source-error", "is not well-formed CSV ({reason})", "the file cannot be read as CSV", REGENERATE),
    # Keys -----------------------------------------------------------------------------------
    ErrorType("primary-key", "{note}", "two rows share a primary key, or a row has none", REGENERATE),
    ErrorType(
        "unique-error",
        "the value must be unique in its column but occurs twice ({columns} already used at line {{first}})",
        "a column marked unique holds one value twice",
        REGENERATE,
    ),
    ErrorType(
        "foreign-key",
        "the value refers to a row that does not exist: no {table} row has {columns} = {key} "
        "(the {table} ids are those of {defined_in}{nearest})",
        "an id names a row that its table does not have (a typo here, or in the file that defines the id, or a "
        "row not yet added)",
        "correct the id here, or the one in {defined_in} if that is the misspelt one, or add the row it names "
        "there; then run `ai-openness build`",
        contributor=True,
    ),
    # The descriptor's record of each file -------------------------------------------------
    ErrorType(
        "hash-count",
        "the file's SHA-256 is not the one recorded in the descriptor ({sha256})",
        "a table was changed after the build recorded its hash",
        REGENERATE,
    ),
    ErrorType(
        "byte-count",
        "the file's size is not the one recorded in the descriptor ({size} bytes)",
        "a table was changed after the build recorded its size",
        REGENERATE,
    ),
    # Cell hygiene ---------------------------------------------------------------------------
    ErrorType(
        "formula",
        "starts with {start}: a spreadsheet would run this cell as a formula",
        "a value starts with =, +, - or @, which a spreadsheet runs as a formula",
        "reword the value so that it starts with a letter or a digit; " + IN_CODING,
        contributor=True,
    ),
    ErrorType(
        "invisible-character",
        "contains the invisible character {character} at position {position}{more}",
        "a character that shows nothing was pasted in (zero-width, bidirectional, variation selector, "
        "braille blank, combining grapheme joiner)",
        "delete the invisible character (retype the value if in doubt); " + IN_CODING,
        contributor=True,
    ),
    ErrorType(
        "not-nfc",
        "the id is not in Unicode normalisation form NFC: it looks like another id but is a different key",
        "an id is written with decomposed characters",
        "retype the id (composed characters, NFC); " + IN_CODING,
    ),
    # Dates ------------------------------------------------------------------------------------
    ErrorType("date-in-future", "is in the future (today is {today})", "a date lies after today", DATE_IN_CODING),
    ErrorType(
        "precision-without-date",
        "{precision} is set but {date} is empty",
        "a date's precision is set but the date is empty",
        DATE_IN_CODING,
    ),
    ErrorType(
        "month-not-first-day",
        "with month precision the date must be the first day of its month",
        "a date known to the month is not stored as the first day of its month",
        DATE_IN_CODING,
    ),
    ErrorType(
        "year-not-first-day",
        "with year precision the date must be the first day of its year",
        "a date known to the year is not stored as the first day of its year",
        DATE_IN_CODING,
    ),
    ErrorType(
        "date-without-precision",
        "the date has no {precision}",
        "a date is set but its precision is empty",
        DATE_IN_CODING,
    ),
    ErrorType(
        "date-end",
        "is not the last day {date} can mean",
        "a date's last day is not the end of its day, month or year",
        REGENERATE + " (the build computes it from the date)",
    ),
    ErrorType(
        "date-after-source",
        "is after the publication date of its source {source_id} ({published}); an article cannot "
        "report a stance taken after it was published",
        "a stance is dated after the article that reports it was published",
        "correct the stance's date, or the article's `published` ({published_at}) if that is the "
        "wrong one; then run `ai-openness build`",
        contributor=True,
    ),
    ErrorType(
        "date-basis-missing",
        "a dated stance needs date_basis (stated, relative or reference)",
        "a stance has a date but not how it was dated",
        DATING,
        contributor=True,
    ),
    ErrorType(
        "date-basis-undated",
        "date_basis and date_source_id need a date",
        "a stance says how it was dated but has no date",
        DATING,
    ),
    ErrorType(
        "undated-reason-missing",
        "an undated stance needs undated_reason (see docs/codebook.md section 6)",
        "a stance has no date and does not say why",
        DATING,
        contributor=True,
    ),
    ErrorType(
        "undated-reason-dated",
        "a dated stance has no undated_reason; remove it",
        "a stance has a date and a reason for having none",
        DATING,
    ),
    ErrorType(
        "date-source",
        "date_source_id is required when, and only when, date_basis is reference",
        "a stance dated by a reference does not name it, or names one without being dated by it",
        DATING,
    ),
    ErrorType(
        "relative-date-unpublished",
        "relative dates need the article's publication date, which "
        "sources/articles.yaml does not give; date it by a reference",
        "a stance is dated relative to an article whose publication date is unknown",
        DATING,
    ),
    ErrorType(
        "date-source-article",
        "must name an external reference (sources/references.yaml), not a stored article",
        "a stance is dated by a stored article rather than by an external reference",
        DATING,
    ),
    # The package's own rules across rows and tables ------------------------------------------
    ErrorType(
        "actor",
        "a stance needs a person_id, an organisation_id or both",
        "a stance names neither who took it nor for which organisation",
        "set person_id or organisation_id in the stance's coding, then run `ai-openness build`",
        contributor=True,
    ),
    ErrorType(
        "licence",
        "a model whose weights are not released has no weights licence; leave licence_id empty",
        "a model with withheld weights names a weights licence",
        "leave licence_id empty in the model's coding, then run `ai-openness build`",
    ),
    ErrorType(
        "source",
        "an article has a stored text (path and sha256); an external reference has none",
        "a stored article lacks its text, or an external reference has one",
        "list stored articles in sources/articles.yaml and other sources in sources/references.yaml, "
        "then run `ai-openness build`",
    ),
    ErrorType(
        "reference-url",
        "an external reference names the public address (url) of the copy that was read",
        "a fact from outside the articles has no address a reader can check it at",
        "add the `url` of the page you read to its entry in sources/references.yaml, then run `ai-openness build`",
        contributor=True,
    ),
    ErrorType(
        "alias",
        "this spelling already names {entity_type} {entity_id}; an alias must name one entity",
        "one spelling (in either script, any case) is an alias of two entities",
        "remove the alias from one of the two entities in codings/, then run `ai-openness build`",
        contributor=True,
    ),
    ErrorType(
        "retired-table",
        "expected a table keyed by one id column: {tables}",
        "a retired id names a table that has no single id column",
        RETIRED,
    ),
    ErrorType(
        "retired-reused",
        "is still a {column} in {table}; a retired id is never reused (remove the entry, or give the row a new id)",
        "a retired id is back in its table",
        RETIRED,
        contributor=True,
    ),
    ErrorType(
        "retired-successor",
        "{reason}; name an id that is in {table}",
        "a retired id's successor leads nowhere (or round in a circle)",
        RETIRED,
    ),
    # Stored texts and quotes -----------------------------------------------------------------
    ErrorType("quote-offsets", "quote_end is not after quote_start", "a stance's offsets are out of order", OFFSETS),
    ErrorType(
        "quote",
        "the stored source has {found} at {start}:{end}, not the quote",
        "a stance's quote is not at its offsets in the stored text",
        OFFSETS,
    ),
    ErrorType(
        "source-text-unreadable",
        "the stored text cannot be read: {reason}",
        "a stored article's path leads to no readable file inside sources/",
        "restore the stored text at this path, or correct `path` in sources/articles.yaml and run `ai-openness build`",
    ),
    ErrorType(
        "source-text-changed",
        "{path} does not match its recorded SHA-256",
        "a stored article changed after it was recorded",
        "a stored source never changes: restore it (`git checkout origin/main -- {path}`); if the new "
        "bytes are intended, record their SHA-256 in sources/articles.yaml and run `ai-openness build`",
        contributor=True,
    ),
    ErrorType(
        "source-text-unrecorded",
        "has no sha256: the SHA-256 of the stored text {path} is {digest}",
        "a new article's entry in sources/articles.yaml does not record the hash of its text yet",
        "record it in this entry of sources/articles.yaml: `sha256: {digest}`; then run `ai-openness build`",
        contributor=True,
    ),
    ErrorType(
        "date-format",
        "is not a date written {form} (e.g. {example})",
        "a date is written in another form than the one the codings use (2024/03/25, 25.3.2024, March 2024)",
        "write it {form}, e.g. {example}, or leave it empty when the source does not say; then run `ai-openness build`",
        contributor=True,
    ),
    ErrorType(
        "source-text-encoding",
        "{path} is not UTF-8 text ({reason})",
        "a stored article is not UTF-8 text",
        "store the source as UTF-8 text",
    ),
    ErrorType(
        "source-text-length",
        "is not the number of code points of the stored text",
        "a source's `characters` is not the length of its stored text",
        REGENERATE,
    ),
    # The schema files (schema/) -----------------------------------------------------------------
    ErrorType(
        "schema-shape",
        "{note}",
        "a schema file is not what the contract's objects read: a field without a name or with an unknown "
        "type, a key naming no field, a pattern the checks cannot run, a resource named twice",
        "correct the schema file; a changed column is a new version of the package (README, Versions)",
        example="Input should be 'string', 'integer', 'number', 'boolean' or 'date' (got 'geopoint')",
    ),
    # Files that are not what they should be ------------------------------------------------
    ErrorType(
        "encoding-error",
        "{note}",
        "a file is not UTF-8 text with LF line endings (UTF-16, a byte-order mark, Latin-1, CRLF, an archive, "
        "binary data)",
        "save it as UTF-8 without a byte-order mark and with LF line endings (files under data/: rebuild them)",
        contributor=True,
        example="starts with a UTF-8 byte-order mark (BOM); has CRLF (Windows) line endings; is UTF-16",
    ),
    ErrorType(
        "generated",
        "is not what `ai-openness build` generates from sources/ and codings/{where}",
        "a coding changed but the tables were not rebuilt, or a table was edited by hand",
        "run `make`, then `git add -A` and commit",
        contributor=True,
    ),
    # The hand-written files (YAML codings, source metadata, stored texts) ------------------
    ErrorType(
        "yaml-syntax",
        "is not valid YAML: {problem}",
        "a line is neither `key: value` nor a list item, or a value holds a colon and a space (`他說: …`)",
        "put such a value in quotes; the message's fix says what the parser met",
        contributor=True,
        example="is not valid YAML: mapping values are not allowed here",
    ),
    ErrorType(
        "yaml-alias",
        "uses a YAML alias (*name); write the value out instead",
        "only plain YAML is read: `key: value` mappings, lists, text, numbers and dates",
        "write the value out",
        contributor=True,
    ),
    ErrorType(
        "yaml-anchor",
        "uses a YAML anchor (&{anchor}); write each value out instead",
        "only plain YAML is read: `key: value` mappings, lists, text, numbers and dates",
        "write each value out",
        contributor=True,
    ),
    ErrorType(
        "yaml-tag",
        "uses the YAML tag {tag}; codings hold only text, numbers, dates, lists and key: value mappings",
        "a value carries a YAML tag (`!!set`, `!!python/...`), which makes it something else than it reads as",
        "remove the tag (quote the value if the ! is meant as text)",
        contributor=True,
    ),
    ErrorType(
        "yaml-shape",
        "{note}",
        "a YAML file nests too deep, or uses a list or a mapping as a key",
        "keep the codings flat: a key is a name such as person_id",
        example="is nested more than 32 levels deep",
    ),
    ErrorType(
        "control-character",
        "holds the character {character} ({name}), which YAML does not allow",
        "a NUL byte or another control character was pasted into a YAML file (or a NUL written as the escape \\0)",
        "remove the character (retype the value in an editor that shows invisible characters)",
        contributor=True,
        example="holds the character U+0007 (a control character), which YAML does not allow",
    ),
    ErrorType(
        "empty-file",
        "is empty: it holds no entries",
        "a YAML file under sources/ or codings/ holds nothing, so every row that refers to its entries fails",
        "restore it (`git checkout -- {path}`), or remove the file if it is not needed",
        contributor=True,
    ),
    ErrorType(
        "published-marker",
        "says this is a published copy, but the folder holds {inputs}: a folder with the inputs is a "
        "checkout, and is validated as one",
        "a checkout's datapackage.json carries the mark of a release archive, which would skip the comparison "
        "with the codings and the stored articles",
        "remove the ai_openness:published key from datapackage.json (`ai-openness build` writes it without one)",
    ),
    ErrorType(
        "wrong-form",
        "{note}",
        "`aliases` and `arguments` are lists even with one item; a key has its declared form",
        "write it as the message shows",
        contributor=True,
        example="is a single text, but a list of names is expected; write it as a list: aliases: [杨乐昆, LeCun]",
    ),
    ErrorType(
        "text-expected",
        "is read as {read_as}, but text is expected; put the value in quotes",
        "YAML reads `yes`, `no`, `on`, `off` (and `NO`, Norway) as true or false, and digits as numbers",
        'quote the value: country: "NO"',
        contributor=True,
    ),
    ErrorType(
        "name",
        "the name {why}",
        "a name or alias is blank, or holds a character that shows nothing (zero-width, variation selector, "
        "braille blank)",
        "retype the name",
        contributor=True,
    ),
    ErrorType(
        "unlisted-article",
        "is not listed in sources/articles.yaml, so nothing reads it",
        "a text was stored without its entry in sources/articles.yaml",
        "add the entry the message shows (with its sha256), or remove the file",
        contributor=True,
    ),
    ErrorType(
        "quote-not-found",
        "{note}",
        "the quote was retyped: other punctuation (halfwidth/fullwidth), the other script "
        "(Traditional/Simplified) or another word; or it occurs more than once",
        "copy the quote from the stored text (or add `occurrence: N`)",
        contributor=True,
        example="the quote is not in the source text: at character N the quote has ',' (U+002C COMMA) where the "
        "source has '，' (U+FF0C FULLWIDTH COMMA)",
    ),
    ErrorType(
        "path-outside",
        "{note}",
        "a path points outside the repository: it leaves the package (..), is absolute, is a URL or a link "
        "to a place outside",
        "keep every file inside the package; regenerate the descriptors",
        contributor=True,
        example="the path '../x.csv' leaves the package directory (..)",
    ),
    # Parquet twins ------------------------------------------------------------------------------
    ErrorType("twin", "{note}", "a Parquet twin does not hold what its CSV holds", REGENERATE),
)

CATALOGUE: dict[str, ErrorType] = {entry.code: entry for entry in ENTRIES}


def error_type(code: str) -> ErrorType:
    """The catalogue's entry for `code`; a code not in it is a bug in the check that used it."""
    try:
        return CATALOGUE[code]
    except KeyError:
        raise KeyError(f"{code!r} is not in the catalogue of findings (core/errors.py)") from None


def problem(
    code: str,
    file: str,
    line: int | None,
    field: str | None,
    value: str | None = None,
    *,
    expected: str | None = None,
    column: int | None = None,
    **params: object,
) -> Problem:
    """A located problem worded by the catalogue's entry for `code`."""
    entry = error_type(code)
    return Problem(file, line, field, entry.message(**params), value, expected, entry.fix_for(**params), column, code)
