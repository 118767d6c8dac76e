"""`ai-openness export`: every table in a SQLite (Datasette) or DuckDB database."""

from __future__ import annotations

import argparse
from pathlib import Path

from ai_openness.commands.common import report
from ai_openness.commands.console import Output

NAME = "export"
HELP = "write every table to a SQLite (Datasette) or DuckDB database"
EXAMPLES = [
    (
        "ai-openness export sqlite ai-openness.db",
        "then browse it: datasette ai-openness.db -m ai-openness.metadata.json",
    ),
    (
        "ai-openness export duckdb ai-openness.duckdb",
        "then query it: duckdb ai-openness.duckdb -c 'from stances_by_actor limit 5'",
    ),
]
DESCRIPTION = (
    "Write every table with its keys, column descriptions and the package version.\n"
    "A SQLite export also gets Datasette metadata (titles, descriptions, licence,\n"
    "facets, canned queries), written beside it as <stem>.metadata.json.\n"
    "Without --root, the installed or checked-out package is exported."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=["sqlite", "duckdb"], help="database format")
    parser.add_argument("path", help="database file to write (replaced if it exists)")
    parser.add_argument("--metadata", help="where to write the Datasette metadata (sqlite only)")


def run(args: argparse.Namespace, out: Output) -> int:
    from ai_openness.views.export import EXPORTERS, write_datasette_metadata

    root = Path(args.root).resolve() if args.root else None
    path = Path(args.path)
    counts = EXPORTERS[args.kind](path, root=root, progress=out.progress)
    metadata = write_datasette_metadata(path, args.metadata, root=root) if args.kind == "sqlite" else None
    if out.fmt == "json":
        data = {"kind": args.kind, "path": str(path), "rows": counts}
        data["datasette_metadata"] = str(metadata) if metadata else None
        return report(out, 0, data)
    out.table(f"Exported to {path} ({args.kind})", ["table", ("rows", "right")], counts.items())
    if metadata:
        out.line(f"Datasette metadata: {metadata}")
        out.line(f"Browse it: datasette {path} -m {metadata}")
    else:
        out.line(f"Query it: duckdb {path}")
    return 0
