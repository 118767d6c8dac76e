"""Several `ai-openness` commands run one after the other in one process, as `make` runs
its default steps:

    python -m ai_openness.commands.steps build figures "validate --format text" coverage candidates

Each argument is one command line of `ai-openness` (split as a shell splits it), run by
`cli.main` as the command run on its own is: the same output, the same exit code. The first
step that exits non-zero stops the run with its exit code, as make stops at the first step
that fails. Starting Python and importing the libraries (polars, pyarrow, pandas, Altair)
takes a second or more of each command; one process pays for it once, not once per step.
"""

from __future__ import annotations

import shlex
import sys

from ai_openness.commands.cli import main as command


def main(argv: list[str] | None = None) -> int:
    for line in sys.argv[1:] if argv is None else argv:
        code = command(shlex.split(line))
        # What a step printed is out before the next step starts, as when each was a process.
        sys.stdout.flush()
        sys.stderr.flush()
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
