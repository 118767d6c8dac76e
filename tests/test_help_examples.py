"""Every example in every `ai-openness ... --help` runs, as written, in a checkout.

The examples are read from the help text itself: each line of an `examples:` block that
starts with `ai-openness ` is one command (its explanation follows after two spaces). The
one placeholder, the version of `release X.Y.Z`, is replaced by a version that release
accepts. They run in parser order in one checkout, so `release` (which bumps the version)
comes last: on one worker (an xdist group), each in this process, as the `ai-openness`
entry point runs it (`main(argv)` in the checkout as the current directory), which spares
each example the start of a new interpreter.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shlex
from pathlib import Path

import pytest

from ai_openness.commands.cli import main
from checkout import make_checkout
from conftest import ROOT

pytestmark = pytest.mark.xdist_group("help-examples")  # one checkout, the examples in order


def _help(*command: str) -> str:
    """What `ai-openness [command] --help` prints."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0
    return printed.getvalue()


def _examples(help_text: str) -> list[str]:
    block = help_text.split("\nexamples:\n", 1)[1]
    lines = []
    for line in block.splitlines():
        if not line.startswith("  "):
            break
        lines.append(re.split(r"\s{2,}", line.strip(), maxsplit=1)[0])
    return lines


def _commands() -> list[str]:
    main = _help()
    names = re.findall(r"^ {4}(\w+) ", main.split("positional arguments:", 1)[1], flags=re.M)
    assert {"build", "validate", "diff", "coverage", "figures", "export", "release"} <= set(names), names
    return names


COMMANDS = _commands()
EXAMPLES = [example for name in COMMANDS for example in _examples(_help(name))]


def _next_major() -> str:
    """A version release accepts whatever changed since the last one: the next major."""
    versions = re.findall(r"^## \[(\d+)\.\d+\.\d+\]", (ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), re.M)
    return f"{int(versions[0]) + 1}.0.0" if versions else "0.1.0"


def test_every_command_has_examples_and_the_main_help_lists_them():
    main = _examples(_help())
    for name in COMMANDS:
        examples = _examples(_help(name))
        assert examples and all(e.startswith(f"ai-openness {name}") for e in examples), (name, examples)
        assert examples[0] in main, name


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    return make_checkout(tmp_path_factory.mktemp("examples") / "ai-openness")


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_example_runs(example: str, repo: Path, monkeypatch, capsys):
    argv = shlex.split(example)
    assert argv[0] == "ai-openness"
    argv = [_next_major() if arg == "X.Y.Z" else arg for arg in argv[1:]]
    if argv[0] == "figures":
        pytest.importorskip("vl_convert", reason="needs the figures extra")
    monkeypatch.chdir(repo)
    code = main(argv)
    printed = capsys.readouterr()
    assert code == 0, f"{example}\n{printed.out}\n{printed.err}"
    if "json" in argv:
        document = json.loads(printed.out)
        # The keys the README promises for every command: ok, exit_code, problems.
        assert document["ok"] is True and document["exit_code"] == 0 and document["problems"] == []
