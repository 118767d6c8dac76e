"""The sweep: sentences of article content that may carry a stance and that no coding explains.

A content sentence (outside its article's `not_content` spans) is listed when it holds an
open/closed cue (开源, 闭源, 开放, 封闭, 公开, 权重, open source, proprietary, ... in either
script), or when a coded actor (a person or organisation mentioned in it) occurs with a verb
of saying or doing (表示, 称, 说, 呼吁, 起诉, 发布, 宣布, ...) and a model, licence or openness
term (a coded model or licence, 模型, 算法, 代码, 权重, 数据, 许可, AI, ...): a stance need not
use the words open or closed (an order to consult experts, a lawsuit, a release). A
statement runs on over the sentences of its paragraph ((他相信…), a quotation after its
attribution), so every sentence of a paragraph with a listed sentence is listed too. Each listed
sentence must overlap a stance quote or be set aside in `codings/set_aside.yaml` with a
reason. `ai-openness candidates` lists the others and exits 1 while any is left, so that
each source is read to the end rather than sampled.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ai_openness.compile import quotes
from ai_openness.compile.collect import collect
from ai_openness.compile.inputs import Inputs
from ai_openness.compile.sentences import Paragraphs, content_sentences
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

# The second rule's words, in Simplified script and lower case like CUES. A verb of saying
# or believing, or of an act that can open or close a model (release, sue, sign, charge).
VERBS = (
    "表示", "称", "说", "写道", "认为", "呼吁", "要求", "批评", "起诉", "发布", "宣布", "指示",
    "指出", "强调", "透露", "承认", "回答", "回应", "主张", "相信", "警告", "提出", "分析", "报道",
    "补充", "谈到", "提到", "希望", "考虑", "表态", "表达", "发文", "签署", "推出", "发起", "倡导", "支持",
    "反对", "投票", "通过", "规定", "禁止", "禁用", "收费", "构建", "决心", "决定", "采取", "选择",
    "分享", "提供", "授权", "控制", "保密", "披露", "共享", "放弃", "合作", "调整", "更新",
)  # fmt: skip
# What a stance is about: models and what is released or withheld of them. Latin-script
# terms must stand as words ("ai" is not found in "OpenAI").
TERMS = (
    "模型", "算法", "代码", "源码", "权重", "参数", "训练", "数据", "许可", "授权", "版权", "接口",
    "研究", "技术", "系统", "人工智能", "聊天机器人", "豁免", "法案", "命令", "api", "ai", "agi", "gpt",
)  # fmt: skip
_VERB = re.compile("|".join(re.escape(v) for v in VERBS))
_TERM = re.compile("|".join(re.escape(t) if not t.isascii() else rf"(?<![a-z]){re.escape(t)}(?![a-z])" for t in TERMS))
ACTOR_TYPES = ("person", "organisation")
TERM_TYPES = ("model", "licence")


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
    by_actor: int = 0  # listed by the actor, verb and term rule, without a cue
    by_paragraph: int = 0  # listed only because a sentence of its paragraph is
    quoted: int = 0
    set_aside: int = 0
    unexplained: list[Passage] = field(default_factory=list)
    unused: list[int] = field(default_factory=list)  # indexes of set-aside spans that explain nothing
    listed: list[tuple[int, int]] = field(default_factory=list)  # every sentence listed, explained or not

    @property
    def listed_count(self) -> int:
        return self.with_cue + self.by_actor + self.by_paragraph


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def sweep_text(
    source_id: str,
    text: str,
    not_content: list[tuple[int, int]],
    quoted: list[tuple[int, int]],
    set_aside: list[tuple[int, int]],
    actors: Sequence[tuple[int, int]] = (),
    terms: Sequence[tuple[int, int]] = (),
) -> SourceSweep:
    """List the content sentences a stance may be in, and classify each: quoted, set aside or unexplained.

    `actors` and `terms` are the spans of the coded people and organisations, and of the
    coded models and licences, mentioned in the text (the mentions table).
    """
    folded = fold(text)
    result = SourceSweep(source_id)
    used: set[int] = set()
    spans = content_sentences(text, not_content)
    rules = [_rule(folded, start, end, not_content, actors, terms) for start, end in spans]
    paragraphs = Paragraphs(text)
    listed_paragraphs = {paragraphs.of(start) for (start, _), rule in zip(spans, rules) if rule}
    for (start, end), rule in zip(spans, rules):
        if rule == "cue":
            result.with_cue += 1
        elif rule == "actor":
            result.by_actor += 1
        elif paragraphs.of(start) in listed_paragraphs:
            result.by_paragraph += 1
        else:
            continue
        result.listed.append((start, end))
        if _overlaps(start, end, quoted):
            result.quoted += 1
        elif _overlaps(start, end, set_aside):
            result.set_aside += 1
            used |= {i for i, (s, e) in enumerate(set_aside) if s < end and start < e}
        else:
            result.unexplained.append(Passage(source_id, start, end, text[start:end]))
    result.unused = [i for i in range(len(set_aside)) if i not in used]
    return result


def _rule(
    folded: str,
    start: int,
    end: int,
    not_content: list[tuple[int, int]],
    actors: Sequence[tuple[int, int]],
    terms: Sequence[tuple[int, int]],
) -> str | None:
    """Which rule lists the sentence by itself: "cue", "actor" or None."""
    if any(not any(s <= m.start() < e for s, e in not_content) for m in _CUE.finditer(folded, start, end)):
        return "cue"
    if (
        _overlaps(start, end, actors)
        and _VERB.search(folded, start, end)
        and (_TERM.search(folded, start, end) or _overlaps(start, end, terms))
    ):
        return "actor"
    return None


def read_set_aside(root: Path, texts: dict[str, str]) -> tuple[dict[str, list[tuple[int, int, int]]], list[Problem]]:
    """The set-aside passages located in their sources as (start, end, line), and the problems of the file."""
    path = root / SET_ASIDE
    spans: dict[str, list[tuple[int, int, int]]] = {}
    problems: list[Problem] = []
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


def sweep(root: Path, strict: bool = True) -> list[SourceSweep]:
    """The sweep of every stored article; `strict=False` lists the sentences even when
    `codings/set_aside.yaml` has entries that explain nothing (for scoring the rules)."""
    tables, inputs = collect(root)
    return sweep_inputs(root, tables, inputs, strict)


def _mention_spans(mentions: Any) -> tuple[dict[str, list[tuple[int, int]]], dict[str, list[tuple[int, int]]]]:
    """Per source, the spans of the actors and of the models and licences mentioned in its content."""
    columns = mentions.select(["source_id", "start", "end", "entity_type", "in_content"]).to_pydict()
    actors: dict[str, list[tuple[int, int]]] = {}
    terms: dict[str, list[tuple[int, int]]] = {}
    rows = zip(*(columns[c] for c in ("source_id", "start", "end", "entity_type", "in_content")))
    for source_id, start, end, entity_type, in_content in rows:
        if in_content and entity_type in ACTOR_TYPES:
            actors.setdefault(source_id, []).append((start, end))
        elif in_content and entity_type in TERM_TYPES:
            terms.setdefault(source_id, []).append((start, end))
    return actors, terms


def sweep_inputs(root: Path, tables: dict[str, Any], inputs: Inputs, strict: bool = True) -> list[SourceSweep]:
    set_aside, problems = read_set_aside(root, inputs.texts)
    if problems:
        raise BuildFailed(problems)
    quoted: dict[str, list[tuple[int, int]]] = {}
    for stance in tables["stances"]:
        quoted.setdefault(stance["source_id"], []).append((stance["quote_start"], stance["quote_end"]))
    actors, terms = _mention_spans(tables["mentions"])
    results = []
    for source_id, text in sorted(inputs.texts.items()):
        entries = set_aside.get(source_id, [])
        result = sweep_text(
            source_id,
            text,
            inputs.not_content.get(source_id, []),
            quoted.get(source_id, []),
            [(s, e) for s, e, _ in entries],
            actors.get(source_id, []),
            terms.get(source_id, []),
        )
        # An entry that explains nothing (its sentence is now quoted, or holds no cue) would
        # hide a later change of the text or the codings: it must go.
        problems += [
            Problem(
                SET_ASIDE,
                entries[i][2],
                "passage",
                "sets aside no sentence that needs it (a stance quote already covers it, or the "
                "sweep does not list it: no open/closed cue, and no actor with a verb and a model term); "
                "remove the entry",
            )
            for i in result.unused
        ]
        results.append(result)
    if problems and strict:
        raise BuildFailed(problems)
    return results
