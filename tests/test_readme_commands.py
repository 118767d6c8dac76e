"""Every command the README and a release archive's README show runs as written.

Each ```sh and ```python block is preceded by a comment saying where it runs, and is run
there (a shell block line by line with bash, in the block's order; a Python block as one
program), in a checkout of this repository or in the unzipped archive:

- `fresh venv`: a new virtual environment holding only the wheel and its base dependencies
  (pandas, pyarrow), as a data user installs it;
- `fresh venv with the tools`: the fresh virtual environment above, after its own checks
  (tests/test_wheel.py), in which the block's own `pip install` line installs the tools (the
  last test of the wheel's group: the one install of the tools a run makes);
- `every extra`: the environment `make install` makes (the one running these tests);
- `once published`: not run (there is no package index entry yet); every line says so;
- `this suite`: `make` and `make test` (tests/test_contributing.py runs `make` in a checkout;
  `make test` is this suite).

A line that starts a server (`# serves ...`) is run with `--get /` added, which answers one
request and exits: the same command, without a port to wait on.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

from checkout import make_checkout
from conftest import CLEAN_ENV, ROOT, WHEEL_GROUP

BLOCK = re.compile(r"(?:<!-- run: (?P<where>[^>]*?) -->\n)?```(?P<language>sh|python)\n(?P<body>.*?)^```", re.S | re.M)
WHERE = ("fresh venv", "fresh venv with the tools", "every extra", "once published", "this suite")


def _blocks(text: str) -> list[tuple[str, str, str]]:
    """(where, language, body) of every shell and Python block; `where` is None when unsaid."""
    found = []
    for match in BLOCK.finditer(text):
        where = match.group("where")
        found.append((where.split(" (")[0] if where else None, match.group("language"), match.group("body")))
    return found


def _readme() -> list[tuple[str, str, str]]:
    return _blocks((ROOT / "README.md").read_text(encoding="utf-8"))


def _archive(tmp_path: Path) -> Path:
    """The CSV release archive of this package as `ai-openness release` writes it (its members,
    its README and croissant.json), without cutting a release."""
    from ai_openness.compile.metadata import CITATION
    from ai_openness.publish import archives
    from ai_openness.publish.card import archive_readme

    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    members = archives.package_members(ROOT, "datapackage.json", "csv", (CITATION, "LICENSE", "LICENSE-DATA.md"))
    members["README.md"] = archive_readme(json.loads(members[archives.DESCRIPTOR]), None).encode("utf-8")
    path = tmp_path / f"ai-openness-{descriptor['version']}-csv.zip"
    archives.write_zip(path, members)
    return path


def _lines(body: str) -> list[str]:
    """The command lines of a shell block (comments and blank lines dropped)."""
    return [line for line in body.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _served_once(line: str) -> str:
    return line.split("  #")[0].rstrip() + " --get /" if "# serves " in line else line


def _run_block(language: str, body: str, cwd: Path, bin_dir: Path, env: dict[str, str]) -> Path:
    """Run a block; a shell block's `cd` carries over to its next lines. Returns the folder it ended in."""
    env = {**env, "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"}
    if language == "python":
        result = subprocess.run(
            [str(bin_dir / "python"), "-"],
            check=False,
            input=body,
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, f"{body}\n{result.stdout}\n{result.stderr[-3000:]}"
        return cwd
    for line in _lines(body):
        if line.startswith("cd "):
            cwd = cwd / line.split(None, 1)[1]
            continue
        result = subprocess.run(
            ["bash", "-c", _served_once(line)],
            check=False,
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, f"{line}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return cwd


def test_every_block_says_where_it_runs_and_what_is_not_yet_possible_says_so(tmp_path: Path):
    with zipfile.ZipFile(_archive(tmp_path)) as archive:
        card = archive.read(next(n for n in archive.namelist() if n.endswith("/README.md"))).decode("utf-8")
    for document, blocks in (("README.md", _readme()), ("archive README.md", _blocks(card))):
        assert blocks, document
        assert [where for where, _, _ in blocks if where not in WHERE] == [], document
        for where, _, body in blocks:
            if where == "once published":
                assert all("once published" in line for line in _lines(body) if "pip install" in line), body
    suite = [body for where, _, body in _readme() if where == "this suite"]
    assert suite and all(
        [line.split("#")[0].strip() for line in _lines(body)] == ["make", "make test"] for body in suite
    )


@WHEEL_GROUP  # the fresh environment is the wheel's (tests/test_wheel.py)
def test_fresh_venv_blocks_run_as_written(slim_env: Path, tmp_path: Path):
    checkout = make_checkout(tmp_path / "ai-openness")
    blocks = [(language, body) for where, language, body in _readme() if where == "fresh venv"]
    assert any("pip install ." in body for _, body in blocks) and any("load(" in body for _, body in blocks)
    for language, body in blocks:
        _run_block(language, body, checkout, slim_env / "bin", CLEAN_ENV)
    # The archive's own README, in the unzipped archive.
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(_archive(tmp_path)) as archive:
        archive.extractall(folder)
    (inner,) = folder.iterdir()
    with zipfile.ZipFile(_archive(tmp_path)) as archive:
        card = archive.read(f"{inner.name}/README.md").decode("utf-8")
    for where, language, body in _blocks(card):
        if where == "fresh venv":
            _run_block(language, body, inner, slim_env / "bin", CLEAN_ENV)
    # `pip install .` installed the same slim package: still only the base dependencies.
    listed = subprocess.run(
        [str(slim_env / "bin" / "python"), "-m", "pip", "list", "--format", "json"],
        capture_output=True,
        text=True,
        env=CLEAN_ENV,
        check=True,
    ).stdout
    assert not {"polars", "opencc", "pyyaml"} & {p["name"].lower() for p in json.loads(listed)}


def test_every_extra_blocks_run_as_written(tmp_path: Path):
    checkout = make_checkout(tmp_path / "ai-openness")
    blocks = [(language, body) for where, language, body in _readme() if where == "every extra"]
    assert any("datasette" in body for _, body in blocks) and any("frictionless" in body for _, body in blocks)
    bin_dir = Path(sys.executable).parent
    for language, body in blocks:
        _run_block(language, body, checkout, bin_dir, CLEAN_ENV)
    archive = _archive(tmp_path)
    with zipfile.ZipFile(archive) as zipped:
        card = zipped.read(next(n for n in zipped.namelist() if n.endswith("/README.md"))).decode("utf-8")
    (body,) = [body for where, language, body in _blocks(card) if where == "every extra" and language == "sh"]
    assert _lines(body)[0] == f"unzip {archive.name}"
    _run_block("sh", body, tmp_path, bin_dir, CLEAN_ENV)
