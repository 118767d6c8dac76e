"""The README of a release archive, which is also its dataset card.

Hugging Face reads a dataset's card from README.md: YAML front matter (one config per
table, pointing at its file), then the text a reader sees. One file serves both.
"""

from __future__ import annotations

from typing import Any

import yaml

from ai_openness.compile.metadata import CITATION, creators
from ai_openness.views.load import RELEASES_ENV

_LOADERS = {
    "csv": 'import pandas as pd\n\nstances = pd.read_csv("data/stances.csv", keep_default_na=False, na_values=[""])  # empty: missing',
    "parquet": 'import pandas as pd\n\nstances = pd.read_parquet("data/stances.parquet")',
}


def dataset_card(descriptor: dict[str, Any]) -> dict[str, Any]:
    """The card's front matter: what a dataset hub reads."""
    return {
        "pretty_name": descriptor["title"],
        "license": [licence["name"].lower() for licence in descriptor["licenses"]],
        "language": ["zh", "en"],
        "tags": descriptor.get("keywords", []),
        "configs": [{"config_name": r["name"], "data_files": r["path"]} for r in descriptor["resources"]],
    }


def archive_readme(descriptor: dict[str, Any], released: str | None) -> str:
    """README.md of a release archive: its dataset card, then what it is, its tables, how
    to load and check them, its licence and how to cite it."""

    fmt = descriptor["resources"][0]["format"]
    version, title = descriptor["version"], descriptor["title"]
    front = yaml.safe_dump(dataset_card(descriptor), allow_unicode=True, sort_keys=False, width=1000)
    when = f" (released {released})" if released else ""
    shown = {"csv": "CSV", "parquet": "Parquet"}.get(fmt, fmt)
    lines = [
        "---",
        front.rstrip("\n"),
        "---",
        "",
        f"# {title}",
        "",
        descriptor["description"],
        "",
        f"This folder is version {version}{when} of the ai-openness data package, published as "
        f"{shown} files: a [Frictionless Data Package](https://datapackage.org/) whose "
        "`datapackage.json` describes every table (columns, types, keys, vocabularies). It is a "
        "published copy: the stored articles and hand-written codings the tables are built from "
        "stay in the project's repository. This README is generated from `datapackage.json`.",
        "",
        "## Tables",
        "",
        "| table | file | columns | what it holds |",
        "|---|---|---:|---|",
    ]
    for resource in descriptor["resources"]:
        lines.append(
            f"| `{resource['name']}` | `{resource['path']}` | {len(resource['schema']['fields'])} "
            f"| {resource['description']} |"
        )
    licences = "; ".join(
        f"{x['name']}: {x.get('title', x['name'])}" + (f" ({x['path']})" if x.get("path") else "")
        for x in descriptor["licenses"]
    )
    authors = ", ".join(creators(descriptor))
    lines += [
        "",
        "## Load",
        "",
        "```python",
        _LOADERS[fmt],
        "```",
        "",
        "The project's Python library reads a release archive with typed columns: put the .zip in a "
        f'folder named by `{RELEASES_ENV}`, then `ai_openness.load("stances", version="{version}")`.',
        "",
        "## Check",
        "",
        "```sh",
        "frictionless validate datapackage.json",
        "ai-openness validate .",
        "```",
        "",
        "## Licence",
        "",
        licences,
        "",
        "## Cite",
        "",
        f"{authors}. *{title}*. Version {version}{when}. The same in the Citation File Format: `{CITATION}`.",
        "",
    ]
    return "\n".join(lines)
