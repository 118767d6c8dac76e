"""The encoding a stored article must have: UTF-8, no byte-order mark, '\\n' line endings.

Quotes are pinned to code-point offsets in the stored text, so the text must be exactly
one thing: a byte-order mark would count as a character before every offset, a '\\r'
would be one more character per line than a reader of the published tables sees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ai_openness.safeio.files import decode_utf8, guess_encoding


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


def _source_encoding(data: bytes) -> str | None:
    """The encoding to convert a stored text from, when one can be named."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        guess = guess_encoding(data)
        return guess if guess and guess not in ("utf_8", "ascii") else None
    return "utf-8"  # UTF-8 with CR line endings


# What each way of being wrong does to a stored text: its quotes are pinned to code points.
_CONSEQUENCE = {
    "utf-8-sig": "; the mark would shift every quote offset by one",
    "utf-8": "; each CR would add a character per line to every quote offset",
}


def decode(data: bytes, rel: str, hash_matches: bool) -> tuple[str | None, Wrong | None]:
    """(text, None) for a well-formed stored text, else (None, what is wrong and how to fix it).

    What the bytes are is diagnosed by files.decode_utf8, as for every other input; what is
    added here is what it does to a stored text and the command that converts it."""
    text, problems = decode_utf8(rel, data)
    if not problems:
        return text, None
    shown = rel if _PLAIN_PATH.match(rel) else "the file"
    rehash = (
        f" Then record its new SHA-256 (`sha256sum {shown}`) in sources/articles.yaml"
        if hash_matches
        else f" Then check that its SHA-256 (`sha256sum {shown}`) is the one recorded in sources/articles.yaml"
    )
    source = _source_encoding(data)
    where = f" (line {problems[0].line})" if problems[0].line and problems[0].line > 1 else ""
    message = f"the stored text {problems[0].message}{where}{_CONSEQUENCE.get(source or '', '')}"
    if source is None:
        fix = "open it in an editor and save it as UTF-8 with LF line endings." + rehash
    else:
        fix = "convert it: " + _convert_command(rel, source) + "." + rehash
    return None, Wrong(message, "UTF-8 without a byte-order mark, with LF (\\n) line endings", fix)
