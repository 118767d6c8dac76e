"""The sweep: every open/closed sentence of an article is quoted by a stance or set aside."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ai_openness.commands.cli import main
from ai_openness.compile.candidates import sentences, sweep, sweep_text
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
