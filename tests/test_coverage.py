"""The coverage report: its overlap test, and which words it proposes as names (hand-written
expectations), that the stored sources leave none unexplained, and that the report's counts
are those of the data files."""

from __future__ import annotations

import csv
import json
import random

import pytest

from ai_openness.commands.cli import main
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


def _csv(name: str) -> list[dict[str, str]]:
    with open(ROOT / "data" / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# The entity type of a mention (mentions.entity_type) for each table a stance may reference.
ENTITY_TYPE = {"people": "person", "organisations": "organisation", "models": "model"}


def test_the_coverage_report_counts_what_the_data_files_hold(capsys):
    """Each number of `ai-openness coverage --format json` on the real package, recomputed
    from data/*.csv read by the csv module (README, "Coverage")."""
    capsys.readouterr()
    assert main(["coverage", "--root", str(ROOT), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    mentions = [m for m in _csv("mentions") if m["in_content"] == "true"]  # parts marked not_content are ignored
    stances = _csv("stances")
    # The columns through which a stance names an entity: its foreign keys to people,
    # organisations and models, read from the Table Schema.
    schema = json.loads((ROOT / "schema" / "stances.schema.json").read_text(encoding="utf-8"))
    refers = {
        key["fields"][0]: ENTITY_TYPE[key["reference"]["resource"]]
        for key in schema["foreignKeys"]
        if key["reference"]["resource"] in ENTITY_TYPE
    }
    assert set(refers) >= {"person_id", "organisation_id", "target_organisation_id", "target_model_id"}
    stored = [s["source_id"] for s in _csv("sources") if s["path"]]  # the sources with a stored text
    assert [s["source_id"] for s in report["sources"]] == sorted(stored) and len(stored) >= 5  # and any added
    mentioned_anywhere = set()
    for source in report["sources"]:
        sid = source["source_id"]
        own = [m for m in mentions if m["source_id"] == sid]
        entities = {(m["entity_type"], m["entity_id"]) for m in own}
        mentioned_anywhere |= entities
        own_stances = [s for s in stances if s["source_id"] == sid]
        with_stance = {(kind, s[column]) for s in own_stances for column, kind in refers.items() if s[column]}
        expected = {
            "mentions": len(own),
            "entities_mentioned": len(entities),
            # a second report of a stance coded from another source (repeats set) is not counted
            "stances": sum(not s["repeats"] for s in own_stances),
            "second_reports": sum(bool(s["repeats"]) for s in own_stances),
            "mentioned_without_stance": sorted(f"{t}:{i}" for t, i in entities - with_stance),
        }
        assert {key: source[key] for key in expected} == expected, sid
    # The package holds a second report, so the rule that it is not counted is exercised.
    assert sum(s["second_reports"] for s in report["sources"]) == sum(bool(s["repeats"]) for s in stances) > 0
    coded = {("organisation", r["organisation_id"]) for r in _csv("organisations")}
    coded |= {("person", r["person_id"]) for r in _csv("people")}
    coded |= {("model", r["model_id"]) for r in _csv("models")}
    assert report["never_mentioned"] == sorted(f"{t}:{i}" for t, i in coded - mentioned_anywhere)
