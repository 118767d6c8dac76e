"""The command line: examples in every help, tables for people, JSON or silence for scripts."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import shlex

import pytest

from ai_openness.commands.cli import main, parser
from ai_openness.commands.console import Output
from conftest import FIGURES_GROUP, FIXTURES, ROOT, copy_tree

ANSI = re.compile(r"\x1b\[")
SUBCOMMANDS = list(parser().commands)


def _help(argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--help"])
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


def test_coverage_of_the_mini_package_gives_the_counts_written_by_hand(tmp_path, capsys):
    """The mini article names 馬斯克 (Elon Musk) and OpenAI, each with a stance; a line naming
    xAI and Grok-1, which carry none, is added to it."""
    root = copy_tree(FIXTURES / "mini", tmp_path / "mini")
    article = root / "sources/articles/mini.txt"
    before = hashlib.sha256(article.read_bytes()).hexdigest()
    article.write_text(article.read_text(encoding="utf-8") + "xAI 發布了 Grok-1。\n", encoding="utf-8")
    meta = root / "sources/articles.yaml"
    after = hashlib.sha256(article.read_bytes()).hexdigest()
    meta.write_text(meta.read_text(encoding="utf-8").replace(before, after), encoding="utf-8")
    capsys.readouterr()
    assert main(["coverage", "--root", str(root), "--format", "json"]) == 0
    report = _json(capsys)
    assert report["sources"] == [
        {
            "source_id": "mini",
            "mentions": 4,  # 馬斯克, OpenAI, xAI, Grok-1
            "entities_mentioned": 4,
            "stances": 2,
            "second_reports": 0,
            "mentioned_without_stance": ["model:grok-1", "organisation:xai"],
            "unexplained_candidates": [],
            "excluded_candidates": 0,
        }
    ]
    assert report["never_mentioned"] == []
    assert main(["coverage", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    # source, mentions, entities, stances, no stance, unexplained
    assert re.search(r"^\s*mini\s+4\s+4\s+2\s+2\s+0\s*$", out, re.M), out
    assert "mini: mentioned, no stance here: model:grok-1, organisation:xai" in out
    # The fixture as it is: both entities it mentions carry a stance; xAI and Grok-1 are never mentioned.
    root = copy_tree(FIXTURES / "mini", tmp_path / "as-is")
    assert main(["coverage", "--root", str(root), "--format", "json"]) == 0
    report = _json(capsys)
    assert [(s["mentions"], s["entities_mentioned"], s["stances"]) for s in report["sources"]] == [(2, 2, 2)]
    assert report["sources"][0]["mentioned_without_stance"] == []
    assert report["never_mentioned"] == ["model:grok-1", "organisation:xai"]


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


@FIGURES_GROUP  # with the tests of the figures, which draw them once
def test_figures_check_passes_on_the_committed_figures(capsys, figure_files, monkeypatch):
    # figure_files skips, naming the figures extra, when it is not installed.
    figures = pytest.importorskip("ai_openness.views.figures", reason="needs the figures extra")
    # The command as a user runs it, with the figures this session already drew.
    monkeypatch.setattr(figures, "draw", lambda root, progress, drawn=None: figure_files)
    # --debug after the subcommand's name, as every option of every command
    assert main(["figures", "--debug", "--root", str(ROOT), "--check", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["outdated"] == [] and len(report["files"]) == 6


def test_parser_rejects_an_unknown_export_kind(capsys):
    assert main(["export", "csv", "x"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: ai-openness export") and "invalid choice: 'csv'" in err


# The options every subcommand takes, and a JSON report on every exit -------------------------


@pytest.mark.parametrize("command", sorted(parser().commands))
def test_common_options_mean_the_same_before_or_after_the_subcommand(command):
    # The subcommand's first example gives its required arguments.
    example = shlex.split(parser().commands[command].get_default("examples")[0][0])[2:]
    common = ["--debug", "--quiet", "--root", "some/dir", "--format", "json"]
    before = vars(parser().parse_args([*common, command, *example]))
    after = vars(parser().parse_args([command, *example, *common]))
    assert before == after
    assert (after["debug"], after["quiet"], after["root"], after["format"]) == (True, True, "some/dir", "json")
    defaults = vars(parser().parse_args([command, *example]))
    assert (defaults["debug"], defaults["quiet"], defaults["root"], defaults["format"]) == (False, False, None, "text")


def _json(capsys) -> dict:
    out = capsys.readouterr().out
    document = json.loads(out)  # nothing on stdout but the one document
    assert isinstance(document, dict)
    assert {"ok", "exit_code", "problems"} <= set(document), document
    return document


def test_validate_takes_root_like_every_command_and_keeps_its_positional(built_mini, capsys):
    capsys.readouterr()
    assert main(["validate", "--root", str(built_mini), "--format", "json"]) == 0
    assert _json(capsys)["valid"] is True
    assert main(["validate", str(built_mini), "--format", "json"]) == 0
    assert _json(capsys)["valid"] is True
    assert main(["validate", str(built_mini), "--root", str(ROOT), "--format", "json"]) == 2
    report = _json(capsys)
    assert report["ok"] is False and "give one" in report["problems"][0]["message"]


def _broken_coding(mini):
    stances = mini / "codings/stances/mini.yaml"
    stances.write_text(stances.read_text(encoding="utf-8").replace("quote: 閉源。", "quote: 閉源!"), encoding="utf-8")


@pytest.mark.parametrize(
    "argv, exit_code, says",
    [
        (["build", "--format", "json", "--bogus"], 2, "unrecognized arguments: --bogus"),
        (["--format=json", "export", "csv", "x.db"], 2, "invalid choice: 'csv'"),
        (["--format", "json", "validate", "--engine", "fast"], 2, "unrecognized arguments: --engine"),
        (["--format", "json", "release"], 2, "the following arguments are required: version"),
        (["diff", "no-such-ref", "--format", "json"], 2, "is neither a commit"),
        (["diff", "9.9.9", "--format", "json"], 2, "nor a release recorded in"),
        (["validate", "/nonexistent/ai-openness", "--format", "json"], 2, "is not a directory"),
    ],
)
def test_json_on_a_failed_command_line_or_input(argv, exit_code, says, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(argv) == exit_code
    report = _json(capsys)
    assert report["exit_code"] == exit_code and report["ok"] is False
    assert any(says in problem["message"] for problem in report["problems"]), report


def test_json_when_the_build_fails_and_when_a_check_fails(mini, capsys):
    capsys.readouterr()
    _broken_coding(mini)
    assert main(["build", "--root", str(mini), "--format", "json"]) == 1
    report = _json(capsys)
    assert report["ok"] is False and report["exit_code"] == 1
    assert [(p["file"], p["field"]) for p in report["problems"]] == [("codings/stances/mini.yaml", "quote")]
    assert main(["build", "--root", str(mini), "--check", "--format", "json"]) == 1
    assert _json(capsys)["problems"][0]["file"] == "codings/stances/mini.yaml"


def test_json_on_an_internal_error(mini, capsys, monkeypatch):
    import ai_openness.compile.pipeline as build

    monkeypatch.setattr(build, "render", lambda *args, **kwargs: 1 / 0)
    capsys.readouterr()
    assert main(["build", "--root", str(mini), "--format", "json"]) == 2
    report = _json(capsys)
    assert report["ok"] is False and "ZeroDivisionError" in report["error"]
    assert main(["build", "--root", str(mini), "--format", "json", "--debug"]) == 2
    assert "Traceback" in capsys.readouterr().err  # --debug after the name works too


def test_running_out_of_memory_is_a_finding_not_an_internal_error(mini, capsys, monkeypatch):
    import ai_openness.compile.pipeline as build

    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(build, "render", exhausted)
    capsys.readouterr()
    assert main(["build", "--root", str(mini), "--format", "json"]) == 2
    report = _json(capsys)
    assert report["ok"] is False and [p["code"] for p in report["problems"]] == ["out-of-memory"]
    assert "internal error" not in json.dumps(report)
    assert main(["build", "--root", str(mini)]) == 2
    err = capsys.readouterr().err
    assert "ran out of memory" in err and "remove aliases that are common words" in err and "Traceback" not in err


def test_a_successful_json_run_says_ok(mini, capsys):
    capsys.readouterr()
    assert main(["--format", "json", "coverage", "--root", str(mini)]) == 0
    report = _json(capsys)
    assert report["ok"] is True and report["exit_code"] == 0 and report["problems"] == []


# Released versions in diff ---------------------------------------------------------------------


def test_diff_reads_a_released_version_from_the_commit_the_changelog_records(capsys):
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    pinned = re.search(r"^## \[(\d+\.\d+\.\d+)\] - [\d-]+\n\nReleased from commit ([0-9a-f]+)\.", changelog, re.M)
    if pinned is None:
        pytest.skip("no release in CHANGELOG.md names its commit")
    version, commit = pinned.groups()
    import subprocess

    if subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{commit}^{{commit}}"], check=False).returncode != 0:
        pytest.skip("this checkout does not hold the release's commit")
    capsys.readouterr()
    assert main(["diff", version, "HEAD", "--root", str(ROOT), "--format", "json"]) == 0
    by_version = _json(capsys)
    assert main(["diff", commit, "HEAD", "--root", str(ROOT), "--format", "json"]) == 0
    by_commit = _json(capsys)
    assert by_version["base"] == version and by_version["tables"] == by_commit["tables"]
    assert by_version["base_version"] == version  # the package recorded at that commit
    assert main(["diff", f"v{version}", "HEAD", "--root", str(ROOT), "--format", "json"]) == 0
    assert _json(capsys)["tables"] == by_commit["tables"]


# Escaping: what a contribution holds cannot steer a terminal or a CI log ------------------------

HOSTILE_KEY = "\\e]0;owned\\a\\e[2J\\n::error::injected ##[error]x [bold]y[/]"


def _runner_commands(text: str) -> list[str]:
    """Lines a GitHub Actions runner would run as workflow commands: `::name ...::` at the
    start (after blanks), or `##[name]` anywhere."""
    return [line for line in text.splitlines() if re.match(r"\s*::[\w-]+.*::", line) or re.search(r"##\[[\w-]+", line)]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_hostile_yaml_key_is_printed_escaped(mini, capsys, fmt):
    stances = mini / "codings/stances/mini.yaml"
    text = stances.read_text(encoding="utf-8")
    stances.write_text(
        text.replace("    arguments: [security]\n", f'    arguments: [security]\n    "{HOSTILE_KEY}": 1\n', 1),
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["build", "--root", str(mini), "--format", fmt]) == 1
    captured = capsys.readouterr()
    for stream in (captured.out, captured.err):
        assert "\x1b" not in stream and "\x07" not in stream
        assert _runner_commands(stream) == []
    if fmt == "json":  # escaped for the log, and still the same key to a program
        assert _json_of(captured.out)["problems"][0]["field"] == (
            "\x1b]0;owned\x07\x1b[2J\n::error::injected ##[error]x [bold]y[/]"
        )
    else:
        assert "[\\u001b]0;owned\\u0007\\u001b[2J\\n:" in captured.err


def _json_of(text: str) -> dict:
    return json.loads(text)


def test_tables_print_cells_as_text_not_markup_or_control_codes():
    screen = io.StringIO()
    Output(file=screen).table("t", ["id"], [["[bold]x[/bold] \x1b[31m"], ["::error::y"]])
    out = screen.getvalue()
    assert "[bold]x[/bold] \\u001b[31m" in out and "\x1b" not in out
    assert _runner_commands(out) == []


def test_a_format_the_command_does_not_write_is_a_usage_error(capsys):
    assert main(["--format", "markdown", "build"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: ai-openness build") and "build writes text, json, not markdown" in err


def _help_text(*command: str) -> str:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), pytest.raises(SystemExit):
        main([*command, "--help"])
    return " ".join(printed.getvalue().split())


def test_every_format_a_help_offers_is_accepted_and_the_others_refused(monkeypatch, capsys):
    from ai_openness.commands import cli

    for module in cli.COMMANDS:  # the command itself is not run: only the command line is
        monkeypatch.setattr(module, "run", lambda args, out: 0)
    top = _help_text()
    offered_top = re.search(r"--format \{([a-z,]+)\}", top).group(1).split(",")
    for name in (m.NAME for m in cli.COMMANDS):
        offered = re.search(r"--format \{([a-z,]+)\}", _help_text(name)).group(1).split(",")
        for fmt in offered_top:
            # The main help names the commands that write a format only some do: "github:
            # workflow annotations (validate)"; a format it names no command for, all write.
            said = re.search(rf"{fmt}: [^;(]*\(([a-z, ]+)\)", top)
            promised = name in said.group(1).split(", ") if said else True
            assert promised == (fmt in offered), (name, fmt)
            argv = [name, "--format", fmt] + (["0.1.0"] if name in ("diff", "release") else [])
            argv += ["sqlite", "x.db"] if name == "export" else []
            assert (main(argv) == 0) == (fmt in offered), (name, fmt, capsys.readouterr().err)
            capsys.readouterr()
