"""The command line: examples in every help, tables for people, JSON or silence for scripts."""

from __future__ import annotations

import io
import json
import re

import pytest

from ai_openness.cli import main, parser
from ai_openness.console import Output
from conftest import ROOT

ANSI = re.compile(r"\x1b\[")
SUBCOMMANDS = ["build", "validate", "coverage", "figures", "export"]


def _help(argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as exit_:
        main(argv + ["--help"])
    assert exit_.value.code == 0
    return capsys.readouterr().out


def test_main_help_lists_every_subcommand_with_an_example(capsys):
    text = _help([], capsys)
    for command in SUBCOMMANDS:
        assert re.search(rf"^  ai-openness {command}\b", text, re.M), command


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_each_subcommand_help_shows_an_example(command, capsys):
    text = _help([command], capsys)
    assert re.search(rf"examples?:\s*\n?\s*ai-openness {command}\b", text), text


@pytest.mark.parametrize("command", ["build", "validate", "coverage"])
def test_quiet_and_json_on_build_validate_coverage(command, mini, capsys):
    root = ["--root", str(mini)] if command != "validate" else [str(mini)]
    capsys.readouterr()
    assert main([command, *root, "--quiet"]) == 0
    assert capsys.readouterr().out == ""
    assert main([command, *root, "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)  # nothing but one JSON document
    assert isinstance(document, dict) and document


def test_build_json_reports_rows_and_a_failing_check(mini, capsys):
    capsys.readouterr()
    assert main(["build", "--root", str(mini), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["up_to_date"] is True and report["rows"]["stances"] > 0
    stances = mini / "codings/stances/mini.yaml"
    stances.write_text(stances.read_text(encoding="utf-8").replace("Closed source.", "Closed."), encoding="utf-8")
    assert main(["build", "--root", str(mini), "--check", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert "data/stances.csv" in report["outdated"]


def test_summaries_are_tables_without_colour_codes_off_a_terminal(mini, capsys):
    capsys.readouterr()
    assert main(["build", "--root", str(mini)]) == 0
    out = capsys.readouterr().out
    assert not ANSI.search(out)  # captured output is not a terminal: no colour
    assert re.search(r"table\s+rows", out) and re.search(r"stances\s+\d+", out)
    assert main(["coverage", "--root", str(mini)]) == 0
    out = capsys.readouterr().out
    assert not ANSI.search(out)
    assert re.search(r"source\s+mentions\s+entities", out)


def test_progress_and_colour_only_on_a_terminal(capsys):
    output = Output()
    assert not output.console.is_terminal and not output.interactive
    assert list(output.progress([1, 2, 3], "counting")) == [1, 2, 3]
    assert capsys.readouterr().out == ""  # no bar drawn into a pipe


def test_progress_is_drawn_on_a_terminal_unless_quiet_or_json():
    screen = io.StringIO()
    output = Output(file=screen, force_terminal=True)
    assert output.interactive
    assert list(output.progress([1, 2, 3], "counting things")) == [1, 2, 3]
    assert "counting things" in screen.getvalue() and ANSI.search(screen.getvalue())
    for quiet, fmt in ((True, "text"), (False, "json")):
        silent = io.StringIO()
        output = Output(fmt, quiet, file=silent, force_terminal=True)
        assert not output.interactive
        assert list(output.progress([1, 2], "counting")) == [1, 2]
        assert silent.getvalue() == ""


def test_figures_check_passes_on_the_committed_figures(capsys):
    pytest.importorskip("altair", reason="needs the figures extra (altair)")
    pytest.importorskip("vl_convert", reason="needs the figures extra")
    assert main(["figures", "--root", str(ROOT), "--check", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["outdated"] == [] and len(report["files"]) == 6


def test_parser_rejects_an_unknown_export_kind(capsys):
    with pytest.raises(SystemExit):
        parser().parse_args(["export", "csv", "x"])
    assert "invalid choice" in capsys.readouterr().err
