"""The sweep: sentences of article content that speak of open or closed AI and that no coding explains.

Every sentence of a stored article's content (outside its `not_content` spans) that holds an
open/closed cue (开源, 闭源, 开放, 封闭, 公开, 权重, open source, proprietary, ... in either
script) must either overlap a stance quote or be set aside in `codings/set_aside.yaml` with a
reason. `ai-openness candidates` lists the others and exits 1 while any is left, so that
each source is read to the end rather than sampled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ai_openness.compile import quotes
from ai_openness.compile.collect import collect
from ai_openness.compile.inputs import Inputs
from ai_openness.core.problems import BuildFailed, Problem
from ai_openness.core.script import fold
from ai_openness.safeio.yamlio import read_yaml

SET_ASIDE = "codings/set_aside.yaml"

# Written once, in Simplified script and lower case: the text is folded (script.fold) before
# matching, so 開源 and Open-Source are found too. 源代码 and 专有 cover "closed its source
# code" and "proprietary" when the article does not use 开源/闭源.
CUES = (
    "开源",
    "闭源",
    "开放",
    "封闭",
    "公开",
    "权重",
    "源代码",
    "专有",
    "open source",
    "open-source",
    "open weight",
    "open-weight",
    "closed",
    "proprietary",
)
_CUE = re.compile("|".join(re.escape(fold(c)) for c in CUES))
# A sentence ends at a Chinese or Latin full stop, question or exclamation mark (with any
# closing quotation marks after it), at a semicolon (full- or half-width: the articles in
# Simplified script use half-width punctuation), or at a line break. Inside a quotation
# («“…”», 「…」, 『…』, ‘…’, "…") closed on the same line, those marks do not end the sentence:
# a speaker's quoted words are one sentence with the words around them, and the sentence
# ends at the closing mark when the quotation ends with one of them (「…不明智的。」). A
# half-width mark between two Latin letters or digits is inside a word or an address
# (https://…/s?id=1), not at the end of a sentence.
_ENDS = frozenset("。！？!?；;")
_CLOSERS = frozenset('”」』’"）)')
_QUOTES = {"“": "”", "「": "」", "『": "』", "‘": "’", '"': '"'}


@dataclass
class Passage:
    source_id: str
    start: int
    end: int
    text: str


@dataclass
class SourceSweep:
    source_id: str
    with_cue: int = 0
    quoted: int = 0
    set_aside: int = 0
    unexplained: list[Passage] = field(default_factory=list)
    unused: list[int] = field(default_factory=list)  # indexes of set-aside spans that explain nothing


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, without surrounding white space."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        start, i, end = line.start(), line.start(), line.end()
        while i < end:
            char = text[i]
            close = text.find(_QUOTES[char], i + 1, end) if char in _QUOTES else -1
            if close != -1:  # a quotation closed on this line: its stops do not end the sentence
                i = close + 1
                if text[close - 1] not in _ENDS:
                    continue
            elif char in _ENDS and not _inside_word(text, i):
                i += 1
                while i < end and text[i] in _ENDS:
                    i += 1
            else:
                i += 1
                continue
            while i < end and text[i] in _CLOSERS:
                i += 1
            _add_trimmed(text, start, i, spans)
            start = i
        _add_trimmed(text, start, end, spans)
    return spans


def _inside_word(text: str, i: int) -> bool:
    around = text[i - 1 : i] + text[i + 1 : i + 2]
    return text[i] in "?!;" and len(around) == 2 and around.isascii() and around.isalnum()


def _add_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    chunk = text[start:end]
    start, end = start + len(chunk) - len(chunk.lstrip()), end - (len(chunk) - len(chunk.rstrip()))
    if start < end:
        spans.append((start, end))


def content_sentences(text: str, not_content: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentences of an article's content: outside its not_content spans, with a letter in them.

    A line of rules or a lone digit (———, 0) is not a sentence of the article.
    """
    return [
        (start, end)
        for start, end in sentences(text)
        if not any(s <= start and end <= e for s, e in not_content) and any(c.isalpha() for c in text[start:end])
    ]


def sentence_id(source_id: str, number: int) -> str:
    """A content sentence's label: the source's three-digit prefix and its number in the source (000-001)."""
    return f"{source_id[:3]}-{number:03d}"


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def sweep_text(
    source_id: str,
    text: str,
    not_content: list[tuple[int, int]],
    quoted: list[tuple[int, int]],
    set_aside: list[tuple[int, int]],
) -> SourceSweep:
    """Classify each content sentence with a cue: quoted, set aside, or unexplained."""
    folded = fold(text)
    result = SourceSweep(source_id)
    used: set[int] = set()
    for start, end in sentences(text):
        cues = [m.start() for m in _CUE.finditer(folded, start, end)]
        if not any(not any(s <= c < e for s, e in not_content) for c in cues):
            continue  # no cue, or every cue sits in advertising or navigation
        result.with_cue += 1
        if _overlaps(start, end, quoted):
            result.quoted += 1
        elif _overlaps(start, end, set_aside):
            result.set_aside += 1
            used |= {i for i, (s, e) in enumerate(set_aside) if s < end and start < e}
        else:
            result.unexplained.append(Passage(source_id, start, end, text[start:end]))
    result.unused = [i for i in range(len(set_aside)) if i not in used]
    return result


def read_set_aside(root: Path, texts: dict[str, str]) -> tuple[dict[str, list[tuple[int, int, int]]], list[Problem]]:
    """The set-aside passages located in their sources as (start, end, line), and the problems of the file."""
    path, spans, problems = root / SET_ASIDE, {}, []
    if not path.is_file():
        return spans, problems
    try:
        entries = read_yaml(path, root) or []
    except BuildFailed as failed:
        return spans, list(failed.problems)
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        return spans, [
            Problem(SET_ASIDE, 1, None, "expected a YAML list of mappings (- source_id: …, passage: …, reason: …)")
        ]
    for entry in entries:
        unknown = set(entry) - {"source_id", "passage", "occurrence", "reason"}
        for key in sorted(unknown):
            problems.append(
                Problem(
                    SET_ASIDE,
                    entry.line_of(key),
                    key,
                    "is not a field of a set-aside entry; "
                    "expected source_id, passage, occurrence (optional) and reason",
                )
            )
        for key in ("source_id", "passage", "reason"):
            if not str(entry.get(key) or "").strip():
                problems.append(Problem(SET_ASIDE, entry.line, key, "is required"))
        source_id, passage = str(entry.get("source_id") or ""), entry.get("passage")
        if source_id and source_id not in texts:
            problems.append(
                Problem(
                    SET_ASIDE,
                    entry.line_of("source_id"),
                    "source_id",
                    "no stored article with this id in sources/articles.yaml",
                    source_id,
                )
            )
            continue
        if not source_id or not isinstance(passage, str) or not passage:
            continue
        try:
            start, end = quotes.locate(texts[source_id], passage, entry.get("occurrence"))
        except ValueError as exc:
            problems.append(Problem(SET_ASIDE, entry.line_of("passage"), "passage", str(exc), passage[:80]))
            continue
        spans.setdefault(source_id, []).append((start, end, entry.line))
    return spans, problems


def sweep(root: Path) -> list[SourceSweep]:
    tables, inputs = collect(root)
    return sweep_inputs(root, tables, inputs)


def sweep_inputs(root: Path, tables: dict[str, list[dict]], inputs: Inputs) -> list[SourceSweep]:
    set_aside, problems = read_set_aside(root, inputs.texts)
    if problems:
        raise BuildFailed(problems)
    quoted: dict[str, list[tuple[int, int]]] = {}
    for stance in tables["stances"]:
        quoted.setdefault(stance["source_id"], []).append((stance["quote_start"], stance["quote_end"]))
    results = []
    for source_id, text in sorted(inputs.texts.items()):
        entries = set_aside.get(source_id, [])
        result = sweep_text(
            source_id,
            text,
            inputs.not_content.get(source_id, []),
            quoted.get(source_id, []),
            [(s, e) for s, e, _ in entries],
        )
        # An entry that explains nothing (its sentence is now quoted, or holds no cue) would
        # hide a later change of the text or the codings: it must go.
        problems += [
            Problem(
                SET_ASIDE,
                entries[i][2],
                "passage",
                "sets aside no sentence that needs it (a stance "
                "quote already covers it, or it holds no open/closed cue); remove the entry",
            )
            for i in result.unused
        ]
        results.append(result)
    if problems:
        raise BuildFailed(problems)
    return results
