"""Alias matching, script folding and quote location."""

from __future__ import annotations

import pytest

from ai_openness.mentions import Alias, AliasMatcher
from ai_openness.quotes import locate
from ai_openness.script import fold, script_of


def test_traditional_and_simplified_match_each_other():
    matcher = AliasMatcher([Alias("person", "elon-musk", "馬斯克")])
    text = "马斯克说，馬斯克說"
    assert [(s, e) for s, e, _ in matcher.find(text)] == [(0, 3), (5, 8)]


def test_fold_keeps_offsets():
    text = "開源軟件 OpenAI 與 Meta"
    assert len(fold(text)) == len(text)


def test_latin_alias_needs_word_boundaries():
    matcher = AliasMatcher([Alias("organisation", "meta", "Meta")])
    assert [m[:2] for m in matcher.find("Metadata 與 Meta 的模型")] == [(11, 15)]


def test_longest_alias_wins():
    matcher = AliasMatcher([Alias("person", "elon-musk", "马斯克"), Alias("person", "elon-musk", "埃隆·马斯克")])
    assert [(s, e, a.alias) for s, e, a in matcher.find("埃隆·马斯克")] == [(0, 6, "埃隆·马斯克")]


def test_script_of():
    assert script_of("馬斯克") == "zh-Hant"
    assert script_of("马斯克") == "zh-Hans"
    assert script_of("沈阳") == "zh-Hans"
    assert script_of("OpenAI") == "und-Latn"


def test_locate_uses_code_points():
    text = "𠀀開源"  # a character outside the BMP counts as one code point
    assert locate(text, "開源") == (1, 3)


def test_locate_requires_hint_when_ambiguous():
    with pytest.raises(ValueError, match="occurs 2 times"):
        locate("閉源。閉源。", "閉源。")
    assert locate("閉源。閉源。", "閉源。", 2) == (3, 6)
