"""Explicit limits on what the build and the validator read from a contribution.

Contributions are untrusted: without limits a hostile file (a CSV bomb, a deeply nested
JSON document, a YAML alias bomb) could exhaust memory or time. Each limit is far above
what the package needs (the figures in brackets are the largest in the package today), and
exceeding one is reported as a finding, never as a crash.
"""

from __future__ import annotations

from dataclasses import dataclass

MiB = 2**20

MAX_DESCRIPTOR_BYTES = 4 * MiB  # a datapackage*.json file [41 kB]
MAX_JSON_DEPTH = 32  # nesting of arrays and objects in a descriptor or a schema file [8]
MAX_RESOURCES = 64  # resources in a descriptor [9]
MAX_TABLE_BYTES = 512 * MiB  # one CSV or Parquet file under data/ [61 kB; 96 MB at 100,000 stances]
MAX_COLUMNS = 100  # columns in one table [19]
MAX_PATTERN = 1_000  # characters of a schema's regular expression [51]
MAX_FIELD_CHARS = 65_536  # characters in one cell [990]
MAX_PARQUET_UNCOMPRESSED = 1024 * MiB  # a Parquet file's uncompressed pages, read from its footer
MAX_INPUT_BYTES = 8 * MiB  # one stored source text, or another file under sources/ [14 kB]
# One YAML file under codings/ or sources/ [14 kB; sources/articles.yaml is 34 MB at a million
# stances]. A YAML bomb is refused by its aliases, not by its size; this bounds parse time.
MAX_YAML_BYTES = 64 * MiB


def input_bytes(rel: str) -> int:
    """The size limit of one file under sources/ or codings/."""
    return MAX_YAML_BYTES if rel.endswith((".yaml", ".yml")) else MAX_INPUT_BYTES


MAX_INPUT_DEPTH = 8  # folders below sources/ or codings/ [1]
MAX_INPUT_FILES = 250_000  # files under sources/ and codings/ [17; 21,000 at 100,000 stances]
MAX_YAML_DEPTH = 32  # nesting of mappings and lists in a YAML file [4]
# Every YAML and JSON input (codings, sources, schema/, descriptors) is checked against these
# on the parser's events or a token scan, before any value is built from it: no recursion
# follows the input's nesting, and no list, mapping or text grows past them in memory.
MAX_ENTRIES = 250_000  # items of one list or array: the rows of one coding file [132; 100,000 at a million stances]
MAX_KEYS = 1_000  # keys of one mapping or JSON object [36]
MAX_SCALAR_CHARS = MAX_FIELD_CHARS  # characters of one value: a cell built from it is then readable [1,002]
MAX_VALUES = 5_000_000  # values (texts, numbers, lists, mappings) in one file [1,600,000 at a million stances]
MAX_NUMBER_DIGITS = 4_300  # digits of one integer: Python's int-string limit (sys.get_int_max_str_digits)
MAX_MENTIONS_PER_ALIAS = 5_000  # matches of one alias in all stored sources [122]
MAX_MENTIONS = 20_000_000  # rows of the generated mentions table [463; 10,000,000 at a million stances]
MAX_QUOTE_OCCURRENCES = 10_000  # places one quote is looked for in its source [3]
# Parts of one stored source marked not_content (sources/*.yaml): every occurrence of a
# marker's text, or one from/to span, counts once. Each marker is found by one scan of the
# text that stops at the limit, so the work per source is at most the text's length times
# this number, and everything that later asks whether an offset is content (mentions,
# candidates, coverage) looks through at most this many spans. [12]
MAX_NOT_CONTENT = 100
MAX_QUOTE_DIAGNOSES = 50  # quotes not found that are compared with their source in detail


@dataclass(frozen=True)
class Limits:
    """What the validator's reader accepts; None means no limit.

    There is no row limit: tables are read in chunks, so memory does not grow with rows,
    and the time a table takes is bounded by its bytes.
    """

    table_bytes: int | None  # one CSV or Parquet file; a Parquet file's decoded size
    columns: int | None  # columns in one table
    cell_chars: int | None  # characters in one cell
    parquet_uncompressed: int | None  # a Parquet file's pages, as its footer declares them
    text_bytes: int | None  # one stored source text
    descriptor_bytes: int | None = MAX_DESCRIPTOR_BYTES  # datapackage*.json (it lists every article)


# A contribution (a pull request) is untrusted; the maintainers' own runs (diff, release) are not.
STRICT = Limits(
    MAX_TABLE_BYTES, MAX_COLUMNS, MAX_FIELD_CHARS, MAX_PARQUET_UNCOMPRESSED, MAX_INPUT_BYTES, MAX_DESCRIPTOR_BYTES
)
TRUSTED = Limits(None, None, None, None, None, None)
