"""The coverage report: its overlap test, and which words it proposes as names (hand-written
expectations), and that the stored sources leave none unexplained."""

from __future__ import annotations

import random

import pytest

from ai_openness.compile.coverage import _explained_by, _Spans, candidates, coverage
from conftest import ROOT

pytestmark = pytest.mark.data  # reads the package's own data, codings or sources


def test_spans_overlap_as_the_definition_says():
    rng = random.Random(7)
    for _ in range(200):
        spans = [(s, s + rng.randint(1, 30)) for s in (rng.randint(0, 300) for _ in range(rng.randint(0, 40)))]
        index = _Spans(spans)
        for _ in range(50):
            start = rng.randint(0, 330)
            end = start + rng.randint(1, 40)
            assert index.overlap(start, end) == any(s < end and start < e for s, e in spans), (spans, start, end)


def _names(text: str) -> list[str]:
    return [name for _, _, name in candidates(text)]


def test_sizes_and_units_are_not_names():
    text = "模型有 7B 和 70B 参数，权重 40 GB，另有 B 版本与 1.5 TB 数据。"
    assert _names(text) == []


def test_latin_names_and_chinese_person_names_are_candidates_at_their_offsets():
    text = "孙宇晨表示，Sam Altman 和 Mistral AI 也谈到 GPT-4。"
    found = candidates(text)
    assert [name for _, _, name in found] == ["孙宇晨", "Sam Altman", "Mistral AI", "GPT-4"]
    assert all(text[start:end] == name for start, end, name in found)


def test_a_traditional_script_name_is_found_in_its_own_script():
    # Tagged on the text folded to Simplified script, reported as the article writes it.
    assert _names("比爾蓋茨認為") == ["比爾蓋茨"]


def test_common_words_the_dictionary_tags_as_names_are_not_proposed():
    # 明白 is nr and 普通 nz in jieba's dictionary, but common (frequent) words; 展望未来 is two.
    assert _names("我明白这很普通，展望未来。") == []


def test_a_coded_licence_explains_its_other_spellings():
    explained = _explained_by({"Apache License 2.0", "Apache-2.0", "GPT-4", "Meta"})
    assert [explained(n) for n in ("Apache 2", "Apache 2.0", "apache-2", "GPT-4 Turbo", "Meta")] == [True] * 5
    assert [explained(n) for n in ("Metaverse", "GPT-45", "Apache Spark")] == [False] * 3


def test_the_stored_sources_leave_no_candidate_name_unexplained():
    result = coverage(ROOT)
    assert {s.source_id: s.unexplained_candidates for s in result.sources if s.unexplained_candidates} == {}
