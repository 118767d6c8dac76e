"""The hand-written inputs are read strictly: plain YAML only, every key in its declared
form, visible names, clean stored texts, bounded work; every problem is one located
finding, never a crash."""

from __future__ import annotations

import hashlib
import os
import random
import re
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from ai_openness.compile import mentions
from ai_openness.compile.pipeline import collect
from ai_openness.core.characters import is_invisible, name_problem
from ai_openness.core.problems import BuildFailed
from ai_openness.safeio.schema import read_contract
from ai_openness.safeio.yamlio import parse_yaml
from conftest import FIXTURES, ROOT, copy_tree


def problems_of(text: str) -> list[str]:
    try:
        parse_yaml(text, "x.yaml")
    except BuildFailed as failed:
        return [f"{p.line}: {p.message} | {p.fix}" for p in failed.problems]
    return []


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("a: !!set {x, y}\n", 1, "YAML tag !!set"),
        ("a: 1\nb: !!python/object/apply:os.system [ls]\n", 2, "YAML tag !!python/object/apply:os.system"),
        ("a: !custom 1\n", 1, "YAML tag !custom"),
        ("a: ! 1\n", 1, "YAML tag !"),
        ("a: !!binary aGVsbG8=\n", 1, "YAML tag !!binary"),
        ("a: !!str 1\n", 1, "YAML tag !!str"),
        ("- a: 1\n  ? [x, y]\n  : 2\n", 2, "a list or a mapping as a key"),
        ("{a: 1}: 2\n", 1, "a list or a mapping as a key"),
        ("a: &x 1\n", 1, "YAML anchor (&x)"),
        ("a: &x [1]\nb: *x\n", 2, "YAML alias"),
        ("1: a\n", 1, "is not a name"),
        ("null: a\n", 1, "is not a name"),
        ("a: 1\na: 2\n", 2, "duplicate key"),
        ("a: " + "[" * 40 + "]" * 40 + "\n", 1, "nested more than 32 levels"),
        ("- " * 40 + "a\n", 1, "nested more than 32 levels"),
        ("".join(" " * i + f"k{i}:\n" for i in range(40)) + " " * 40 + "v\n", 33, "nested more than 32 levels"),
        ('a: "!"\n{b: 1}: 2\n', 2, "a list or a mapping as a key"),  # read through the parser's events
        ("quote: 他說: 開源\n", 1, "put the value in quotes"),
        ("- a: 1\n\tb: 2\n", 2, "indent with spaces"),
        ('a: "unclosed\nb: 2\n', 1, "add the closing quote"),
        ("a: [x, y\nb: 2\n", 2, "is not closed"),
        ("a: @x\n", 1, "put the value in quotes"),
    ],
)
def test_only_plain_yaml_is_read(text, line, words):
    found = problems_of(text)
    assert len(found) == 1 and found[0].startswith(f"{line}: ") and words in found[0], found


def test_plain_yaml_keeps_its_values_and_lines():
    data = parse_yaml('- a: x\n  b: [1, 2]\n  c: 2023-03-14\n- a: "!not a tag"\n', "x.yaml")
    assert data == [{"a": "x", "b": [1, 2], "c": __import__("datetime").date(2023, 3, 14)}, {"a": "!not a tag"}]
    assert data.line_of(1) == 4 and data[0].line_of("c") == 3 and data[0]["b"].line == 2


# The oracle: the brief's list of default-ignorable code points, written out here.
IGNORABLE = [
    0x034F,
    0x115F,
    0x1160,
    0x17B4,
    0x17B5,
    *range(0x180B, 0x1810),
    *range(0x200B, 0x2010),
    *range(0x202A, 0x202F),
    *range(0x2060, 0x2070),
    0x3164,
    *range(0xFE00, 0xFE10),
    0xFEFF,
    0xFFA0,
    *range(0x1BCA0, 0x1BCA4),
    *range(0x1D173, 0x1D17B),
    0xE0001,
    0xE0020,
    0xE0100,
    0xE01EF,
    0x2800,
]


@pytest.mark.parametrize("code", [*IGNORABLE, 0, 7, 8232, 8233, 57344, 888])
def test_invisible_characters_are_refused_in_names(code):
    assert is_invisible(chr(code))
    assert f"U+{code:04X}" in name_problem("Mu" + chr(code) + "sk")


@pytest.mark.parametrize("name", ["Elon Musk", "马斯克", "埃隆·马斯克", "Dragoș Tudorache", "Llama 3.1", "é"])
def test_visible_names_pass(name):
    assert name_problem(unicodedata.normalize("NFC", name)) is None


@pytest.mark.parametrize(
    "name, words", [(" ", "empty"), ("", "empty"), ("\u3000", "empty"), (" LeCun", "starts or ends with a space")]
)
def test_blank_names_are_refused(name, words):
    assert words in name_problem(name)


@pytest.fixture
def mini_inputs(tmp_path: Path) -> Path:
    return copy_tree(FIXTURES / "mini", tmp_path / "mini", names=("schema", "sources", "codings"))


def findings(root: Path) -> list[str]:
    try:
        collect(root)
    except BuildFailed as failed:
        return [str(p) for p in failed.problems]
    return []


def test_a_wrong_hash_is_reported_once_at_its_root(mini_inputs: Path):
    articles = mini_inputs / "sources/articles.yaml"
    articles.write_text(articles.read_text(encoding="utf-8").replace("sha256: e", "sha256: f"), encoding="utf-8")
    found = findings(mini_inputs)
    assert len(found) == 1 and found[0].startswith("sources/articles.yaml:6 [sha256]"), found


def test_an_unlisted_article_gets_the_entry_to_add(mini_inputs: Path):
    data = "另一篇文章。\n".encode()
    (mini_inputs / "sources/articles/extra.txt").write_bytes(data)
    try:
        collect(mini_inputs)
    except BuildFailed as failed:
        (problem,) = failed.problems
    assert problem.file == "sources/articles/extra.txt"
    entry = "- {source_id: extra, kind: article, language: zh-Hans, path: sources/articles/extra.txt, sha256: "
    assert entry + hashlib.sha256(data).hexdigest() + "}" in problem.fix


WRONG_VALUES = ["[a, b]", "{a: 1}", "5", "true", "2023-01-01", "''", "null", '" "', "[[x]]", "-1"]


def _keys(text: str) -> list[tuple[int, str]]:
    return [(n, m.group(1)) for n, line in enumerate(text.split("\n")) if (m := re.match(r"^\s*-?\s*([a-z_]+):", line))]


_CODING_FILES = sorted(p.relative_to(FIXTURES / "mini").as_posix() for p in (FIXTURES / "mini").rglob("*.yaml"))


def test_every_key_of_the_codings_is_tried_with_every_wrong_value():
    # The test below, split by file so that its 300-odd builds run on both workers.
    keys = sum(len(_keys((FIXTURES / "mini" / rel).read_text(encoding="utf-8"))) for rel in _CODING_FILES)
    assert len(_CODING_FILES) >= 5 and keys * len(WRONG_VALUES) > 300


# The variants that must build, decided one by one (file, key, value): an optional key left
# empty, or a value of the key's own type. Every other variant must be refused.
BUILDS = {
    ("codings/licences.yaml", "osi_approved", "true"),  # a boolean key given a boolean
    ("codings/licences.yaml", "osi_approved", "''"),  # optional: not known
    ("codings/licences.yaml", "osi_approved", "null"),
    ("codings/licences.yaml", "commercial_use", "''"),
    ("codings/licences.yaml", "commercial_use", "null"),
    ("codings/models.yaml", "released", "2023-01-01"),  # a date key given a date
    ("codings/models.yaml", "released", "''"),
    ("codings/models.yaml", "released", "null"),
    ("codings/models.yaml", "access", "''"),  # optional: not stated
    ("codings/models.yaml", "access", "null"),
    ("codings/models.yaml", "licence_id", "''"),
    ("codings/models.yaml", "licence_id", "null"),
    ("codings/organisations.yaml", "country", "''"),
    ("codings/organisations.yaml", "country", "null"),
    ("codings/people.yaml", "name_zh", "null"),  # no Chinese name (an empty string is refused)
    ("codings/people.yaml", "organisation_id", "''"),
    ("codings/people.yaml", "organisation_id", "null"),
    ("codings/stances/mini.yaml", "date", "2023-01-01"),
    ("codings/stances/mini.yaml", "arguments", "null"),  # no arguments given
    ("sources/articles.yaml", "title", "''"),  # the stored copy carries no title
    ("sources/articles.yaml", "title", "null"),
    ("sources/references.yaml", "title", "''"),
    ("sources/references.yaml", "title", "null"),
}


def _entry(lines: list[str], number: int) -> range:
    """The lines (1-based) of the list item holding line `number` (0-based); the whole file
    when the line is outside every item (a key above the list)."""
    items = [n for n, line in enumerate(lines) if re.match(r"^\s*- ", line)]
    if not items or number < items[0]:
        return range(1, len(lines) + 1)
    indent = min(len(lines[n]) - len(lines[n].lstrip()) for n in items)
    starts = [n for n in items if len(lines[n]) - len(lines[n].lstrip()) == indent]
    first = max(n for n in starts if n <= number)
    after = [n for n in starts if n > number]
    return range(first + 1, (after[0] if after else len(lines)) + 1)


@pytest.mark.parametrize("rel", _CODING_FILES)
def test_each_wrongly_typed_value_is_refused_at_its_entry_or_builds_as_listed(rel: str, tmp_path: Path):
    """Every key of a coding, given each wrongly typed value: a variant in BUILDS builds; any
    other is refused with a finding in the edited file, on a line of the edited entry (a rule
    across fields may name a neighbouring key of the same entry), and never crashes."""
    base = copy_tree(FIXTURES / "mini", tmp_path / "base", names=("schema", "sources", "codings"))
    original = (base / rel).read_text(encoding="utf-8")
    tried = 0
    for number, key in _keys(original):
        for value in WRONG_VALUES:
            lines = original.split("\n")
            prefix = lines[number][: lines[number].index(key)]
            lines[number] = f"{prefix}{key}: {value}"
            (base / rel).write_text("\n".join(lines), encoding="utf-8")
            variant = (rel, key, value)
            try:
                collect(base)
            except BuildFailed as failed:
                assert variant not in BUILDS, (variant, [str(p) for p in failed.problems])
                entry = _entry(lines, number)
                located = [p for p in failed.problems if p.file == rel and p.line in entry]
                assert located, (variant, number + 1, [str(p) for p in failed.problems])
            else:
                assert variant in BUILDS, variant
            tried += 1
    assert tried == len(_keys(original)) * len(WRONG_VALUES)


def test_every_listed_variant_names_a_key_of_the_codings():
    keys = {(rel, key) for rel in _CODING_FILES for _, key in _keys((FIXTURES / "mini" / rel).read_text("utf-8"))}
    assert {(rel, key) for rel, key, _ in BUILDS} <= keys
    assert {value for _, _, value in BUILDS} <= set(WRONG_VALUES)


def test_mentions_are_bounded_per_alias(monkeypatch):
    alias = mentions.Alias("organisation", "openai", "閉源")
    monkeypatch.setattr(mentions, "MAX_MENTIONS_PER_ALIAS", 3)
    schema = read_contract(ROOT).arrow_schema("mentions")
    assert mentions.mention_table({"s": "閉源" * 3}, {}, [alias], schema).num_rows == 3
    with pytest.raises(BuildFailed) as failed:
        mentions.mention_table({"s": "閉源" * 4}, {}, [alias], schema)
    assert "occurs more than 3 times" in failed.value.problems[0].message


def test_mentions_are_bounded_in_all_and_across_chunks(monkeypatch):
    aliases = [mentions.Alias("organisation", "openai", "閉源"), mentions.Alias("organisation", "meta", "Meta")]
    schema = read_contract(ROOT).arrow_schema("mentions")
    texts = {f"s{i}": "閉源 Meta 與 Metadata。" * 2 for i in range(6)}  # 4 mentions each
    whole = mentions.mention_table(texts, {"s1": [(0, 8)]}, aliases, schema)
    assert whole.num_rows == 24 and whole.column("in_content").to_pylist().count(False) == 2
    monkeypatch.setattr(mentions, "CHUNK_BYTES", 40)  # a chunk a source or two
    assert mentions.mention_table(texts, {"s1": [(0, 8)]}, aliases, schema).equals(whole)
    monkeypatch.setattr(mentions, "MAX_MENTIONS", 24)
    assert mentions.mention_table(texts, {}, aliases, schema).num_rows == 24
    monkeypatch.setattr(mentions, "MAX_MENTIONS", 23)
    with pytest.raises(BuildFailed) as failed:
        mentions.mention_table(texts, {}, aliases, schema)
    assert "match more than 23 places" in failed.value.problems[0].message
    monkeypatch.setattr(mentions, "MAX_MENTIONS_PER_ALIAS", 11)  # 閉源's 12th match is in the last source
    with pytest.raises(BuildFailed) as failed:
        mentions.mention_table(texts, {}, aliases, schema)
    assert "'閉源'" in failed.value.problems[0].message and "more than 11 times" in failed.value.problems[0].message


def test_mention_limits_are_checked_before_any_row_is_made(monkeypatch):
    aliases = [mentions.Alias("organisation", "openai", "閉源"), mentions.Alias("organisation", "meta", "Meta")]
    schema = read_contract(ROOT).arrow_schema("mentions")
    texts = {f"s{i}": "閉源 Meta 與 Metadata。" * 2 for i in range(6)}
    whole = mentions.mention_table(texts, {}, aliases, schema)
    matcher = mentions.AliasMatcher(aliases)
    # Each text: 閉源, Meta, 閉源, Meta (Metadata is not Meta), counted from the texts and from the rows.
    expected = ["閉源", "Meta"] * 12
    assert whole.column("alias").to_pylist() == expected
    spelled = [a.alias for a in matcher.aliases]
    assert [spelled[i] for i in matcher.indices([texts[s] for s in sorted(texts)])] == expected
    assert [spelled[i] for i in matcher.of_rows(whole.column("alias"))] == expected
    monkeypatch.setattr(mentions, "MAX_MENTIONS_PER_ALIAS", 11)  # 閉源's 12th match is in the last source
    monkeypatch.setattr(mentions, "CHUNK_BYTES", 40)  # a chunk a source or two: the sources before it are counted

    def no_rows(*args, **kwargs):
        raise AssertionError("a row was made for a package past a limit")

    monkeypatch.setattr(mentions, "_batch", no_rows)
    with pytest.raises(BuildFailed) as failed:
        mentions.mention_table(texts, {}, aliases, schema)
    assert "'閉源'" in failed.value.problems[0].message and "more than 11 times" in failed.value.problems[0].message


@pytest.mark.parametrize("seed", range(40))
def test_the_running_count_stops_where_one_match_at_a_time_would(monkeypatch, seed):
    """However the matches are cut into runs, the count stops with the finding a walk over
    the matches one at a time gives: the first match past its alias's limit, unless the
    total limit was passed before it."""
    rng = random.Random(seed)
    per_alias, total = rng.randint(1, 6), rng.randint(3, 30)
    monkeypatch.setattr(mentions, "MAX_MENTIONS_PER_ALIAS", per_alias)
    monkeypatch.setattr(mentions, "MAX_MENTIONS", total)
    matcher = mentions.AliasMatcher([mentions.Alias("person", f"p{i}", f"w{i}") for i in range(6)])
    spellings = [a.alias for a in matcher.aliases]
    walk = [rng.randrange(6) for _ in range(rng.randint(0, 40))]
    expected, seen = None, [0] * 6
    for place, alias in enumerate(walk):
        seen[alias] += 1
        if seen[alias] > per_alias and place <= total:
            expected = f"the alias '{spellings[alias]}' of person"
            break
        if place + 1 > total:
            expected = f"match more than {total} places"
            break
    cuts = sorted(rng.sample(range(len(walk) + 1), min(3, len(walk) + 1)))
    tally, said = mentions.Tally(matcher), None
    try:
        for lo, hi in zip([0, *cuts], [*cuts, len(walk)]):
            tally.add(np.array(walk[lo:hi], dtype=int))
    except BuildFailed as failed:
        said = failed.problems[0].message
    assert (said is None) == (expected is None), (said, expected)
    assert said is None or expected in said


def test_a_common_alias_stops_the_build_early(mini_inputs: Path):
    """A one-character alias in a long text: a finding, not millions of rows."""
    article = mini_inputs / "sources/articles/mini.txt"
    old = hashlib.sha256(article.read_bytes()).hexdigest()
    data = article.read_bytes() + "的".encode() * 2_000_000
    article.write_bytes(data)
    articles = mini_inputs / "sources/articles.yaml"
    articles.write_text(
        articles.read_text(encoding="utf-8").replace(old, hashlib.sha256(data).hexdigest()), encoding="utf-8"
    )
    people = mini_inputs / "codings/people.yaml"
    people.write_text(people.read_text(encoding="utf-8") + "  aliases: [的]\n", encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        collect(mini_inputs)
    (problem,) = failed.value.problems
    assert (problem.file, problem.line) == ("codings/people.yaml", 5)
    assert "'的' of person elon-musk occurs more than 5000 times" in problem.message


@pytest.mark.parametrize(
    "rel, old, new, where, words",
    [
        (
            "codings/people.yaml",
            "  organisation_id: xai",
            "  organisation_id: xai\n  aliases: 杨乐昆, LeCun",
            "codings/people.yaml:5 [aliases]",
            "write it as a list: aliases: [杨乐昆, LeCun]",
        ),
        (
            "codings/people.yaml",
            "  organisation_id: xai",
            "  organisation_id: xai\n  aliases: Alphabet",
            "codings/people.yaml:5 [aliases]",
            "write it as a list: aliases: [Alphabet]",
        ),
        (
            "codings/stances/mini.yaml",
            "arguments: [security]",
            "arguments: safety",
            "codings/stances/mini.yaml:12 [arguments]",
            "write it as a list: arguments: [safety]",
        ),
        (
            "codings/stances/mini.yaml",
            "occurrence: 2",
            "occurrence: '1'",
            "codings/stances/mini.yaml:21 [occurrence]",
            "is a text, but a whole number from 1 is expected",
        ),
        (
            "codings/stances/mini.yaml",
            "source_id: mini",
            "source_id: [mini]",
            "codings/stances/mini.yaml:1 [source_id]",
            "is a list, but the source_id of a stored article is expected",
        ),
        (
            "sources/articles.yaml",
            "  language: zh-Hant",
            "  language: zh-Hant\n  not_content: [{from: 馬斯克, to: 3}]",
            "sources/articles.yaml:5 [not_content]",
            "not_content",
        ),
    ],
)
def test_a_wrongly_typed_key_is_one_finding(mini_inputs: Path, rel, old, new, where, words):
    path = mini_inputs / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    found = findings(mini_inputs)
    assert len(found) == 1 and found[0].startswith(where) and words in found[0], found


def test_the_regex_form_of_the_rule_agrees():
    import polars as pl

    from ai_openness.core.characters import invisible_regex

    sample = [chr(c) for c in IGNORABLE] + list("aZ马斯克é ，。\n") + ["\u0000", "\ue000", "\u2028"]
    found = pl.Series(sample).str.contains(invisible_regex()).to_list()
    assert found == [is_invisible(c) for c in sample]


@pytest.mark.parametrize("allowed", ["", "\n"])
def test_the_ranges_of_the_rule_are_the_code_points_it_says_yes_to(allowed):
    from ai_openness.core.characters import invisible_ranges

    # The oracle: is_invisible asked of each code point in turn, surrogates included.
    expected = [code for code in range(0x110000) if chr(code) not in allowed and is_invisible(chr(code))]
    found = [code for low, high in invisible_ranges(allowed) for code in range(low, high + 1)]
    assert found == expected


def test_the_build_refuses_folders_nested_deeper_than_the_limit(mini: Path, capsys):
    """The build checks its inputs as `validate` does, before parsing them (read_inputs)."""
    from ai_openness.commands.cli import main
    from ai_openness.core.limits import MAX_INPUT_DEPTH

    deep = mini / "codings" / "stances"
    for _ in range(MAX_INPUT_DEPTH + 2):
        deep = deep / "d"
    deep.mkdir(parents=True)
    (deep / "x.yaml").write_text("a: 1\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["build", "--check", "--root", str(mini)]) == 1
    err = capsys.readouterr().err
    assert "levels below codings/" in err and "internal error" not in err, err


def test_a_yaml_file_and_a_stored_text_have_their_own_size_limits(mini_inputs: Path, monkeypatch):
    """A large package's sources/articles.yaml (34 MB at a million stances) is read; a stored
    text keeps the tighter limit, and a YAML file over its own limit is refused by name."""
    from ai_openness.core import limits

    assert limits.MAX_YAML_BYTES > 34_000_000 and limits.MAX_INPUT_BYTES < 34_000_000
    people = mini_inputs / "codings/people.yaml"
    people.write_text(people.read_text(encoding="utf-8") + "# padding\n" * 1_000_000, encoding="utf-8")
    assert people.stat().st_size > limits.MAX_INPUT_BYTES
    assert findings(mini_inputs) == []
    monkeypatch.setattr(limits, "MAX_YAML_BYTES", 5_000_000)
    found = findings(mini_inputs)
    assert len(found) == 1 and "codings/people.yaml" in found[0] and "limit of 5000000 bytes" in found[0], found


_OPENED: list[str] | None = None  # while a test records: every path Python opens


def _record_opens(event: str, args: tuple) -> None:
    if _OPENED is not None and event == "open" and isinstance(args[0], (str, bytes, Path)):
        _OPENED.append(os.fsdecode(args[0]))


sys.addaudithook(_record_opens)  # an audit hook cannot be removed; it records only inside the test below


def test_a_build_opens_each_input_file_once(mini: Path, capsys):
    """Every file under sources/ and codings/ is opened once per run of `build --check`: read
    once, checked and parsed from the same bytes (Python's audit events are the witness)."""
    from ai_openness.commands.cli import main

    global _OPENED
    inputs = sorted(
        p.relative_to(mini).as_posix() for d in ("sources", "codings") for p in (mini / d).rglob("*") if p.is_file()
    )
    _OPENED = []
    try:
        assert main(["build", "--check", "--no-cache", "--root", str(mini)]) == 0
    finally:
        opened, _OPENED = _OPENED, None
    capsys.readouterr()
    counts = {}
    for path in opened:
        rel = os.path.relpath(os.path.join(mini, path) if not os.path.isabs(path) else path, mini)
        if rel in inputs:
            counts[rel] = counts.get(rel, 0) + 1
    assert len(inputs) >= 8 and counts == dict.fromkeys(inputs, 1)
