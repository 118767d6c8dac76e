"""Messages that point at the cause: each on a broken contribution, the text asserted.

Each case breaks a copy of the small test package (tests/fixtures/mini) the way a
contributor did, builds it, and checks what `ai-openness build --format json` says: the
file and line, and the words that send the contributor to the cause.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from ai_openness.commands.cli import main
from conftest import FIXTURES, INPUTS, copy_tree


@pytest.fixture
def package(tmp_path: Path) -> Path:
    return copy_tree(FIXTURES / "mini", tmp_path / "mini", names=INPUTS)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(root: Path, capsys) -> list[dict]:
    capsys.readouterr()
    assert main(["build", "--root", str(root), "--format", "json"]) == 1
    return json.loads(capsys.readouterr().out)["problems"]


def test_an_unknown_id_names_the_file_that_defines_such_ids_and_the_nearest(package: Path, capsys):
    # The typo is in people.yaml; the stances that name the person correctly are where it shows.
    _edit(package / "codings/people.yaml", "- person_id: elon-musk\n", "- person_id: elon-muskk\n")
    problems = [p for p in _problems(package, capsys) if p["code"] == "foreign-key"]
    assert problems and {p["file"] for p in problems} == {"codings/stances/mini.yaml"}
    message = problems[0]["message"]
    assert "no people row has person_id = elon-musk" in message
    assert "the people ids are those of codings/people.yaml; the nearest: elon-muskk" in message
    assert "or the one in codings/people.yaml if that is the misspelt one" in problems[0]["fix"]


def test_a_missing_sha256_prints_the_hash_to_record_first(package: Path, capsys):
    text = package / "sources/articles/mini.txt"
    digest = hashlib.sha256(text.read_bytes()).hexdigest()  # computed here, not by the package
    _edit(package / "sources/articles.yaml", f"  sha256: {digest}\n", "")
    (problem,) = _problems(package, capsys)
    assert (problem["file"], problem["field"], problem["code"]) == (
        "sources/articles.yaml",
        "sha256",
        "source-text-unrecorded",
    )
    assert problem["message"] == f"has no sha256: the SHA-256 of the stored text sources/articles/mini.txt is {digest}"
    assert problem["fix"].startswith(f"record it in this entry of sources/articles.yaml: `sha256: {digest}`")
    assert "git checkout" not in problem["fix"]


def test_a_published_date_in_another_form_says_the_form_with_an_example(package: Path, capsys):
    _edit(package / "sources/articles.yaml", "  language: zh-Hant\n", "  language: zh-Hant\n  published: 2023/03/14\n")
    (problem,) = _problems(package, capsys)
    assert (problem["file"], problem["line"], problem["field"]) == ("sources/articles.yaml", 5, "published")
    assert problem["message"] == "is not a date written YYYY-MM-DD (e.g. 2024-03-25)"
    assert (problem["value"], problem["expected"]) == ("2023/03/14", "a date written YYYY-MM-DD")
    assert problem["fix"].startswith("write it YYYY-MM-DD, e.g. 2024-03-25, or leave it empty")


def test_a_stance_date_in_another_form_says_the_forms_with_an_example(package: Path, capsys):
    _edit(package / "codings/stances/mini.yaml", "date: 2023-03-14", "date: 14.3.2023")
    (problem,) = _problems(package, capsys)
    assert (problem["file"], problem["field"]) == ("codings/stances/mini.yaml", "date")
    assert problem["message"] == "is not a date written YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2024-03)"
    assert (problem["value"], problem["expected"]) == ("14.3.2023", "a date written YYYY, YYYY-MM or YYYY-MM-DD")


def test_a_stance_after_its_article_names_the_article_s_published_line(package: Path, capsys):
    _edit(package / "sources/articles.yaml", "  language: zh-Hant\n", "  published: 2023-01-10\n  language: zh-Hant\n")
    problems = [p for p in _problems(package, capsys) if p["code"] == "date-after-source"]
    assert [(p["file"], p["field"]) for p in problems] == [("codings/stances/mini.yaml", "date")]
    assert problems[0]["message"].startswith("is after the publication date of its source mini (2023-01-10)")
    # The article's `published` is the fourth line of sources/articles.yaml: it may be the wrong one.
    assert "or the article's `published` (sources/articles.yaml:4) if that is the wrong one" in problems[0]["fix"]


def test_a_quote_copied_with_its_quotation_marks_is_told_to_drop_both(package: Path, capsys):
    # The article has 「開源軟件最安全。」: with both marks and without the full stop, the quote
    # is not in it; the words inside the marks are.
    _edit(package / "codings/stances/mini.yaml", "quote: 開源軟件最安全。", "quote: 「開源軟件最安全」")
    (problem,) = _problems(package, capsys)
    assert problem["file"] == "codings/stances/mini.yaml" and problem["field"] == "quote"
    assert "the quotation marks 「」 around it are not part of a quote" in problem["message"]
    assert problem["fix"] == "drop the quotation marks, both of them: quote: 開源軟件最安全"
