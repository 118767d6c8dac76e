"""sources/ + codings/ -> typed rows -> tables -> data/ and the descriptors.

The one-way flow of the package: nothing downstream writes upstream.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from ai_openness.compile import docs, metadata
from ai_openness.compile.cache import Cache
from ai_openness.compile.collect import collect, without_cycle_collection
from ai_openness.compile.coverage import summarise
from ai_openness.compile.executors import Executor
from ai_openness.compile.inputs import Inputs
from ai_openness.compile.write import render
from ai_openness.contract import DESCRIPTOR, Contract
from ai_openness.core.limits import MAX_INPUT_BYTES
from ai_openness.core.problems import BuildFailed, Problem
from ai_openness.safeio.files import Refused, read_file
from ai_openness.safeio.schema import contract_for_build
from ai_openness.safeio.write import stale, write_atomically

__all__ = ["Result", "build", "collect", "readme", "released"]


@dataclass
class Result:
    tables: dict[str, list[dict[str, Any]]]
    files: dict[str, bytes]
    inputs: Inputs


def readme(root: Path, tables: dict[str, list[dict[str, Any]]], inputs: Inputs, contract: Contract) -> dict[str, bytes]:
    """README.md, CONTRIBUTING.md (its table of messages), LICENSE-DATA.md and sources/README.md
    with their generated blocks refreshed (a document the package does not have is left out)."""
    makers: dict[str, dict[str, Callable[[], str]]] = {
        docs.README: {
            "tables": lambda: docs.table_sizes(contract, tables),
            "data-dictionary": lambda: docs.data_dictionary(contract),
            "coverage": lambda: "```\n" + summarise(tables, inputs).text() + "\n```",
        }
    }
    for document, made in docs.DOCUMENT_BLOCKS.items():
        makers.setdefault(document, {}).update({name: partial(make, contract, tables) for name, make in made.items()})
    files = {}
    for document, blocks in makers.items():
        if not (root / document).is_file() and not (root / document).is_symlink():
            continue  # a document the package does not have (a test package has no guide)
        # Made only for a document the package has: the coverage block segments every
        # stored text, and a test package without a README would pay it on every build.
        files[document] = _filled(root, document, {name: make() for name, make in blocks.items()})
    return files


def _filled(root: Path, rel: str, blocks: dict[str, str]) -> bytes:
    """`rel` with its generated blocks refreshed; read inside the package, and no larger
    than a stored text (README.md is 57 kB)."""
    try:
        data = read_file(root, rel, MAX_INPUT_BYTES)
        return docs.fill(data.decode("utf-8"), blocks, rel).encode("utf-8")
    except Refused as refused:
        raise BuildFailed([Problem(rel, None, None, refused.message, fix=refused.fix)]) from None
    except (ValueError, UnicodeDecodeError) as exc:  # not UTF-8, or its generated blocks' markers are broken
        raise BuildFailed([Problem(rel, None, None, str(exc))]) from None


def released(contract: Contract) -> str | None:
    """The release date of the current version, recorded by `ai-openness release`."""
    value = contract.meta.get("released")
    return str(value) if value else None


def build(
    root: Path,
    check: bool = False,
    contract: Contract | None = None,
    cache: Cache | None = None,
    run: Executor | None = None,
) -> tuple[Result, list[str]]:
    """Regenerate the package under `root` (with its own schema/, see contract_for_build).

    With check=True nothing is written and the stale files are returned instead. The
    per-source stage reads and writes `cache` and runs on `run` (collect).
    """
    contract = contract or contract_for_build(root)
    with without_cycle_collection():
        tables, inputs = collect(root, contract=contract, cache=cache, run=run)
        files = render(contract, tables)
        files |= metadata.render(contract, files[DESCRIPTOR], released(contract))
        files |= readme(root, tables, inputs, contract)
        outdated = stale(root, files)
        if not check and outdated:
            write_atomically(root, {rel: files[rel] for rel in outdated})
    return Result(tables, files, inputs), outdated
