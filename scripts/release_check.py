"""Everything the release workflow does but the upload (`make release-check`).

python scripts/release_check.py [X.Y.Z] [--out DIR] [--root REPO]

Clones the repository's HEAD into a scratch folder (the working tree is never touched),
runs `ai-openness release X.Y.Z` there (default: the version schema/package.yaml records),
and then checks what a data user gets:

- when X.Y.Z is the recorded version, the release is already committed: cutting it again
  must change no file (the tagged commit is the release);
- every archive matches its .sha256 file, unzips into one folder that `ai-openness validate`
  and `frictionless validate datapackage.json` accept, and holds croissant.json, which
  `mlcroissant validate` accepts;
- the wheel holds the tables and the descriptor of that version.

The files to upload (archives, wheel, their .sha256) and the release notes (CHANGES.md, the
version's CHANGELOG section) are copied to --out. Exit 0 when every check passes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

BIN = Path(sys.executable).parent


def _run(argv: list[str], cwd: Path) -> str:
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False, timeout=900)
    if result.returncode != 0:
        raise SystemExit(f"release-check: `{' '.join(argv)}` failed in {cwd}:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def _recorded_version(repo: Path) -> str:
    text = (repo / "schema" / "package.yaml").read_text(encoding="utf-8")
    return re.search(r"(?m)^version: (\S+)", text).group(1)


def check_archive(path: Path, version: str, scratch: Path) -> list[str]:
    """What the archive holds, as a data user checks it; returns the lines to print."""
    digest, name = (path.parent / (path.name + ".sha256")).read_text(encoding="utf-8").split()
    if name != path.name or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
        raise SystemExit(f"release-check: {path.name} does not match its .sha256 file")
    with zipfile.ZipFile(path) as archive:
        archive.extractall(scratch)
    folder = scratch / path.name.removesuffix(".zip")
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    if descriptor["version"] != version:
        raise SystemExit(f"release-check: {path.name} holds version {descriptor['version']}, not {version}")
    _run([str(BIN / "ai-openness"), "validate", str(folder)], folder)
    _run([str(BIN / "frictionless"), "validate", "datapackage.json"], folder)
    _run([str(BIN / "mlcroissant"), "validate", "--jsonld", "croissant.json"], folder)
    return [f"  {path.name}: sha256 ok; ai-openness, frictionless and mlcroissant validate pass"]


def check_wheel(path: Path, version: str) -> list[str]:
    with zipfile.ZipFile(path) as wheel:
        names = set(wheel.namelist())
        descriptor = json.loads(wheel.read("ai_openness/package/datapackage.json"))
    if descriptor["version"] != version or "ai_openness/package/data/stances.parquet" not in names:
        raise SystemExit(f"release-check: {path.name} does not ship the tables of version {version}")
    digest = (path.parent / (path.name + ".sha256")).read_text(encoding="utf-8").split()[0]
    if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
        raise SystemExit(f"release-check: {path.name} does not match its .sha256 file")
    return [f"  {path.name}: sha256 ok; ships the tables of {version}"]


def release_check(repo: Path, version: str | None, out: Path) -> list[str]:
    lines = []
    with tempfile.TemporaryDirectory(prefix="ai-openness-release-check-") as tmp:
        clone = Path(tmp) / "repo"
        _run(["git", "clone", "--quiet", "--shared", str(repo), str(clone)], Path(tmp))
        version = version or _recorded_version(clone)
        recorded = _recorded_version(clone) == version
        output = _run([str(BIN / "ai-openness"), "release", version, "--root", str(clone)], clone)
        changed = _run(["git", "status", "--porcelain"], clone).strip()
        if recorded and changed:
            raise SystemExit(
                f"release-check: {version} is the recorded version, but cutting it again changed files "
                f"(commit what `ai-openness release {version}` writes before tagging):\n{changed}"
            )
        lines.append(f"release {version}: " + ("cut again, no file changed" if recorded else "cut in a scratch copy"))
        dist = clone / "dist"
        made = sorted(p for p in dist.iterdir() if p.suffix in (".zip", ".whl"))
        for path in made:
            if path.suffix == ".zip":
                lines += check_archive(path, version, Path(tmp) / "unzipped")
            else:
                lines += check_wheel(path, version)
        out.mkdir(parents=True, exist_ok=True)
        for path in made:
            for file in (path, path.parent / (path.name + ".sha256")):
                shutil.copy2(file, out / file.name)
        section = output.split("Release files:")[0].strip()
        (out / "CHANGES.md").write_text(section + "\n", encoding="utf-8")
    lines.append(f"files to upload, and the release notes (CHANGES.md), in {out}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", nargs="?", help="X.Y.Z (default: the version schema/package.yaml records)")
    parser.add_argument("--out", default="dist/release-check", help="where to copy the files to upload")
    parser.add_argument("--root", default=str(Path(__file__).resolve().parents[1]), help="the repository")
    args = parser.parse_args(argv)
    print("\n".join(release_check(Path(args.root), args.version, Path(args.out).resolve())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
