"""Explicit limits on what the build and the validator read from a contribution.

Contributions are untrusted: without limits a hostile file (a CSV bomb, a deeply nested
JSON document, a YAML alias bomb) could exhaust memory or time. Each limit is far above
what the package needs (the figures in brackets are the largest in the package today), and
exceeding one is reported as a finding, never as a crash.
"""

from __future__ import annotations

MiB = 2**20

MAX_DESCRIPTOR_BYTES = 4 * MiB  # a datapackage*.json file [41 kB]
MAX_JSON_DEPTH = 32  # nesting of arrays and objects in a descriptor [8]
MAX_RESOURCES = 64  # resources in a descriptor [9]
MAX_TABLE_BYTES = 32 * MiB  # one CSV or Parquet file under data/ [61 kB]
MAX_ROWS = 100_000  # rows in one table [463]
MAX_COLUMNS = 100  # columns in one table [19]
MAX_FIELD_CHARS = 65_536  # characters in one cell [990]
MAX_PARQUET_UNCOMPRESSED = 64 * MiB  # a Parquet file's uncompressed pages, read from its footer
MAX_INPUT_BYTES = 8 * MiB  # one YAML coding or stored source text [14 kB]
MAX_INPUT_FILES = 2_000  # files under sources/ and codings/ [17]
MAX_YAML_DEPTH = 32  # nesting of mappings and lists in a YAML file [4]
MAX_MENTIONS_PER_ALIAS = 5_000  # matches of one alias in all stored sources [122]
MAX_MENTIONS = MAX_ROWS  # rows of the generated mentions table [463]
MAX_QUOTE_OCCURRENCES = 10_000  # places one quote is looked for in its source [3]
MAX_QUOTE_DIAGNOSES = 50  # quotes not found that are compared with their source in detail
