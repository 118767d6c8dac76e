"""Problems found in the inputs, each located so that a contributor can fix it."""

from __future__ import annotations

from dataclasses import dataclass, asdict


@dataclass(frozen=True, order=True)
class Problem:
    file: str  # path relative to the package root
    line: int | None  # 1-based line in the file, when known
    field: str | None  # column or YAML key
    message: str  # what is wrong and what was expected
    value: str | None = None  # the offending value, shortened

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        what = f" [{self.field}]" if self.field else ""
        got = f" (got {self.value!r})" if self.value not in (None, "") else ""
        return f"{where}{what}: {self.message}{got}"

    def to_dict(self) -> dict:
        return asdict(self)


class BuildFailed(Exception):
    """Raised with every problem found; nothing has been written when it is raised."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.field or "", p.message))
        super().__init__(f"{len(self.problems)} problem(s)")


def shorten(value: object, limit: int = 80) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
