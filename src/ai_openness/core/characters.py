"""Which characters a reader cannot see: the one rule shared by the build (names and
aliases in codings/) and the validator (cells of data/).

Two spellings that differ only by such a character look identical, so an alias holding one
matches text nobody can find by eye, and an id holding one is a different key that looks
like another. Invisible here means: a format, control, line or paragraph separator,
private-use or unassigned code point (Unicode general categories Cf, Cc, Zl, Zp, Co, Cn),
a Default_Ignorable_Code_Point (fillers, variation selectors, tags: some of them are
letters or marks by category), or the braille blank U+2800, which renders as a space.
"""

from __future__ import annotations

import functools
import re
import unicodedata

INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Zl", "Zp", "Co", "Cn"})

# Default_Ignorable_Code_Point (Unicode DerivedCoreProperties.txt) beyond the categories
# above, plus U+2800. Ranges are inclusive.
_IGNORABLE_RANGES = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x2800, 0x2800),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
_IGNORABLE = frozenset(code for low, high in _IGNORABLE_RANGES for code in range(low, high + 1))


def is_invisible(char: str) -> bool:
    """True for a character that shows nothing, or nothing a reader can tell apart."""
    return ord(char) in _IGNORABLE or unicodedata.category(char) in INVISIBLE_CATEGORIES


def invisible_characters(text: str, allowed: frozenset[str] = frozenset()) -> list[tuple[int, str]]:
    """(position, character) of every invisible character in `text`, in order."""
    return [(i, c) for i, c in enumerate(text) if c not in allowed and is_invisible(c)]


def describe(char: str) -> str:
    """U+200B ZERO WIDTH SPACE: how a message names a character."""
    return f"U+{ord(char):04X} {unicodedata.name(char, 'unnamed character')}"


def name_problem(name: str) -> str | None:
    """Why `name` cannot be a name or an alias that is matched in the sources, or None.

    A name empty after trimming would match every space; one with leading or trailing
    spaces matches differently from how it reads; an invisible character makes it match
    text that looks different from it.
    """
    if not name.strip():
        return "is empty or only spaces; write the name, or remove the entry"
    if name != name.strip():
        return "starts or ends with a space; remove the space"
    hidden = invisible_characters(name)
    if hidden:
        position, char = hidden[0]
        more = f" (and {len(hidden) - 1} more)" if len(hidden) > 1 else ""
        return (
            f"contains the invisible character {describe(char)} at position {position}{more}; "
            "retype the name without it"
        )
    return None


def reveal(text: str, allowed: frozenset[str] = frozenset()) -> str:
    """`text` with each invisible character (but those `allowed`) written as an escape
    (\\u034f), so a message shows where it is."""
    return "".join(
        (f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}") if c not in allowed and is_invisible(c) else c
        for c in text
    )


@functools.cache
def invisible_ranges(allowed: str = "") -> tuple[tuple[int, int], ...]:
    """Every invisible code point but those in `allowed`, as sorted inclusive ranges.

    The rule of `is_invisible` asked of every code point at once, under the Unicode version
    of this Python's `unicodedata`, so that a check derived from the ranges (a regex, a byte
    filter) agrees with it on every character. The loop runs in C (map over the code points,
    then a regex over one flag byte each): about 0.2 s, where calling `is_invisible`
    a million times took half a second of every command that checks cells.
    """
    flags = bytearray(map(INVISIBLE_CATEGORIES.__contains__, map(unicodedata.category, map(chr, range(0x110000)))))
    for low, high in _IGNORABLE_RANGES:
        flags[low : high + 1] = b"\1" * (high - low + 1)
    for char in allowed:
        flags[ord(char)] = 0
    return tuple((run.start(), run.end() - 1) for run in re.finditer(rb"\x01+", flags))


@functools.cache
def invisible_regex(allowed: str = "") -> str:
    """The same rule as one regular-expression class (Rust `regex` syntax, as polars uses),
    for checks that test a whole column at once.

    Written as explicit code-point ranges, never as a Unicode category (\\p{Cn}): the regex
    crate carries its own Unicode version, and an unassigned code point for Python may be
    a letter for it (or the other way round)."""
    return (
        "["
        + "".join(
            f"\\x{{{low:X}}}" if low == high else f"\\x{{{low:X}}}-\\x{{{high:X}}}"
            for low, high in invisible_ranges(allowed)
        )
        + "]"
    )
