"""The sweep: every open/closed sentence of an article is quoted by a stance or set aside."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ai_openness.commands.cli import main
from ai_openness.compile.candidates import sweep, sweep_text
from ai_openness.compile.sentences import sentences
from conftest import ROOT

pytestmark = pytest.mark.data  # reads the package's own data, codings or sources

# Four sentences: a quoted one, a set-aside one, an unexplained one in Traditional script,
# and one whose only cue sits in advertising (not content). Offsets are counted by hand.
TEXT = "甲說：「開源最安全。」乙認為模型應保持閉源。丙表示權重應該公開。註冊領取開源贈金！"
QUOTED = (4, 10)  # 開源最安全。
SET_ASIDE = (11, 22)  # 乙認為模型應保持閉源。
UNEXPLAINED = (22, 32)  # 丙表示權重應該公開。
ADVERT = (32, 41)  # 註冊領取開源贈金！


def test_sentences_split_at_stops_and_keep_closing_quotes():
    assert sentences(TEXT) == [(0, 11), SET_ASIDE, UNEXPLAINED, ADVERT]
    assert TEXT[0:11] == "甲說：「開源最安全。」"


def test_unexplained_sentence_is_listed_with_its_offsets():
    result = sweep_text("fixture", TEXT, [ADVERT], [QUOTED], [SET_ASIDE])
    assert [(p.start, p.end, p.text) for p in result.unexplained] == [(22, 32, "丙表示權重應該公開。")]
    assert (result.with_cue, result.quoted, result.set_aside) == (3, 1, 1)


def test_quoted_and_set_aside_sentences_are_not_listed():
    result = sweep_text("fixture", TEXT, [ADVERT], [QUOTED, UNEXPLAINED], [SET_ASIDE])
    assert result.unexplained == []
    result = sweep_text("fixture", TEXT, [ADVERT], [], [])
    assert [p.start for p in result.unexplained] == [0, 11, 22]  # the advert never counts


def test_cues_in_both_scripts_and_in_english():
    for sentence in ("他们支持闭源。", "他們支持閉源。", "The model is proprietary.", "Open-Source wins."):
        assert len(sweep_text("x", sentence, [], [], []).unexplained) == 1, sentence
    assert sweep_text("x", "OpenAI 发布了新模型。", [], [], []).unexplained == []


def test_command_lists_unexplained_passages_and_exits_1(built_mini: Path, tmp_path: Path, capsys):
    from conftest import copy_tree

    root = copy_tree(built_mini, tmp_path / "mini")
    assert main(["candidates", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert "mini [16:31] OpenAI 表示將保持閉源。" in out
    assert "mini [34:37] 閉源。" in out

    (root / "codings/set_aside.yaml").write_text(
        "- source_id: mini\n  passage: OpenAI 表示將保持閉源。\n  reason: a test reason\n"
        "- source_id: mini\n  passage: 閉源。\n  occurrence: 3\n  reason: a test reason\n",
        encoding="utf-8",
    )
    assert main(["candidates", "--root", str(root), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["unexplained"] == 0
    assert report["sources"][0]["set_aside"] == 2


def test_bad_set_aside_entry_is_named_by_line(built_mini: Path, tmp_path: Path, capsys):
    from conftest import copy_tree

    root = copy_tree(built_mini, tmp_path / "mini")
    (root / "codings/set_aside.yaml").write_text(
        "- source_id: mini\n  passage: 不在文中。\n  reason: x\n", encoding="utf-8"
    )
    assert main(["candidates", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert "codings/set_aside.yaml:2 [passage]" in err and "not in the source text" in err


def test_real_sources_have_no_unexplained_passage():
    results = sweep(ROOT)
    assert {r.source_id for r in results} == {p.stem for p in (ROOT / "sources/articles").glob("*.txt")}
    assert [p.text for r in results for p in r.unexplained] == []
    assert all(r.with_cue > 0 for r in results)


def test_set_aside_entry_that_explains_nothing_must_go(built_mini: Path, tmp_path: Path, capsys):
    from conftest import copy_tree

    root = copy_tree(built_mini, tmp_path / "mini")
    # 開源軟件最安全。 is already quoted by a stance, so setting it aside explains nothing.
    (root / "codings/set_aside.yaml").write_text(
        "- source_id: mini\n  passage: 開源軟件最安全。\n  reason: x\n", encoding="utf-8"
    )
    assert main(["candidates", "--root", str(root)]) == 1
    assert "codings/set_aside.yaml:1 [passage]: sets aside no sentence that needs it" in capsys.readouterr().err


def test_a_quotation_split_by_stops_is_one_sentence():
    text = "他說：「我們錯了。開源沒有意義。」記者問：“為何？”他答，「不能說。因為競爭」然後離開。見 https://x.cn/s?id=1 。"
    # Offsets counted by hand: the stops inside 「…」 and “…” end nothing; a quotation that ends
    # with a stop ends its sentence at the closing mark; ? between Latin letters is inside an address.
    assert [text[s:e] for s, e in sentences(text)] == [
        "他說：「我們錯了。開源沒有意義。」",
        "記者問：“為何？”",
        "他答，「不能說。因為競爭」然後離開。",
        "見 https://x.cn/s?id=1 。",
    ]


def test_an_unclosed_quotation_does_not_join_sentences():
    text = "他說：「我們錯了。開源沒有意義。\n下一行。"
    assert [text[s:e] for s, e in sentences(text)] == ["他說：「我們錯了。", "開源沒有意義。", "下一行。"]


def test_an_actor_with_a_verb_and_a_model_term_is_listed_without_a_cue():
    # Offsets by hand: 拜登要求商务部就模型权重… has a cue (权重); the two others none.
    text = "拜登要求商务部咨询专家。他签署了关于模型的命令。天气很好。"
    biden, commerce = (0, 2), (4, 7)
    result = sweep_text("x", text, [], [], [], actors=[biden, commerce], terms=[])
    # The first sentence names actors with a verb (要求) but no model term; the second has no
    # actor mention at all: neither is listed by itself, and they share no listed paragraph.
    assert result.listed == []
    result = sweep_text("x", text, [], [], [], actors=[biden, (12, 13)], terms=[])
    # 他 marked as an actor mention: 签署 and 模型/命令 list the second sentence (rule 2), and
    # the paragraph rule lists the other two sentences of its line.
    assert (result.with_cue, result.by_actor, result.by_paragraph) == (0, 1, 2)
    assert [text[s:e] for s, e in result.listed] == [
        "拜登要求商务部咨询专家。",
        "他签署了关于模型的命令。",
        "天气很好。",
    ]


def test_a_paragraph_that_opens_with_a_quotation_continues_the_one_before():
    from ai_openness.compile.sentences import Paragraphs

    text = "「競爭很激烈，」他說，「這些模型很強大。」\n\n「安全方面，不想透露是有道理的。」\n另一段。"
    second, third = text.index("「安全"), text.index("另一段")
    paragraphs = Paragraphs(text)
    assert paragraphs.of(second) == paragraphs.of(0) == 0
    assert paragraphs.of(third) == third
    result = sweep_text("x", text, [], [], [], actors=[(text.index("他"), text.index("他") + 1)], terms=[])
    assert [text[s:e] for s, e in result.listed] == [
        "「競爭很激烈，」他說，「這些模型很強大。」",
        "「安全方面，不想透露是有道理的。」",
    ]


def test_the_json_report_names_a_bounded_number_of_passages(built_mini: Path, tmp_path: Path, capsys, monkeypatch):
    from ai_openness.commands import candidates as command
    from conftest import copy_tree

    root = copy_tree(built_mini, tmp_path / "mini")
    monkeypatch.setattr(command, "JSON_PASSAGES", 1)
    monkeypatch.setattr(command, "PASSAGE_CHARACTERS", 5)
    assert main(["candidates", "--root", str(root), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["unexplained"] == 2 and report["left_out"] == 1 and len(report["problems"]) == 1
    assert len(report["problems"][0]["value"]) <= 5
    assert all(set(source) == {"source_id", "with_cue", "by_actor", "by_paragraph", "quoted", "set_aside",
                               "unexplained"} for source in report["sources"])  # fmt: skip


def _paragraph_by_search(text: str, start: int) -> int:
    """The rule written as a search back from the offset, one question at a time (the oracle)."""
    begin = text.rfind("\n", 0, start) + 1
    while begin > 0 and text[begin : begin + 1] in {"“", "「", "『", "‘", '"'}:
        before = text[:begin].rstrip()
        if not before:
            break
        begin = text.rfind("\n", 0, len(before)) + 1
    return begin


def test_paragraphs_found_once_agree_with_a_search_back_from_each_offset():
    import random

    from ai_openness.compile.sentences import Paragraphs

    pieces = ["\n", "\n\n", " \n", "「", "」", "“", "”", "他說", "。", "\u3000", "a", '"']
    for seed in range(300):
        rng = random.Random(seed)
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 30)))
        paragraphs = Paragraphs(text)
        assert [paragraphs.of(i) for i in range(len(text) + 1)] == [
            _paragraph_by_search(text, i) for i in range(len(text) + 1)
        ], repr(text)
