"""`ai-openness validate`: exit codes, the three output formats, and internal errors."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from ai_openness.commands.cli import main
from ai_openness.core.problems import Problem
from ai_openness.validate.report import Report, annotation, github
from conftest import ROOT
from contributions import CASES, make_outside


def _broken(built: Path, tmp_path: Path, name: str) -> Path:
    root = tmp_path / "package"
    shutil.copytree(built, root)
    make_outside(tmp_path / "outside")
    CASES[name].patch(root, tmp_path / "outside")
    return root


def test_real_package_is_valid_as_json(capsys):
    assert main(["validate", str(ROOT), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is True and report["exit_code"] == 0 and report["problems"] == []
    assert report["rows"]["stances"] > 0
    assert report["skipped"] == []  # the real package has its sources and codings: nothing skipped


def test_default_directory_is_the_current_one(built_mini, monkeypatch, capsys):
    monkeypatch.chdir(built_mini)
    assert main(["validate"]) == 0
    assert capsys.readouterr().out.startswith("Valid")


def test_a_missing_directory_is_unusable(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nowhere")]) == 2
    assert "is not a directory" in capsys.readouterr().out


def test_a_checkout_that_lost_its_codings_and_sources_is_an_error(built_mini, tmp_path, capsys):
    # Without the published-copy marker an archive carries (tests/test_release.py), a
    # package without sources/ and codings/ is a checkout missing its inputs.
    root = tmp_path / "lost"
    for name in ("data", "datapackage.json", "datapackage.parquet.json"):
        source = built_mini / name
        shutil.copytree(source, root / name) if source.is_dir() else shutil.copy(source, root / name)
    assert main(["validate", str(root)]) == 1
    out = capsys.readouterr().out
    assert "codings/" in out and "sources/" in out and "is missing" in out and "published copy" in out


def test_github_format_annotates_file_line_and_column(built_mini, tmp_path, capsys):
    root = _broken(built_mini, tmp_path, "formula-injection")
    capsys.readouterr()
    assert main(["validate", str(root), "--format", "github"]) == 1
    out = capsys.readouterr().out
    raw_line = (root / "data/people.csv").read_text(encoding="utf-8").split("\n")[1]
    column = raw_line.index("=HYPERLINK") + 1 - 1  # the cell starts at its opening quote
    header = f"::error file=data/people.csv,line=2,col={column},title=ai-openness validate%3A role::"
    annotations = [line for line in out.splitlines() if line.startswith(header)]
    assert annotations, out
    assert "%0AFix: reword the value" in annotations[0]
    assert "\r" not in out and out.splitlines()[-1].startswith("Invalid: ")


def test_github_escaping_follows_the_workflow_command_rules():
    problem = Problem("data/a:b,c%.csv", 3, "name", "100% wrong\r\nsecond line", value="x", column=7)
    line = annotation(problem, problem.message, "title: with, specials")
    assert line == (
        "::error file=data/a%3Ab%2Cc%25.csv,line=3,col=7,title=title%3A with%2C specials::100%25 wrong%0D%0Asecond line"
    )


def test_github_output_cannot_inject_a_workflow_command():
    problem = Problem("data/x.csv", 2, "note", "bad", value="\n::set-env name=X::1\u202e")
    out = github(Report("/p", [problem]))
    assert [line for line in out.splitlines() if line.lstrip().startswith("::") and "::set-env" in line] == []
    assert "\\n:\\u003aset-env" in out and "\\u202e" in out


def test_text_output_makes_invisible_characters_visible(built_mini, tmp_path, capsys):
    root = _broken(built_mini, tmp_path, "bidi-control")
    capsys.readouterr()
    assert main(["validate", str(root)]) == 1
    out = capsys.readouterr().out
    assert "\u202e" not in out and "Closed \\u202esource." in out


def test_internal_error_is_reported_as_a_bug_with_exit_2(built_mini, monkeypatch, capsys):
    import ai_openness.validate as validate

    def broken(root):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(validate, "generated_problems", broken)
    assert main(["validate", str(built_mini), "--format", "github"]) == 2
    captured = capsys.readouterr()
    assert "internal error" in captured.err and "This is a bug in ai-openness" in captured.err
    assert captured.out.startswith("::error title=ai-openness validate%3A internal error::")
    assert "Traceback" not in captured.out + captured.err


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_unusable_input_exits_2_in_every_format(built_mini, tmp_path, capsys, fmt):
    root = _broken(built_mini, tmp_path, "missing-descriptor")
    capsys.readouterr()
    assert main(["validate", str(root), "--format", fmt]) == 2
    out = capsys.readouterr().out
    assert "datapackage.json" in out and "Traceback" not in out


@pytest.mark.parametrize(
    "command, example", [("validate", "ai-openness validate --format github"), ("diff", "ai-openness diff origin/main")]
)
def test_help_shows_validate_and_diff_usage(command, example, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert f"\n  {example} " in capsys.readouterr().out


def test_a_contributed_regular_expression_is_never_evaluated(built_mini, tmp_path, capsys, monkeypatch):
    """Evaluating the pattern on the cell would take minutes (2**32 steps in Python's `re`).

    Whether it is evaluated is observed, not timed: every pattern Python's `re` compiles, and
    every pattern polars is asked to search with, is watched, and a search with the
    contributed one is recorded (and stopped)."""
    import re

    import polars as pl

    bomb = "(a+)+"
    evaluated: list[str] = []

    class Watched:
        def __init__(self, compiled):
            self._compiled = compiled

        def __getattr__(self, name):
            attribute = getattr(self._compiled, name)
            if name not in ("match", "fullmatch", "search", "findall", "finditer", "sub", "subn", "split"):
                return attribute

            def record(*args, **kwargs):
                evaluated.append(f"re {name}")
                raise RuntimeError("the contributed pattern was evaluated")

            return record

    python_compile = re._compile

    def watched_compile(pattern, flags):
        compiled = python_compile(pattern, flags)
        return Watched(compiled) if isinstance(pattern, str) and bomb in pattern else compiled

    polars_contains = pl.expr.string.ExprStringNameSpace.contains

    def watched_contains(self, pattern, *args, **kwargs):
        if isinstance(pattern, str) and bomb in pattern:
            evaluated.append("polars contains")
        return polars_contains(self, pattern, *args, **kwargs)

    root = _broken(built_mini, tmp_path, "regex-bomb-in-schema")
    assert bomb in (root / "datapackage.json").read_text(encoding="utf-8")  # the case holds the pattern
    monkeypatch.setattr(re, "_compile", watched_compile)
    monkeypatch.setattr(pl.expr.string.ExprStringNameSpace, "contains", watched_contains)
    assert main(["validate", str(root)]) == 1
    assert evaluated == []
    assert "is not the one in schema/people.schema.json" in capsys.readouterr().out


def test_folders_nested_past_pythons_stack_are_refused_not_a_crash(built_mini: Path, tmp_path: Path, capsys):
    """1,100 nested folders under codings/: the walk stops at the depth limit with a finding."""
    root = tmp_path / "package"
    shutil.copytree(built_mini, root)
    folder, made = root / "codings", []
    for _ in range(1100):
        folder = folder / "d"
        os.mkdir(folder)
        made.append(folder)
    try:
        capsys.readouterr()
        assert main(["validate", "--root", str(root), "--format", "json"]) == 1
        report = json.loads(capsys.readouterr().out)
        assert any("levels below codings/" in p["message"] for p in report["problems"])
    finally:  # pytest's own clean-up walks recursively too
        for path in reversed(made):
            os.rmdir(path)


def test_a_checkout_cannot_pass_as_a_published_copy(built_mini, tmp_path, capsys):
    """The published marker is honoured only where sources/ and codings/ are absent: in a
    checkout it is a finding, and the checkout is compared with its codings all the same."""
    from contributions import HOSTILE

    root = tmp_path / "package"
    shutil.copytree(built_mini, root)
    HOSTILE["forged-published-marker"].patch(root, tmp_path / "outside")
    assert main(["validate", str(root), "--format", "json"]) == 1
    problems = json.loads(capsys.readouterr().out)["problems"]
    codes = {(p["file"], p["code"]) for p in problems}
    assert ("datapackage.json", "published-marker") in codes
    assert ("data/stances.csv", "generated") in codes  # the forged cell, found by the comparison
    shutil.rmtree(root / "codings")  # without one of the inputs it is still a checkout: one missing
    assert main(["validate", str(root), "--format", "json"]) == 1
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert any(p["file"] == "codings/" and "is missing" in p["message"] for p in problems)
