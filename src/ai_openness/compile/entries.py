"""The declared form of every key of the hand-written files that is not a table column.

The columns' types come from the Table Schemas (schema.record_model); the keys below are
read by the build only (hints, lists that become rows of another table, the stance file's
frame), so their types are declared here, once, beside an example of the expected form
that a message shows when a value has the wrong form.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, TypeAdapter, ValidationError, model_validator

from ai_openness.core.problems import Problem, shorten

Text = Annotated[StrictStr, Field(min_length=1)]


class Marker(BaseModel):
    """One not_content entry: every occurrence of `text`, or `from` up to the end of `to`."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)
    text: Text | None = None
    start: Text | None = Field(None, alias="from")
    to: Text | None = None
    reason: StrictStr | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Marker:
        if (self.text is None) == (self.start is None):
            raise ValueError("give either `text` or `from` (with an optional `to`)")
        if self.to is not None and self.start is None:
            raise ValueError("`to` needs a `from`")
        return self


@dataclass(frozen=True)
class Key:
    type: Any
    expected: str  # the expected form in words
    example: str  # how it is written
    adapter: TypeAdapter[Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        model = isinstance(self.type, type) and issubclass(self.type, BaseModel)
        object.__setattr__(self, "adapter", TypeAdapter(self.type, config=None if model else ConfigDict(strict=True)))


ALIASES = Key(list[Text], "a list of names", "aliases: [杨乐昆, LeCun]")
EXTRA_KEYS: dict[str, dict[str, Key]] = {  # resource -> key -> declared form
    "sources": {
        "not_content": Key(
            list[Marker],
            "a list of {text: …} or {from: …, to: …} entries",
            "not_content: [{from: 精選推薦, to: 搜尋方式。, reason: navigation}]",
        )
    },
    "organisations": {"aliases": ALIASES},
    "people": {"aliases": ALIASES},
    "models": {"aliases": ALIASES},
    "licences": {"aliases": ALIASES},
    "stances": {
        "arguments": Key(list[Text], "a list of argument codes", "arguments: [security, innovation]"),
        "occurrence": Key(Annotated[StrictInt, Field(gt=0)], "a whole number from 1", "occurrence: 2"),
    },
}
STANCE_FILE: dict[str, Key] = {  # codings/stances/*.yaml is one mapping with these keys
    "source_id": Key(Text, "the source_id of a stored article", "source_id: 000_9d2529c133386c37"),
    "stances": Key(
        list[Any], "a list of stances, each a key: value mapping", "`stances:` followed by `  - stance_id: …` entries"
    ),
}
EXCLUDED: dict[str, Key] = {  # codings/excluded.yaml entries
    "name": Key(Text, "the name as the sources write it", "name: AGI"),
    "reason": Key(Text, "why the name is not coded", "reason: generic term"),
}


def _as_list_example(key: str, value: str) -> str:
    items = [item for item in re.split(r"\s*[,，、;；]\s*", value.strip()) if item]
    return f"{key}: [{', '.join(items)}]"


def check(
    key: str, value: object, declared: Key, file: str, line: int | None, item_line: Callable[[int], int] | None = None
) -> tuple[Any, Problem | None]:
    """(the value, None) when it has the declared form, else (None, one located problem).

    `item_line(index)` gives the line of a list item, to point at the wrong one.
    """
    try:
        return declared.adapter.validate_python(value), None
    except ValidationError as exc:
        error = exc.errors()[0]
    loc = error["loc"]
    if loc and isinstance(loc[0], int) and item_line is not None:
        line = item_line(loc[0])
    example = declared.example
    if isinstance(value, str) and "list" in declared.expected:
        example = _as_list_example(key, value)
        message = f"is a single text, but {declared.expected} is expected; write it as a list: {example}"
    elif error["type"] in ("value_error", "extra_forbidden", "missing"):
        where = ".".join(str(part) for part in loc if not isinstance(part, int))
        detail = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            detail = f"`{where}` is not a key here"
        elif error["type"] == "missing":
            detail = f"`{where}` is missing"
        message = f"{detail}; expected {declared.expected}"
    else:
        got = error.get("input")
        what = _kind(got)
        position = f"item {loc[0] + 1} " if loc and isinstance(loc[0], int) else ""
        message = f"{position}is {what}, but {declared.expected} is expected"
    return None, Problem(
        file,
        line,
        key,
        message,
        None if value is None else shorten(value),
        expected=declared.expected,
        fix=f"write it like this: {example}",
        code="wrong-form",
    )


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return f"the truth value {str(value).lower()}"
    if isinstance(value, str):
        return "a text" if value else "empty text"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, dict):
        return "a key: value mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    return f"a {type(value).__name__}"
