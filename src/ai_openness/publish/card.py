"""The README of a release archive, which is also its dataset card.

Hugging Face reads a dataset's card from README.md: YAML front matter (one config per
table, pointing at its file), then the text a reader sees. One file serves both. Only the
Parquet archive's card names configs: a hub's loader reads Parquet with its types, and the
CSVs' dates as text.
"""

from __future__ import annotations

from typing import Any

import yaml

from ai_openness.compile.docs import data_dictionary
from ai_openness.compile.metadata import CITATION, CROISSANT, creators
from ai_openness.contract import Contract
from ai_openness.views.load import RELEASES_ENV, release_archive_name

_LOADERS = {
    "csv": 'import pandas as pd\n\nstances = pd.read_csv("data/stances.csv", keep_default_na=False, na_values=[""])  # empty: missing',
    "parquet": 'import pandas as pd\n\nstances = pd.read_parquet("data/stances.parquet")',
}


def dataset_card(descriptor: dict[str, Any]) -> dict[str, Any]:
    """The card's front matter: what a dataset hub reads."""
    card = {
        "pretty_name": descriptor["title"],
        "license": [licence["name"].lower() for licence in descriptor["licenses"]],
        "language": ["zh", "en"],
        "tags": descriptor.get("keywords", []),
    }
    if all(r.get("format") == "parquet" for r in descriptor["resources"]):
        card["configs"] = [{"config_name": r["name"], "data_files": r["path"]} for r in descriptor["resources"]]
    return card


def archive_readme(descriptor: dict[str, Any], released: str | None, contract: Contract | None = None) -> str:
    """README.md of a release archive: its dataset card, then what it is, its tables, how
    to load and check them, its data dictionary, its licence and how to cite it."""

    contract = contract or Contract.from_descriptor(descriptor)
    fmt = descriptor["resources"][0]["format"]
    version, title = descriptor["version"], descriptor["title"]
    folder = f"ai-openness-{version}-{fmt}"
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
        "`datapackage.json` describes every table (columns, types, keys, vocabularies), with the "
        f"same description for machine-learning tools in `{CROISSANT}` (Croissant 1.0). It is a "
        "published copy: the stored articles and hand-written codings the tables are built from "
        "stay in the project's repository. This README is generated from `datapackage.json`.",
        "",
    ]
    if fmt == "csv":
        lines += [
            f"To publish the tables on a dataset hub, use the Parquet archive (`{release_archive_name(version)}`): "
            "its card names one config per table, and a hub's loader reads the Parquet files with their "
            "types, where it would read these CSVs' dates as text.",
            "",
        ]
    lines += [
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
        "In this folder, with pandas (and pyarrow for Parquet) installed:",
        "",
        "<!-- run: fresh venv -->",  # how the project's tests run the block (tests/test_readme_commands.py)
        "```python",
        _LOADERS[fmt],
        "```",
        "",
        "With the project's Python library installed (its release wheel, "
        f"`pip install ai_openness-{version}-py3-none-any.whl`, holds these very tables), "
        f'`ai_openness.load("stances")` gives typed columns, and `ai_openness.describe("stances")` '
        "the columns' types, descriptions and vocabularies. Another version's library reads this "
        f"release from its Parquet archive: put `{release_archive_name(version)}` in a folder and set "
        f'`{RELEASES_ENV}` to it, then `ai_openness.load("stances", version="{version}")`.',
        "",
        "## Check",
        "",
        "Unzip the archive first and check the folder: `frictionless validate` given the .zip itself "
        "checks only the first file it finds, not the package, because the descriptor is inside the folder.",
        "",
        "<!-- run: every extra -->",
        "```sh",
        f"unzip {folder}.zip",
        f"cd {folder}",
        "frictionless validate datapackage.json   # pip install 'frictionless[parquet]'",
        "```",
        "",
        "## Data dictionary",
        "",
        data_dictionary(contract),
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
