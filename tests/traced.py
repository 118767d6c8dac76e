"""What a command opens, as the kernel sees it: `strace -f -y -e trace=open,openat`.

Every successful open of the command and of every process it starts (git, for diff) is
recorded with the real path of the file it opened (`-y` resolves the descriptor, so a link
shows where it leads). `stray` lists those outside the places a command may read: the
package, the output it was told to write, its temporary and home folders, the Python
installation and this package's code and schema, and the system's own files.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STRACE = shutil.which("strace")
# `PID openat(AT_FDCWD, "name", flags) = 3</real/path>`, or its second half when another
# process interrupted the line (`PID <... openat resumed>) = 3</real/path>`); a failed open
# returns -1 and opens nothing.
_OPENED = re.compile(r"^\d+\s+(?:(?:open|openat)\(|<\.\.\. (?:open|openat) resumed>).*\) = \d+<(.*)>$")
SYSTEM = ("/usr", "/lib", "/lib64", "/bin", "/sbin", "/etc", "/proc", "/sys", "/dev")


def opened(argv: list[str], cwd: Path, scratch: Path) -> tuple[int, list[str]]:
    """Run `ai-openness ARGV` traced, with TMPDIR and HOME under `scratch`; return its exit
    code and the real paths it and its children opened."""
    (scratch / "tmp").mkdir(parents=True, exist_ok=True)
    (scratch / "home").mkdir(parents=True, exist_ok=True)
    log = scratch / "trace.txt"
    env = {**os.environ, "TMPDIR": str(scratch / "tmp"), "HOME": str(scratch / "home")}
    command = [STRACE, "-f", "-y", "-qq", "-e", "trace=open,openat", "-o", str(log)]
    command += [str(Path(sys.executable).parent / "ai-openness"), *argv]
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)
    paths = [m.group(1) for line in log.read_text(errors="replace").splitlines() if (m := _OPENED.match(line))]
    return done.returncode, paths


def allowed(package: Path, scratch: Path, output: Path | None = None) -> tuple[str, ...]:
    """The folders and files a command on `package` may open."""
    places = [package, scratch, *([output] if output else [])]
    places += [Path(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)]
    places += [ROOT / "src", ROOT / "schema", ROOT / "datapackage.json", ROOT / "datapackage.parquet.json"]
    return tuple(str(Path(os.path.realpath(p))) for p in places) + SYSTEM


def stray(paths: list[str], places: tuple[str, ...]) -> list[str]:
    """The opened paths that lie in none of `places`."""

    def inside(path: str, place: str) -> bool:
        return path == place or path.startswith(place.rstrip("/") + "/")

    return sorted({p for p in paths if not any(inside(p, place) for place in places)})
