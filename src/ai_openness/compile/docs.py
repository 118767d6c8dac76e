"""Generated parts of the README (table sizes, coverage figures, the data dictionary) and of
CONTRIBUTING.md (the table of messages, from the catalogue of findings).

They sit between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->` markers and are
rewritten by every build from the schema and the tables, never by hand.
"""

from __future__ import annotations

import re
from typing import Any

from ai_openness.contract import Contract
from ai_openness.core.errors import CATALOGUE

README = "README.md"
CONTRIBUTING = "CONTRIBUTING.md"


def _escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def table_sizes(contract: Contract, tables: dict[str, list[dict[str, Any]]]) -> str:
    lines = ["| table | rows | what one row is |", "|---|---:|---|"]
    for resource in contract.meta["resources"]:
        name = resource["name"]
        lines.append(f"| `{name}` | {len(tables[name])} | {_escape(resource['description'])} |")
    return "\n".join(lines)


def _unfilled(template: str) -> str:
    """A template as a reader sees it: each parameter (a run of them) shown as one ellipsis."""
    return re.sub(r"(\{+[a-z_]+\}+)+", "…", template)


def messages() -> str:
    """The messages a contributor meets, with what happened and the fix (core/errors.py)."""
    lines = ["| code | the message says | what happened | fix |", "|---|---|---|---|"]
    for entry in CATALOGUE.values():
        if entry.contributor:
            says, fix = _unfilled(entry.example or entry.template), _unfilled(entry.fix)
            lines.append(f"| `{entry.code}` | {_escape(says)} | {_escape(entry.description)} | {_escape(fix)} |")
    return "\n".join(lines)


def data_dictionary(contract: Contract) -> str:
    out = []
    for resource in contract.meta["resources"]:
        name = resource["name"]
        out += [
            f"### `{name}`",
            "",
            _escape(resource["description"]),
            "",
            f"- Primary key: `{', '.join(contract.primary_key(name))}`.",
        ]
        for fk in contract.foreign_keys(name):
            out.append(f"- Foreign key: `{', '.join(fk.fields)}` → `{fk.resource}.{', '.join(fk.reference)}`.")
        out += ["", "| column | type | required | description |", "|---|---|---|---|"]
        for field in contract.fields(name):
            constraints = field.get("constraints", {})
            description = _escape(field["description"])
            if constraints.get("enum"):
                description += " Values: " + ", ".join(f"`{v}`" for v in constraints["enum"]) + "."
            required = "yes" if constraints.get("required") else ""
            out.append(f"| `{field['name']}` | {field['type']} | {required} | {description} |")
        out.append("")
    return "\n".join(out).rstrip()


def fill(readme: str, blocks: dict[str, str]) -> str:
    for name, body in blocks.items():
        pattern = re.compile(rf"(<!-- generated:{name} -->\n)(?:.*?\n)?(<!-- /generated:{name} -->)", re.S)
        # The body as a replacement template: its backslashes stand for themselves.
        readme, count = pattern.subn(r"\g<1>" + body.replace("\\", "\\\\") + "\n" + r"\g<2>", readme)
        if count != 1:
            raise ValueError(f"README.md needs exactly one <!-- generated:{name} --> block")
    return readme
