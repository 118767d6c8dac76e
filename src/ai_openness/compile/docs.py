"""Generated parts of the documents: table sizes, coverage figures and the data dictionary
in the README; the table of messages in CONTRIBUTING.md (from the catalogue of findings);
and every list of the stored articles (README, LICENSE-DATA.md, sources/README.md), made
from sources/articles.yaml so that adding an article never leaves a hand-written list behind.

They sit between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->` markers and are
rewritten by every build from the schema and the tables, never by hand.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from ai_openness.contract import Contract
from ai_openness.core.errors import CATALOGUE

README = "README.md"
CONTRIBUTING = "CONTRIBUTING.md"
LICENSE_DATA = "LICENSE-DATA.md"
SOURCES_README = "sources/README.md"
SCRIPTS = {"zh-Hant": "Traditional script", "zh-Hans": "Simplified script", "en": "English"}


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


def fill(text: str, blocks: dict[str, str], document: str = README) -> str:
    for name, body in blocks.items():
        pattern = re.compile(rf"(<!-- generated:{name} -->\n)(?:.*?\n)?(<!-- /generated:{name} -->)", re.S)
        # The body as a replacement template: its backslashes stand for themselves.
        text, count = pattern.subn(r"\g<1>" + body.replace("\\", "\\\\") + "\n" + r"\g<2>", text)
        if count != 1:
            raise ValueError(f"{document} needs exactly one <!-- generated:{name} --> block")
    return text


# The stored articles: every list of them is made here, from the `sources` rows of kind article.


def _articles(tables: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return sorted((s for s in tables["sources"] if s["kind"] == "article"), key=lambda s: s["source_id"])


def _ids(rows: list[dict[str, Any]]) -> str:
    return ", ".join(f"`{r['source_id']}`" for r in rows)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _scripts(articles: list[dict[str, Any]]) -> str:
    counts = Counter(SCRIPTS.get(a["language"], a["language"]) for a in articles)
    return ", ".join(f"{n} in {name}" for name, n in sorted(counts.items()))


def _licence_url(contract: Contract, licence: str) -> str | None:
    def plain(text: str) -> str:  # "CC BY-NC-SA 4.0" as "CC-BY-NC-SA-4.0"
        return re.sub(r"[\s-]+", "", text).lower()

    paths = (x.get("path") for x in contract.meta.get("licenses", []) if plain(x["name"]) == plain(licence))
    return next((str(p) for p in paths if p), None)


def _years(tables: dict[str, list[dict[str, Any]]]) -> str:
    years = sorted(str(s["date"])[:4] for s in tables["stances"] if s.get("date"))
    return f"{years[0]} to {years[-1]}" if years else "no date"


def articles_summary(contract: Contract, tables: dict[str, list[dict[str, Any]]]) -> str:
    """README, "What it covers": how many articles, in which script, under which terms."""
    articles = _articles(tables)
    stated = [a for a in articles if a.get("licence")]
    without = [a for a in articles if not a.get("licence")]
    terms = [f"{_count(len(stated), 'states a licence of its own', 'state a licence of their own')}"]
    if stated:
        terms[0] += " (" + "; ".join(f"`{a['source_id']}`: {a['licence']}" for a in stated) + ")"
    terms.append(f"{len(without)} state{'s' if len(without) == 1 else ''} none")
    return (
        f"- **Stored articles:** {len(articles)} ({_scripts(articles)}), their stances dated "
        f'{_years(tables)}; {", ".join(terms)} (`LICENSE-DATA.md`, "The stored articles").'
    )


def articles_licences(contract: Contract, tables: dict[str, list[dict[str, Any]]]) -> str:
    """LICENSE-DATA.md, "The stored articles": each article and the terms it states."""
    articles = _articles(tables)
    without = [a for a in articles if not a.get("licence")]
    lines = [
        f"`sources/articles/` holds {_count(len(articles), 'article', 'articles')} ({_scripts(articles)}), "
        "byte for byte as collected, so that every quote can be checked against its context (see "
        "`sources/README.md`). The `licence` field of `sources/articles.yaml` (the `licence` column of "
        "`sources`) records what each stored copy states about its own terms:",
        "",
    ]
    for article in (a for a in articles if a.get("licence")):
        url = _licence_url(contract, article["licence"])
        lines.append(
            f"- `{article['source_id']}` states **{article['licence']}**"
            + (f" (<{url}>)" if url else "")
            + ". This project redistributes the article and its quotes under those terms."
            + (f" Its entry says: {_escape(article['note'])}" if article.get("note") else "")
        )
    if without:
        lines.append(
            f"- {_ids(without)} state{'s' if len(without) == 1 else ''} no licence. "
            + ("It remains" if len(without) == 1 else "They remain")
            + " under the publishers' (and, for reprints, the original authors') terms, and this project "
            "grants no licence to them or to the quotes taken from them. They are stored and quoted, with "
            "their source, for research and commentary on the positions they report; whether a given reuse "
            "of a quote is allowed depends on the reuser's purpose and jurisdiction."
        )
    return "\n".join(lines)


def articles_stored(contract: Contract, tables: dict[str, list[dict[str, Any]]]) -> str:
    """sources/README.md: the stored files and what each states about its terms."""
    articles = _articles(tables)
    stated = [a for a in articles if a.get("licence")]
    without = [a for a in articles if not a.get("licence")]
    lines = [f"The {_count(len(articles), '`.txt` file', '`.txt` files')} in `articles/`:", ""]
    for article in stated:
        url = _licence_url(contract, article["licence"])
        lines.append(
            f"- `{article['source_id']}` states {article['licence']}"
            + (f" (<{url}>)" if url else "")
            + " and is redistributed under it."
        )
    if without:
        lines.append(
            f"- {_ids(without)} state{'s' if len(without) == 1 else ''} no licence and remain under their publishers' terms."
        )
    return "\n".join(lines)


# Each document and its generated blocks made from the contract and the tables (README.md's
# others are filled by pipeline.readme); a document the package does not have is left out.
DOCUMENT_BLOCKS = {
    README: {"articles": articles_summary},
    LICENSE_DATA: {"stored-articles": articles_licences},
    SOURCES_README: {"stored-articles": articles_stored},
    CONTRIBUTING: {"messages": lambda contract, tables: messages()},
}
