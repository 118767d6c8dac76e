"""`ai-openness release`: cut a release (version, changelog, archives)."""

from __future__ import annotations

import argparse

from ai_openness.commands.common import report, root_of
from ai_openness.commands.console import Output

NAME = "release"
HELP = "cut a release: version, changelog, archives"
EXAMPLES = [("ai-openness release X.Y.Z", "bump the version, write CHANGELOG.md, build the archives in dist/")]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("version", help="the new version, X.Y.Z (refused if smaller than the changes require)")
    parser.add_argument("--date", help="release date YYYY-MM-DD (default: the recorded one, else today)")


def run(args: argparse.Namespace, out: Output) -> int:
    from ai_openness.publish.release import release

    root = root_of(args.root)
    section, made = release(root, args.version, date=args.date)
    files = [str(path.relative_to(root) if path.is_relative_to(root) else path) for path in made]
    if out.fmt == "json":
        return report(out, 0, {"version": args.version, "changelog": section, "files": files})
    out.line(section)
    out.line("Release files:")
    for name in files:
        out.line(f"  {name}")
    return 0
