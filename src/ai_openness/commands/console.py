"""What the command line prints: tables and progress for people, JSON or nothing for scripts.

One `Output` per command run. On a terminal it draws rich tables, colour and progress
bars; when stdout is a pipe or a file it prints the same tables without colour or control
codes, and no progress at all, so logs and `make` output stay clean. `NO_COLOR` is
respected (rich reads it). `--format json` prints one JSON document and nothing else;
`--quiet` prints nothing on success.

Everything printed goes through `problems.visible`, the one escaping function: a value
from a contribution (a YAML key, a file name, an id) can neither steer the terminal nor
start a workflow command in a CI log.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TextIO, TypeVar

from ai_openness.core.problems import visible

T = TypeVar("T")


class Output:
    def __init__(
        self, fmt: str = "text", quiet: bool = False, *, file: TextIO | None = None, force_terminal: bool | None = None
    ):
        from rich.console import Console

        self.fmt = fmt
        self.quiet = quiet
        # Without `file` the console looks up sys.stdout when printing (it is not bound now),
        # so redirections made later (pytest's capsys, redirect_stdout) are honoured.
        self.console = Console(file=file, force_terminal=force_terminal, highlight=False, emoji=False, soft_wrap=True)
        if not self.console.is_terminal:
            # A pipe or a log has no width; rich's default of 80 columns would fold ids.
            self.console.width = 200

    @property
    def for_people(self) -> bool:
        """True when text for a reader should be printed (not quiet, not JSON)."""
        return not self.quiet and self.fmt != "json"

    @property
    def interactive(self) -> bool:
        return self.for_people and self.console.is_terminal

    def json(self, data: Any) -> None:
        """The one JSON document of a `--format json` run (printed even with --quiet)."""
        sys.stdout.write(as_json(data) + "\n")

    def line(self, text: str = "", style: str | None = None) -> None:
        if self.for_people:
            self.console.print(escaped_lines(text), style=style, markup=False)

    def table(
        self,
        title: str | None,
        columns: Sequence[str | tuple[str, str]],
        rows: Iterable[Sequence[Any]],
        caption: str | None = None,
    ) -> None:
        """A table; a column given as (name, "right") is right-aligned (numbers)."""
        if not self.for_people:
            return
        from rich import box
        from rich.table import Table
        from rich.text import Text

        # Text objects, not strings: rich would read "[...]" in a string as markup.
        table = Table(
            title=title and Text(visible(title)),
            caption=caption and Text(visible(caption)),
            box=box.SIMPLE_HEAD,
            title_justify="left",
            caption_justify="left",
            header_style="bold",
            title_style="bold",
        )
        for column in columns:
            name, justify = column if isinstance(column, tuple) else (column, "left")
            table.add_column(Text(visible(name)), justify="right" if justify == "right" else "left", overflow="fold")
        for row in rows:
            table.add_row(*(Text("" if cell is None else visible(str(cell))) for cell in row))
        self.console.print(table)

    def progress(self, items: Sequence[T], description: str) -> Iterator[T]:
        """Iterate over `items`, with a transient progress bar on a terminal only."""
        if not self.interactive:
            yield from items
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=self.console, transient=True) as bar:
            task = bar.add_task(description, total=len(items))
            for item in items:
                yield item
                bar.advance(task)

    def status(self, message: str) -> contextlib.AbstractContextManager[Any]:
        """A spinner while a single long step runs, on a terminal only."""
        if not self.interactive:
            return contextlib.nullcontext()
        return self.console.status(message)


def escaped_lines(text: str) -> str:
    """`text` with each of its lines escaped (its line breaks are kept)."""
    return "\n".join(visible(line) for line in str(text).split("\n"))


def as_json(data: Any) -> str:
    """`data` as the JSON document of a `--format json` run, invisible characters escaped."""
    return visible(json.dumps(data, indent=2, ensure_ascii=False), json_document=True)
