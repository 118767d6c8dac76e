"""Alias matching, script folding and quote location."""

from __future__ import annotations

import pytest

from ai_openness.compile.mentions import Alias, AliasMatcher
from ai_openness.compile.quotes import locate
from ai_openness.core.script import fold, script_of


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


# A quote that is not in its source: where it differs ------------------------------------


def not_found(text: str, quote: str) -> str:
    with pytest.raises(ValueError) as raised:
        locate(text, quote)
    return str(raised.value)


def test_halfwidth_comma_is_located_and_named():
    message = not_found("他說，開源更安全。", "他說,開源更安全。")
    assert "at character 3 the quote has ',' (U+002C COMMA)" in message
    assert "where the source (offset 2) has '，' (U+FF0C FULLWIDTH COMMA)" in message
    assert "only in the form of punctuation" in message


def test_chinese_full_stop_typed_as_ascii_is_punctuation():
    assert "only in the form of punctuation" in not_found("閉源。", "閉源.")


def test_other_script_is_named():
    message = not_found("開源軟件最安全。", "开源软件最安全。")
    assert "at character 1 the quote has '开' (U+5F00" in message and "'開' (U+958B" in message
    assert "Traditional vs Simplified" in message and "1 more difference(s)" in message


def test_a_changed_word_is_located_in_the_closest_passage():
    message = not_found("前言。馬斯克說：開源軟件最安全。後記。", "馬斯克說：開源軟件最危險。")
    assert "begins like it, but at character 11 the quote has '危'" in message
    assert "where the source has '安'" in message


def test_a_changed_beginning_is_found_from_the_end():
    message = not_found("前言。馬斯克說：開源軟件最安全。後記。", "川普說：開源軟件最安全。")
    assert "ends like it, but at character 2 the quote has '普'" in message


def test_a_quote_from_elsewhere_says_so():
    assert "no passage of the source begins or ends like it" in not_found("開源軟件最安全。", "Closed models win")


@pytest.mark.parametrize("occurrence", ["2", True, 2.0, [2]])
def test_occurrence_of_another_type_is_refused(occurrence):
    with pytest.raises(ValueError, match="must be a whole number from 1"):
        locate("閉源。閉源。", "閉源。", occurrence)


# The matcher against the plain definition of its matching ----------------------------------


def plain_matches(text: str, aliases: list[Alias]) -> list[tuple[int, int, str]]:
    """Leftmost-longest, non-overlapping, written out one position at a time: at each position
    the longest alias whose folded spelling is there is taken (and the scan goes on after it);
    a match that runs into an ASCII letter or digit is then dropped."""
    spellings = {fold(a.alias): a.alias for a in aliases}  # the last alias of a spelling is reported
    folded, found, i = fold(text), [], 0
    while i < len(folded):
        here = [s for s in spellings if folded.startswith(s, i)]
        if not here:
            i += 1
            continue
        word = max(here, key=len)
        found.append((i, i + len(word), spellings[word]))
        i += len(word)

    def is_word(char: str) -> bool:
        return char.isascii() and char.isalnum()

    return [
        (s, e, a)
        for s, e, a in found
        if not (is_word(folded[s]) and s > 0 and is_word(folded[s - 1]))
        and not (is_word(folded[e - 1]) and e < len(folded) and is_word(folded[e]))
    ]


def test_matcher_agrees_with_the_plain_definition():
    import random

    pieces = ["馬", "马", "斯", "克", "開", "开", "源", "a", "B", "i", "1", " ", "·", "𠀀", "é", "，", "\n"]
    rng = random.Random(7)
    compared = 0
    for _ in range(300):
        aliases = [
            Alias("organisation", f"e{k}", "".join(rng.choices(pieces[:12], k=rng.randint(1, 4))))
            for k in range(rng.randint(1, 8))
        ]
        texts = ["".join(rng.choices(pieces, k=rng.randint(0, 60))) for _ in range(rng.randint(1, 4))]
        found = AliasMatcher(aliases).match(texts)
        got = [[] for _ in texts]
        for t, s, e, a in zip(found.text.tolist(), found.start.tolist(), found.end.tolist(), found.alias.tolist()):
            got[t].append((s, e, AliasMatcher(aliases).aliases[a].alias))
        for text, matched in zip(texts, got):
            assert matched == plain_matches(text, aliases), (text, aliases)
            compared += len(matched)
    assert compared > 500  # the random texts do hold matches


def test_fold_all_is_fold_of_each_text():
    from ai_openness.core.script import fold_all

    texts = ["馬斯克說 OpenAI", "", "開源𠀀軟件 META", "馬"]
    fold("馬")  # a code point folded one text at a time first, then in a column
    assert fold_all(texts).to_pylist() == [fold(t) for t in texts]
    assert fold_all(["馬斯克"]).to_pylist() == ["马斯克"]
