"""A content-addressed cache of what the per-source stage derives (compile/source.py).

An entry's key is the SHA-256 of everything its rows depend on: the bytes of its inputs,
the code that derives them (every module of this package, and the versions of the
libraries that read and write the cells) and, for mentions, the alias registry. An entry
holds Arrow IPC bytes and ends with the SHA-256 of its key and those bytes, checked on
every read: an entry edited by hand, cut short or copied under another key is ignored and
derived again, so a cache can make a build faster but never different.

The cache lives outside the package (AI_OPENNESS_CACHE, else the user's cache folder), so
a contribution cannot plant an entry: nothing in a pull request's tree is ever read as one.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from importlib import metadata
from pathlib import Path

import pyarrow as pa

DIGEST = 32  # bytes of the SHA-256 trailer
ENV = "AI_OPENNESS_CACHE"


def default_folder() -> Path:
    """AI_OPENNESS_CACHE, else $XDG_CACHE_HOME/ai-openness, else ~/.cache/ai-openness."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ai-openness"


@cache
def code_version() -> str:
    """The SHA-256 of the package's own modules and of the versions of the libraries the
    stage uses: any change of the code that derives rows changes every key."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for library in ("pyarrow", "polars", "pyyaml", "opencc", "numpy"):
        try:
            digest.update(f"{library}={metadata.version(library)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library}=none\0".encode())
    return digest.hexdigest()


def key(*parts: bytes | str) -> str:
    """The key of an entry: the SHA-256 of its parts, each length-prefixed (no two part lists
    give the same bytes)."""
    digest = hashlib.sha256(code_version().encode())
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


def ipc_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    data: bytes = sink.getvalue().to_pybytes()
    return data


def ipc_table(data: bytes) -> pa.Table:
    return pa.ipc.open_stream(pa.py_buffer(data)).read_all()


class Cache:
    """Entries under `folder`, two levels of folders by key (no folder holds too many files)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.hits = self.misses = self.refused = 0

    def _path(self, name: str) -> Path:
        return self.folder / name[:2] / name

    def get(self, name: str) -> pa.Table | None:
        """The table stored under `name`, or None when there is none or it fails its check."""
        try:
            data = self._path(name).read_bytes()
        except OSError:
            self.misses += 1
            return None
        payload, trailer = data[:-DIGEST], data[-DIGEST:]
        if len(data) <= DIGEST or hashlib.sha256(name.encode() + payload).digest() != trailer:
            self.refused += 1
            return None
        try:
            table = ipc_table(payload)
        except (pa.ArrowInvalid, OSError):
            self.refused += 1
            return None
        self.hits += 1
        return table

    def put(self, name: str, table: pa.Table) -> None:
        """Store an entry; a cache that cannot be written is only slower, never an error."""
        payload = ipc_bytes(table)
        path = self._path(name)
        temporary = path.with_name(f".{name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(payload + hashlib.sha256(name.encode() + payload).digest())
            os.replace(temporary, path)
        except OSError:
            temporary.unlink(missing_ok=True)


class NoCache(Cache):
    """Every entry derived again (`--no-cache`)."""

    def __init__(self) -> None:
        super().__init__(Path())

    def get(self, name: str) -> pa.Table | None:
        self.misses += 1
        return None

    def put(self, name: str, table: pa.Table) -> None:
        return None
