"""Reading a contribution's files safely: inside the package, bounded, and UTF-8.

Every input is read by `read_file`: `contained` checks the path (it stays inside the package
directory, follows no link out of it, names a regular file and is not a URL), then the file
is opened without following a link, checked again on the open descriptor (it may have been
replaced since) and read up to its size limit. `decode_utf8` is the one diagnosis of a file
that is not UTF-8 text.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from ai_openness.core.errors import REGENERATE
from ai_openness.core.problems import Problem, shown

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # http:, file:, data:, s3:, C: ...


class Refused(Exception):
    """A path or a file that will not be read; carries the reason, and `where`, the path to
    name (a folder on the way that is a link out, rather than the file in it)."""

    def __init__(self, message: str, fix: str, where: str | None = None):
        super().__init__(message)
        self.message, self.fix, self.where = message, fix, where


def contained(root: Path, rel: object, must_exist: bool = True) -> Path:
    """The file `rel` names inside `root`; raise Refused when it would lead elsewhere.

    The checks use the path's text and the file system's metadata (lstat, readlink) only:
    nothing outside the package is opened.
    """
    if not isinstance(rel, str) or not rel:
        raise Refused("the path is not a non-empty text", "write a path relative to the package, e.g. data/x.csv")
    if "\x00" in rel or "\\" in rel:
        raise Refused(
            f"the path {shown(rel)!r} contains a backslash or a NUL character",
            "write the path with forward slashes, relative to the package",
        )
    if _SCHEME.match(rel) or rel.startswith("//"):
        raise Refused(
            f"the path {shown(rel)!r} is a URL or names a drive; remote or external data is not read",
            "store the file inside the package and write its relative path",
        )
    if rel.startswith("/") or PurePosixPath(rel).is_absolute():
        raise Refused(f"the path {shown(rel)!r} is absolute", "write the path relative to the package root")
    if ".." in PurePosixPath(rel).parts:
        raise Refused(
            f"the path {shown(rel)!r} leaves the package directory (..)",
            "keep every file inside the package and write its path without ..",
        )
    base = root.resolve()
    path = base / rel
    real = Path(os.path.realpath(path))
    if not real.is_relative_to(base):
        # Name the link that leaves: a folder on the way (schema/, sources/) or the file itself.
        folder = next(
            (
                p
                for p in reversed(PurePosixPath(rel).parents)
                if p.name and (base / p).is_symlink() and not Path(os.path.realpath(base / p)).is_relative_to(base)
            ),
            None,
        )
        if folder is not None:
            raise Refused(
                f"{shown(folder.as_posix())}/ is a symbolic link to a place outside the package",
                "replace the link by the folder itself",
                where=f"{folder.as_posix()}/",
            )
        raise Refused(
            f"{shown(rel)} is a symbolic link to a place outside the package",
            "replace the link by the file itself, inside the package",
        )
    if must_exist and not real.exists():
        raise Refused(f"{shown(rel)} does not exist", REGENERATE)
    if real.exists() and not real.is_file():
        raise Refused(f"{shown(rel)} is not a regular file", "replace it by a regular file")
    return real


def read_file(root: Path, rel: str, limit: int | None) -> bytes:
    """The bytes of input `rel` of the package under `root`, at most `limit` of them (None: a
    trusted run's file, any size); raise Refused naming what is wrong (see the docstring above)."""
    real = contained(root, rel)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(real, flags)
    except OSError as exc:  # a link put in its place, no permission
        raise Refused(
            f"{shown(rel)} cannot be read ({exc.strerror})", "make it a regular file inside the package"
        ) from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # replaced since it was checked
            raise Refused(f"{shown(rel)} is not a regular file", "replace it by a regular file")
        size = os.fstat(handle.fileno()).st_size
        return _bounded(handle, size, rel, size if limit is None else limit)


def _bounded(handle: BinaryIO, size: int, rel: str, limit: int) -> bytes:
    if size > limit:
        raise Refused(
            f"{rel} is {size} bytes, more than the limit of {limit} bytes",
            "this package's files are far smaller; check that the right file was committed",
        )
    # One byte more than the size seen (not than the limit: read(n) reserves n bytes at
    # once) tells whether the file grew since it was measured.
    data = handle.read(size + 1)
    if len(data) > size:
        data += handle.read(limit + 1 - len(data))
    if len(data) > limit:
        raise Refused(
            f"{rel} is more than the limit of {limit} bytes",
            "this package's files are far smaller; check that the right file was committed",
        )
    return data


def _line_and_column(data: bytes, offset: int) -> tuple[int, int]:
    before = data[:offset]
    start = before.rfind(b"\n") + 1
    return before.count(b"\n") + 1, len(before[start:].decode("utf-8", "replace")) + 1


def guess_encoding(data: bytes) -> str | None:
    """The encoding charset-normalizer finds most likely for the start of `data`."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65_536]).best()
    return best.encoding if best is not None else None


SAVE_UTF8 = (
    "save it as UTF-8 without a byte-order mark and with LF line endings (in a spreadsheet "
    "program, export CSV as UTF-8; in an editor, choose the encoding UTF-8 and line endings LF)"
)


_MAGIC = (
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"PK\x03\x04", "a zip archive"),
    (b"PAR1", "a Parquet file"),
    (b"BZh", "bzip2-compressed data"),
    (b"\xfd7zXZ", "xz-compressed data"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
)


def not_text(rel: str, head: bytes) -> Problem | None:
    """What the file really is when its first bytes show it is not UTF-8 text: UTF-16, a
    compressed archive or other binary data (NUL bytes), or UTF-8 with a byte-order mark."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Problem(
            rel,
            1,
            None,
            "is UTF-16 (it starts with a UTF-16 byte-order mark), not UTF-8",
            expected="UTF-8 text",
            fix=SAVE_UTF8,
            code="encoding-error",
        )
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return Problem(
                rel,
                1,
                None,
                f"is {what}, not text",
                expected="UTF-8 text",
                fix="store the table itself as UTF-8 CSV text, not an archive or a binary file",
                code="encoding-error",
            )
    sample = head[:4096]
    if b"\x00" in sample:
        # UTF-16 text without a byte-order mark has a NUL in every other byte (for ASCII).
        halves = (sample[0::2], sample[1::2])
        if any(len(h) > 8 and h.count(0) > 0.9 * len(h) for h in halves):
            return Problem(
                rel,
                1,
                None,
                "looks like UTF-16 without a byte-order mark (every other byte is NUL), not UTF-8",
                expected="UTF-8 text",
                fix=SAVE_UTF8,
                code="encoding-error",
            )
        line, column = _line_and_column(head, head.index(b"\x00"))
        return Problem(
            rel,
            line,
            None,
            "is binary data (it holds NUL bytes), not text",
            expected="UTF-8 text",
            fix="store the table itself as UTF-8 CSV text, not a binary file"
            if rel.endswith(".csv")
            else "remove the NUL byte (an editor that shows invisible characters finds it), and save the file as UTF-8 text",
            column=column,
            code="encoding-error",
        )
    if head.startswith(b"\xef\xbb\xbf"):
        return Problem(
            rel,
            1,
            None,
            "starts with a UTF-8 byte-order mark (BOM)",
            value="\ufeff",
            expected="UTF-8 without a byte-order mark",
            fix=SAVE_UTF8,
            column=1,
            code="encoding-error",
        )
    return None


def not_utf8(rel: str, before: bytes, bad: bytes, sample: bytes) -> Problem:
    """A byte that is not UTF-8 at the end of `before` (the file up to it)."""
    line, column = _line_and_column(before, len(before))
    guess = guess_encoding(sample)
    looks = f"; it looks like {guess}" if guess and guess not in ("utf_8", "ascii") else ""
    return Problem(
        rel,
        line,
        None,
        f"is not UTF-8: byte 0x{bad[0]:02X} cannot be decoded{looks} (Latin-1 and Windows-1252 are common culprits)",
        expected="UTF-8 text",
        fix=SAVE_UTF8,
        column=column,
        code="encoding-error",
    )


def carriage_return(rel: str, before: bytes, following: bytes) -> Problem:
    """A CR at the end of `before` (the file up to it); `following` are the next bytes."""
    line, column = _line_and_column(before, len(before))
    kind = "CRLF (Windows)" if following.startswith(b"\r\n") else "CR"
    return Problem(
        rel,
        line,
        None,
        f"has {kind} line endings",
        value="\r",
        expected="LF (\\n) line endings",
        fix=SAVE_UTF8 + "; with git on Windows, set `git config core.autocrlf input`",
        column=column,
        code="encoding-error",
    )


def decode_utf8(rel: str, data: bytes, lf_only: bool = True) -> tuple[str | None, list[Problem]]:
    """Decode a text file; name what it is instead (BOM, UTF-16, binary, Latin-1, CRLF) and the fix.

    Returns (None, problems) when the bytes are not UTF-8 text at all.
    """
    found = not_text(rel, data)
    if found is not None:
        return None, [found]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [not_utf8(rel, data[: exc.start], data[exc.start : exc.start + 1], data[:65_536])]
    if lf_only and "\r" in text:
        offset = data.index(b"\r")
        return text, [carriage_return(rel, data[:offset], data[offset : offset + 2])]
    return text, []
