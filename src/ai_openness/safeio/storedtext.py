"""The encoding a stored article must have: UTF-8, no byte-order mark, '\\n' line endings.

Quotes are pinned to code-point offsets in the stored text, so the text must be exactly
one thing: a byte-order mark would count as a character before every offset, a '\\r'
would be one more character per line than a reader of the published tables sees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Wrong:
    message: str
    expected: str
    fix: str


_PLAIN_PATH = re.compile(r"^[A-Za-z0-9_./-]+$")


def _convert_command(rel: str, encoding: str) -> str:
    # Python is there wherever the package is built; the same line works on every system.
    # A path that would need quoting in a shell gets no command to paste.
    if not _PLAIN_PATH.match(rel) or not re.match(r"^[A-Za-z0-9_-]+$", encoding):
        return f"open it in an editor and save it as UTF-8 with LF line endings (it is {encoding})"
    return (
        f"python -c \"import pathlib; p = pathlib.Path('{rel}'); "
        f"p.write_text(p.read_text(encoding='{encoding}'), encoding='utf-8', newline='\\n')\""
    )


def _guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:262_144]).best()
    return best.encoding if best is not None else None


def decode(data: bytes, rel: str, hash_matches: bool) -> tuple[str | None, Wrong | None]:
    """(text, None) for a well-formed stored text, else (None, what is wrong and how to fix it)."""
    shown = rel if _PLAIN_PATH.match(rel) else "the file"
    rehash = (
        f" Then record its new SHA-256 (`sha256sum {shown}`) in sources/articles.yaml"
        if hash_matches
        else f" Then check that its SHA-256 (`sha256sum {shown}`) is the one recorded in sources/articles.yaml"
    )
    expected = "UTF-8 without a byte-order mark, with LF (\\n) line endings"
    if data.startswith(b"\xef\xbb\xbf"):
        return None, Wrong(
            "the stored text starts with a UTF-8 byte-order mark (BOM), which would shift every quote offset by one",
            expected,
            "remove the mark: " + _convert_command(rel, "utf-8-sig") + "." + rehash,
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        name = "UTF-16"
        return None, Wrong(
            f"the stored text is {name}, not UTF-8",
            expected,
            "convert it: " + _convert_command(rel, "utf-16") + "." + rehash,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        guess = _guess(data)
        found = f"it looks like {guess}" if guess and guess not in ("utf_8", "ascii") else "its encoding is unknown"
        line = data[: exc.start].count(b"\n") + 1
        fix = (
            "convert it: " + _convert_command(rel, guess) + "." + rehash
            if guess and guess not in ("utf_8", "ascii")
            else "open it in an editor and save it as UTF-8." + rehash
        )
        return None, Wrong(
            f"the stored text is not UTF-8 (byte 0x{data[exc.start]:02X} on line {line} cannot be decoded); {found}",
            expected,
            fix,
        )
    if "\r" in text:
        line = text[: text.index("\r")].count("\n") + 1
        kind = "CRLF (Windows)" if "\r\n" in text else "CR"
        return None, Wrong(
            f"the stored text has {kind} line endings (first on line {line}), which would add "
            "a character per line to every quote offset",
            expected,
            "convert them to LF: " + _convert_command(rel, "utf-8") + "." + rehash,
        )
    return text, None
