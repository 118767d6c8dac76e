"""Read the hand-written inputs (sources/ and codings/) into located rows.

Every input is untrusted: each key has a declared form (the Table Schemas for the columns,
entries.py for the other keys), and a value of the wrong form is one located problem, never
a crash or a silently different value. Nothing here decides whether a column value is valid
beyond what is needed to compute the generated columns (offsets, hashes, precisions); the
Table Schemas decide the rest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ai_openness.compile import quotes
from ai_openness.compile.entries import EXCLUDED, EXTRA_KEYS, STANCE_FILE, Key, check
from ai_openness.compile.mentions import Alias
from ai_openness.compile.records import Row
from ai_openness.contract import Contract
from ai_openness.core import errors
from ai_openness.core.characters import name_problem, reveal
from ai_openness.core.dates import derived_date_columns, last_day, partial_date
from ai_openness.core.errors import error_type
from ai_openness.core.find import occurrences
from ai_openness.core.limits import (
    MAX_NOT_CONTENT,
    MAX_QUOTE_DIAGNOSES,
)
from ai_openness.core.problems import BuildFailed, Problem, shorten, shown, visible
from ai_openness.core.retired import TABLE as RETIRED_TABLE
from ai_openness.core.script import script_of
from ai_openness.safeio import storedtext
from ai_openness.safeio.inputs import InputFiles
from ai_openness.safeio.yamlio import Located, LocatedList, parse_yaml, yaml_of

ENTITY_FILES = {  # resource -> (codings file, id column, alias entity_type)
    "organisations": ("codings/organisations.yaml", "organisation_id", "organisation"),
    "people": ("codings/people.yaml", "person_id", "person"),
    "models": ("codings/models.yaml", "model_id", "model"),
    "licences": ("codings/licences.yaml", "licence_id", "licence"),
}
SOURCE_FILES = ("sources/articles.yaml", "sources/references.yaml")
ARTICLES_DIR = "sources/articles"
NAME_COLUMNS = ("name", "name_zh")  # entity columns that are aliases too


@dataclass
class Inputs:
    tables: dict[str, Sequence[Row]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # source_id -> stored text
    not_content: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    excluded: list[Row] = field(default_factory=list)
    aliases: list[Alias] = field(default_factory=list)
    alias_origins: dict[Alias, Row] = field(default_factory=dict)  # where each alias is declared
    problems: list[Problem] = field(default_factory=list)
    unreadable: set[str] = field(default_factory=set)  # listed sources whose text could not be used
    unread: set[str] = field(default_factory=set)  # files of entries that could not be read at all
    files: InputFiles = field(default_factory=InputFiles)  # every input's bytes, read once (read_inputs)


def _entries(root: Path, rel: str, inputs: Inputs, required: bool = True) -> list[Located]:
    problems = inputs.problems
    read = inputs.files.data.get(rel)
    if read is None:
        if required:
            problems.append(Problem(rel, None, None, "file is missing"))
        return []
    try:
        data = yaml_of(rel, read)
    except BuildFailed as failed:
        problems.extend(failed.problems)
        inputs.unread.add(rel)
        return []
    if data is None:
        return []
    if not isinstance(data, list):
        inputs.unread.add(rel)
        problems.append(
            Problem(
                rel,
                1,
                None,
                "expected a YAML list of entries, each starting with `- key: value`",
                fix="start each entry with `- `, e.g. `- name: …`",
            )
        )
        return []
    entries = []
    for index, item in enumerate(data):
        if isinstance(item, Located):
            entries.append(item)
        else:
            problems.append(
                Problem(
                    rel,
                    data.line_of(index) if isinstance(data, LocatedList) else None,
                    None,
                    "this entry is not a key: value mapping",
                    fix="write each entry as `- key: value` lines, one key per line",
                )
            )
    return entries


def _extra(row: Row, values: dict[str, Any], resource: str, problems: list[Problem], default: Any = None) -> None:
    """Move the declared non-column keys out of `values` into row.extra, checked."""
    for key, declared in EXTRA_KEYS.get(resource, {}).items():
        row.extra[key] = _checked(row, key, values.pop(key, None), declared, problems, default)


def _checked(row: Row, key: str, value: Any, declared: Key, problems: list[Problem], default: Any = None) -> Any:
    if value is None:
        return default() if callable(default) else default
    item_line = value.line_of if isinstance(value, LocatedList) else None
    checked, problem = check(key, value, declared, row.file, row.line(key), item_line)
    if problem:
        problems.append(problem)
        row.extra.setdefault("invalid", set()).add(key)  # what depends on it is not checked again
        return default() if callable(default) else default
    return checked


def _refuse_generated(row: Row, columns: tuple[str, ...], problems: list[Problem]) -> None:
    """A column the build computes may not be written in a coding (it is dropped)."""
    for generated in columns:
        if generated in row.values:
            problems.append(row.problem(generated, "is computed by the build; remove it"))
            row.values.pop(generated)


def read_sources(root: Path, inputs: Inputs, contract: Contract) -> None:
    rows, listed = [], set()
    for rel in SOURCE_FILES:
        for entry in _entries(root, rel, inputs):
            values = dict(entry)
            row = Row(values, rel, entry)
            raw_markers = values.get("not_content")
            _extra(row, values, "sources", inputs.problems, default=list)
            row.extra["marker_lines"] = raw_markers.line_of if isinstance(raw_markers, LocatedList) else None
            _refuse_generated(row, contract.generated_columns("sources"), inputs.problems)
            path = values.get("path")
            if isinstance(path, str) and path:
                listed.add(path)
                _read_text(root, row, inputs)
            elif path is not None and path != "":
                inputs.unreadable.add(str(values.get("source_id")))
            rows.append(row)
    inputs.tables["sources"] = rows
    inputs.problems += _unlisted_articles(inputs.files, listed)


def _read_text(root: Path, row: Row, inputs: Inputs) -> None:
    rel = row.values["path"]
    source_id = str(row.values.get("source_id"))
    # The bytes read_inputs read (inside the package, a regular file, within its size limit).
    data = inputs.files.data.get(rel) if rel.startswith(ARTICLES_DIR + "/") else None
    if data is None:
        inputs.problems.append(row.problem("path", f"no stored text at this path inside {ARTICLES_DIR}/", rel))
        inputs.unreadable.add(source_id)
        return
    digest = hashlib.sha256(data).hexdigest()
    text, problem = storedtext.decode(data, rel, row.values.get("sha256") == digest)
    if problem is not None or text is None:
        inputs.problems.append(
            Problem(
                row.file,
                row.line("path"),
                "path",
                problem.message if problem else "the stored text cannot be decoded",
                rel,
                expected=problem.expected if problem else None,
                fix=problem.fix if problem else None,
                code="encoding-error",
            )
        )
        inputs.unreadable.add(source_id)
        return
    if not row.values.get("sha256"):  # a new article: the hash to record comes first
        entry = error_type("source-text-unrecorded")
        inputs.problems.append(
            Problem(
                row.file,
                row.line("sha256"),
                "sha256",
                entry.message(path=rel, digest=digest),
                None,
                expected=digest,
                fix=entry.fix_for(digest=digest),
                code="source-text-unrecorded",
            )
        )
        inputs.unreadable.add(source_id)
        return
    if row.values.get("sha256") != digest:
        # The engine's stored-text rule, in the catalogue's words, at the coding's line.
        recorded = row.values.get("sha256")
        inputs.problems.append(
            errors.problem(
                "source-text-changed",
                row.file,
                row.line("sha256"),
                "sha256",
                None if recorded is None else shown(recorded),
                expected=digest,
                path=shown(rel),
            )
        )
        inputs.unreadable.add(source_id)
        return
    row.values["characters"] = len(text)
    inputs.texts[source_id] = text
    inputs.not_content[source_id] = _not_content_spans(text, row, inputs.problems)


def _unlisted_articles(files: InputFiles, listed: set[str]) -> list[Problem]:
    """Every file under sources/articles/ must be a stored article listed in articles.yaml."""
    problems = []
    for path, data in sorted(files.data.items()):
        if not path.startswith(ARTICLES_DIR + "/") or path in listed:
            continue
        name = path[len(ARTICLES_DIR) + 1 :]
        rel = f"{ARTICLES_DIR}/{visible(name)}"
        if "/" in name:
            problems.append(
                Problem(
                    rel,
                    None,
                    None,
                    "is not a stored article listed in sources/articles.yaml",
                    fix=f"remove it; {ARTICLES_DIR}/ holds only the stored article texts",
                    code="unlisted-article",
                )
            )
            continue
        digest = hashlib.sha256(data).hexdigest()
        stem = visible(name).rsplit(".", 1)[0]
        entry = f"- {{source_id: {stem}, kind: article, language: zh-Hans, path: {rel}, sha256: {digest}}}"
        problems.append(
            Problem(
                rel,
                None,
                None,
                "is not listed in sources/articles.yaml, so nothing reads it",
                expected="an entry in sources/articles.yaml with this path",
                fix=f"add its entry to sources/articles.yaml: {entry} (correct the language, "
                "and add title, publisher, url and published when the text gives them); "
                "or remove the file",
                code="unlisted-article",
            )
        )
    return problems


def _not_content_spans(text: str, row: Row, problems: list[Problem]) -> list[tuple[int, int]]:
    """The spans of `text` its not_content markers cover, sorted and merged.

    At most MAX_NOT_CONTENT markers are looked for, each by one scan of the text that stops
    once the source has MAX_NOT_CONTENT spans in all (markers and their occurrences
    together): the work is at most the text's length times that limit. A source that asks
    for more is a finding; the spans found up to the limit are kept, so that what reads
    them later (mentions, candidates, coverage) stays bounded too.
    """
    spans: list[tuple[int, int]] = []
    lines = row.extra.get("marker_lines")
    markers = row.extra["not_content"]
    if len(markers) > MAX_NOT_CONTENT:
        problems.append(
            Problem(
                row.file,
                row.line("not_content"),
                "not_content",
                f"lists {len(markers)} markers, more than the limit of {MAX_NOT_CONTENT} per source; "
                f"only the first {MAX_NOT_CONTENT} were looked for",
                fix="mark only the few parts of the page that are not the article (a banner, a menu)",
                code="limit",
            )
        )
    for index, marker in enumerate(markers[:MAX_NOT_CONTENT]):
        line = lines(index) if lines else row.line("not_content")
        budget = MAX_NOT_CONTENT - len(spans)
        found: list[tuple[int, int]] = []
        if marker.text is not None:
            starts = occurrences(text, marker.text, limit=budget)  # at most budget + 1
            found = [(s, s + len(marker.text)) for s in starts]
        else:
            start = text.find(marker.start)
            if start != -1 and marker.to is None:
                found = [(start, len(text))]
            elif start != -1:
                end = text.find(marker.to, start)
                if end != -1:
                    found = [(start, end + len(marker.to))]
        if not found:
            problems.append(
                Problem(
                    row.file,
                    line,
                    "not_content",
                    "marker text not found in the stored text",
                    marker.text or marker.start if marker.text or not marker.to else marker.to,
                    fix="copy the marker exactly from the stored text",
                )
            )
        if len(found) > budget:
            problems.append(
                Problem(
                    row.file,
                    line,
                    "not_content",
                    f"the markers of this source cover more than {MAX_NOT_CONTENT} places in its stored text, "
                    "the limit per source",
                    shorten(marker.text or marker.start),
                    expected="markers that name the few parts of a page that are not the article "
                    "(a banner, a menu, a cookie notice)",
                    fix="make the marker longer, so that it matches only the part of the page meant, "
                    "or mark the part with from: and to:",
                    code="limit",
                )
            )
            spans += found[:budget]
            break
        spans += found
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):  # overlapping or touching spans become one
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def read_entities(root: Path, inputs: Inputs, contract: Contract) -> list[tuple[Alias, Row]]:
    """Entity rows per resource, and every alias with the row that declared it."""
    aliases: list[tuple[Alias, Row]] = []
    for resource, (rel, id_field, entity_type) in ENTITY_FILES.items():
        rows = []
        for entry in _entries(root, rel, inputs):
            values = dict(entry)
            row = Row(values, rel, entry)
            raw_aliases = values.get("aliases")
            _extra(row, values, resource, inputs.problems, default=list)
            _refuse_generated(row, contract.generated_columns(resource), inputs.problems)
            if resource == "models":
                _expand_date(row, "released")
            if resource == "licences" and isinstance(values.get("licence_id"), str):
                values["spdx"] = not values["licence_id"].startswith("LicenseRef-")
            entity_id = str(values.get(id_field))
            names: list[tuple[str, str]] = [
                (key, str(values[key])) for key in NAME_COLUMNS if isinstance(values.get(key), str)
            ]
            for index, alias in enumerate(row.extra["aliases"]):
                names.append(("aliases", alias))
                if isinstance(raw_aliases, LocatedList):
                    row.extra.setdefault("alias_lines", {})[alias] = raw_aliases.line_of(index)
            seen = set()
            for key, name in names:
                why = name_problem(name)
                if why:
                    line = row.extra.get("alias_lines", {}).get(name) if key == "aliases" else None
                    inputs.problems.append(
                        Problem(
                            rel,
                            line or row.line(key),
                            key,
                            f"the name {why}",
                            reveal(shorten(name)),
                            expected="a visible name",
                            fix="retype the name",
                            code="name",
                        )
                    )
                elif name not in seen:
                    seen.add(name)
                    aliases.append((Alias(entity_type, entity_id, name), row))
            rows.append(row)
        inputs.tables[resource] = rows
    return aliases


def alias_rows(aliases: list[tuple[Alias, Row]]) -> list[Row]:
    return [
        Row(
            {"entity_type": a.entity_type, "entity_id": a.entity_id, "alias": a.alias, "language": script_of(a.alias)},
            row.file,
            row.origin,
            {"key_map": {"alias": "aliases"}, "lines": _alias_line(row, a.alias)},
        )
        for a, row in aliases
    ]


def _alias_line(row: Row, alias: str) -> dict[str, int]:
    """The line of an alias written in the `aliases` list (a name column has its key's line)."""
    line = row.extra.get("alias_lines", {}).get(alias)
    return {"alias": line} if line else {}


def _expand_date(row: Row, key: str) -> None:
    """Set a date column's generated companions from how the date is written.

    `2024` -> 2024-01-01, precision year, end 2024-12-31; `2024-05` -> 2024-05-01, month,
    2024-05-31; a day -> that day twice. All three are empty for an undated row. (A coding
    that writes a companion is refused by _refuse_generated: the contract lists them.)
    A value that is not such a date is left as written, for the engine's date rule (a text
    such as 2023-02-30) or the YAML reader's (a date with a time) to report once.
    """
    precision_key, end_key = derived_date_columns(key)
    row.values[precision_key] = row.values[end_key] = None
    if row.values.get(key) is None:
        return
    try:
        first, precision = partial_date(row.values[key])
    except ValueError:
        return
    row.values[key], row.values[precision_key], row.values[end_key] = first, precision, last_day(first, precision)


def _set_actor(row: Row) -> None:
    """actor_id/actor_type: the person when a person spoke, else the organisation."""
    person, organisation = row.values.get("person_id"), row.values.get("organisation_id")
    if person:
        row.values["actor_id"], row.values["actor_type"] = person, "person"
    elif organisation:
        row.values["actor_id"], row.values["actor_type"] = organisation, "organisation"
    else:  # reported once, as a stance without a person or an organisation (the engine's actor rule)
        row.values["actor_id"] = row.values["actor_type"] = None
        row.extra["unresolved"] = (*row.extra["unresolved"], "actor_id", "actor_type")


@dataclass
class StanceFile:
    """What one stance file gives: its rows and problems, and the source it names."""

    rows: list[Row] = field(default_factory=list)
    arguments: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    source_id: str | None = None


def stance_file(
    rel: str, text: str, source_text: Callable[[str], str | None], known: Callable[[str], bool], contract: Contract
) -> StanceFile:
    """One stance file (its YAML text) -> its stance and argument rows, located, with their
    quotes pinned in the stored text `source_text(source_id)` gives; a pure function of its
    arguments. `known(source_id)`: whether the source is listed (its text may be unreadable)."""
    out = StanceFile()
    try:
        document = parse_yaml(text, rel)
    except BuildFailed as failed:
        out.problems.extend(failed.problems)
        return out
    if not isinstance(document, Located):
        out.problems.append(
            Problem(
                rel,
                1,
                None,
                "expected `source_id:` and a `stances:` list",
                fix="start the file with `source_id: …` then `stances:`",
            )
        )
        return out
    frame = Row(dict(document), rel, document)
    for key in set(document) - set(STANCE_FILE):
        out.problems.append(
            frame.problem(
                key,
                f"`{key}` is not a key of a stance file; expected {' and '.join(STANCE_FILE)} (stances go in the list)",
            )
        )
    checked = {
        key: _checked(frame, key, document.get(key), declared, out.problems) for key, declared in STANCE_FILE.items()
    }
    for key in STANCE_FILE:
        if document.get(key) is None:
            out.problems.append(frame.problem(key, f"`{key}:` is missing", fix=STANCE_FILE[key].example))
    source_id, entries = checked["source_id"], checked["stances"]
    out.source_id = source_id
    if source_id is None or entries is None:
        return out
    if not known(source_id):
        out.problems.append(
            Problem(
                rel,
                document.line_of("source_id"),
                "source_id",
                "no stored source with this id in sources/articles.yaml",
                source_id,
            )
        )
    text_of_source, diagnosed = source_text(source_id), [0]
    raw = document["stances"]
    for index, entry in enumerate(entries):
        if not isinstance(entry, Located):
            out.problems.append(Problem(rel, raw.line_of(index), None, "each stance must be a mapping"))
            continue
        row = _stance_row(rel, source_id, entry, text_of_source, diagnosed, out.problems, contract)
        out.rows.append(row)
        for argument in row.extra["arguments"]:
            out.arguments.append(
                Row(
                    {"stance_id": row.values.get("stance_id"), "argument": argument},
                    rel,
                    entry,
                    {"key_map": {"argument": "arguments"}},
                )
            )
    return out


def stance_files(files: InputFiles) -> list[str]:
    """The stance files (codings/stances/*.yaml) among the inputs read."""
    folder = "codings/stances/"
    return sorted(r for r in files.data if r.startswith(folder) and "/" not in r[len(folder) :] and r.endswith(".yaml"))


def decoded(data: bytes) -> str:
    """UTF-8 bytes as text with universal newlines, as Path.read_text reads them."""
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def _stance_row(
    rel: str,
    source_id: str,
    entry: Located,
    text: str | None,
    diagnosed: list[int],
    problems: list[Problem],
    contract: Contract,
) -> Row:
    """`diagnosed`: quotes of this file not found so far, explained in detail up to a limit."""
    values = dict(entry)
    row = Row(values, rel, entry, {"unresolved": ("quote_start", "quote_end")})
    _extra(row, values, "stances", problems)
    row.extra["arguments"] = row.extra["arguments"] or []
    _refuse_generated(row, contract.generated_columns("stances"), problems)
    values["source_id"] = source_id
    _expand_date(row, "date")
    _set_actor(row)
    quote = values.get("quote")
    if text is not None and isinstance(quote, str) and quote and "occurrence" not in row.extra.get("invalid", ()):
        explain = diagnosed[0] < MAX_QUOTE_DIAGNOSES
        try:
            values["quote_start"], values["quote_end"] = quotes.locate(
                text, quote, row.extra["occurrence"], explain=explain
            )
            row.extra["unresolved"] = tuple(k for k in row.extra["unresolved"] if not k.startswith("quote_"))
        except quotes.NotFound as exc:
            diagnosed[0] += 1
            problems.append(
                Problem(
                    rel,
                    row.line("quote"),
                    "quote",
                    exc.message,
                    exc.value,
                    expected=exc.expected,
                    fix=exc.fix,
                    code="quote-not-found",
                )
            )
    return row


def read_excluded(root: Path, inputs: Inputs) -> None:
    rel = "codings/excluded.yaml"
    rows = []
    for entry in _entries(root, rel, inputs, required=False):
        row = Row(dict(entry), rel, entry)
        for key in set(entry) - set(EXCLUDED):
            inputs.problems.append(
                row.problem(key, f"`{key}` is not a key of excluded.yaml; expected {', '.join(EXCLUDED)}")
            )
        for key, declared in EXCLUDED.items():
            if entry.get(key) is None:
                inputs.problems.append(row.problem(key, "is required", fix=declared.example))
            else:
                row.values[key] = _checked(row, key, entry[key], declared, inputs.problems)
        why = name_problem(row.values["name"]) if isinstance(row.values.get("name"), str) else None
        if why:
            inputs.problems.append(row.problem("name", f"the name {why}", row.values["name"]))
        rows.append(row)
    inputs.excluded = rows


def read_retired(root: Path, inputs: Inputs) -> None:
    """codings/retired.yaml: released ids that were removed (the table retired_ids)."""
    rel = "codings/retired.yaml"
    inputs.tables[RETIRED_TABLE] = [Row(dict(e), rel, e) for e in _entries(root, rel, inputs, required=False)]


def unread_tables(inputs: Inputs) -> set[str]:
    """Tables whose coding file could not be read: a reference to them is not checked, since
    every one would dangle (the file's problem is reported instead)."""
    files = {rel: resource for resource, (rel, _, _) in ENTITY_FILES.items()}
    files |= dict.fromkeys(SOURCE_FILES, "sources") | {"codings/retired.yaml": RETIRED_TABLE}
    return {files[rel] for rel in inputs.unread if rel in files}
