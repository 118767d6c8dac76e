"""Read the hand-written inputs (sources/ and codings/) into located rows.

Nothing here decides whether a value is valid beyond what is needed to compute the
generated columns (offsets, hashes, precisions); the Table Schemas decide the rest.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from . import quotes
from .contract import Contract
from .mentions import Alias
from .problems import BuildFailed, Problem
from .records import Row, derived_date_columns, last_day, partial_date
from .script import script_of
from .yamlio import Located, read_yaml

ENTITY_FILES = {  # resource -> (codings file, id column, alias entity_type)
    "organisations": ("codings/organisations.yaml", "organisation_id", "organisation"),
    "people": ("codings/people.yaml", "person_id", "person"),
    "models": ("codings/models.yaml", "model_id", "model"),
    "licences": ("codings/licences.yaml", "licence_id", "licence"),
}
SOURCE_FILES = ("sources/articles.yaml", "sources/references.yaml")


@dataclass
class Inputs:
    tables: dict[str, list[Row]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # source_id -> stored text
    not_content: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    excluded: list[Row] = field(default_factory=list)
    aliases: list[Alias] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _entries(root: Path, rel: str, problems: list[Problem], required: bool = True) -> list[Located]:
    path = root / rel
    if not path.is_file():
        if required:
            problems.append(Problem(rel, None, None, "file is missing"))
        return []
    try:
        data = read_yaml(path, root)
    except BuildFailed as failed:
        problems.extend(failed.problems)
        return []
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        problems.append(Problem(rel, 1, None, "expected a YAML list of mappings (- key: value)"))
        return []
    return data


def _refuse_generated(row: Row, columns: tuple[str, ...], problems: list[Problem]) -> None:
    """A column the build computes may not be written in a coding (it is dropped)."""
    for generated in columns:
        if generated in row.values:
            problems.append(row.problem(generated, "is computed by the build; remove it"))
            row.values.pop(generated)


def read_sources(root: Path, inputs: Inputs, contract: Contract) -> None:
    rows = []
    for rel in SOURCE_FILES:
        for entry in _entries(root, rel, inputs.problems):
            values = dict(entry)
            row = Row(values, rel, entry, {"not_content": values.pop("not_content", None) or []})
            _refuse_generated(row, contract.generated_columns("sources"), inputs.problems)
            if values.get("path"):
                _read_text(root, row, inputs)
            rows.append(row)
    inputs.tables["sources"] = rows


def _read_text(root: Path, row: Row, inputs: Inputs) -> None:
    rel = str(row.values["path"])
    path = (root / rel).resolve()
    if not path.is_relative_to((root / "sources").resolve()) or not path.is_file():
        inputs.problems.append(row.problem("path", "no stored text at this path inside sources/", rel))
        return
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if row.values.get("sha256") != digest:
        inputs.problems.append(row.problem(
            "sha256", f"the stored text's SHA-256 is {digest}; a stored source must not change "
            "(if the change is intended, record the new hash)", row.values.get("sha256")))
        return
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        inputs.problems.append(row.problem("path", f"stored text is not UTF-8 ({exc.reason})", rel))
        return
    source_id = str(row.values.get("source_id"))
    row.values["characters"] = len(text)
    inputs.texts[source_id] = text
    inputs.not_content[source_id] = _not_content_spans(text, row, inputs.problems)


def _not_content_spans(text: str, row: Row, problems: list[Problem]) -> list[tuple[int, int]]:
    spans = []
    for item in row.extra["not_content"]:
        line = getattr(item, "line", row.line("not_content"))
        found: list[tuple[int, int]] = []
        if isinstance(item, dict) and "text" in item:
            found = [(s, s + len(item["text"])) for s in quotes.occurrences(text, item["text"])]
        elif isinstance(item, dict) and "from" in item:
            start = text.find(item["from"])
            end = text.find(item["to"], start) + len(item["to"]) if "to" in item and start != -1 else len(text)
            if start != -1 and end >= start + len(item.get("to", "")):
                found = [(start, end)]
        else:
            problems.append(Problem(row.file, line, "not_content",
                                    "each entry needs `text`, or `from` (and optionally `to`)"))
            continue
        if not found:
            problems.append(Problem(row.file, line, "not_content", "marker text not found in the stored text"))
        spans += found
    return sorted(spans)


def read_entities(root: Path, inputs: Inputs, contract: Contract) -> list[tuple[Alias, Row]]:
    """Entity rows per resource, and every alias with the row that declared it."""
    aliases: list[tuple[Alias, Row]] = []
    for resource, (rel, id_field, entity_type) in ENTITY_FILES.items():
        rows = []
        for entry in _entries(root, rel, inputs.problems):
            values = dict(entry)
            row = Row(values, rel, entry, {"aliases": values.pop("aliases", None) or []})
            _refuse_generated(row, contract.generated_columns(resource), inputs.problems)
            if resource == "models":
                _expand_date(row, "released", inputs.problems)
            if resource == "licences" and values.get("licence_id"):
                values["spdx"] = not str(values["licence_id"]).startswith("LicenseRef-")
            entity_id = str(values.get(id_field))
            names = [values.get("name"), values.get("name_zh"), *row.extra["aliases"]]
            for name in dict.fromkeys(n for n in names if n):
                aliases.append((Alias(entity_type, entity_id, str(name)), row))
            rows.append(row)
        inputs.tables[resource] = rows
    return aliases


def alias_rows(aliases: list[tuple[Alias, Row]]) -> list[Row]:
    return [Row({"entity_type": a.entity_type, "entity_id": a.entity_id, "alias": a.alias,
                 "language": script_of(a.alias)}, row.file, row.origin)
            for a, row in aliases]


def _expand_date(row: Row, key: str, problems: list[Problem]) -> None:
    """Set a date column's generated companions from how the date is written.

    `2024` -> 2024-01-01, precision year, end 2024-12-31; `2024-05` -> 2024-05-01, month,
    2024-05-31; a day -> that day twice. All three are empty for an undated row. (A coding
    that writes a companion is refused by _refuse_generated: the contract lists them.)
    """
    precision_key, end_key = derived_date_columns(key)
    row.values[precision_key] = row.values[end_key] = None
    if row.values.get(key) is None:
        return
    try:
        first, precision = partial_date(row.values[key])
    except ValueError as exc:
        problems.append(row.problem(key, str(exc), row.values[key]))
        row.values[key] = None
        return
    row.values[key], row.values[precision_key], row.values[end_key] = first, precision, last_day(first, precision)


def _set_actor(row: Row) -> None:
    """actor_id/actor_type: the person when a person spoke, else the organisation."""
    person, organisation = row.values.get("person_id"), row.values.get("organisation_id")
    if person:
        row.values["actor_id"], row.values["actor_type"] = person, "person"
    elif organisation:
        row.values["actor_id"], row.values["actor_type"] = organisation, "organisation"
    else:  # reported once, as a stance without a person or an organisation (checks.stances)
        row.values["actor_id"] = row.values["actor_type"] = None
        row.extra["unresolved"] = (*row.extra["unresolved"], "actor_id", "actor_type")


def read_stances(root: Path, inputs: Inputs, contract: Contract) -> None:
    stances, arguments = [], []
    for path in sorted((root / "codings" / "stances").glob("*.yaml")):
        rel = path.relative_to(root).as_posix()
        try:
            document = read_yaml(path, root)
        except BuildFailed as failed:
            inputs.problems.extend(failed.problems)
            continue
        if not isinstance(document, dict) or not isinstance(document.get("stances"), list):
            inputs.problems.append(Problem(rel, 1, None, "expected `source_id:` and a `stances:` list"))
            continue
        source_id = str(document.get("source_id"))
        if source_id not in inputs.texts:
            inputs.problems.append(Problem(rel, document.line_of("source_id"), "source_id",
                                           "no stored source with this id in sources/articles.yaml", source_id))
        for entry in document["stances"]:
            if not isinstance(entry, dict):
                inputs.problems.append(Problem(rel, None, None, "each stance must be a mapping"))
                continue
            row = _stance_row(rel, source_id, entry, inputs, contract)
            stances.append(row)
            for argument in row.extra["arguments"]:
                arguments.append(Row({"stance_id": row.values.get("stance_id"), "argument": argument},
                                     rel, entry, {"key_map": {"argument": "arguments"}}))
    inputs.tables["stances"] = stances
    inputs.tables["stance_arguments"] = arguments


def _stance_row(rel: str, source_id: str, entry: Located, inputs: Inputs, contract: Contract) -> Row:
    values = dict(entry)
    extra = {"arguments": values.pop("arguments", None) or [], "occurrence": values.pop("occurrence", None),
             "unresolved": ("quote_start", "quote_end")}
    row = Row(values, rel, entry, extra)
    _refuse_generated(row, contract.generated_columns("stances"), inputs.problems)
    values["source_id"] = source_id
    _expand_date(row, "date", inputs.problems)
    _set_actor(row)
    text, quote = inputs.texts.get(source_id), values.get("quote")
    if text is not None and isinstance(quote, str) and quote:
        try:
            values["quote_start"], values["quote_end"] = quotes.locate(text, quote, extra["occurrence"])
            extra["unresolved"] = tuple(k for k in extra["unresolved"] if not k.startswith("quote_"))
        except ValueError as exc:
            inputs.problems.append(row.problem("quote", str(exc), quote))
    return row


def read_excluded(root: Path, inputs: Inputs) -> None:
    rel = "codings/excluded.yaml"
    inputs.excluded = [Row(dict(e), rel, e) for e in _entries(root, rel, inputs.problems, required=False)]


def read_retired(root: Path, inputs: Inputs) -> None:
    """codings/retired.yaml: released ids that were removed (the table retired_ids)."""
    rel = "codings/retired.yaml"
    inputs.tables["retired_ids"] = [Row(dict(e), rel, e) for e in _entries(root, rel, inputs.problems, required=False)]


def read_all(root: Path, contract: Contract) -> Inputs:
    inputs = Inputs()
    read_sources(root, inputs, contract)
    aliases = read_entities(root, inputs, contract)
    inputs.tables["aliases"] = alias_rows(aliases)
    inputs.aliases = [a for a, _ in aliases]
    read_stances(root, inputs, contract)
    read_excluded(root, inputs)
    read_retired(root, inputs)
    return inputs
