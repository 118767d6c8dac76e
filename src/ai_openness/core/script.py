"""Traditional/Simplified Chinese folding with OpenCC, one code point at a time.

Matching compares folded text, so a coding that writes 馬斯克 also finds 马斯克. Folding maps
each code point to exactly one code point, so an offset in the folded text is the same
offset in the original text.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import opencc
import pyarrow as pa

_LATIN = re.compile(r"[A-Za-z]")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


class _FoldTable(dict[int, int]):
    """str.translate table filled on first use of each code point."""

    def __missing__(self, codepoint: int) -> int:
        char = chr(codepoint)
        if char.isascii():
            folded = char.lower()
        else:
            converted = _converter("t2s").convert(char)
            folded = converted if len(converted) == 1 else char
        self[codepoint] = ord(folded)
        return self[codepoint]


_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Simplified script, ASCII lower case; same length as `text`."""
    return text.translate(_TABLE)


@cache
def _lookup() -> np.ndarray:
    """An array indexed by code point, made on first use (not on import) and filled from
    _TABLE by fold_all for the code points it meets."""
    return np.arange(0x110000, dtype=np.uint32)


def fold_all(texts: list[str]) -> pa.LargeStringArray:
    """fold() of each text, as one Arrow column: the same mapping (_TABLE), applied to whole
    arrays of code points at once (str.translate takes a dictionary look-up per character)."""
    lookup = _lookup()
    points = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
    seen = np.zeros(0x110000, dtype=bool)
    seen[points] = True
    distinct = np.flatnonzero(seen)  # a few thousand: _TABLE (filled on first use) decides each
    lookup[distinct] = [_TABLE[codepoint] for codepoint in distinct.tolist()]
    folded = lookup[points].tobytes().decode("utf-32-le")
    ends = np.cumsum([len(t) for t in texts]).tolist()
    return pa.array([folded[a:b] for a, b in zip([0, *ends[:-1]], ends)], pa.large_string())


def script_of(alias: str) -> str:
    """zh-Hant, zh-Hans or zh for Chinese spellings; und-Latn for Latin-script ones."""
    if not _CJK.search(alias):
        return "und-Latn" if _LATIN.search(alias) else "zh"
    if _converter("t2s").convert(alias) != alias:
        return "zh-Hant"
    if _converter("s2t").convert(alias) != alias:
        return "zh-Hans"
    return "zh"
