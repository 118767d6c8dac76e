"""Load the tables into pandas with real dtypes, from the Parquet twins."""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from pathlib import Path
from typing import Any

from ai_openness.contract import DESCRIPTOR, Contract
from ai_openness.core.paths import package_root
from ai_openness.safeio.installed import contract_from_descriptor_file, installed_contract, table_file

RELEASES_ENV = "AI_OPENNESS_RELEASES"  # a folder holding release archives
_RELEASE_VERSION = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")


def descriptor_member(names: list[str]) -> str:
    """The datapackage.json of an archive: in its one folder, or at its top (archives
    made before the folder was added)."""
    found = [n for n in names if n == DESCRIPTOR or (n.count("/") == 1 and n.endswith("/" + DESCRIPTOR))]
    if len(found) != 1:
        raise ValueError(f"the archive holds {len(found)} {DESCRIPTOR} at its top or in a top folder, not one")
    return found[0]


def _root(root: str | Path | None) -> Path:
    return Path(root) if root is not None else package_root()


def data_version(root: str | Path | None = None) -> str:
    """The version of the data package (from its datapackage.json)."""
    descriptor = _root(root) / "datapackage.json"
    return str(json.loads(descriptor.read_text(encoding="utf-8"))["version"])


def release_archive_name(version: str) -> str:
    return f"ai-openness-{version}-parquet.zip"


def find_release(version: str, root: str | Path | None = None) -> Path:
    """The local Parquet archive of a named release, or a clear error saying where to get it."""
    name = release_archive_name(version)
    places = [Path(p) for p in [os.environ.get(RELEASES_ENV)] if p] + [_root(root) / "dist", Path.cwd()]
    for place in places:
        if (place / name).is_file():
            return place / name
    # There is no public download address: the archive is made from the git history.
    raise FileNotFoundError(
        f"release {version} is not available locally: {name} was not found in "
        f"{', '.join(str(p) for p in places)}. Copy it from whoever gave you the package, or make it from "
        f"a git checkout of ai-openness: the release is the commit its CHANGELOG.md section names "
        f'("Released from commit ..."), else the commit that added that section '
        f"(`git log --reverse --format=%H -S '## [{version}]' -- CHANGELOG.md | head -1`); in a checkout of it "
        f"(`git worktree add ../ai-openness-{version} COMMIT`) run `make` and `.venv/bin/ai-openness release "
        f"{version}`, which writes dist/{name}; at a commit older than that command, zip the checkout's "
        f"datapackage.parquet.json (named datapackage.json) and data/*.parquet into {name} yourself. "
        f"Then put the archive in one of the folders above, or set {RELEASES_ENV} to its folder."
    )


def _frame(source: Any, contract: Contract, name: str) -> Any:
    """Read one Parquet table (a path or a file object) into a DataFrame with the schema's dtypes."""
    import pandas as pd
    import pyarrow.parquet as pq

    dtypes = contract.pandas_dtypes(name)
    vocabularies = [c for c, dtype in dtypes.items() if isinstance(dtype, pd.CategoricalDtype)]
    # Vocabulary columns are read dictionary-encoded, so they arrive as categoricals and only
    # their few categories are put in the documented order, instead of hashing every cell
    # (a third of the time for a million stances).
    frame = pq.read_table(source, read_dictionary=vocabularies).to_pandas(date_as_object=False)
    return pd.DataFrame(
        {
            column: frame[column].cat.set_categories(dtype.categories)
            if column in vocabularies
            else frame[column].astype(dtype)
            for column, dtype in dtypes.items()
        }
    )


def _load_release(name: str | None, version: str, root: str | Path | None) -> Any:

    with zipfile.ZipFile(find_release(version, root)) as archive:
        member = descriptor_member(archive.namelist())
        folder = member.removesuffix("datapackage.json")  # the archive's one folder, with its "/"
        descriptor = json.loads(archive.read(member))
        if descriptor["version"] != version:
            raise ValueError(f"archive for {version} holds version {descriptor['version']}")
        contract = Contract.from_descriptor(descriptor, f"{release_archive_name(version)}:{member}")
        resources = {r["name"]: r for r in descriptor["resources"]}
        names = contract.names if name is None else [name]
        if name is not None and name not in resources:
            raise ValueError(f"release {version} has no table {name!r}; it has: {', '.join(resources)}")
        frames = {n: _frame(io.BytesIO(archive.read(folder + resources[n]["path"])), contract, n) for n in names}
    return frames if name is None else frames[name]


def _contract(root: str | Path | None) -> Contract:
    """The package's own contract: the one its datapackage.json gives its Parquet files."""
    descriptor = _root(root) / "datapackage.json"
    if not descriptor.is_file():
        raise FileNotFoundError(
            f"{descriptor} does not exist; name a directory holding an ai-openness package (datapackage.json and data/)"
        )
    return installed_contract() if root is None else contract_from_descriptor_file(descriptor)


def load(name: str | None = None, *, version: str | None = None, root: str | Path | None = None) -> Any:
    """One table as a pandas DataFrame, or every table as a dict when `name` is None.

    Dates are pandas timestamps, vocabularies categoricals (categories in documented
    order), integers and booleans nullable, text the pandas string dtype: the types that
    the package's own datapackage.json gives (for `root`, the one in `root`).
    With `version` ("X.Y.Z"), the table is that release's: the installed data when they are
    that version, else read from the release's archive (see find_release); there is never a
    fallback to another version, and a version that is not X.Y.Z is refused.
    """
    if version is not None:
        if not isinstance(version, str) or not _RELEASE_VERSION.fullmatch(version):
            raise ValueError(
                f"version {version!r} is not a release version: write all three numbers, X.Y.Z "
                f"(e.g. {data_version(root)!r}, the installed data's version)"
            )
        if version != data_version(root):
            return _load_release(name, version, root)
        # The installed (or checked-out) data are that version: no archive is needed.
    contract = _contract(root)
    if name is None:
        return {n: _frame(table_file(_root(root), n), contract, n) for n in contract.names}
    if name not in contract.names:
        raise ValueError(f"no table {name!r}; the tables are: {', '.join(contract.names)}")
    return _frame(table_file(_root(root), name), contract, name)


def describe(name: str, *, root: str | Path | None = None) -> Any:
    """The columns of one table as its Table Schema describes them: a pandas DataFrame with
    one row per column (in order), giving its `type`, whether it is `required`, its
    `description` and its `values` (the vocabulary, in the documented order; None when the
    column has none). The table's own description is in `.attrs["description"]`.

        >>> ai_openness.describe("stances").loc["position", "values"]
        ['open', 'closed', 'mixed', 'neutral']

    Read from the package's datapackage.json (the installed one, or `root`'s): it needs
    only the base install.
    """
    import pandas as pd

    contract = _contract(root)
    if name not in contract.names:
        raise ValueError(f"no table {name!r}; the tables are: {', '.join(contract.names)}")
    rows = []
    for field in contract.fields(name):
        constraints = field.get("constraints", {})
        rows.append(
            {
                "column": field["name"],
                "type": field.get("type", "string"),
                "required": bool(constraints.get("required", False)),
                "description": field.get("description", ""),
                "values": list(constraints["enum"]) if constraints.get("enum") else None,
            }
        )
    frame = pd.DataFrame(rows).set_index("column")
    frame.attrs["description"] = contract.resource(name).get("description", "")
    return frame
