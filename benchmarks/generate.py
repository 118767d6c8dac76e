#!/usr/bin/env python3
"""Generate a synthetic ai-openness package of the real schema at a chosen size.

The output has the shape of the real inputs: stored texts in sources/articles/, their
metadata in sources/articles.yaml, external references in sources/references.yaml, the
entity codings in codings/*.yaml and one stance file per article in codings/stances/.
`ai-openness build --root OUT` turns it into data/ and the descriptors like the real
package, so the build itself can be benchmarked from its inputs.

Everything is drawn from one seeded random generator, so the same size and seed give
the same bytes. The texts are Chinese-like: alias spellings are drawn from one set of
characters and filler mostly from another, with about a third of the filler characters
also used in aliases (as in the real articles), so nearly every mention is an alias the
generator wrote and a few are chance matches. Quotes are spans of the texts around an
alias.

    python benchmarks/generate.py --size 10k --out benchmarks/out/10k
    python benchmarks/generate.py --size 10k --out /tmp/p --build --faults

`--build` runs `ai-openness build` on the result; `--faults` then writes a known set of
faults of every class the checking engine detects into the built tables (and one stored
text), and records what a checker must report in faults.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import shutil
import sys
from dataclasses import dataclass, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from ai_openness.safeio.schema import read_contract  # noqa: E402  (after the path is set)

# The generated packages carry this checkout's schema/, so their values come from its vocabularies.
CONTRACT = read_contract(REPO)


@dataclass(frozen=True)
class Size:
    """How many of each thing a package holds."""

    stances: int
    articles: int
    references: int
    organisations: int
    people: int
    models: int
    licences: int
    mentions_per_article: int

    @property
    def stances_per_article(self) -> float:
        return self.stances / self.articles


# 1x mirrors today's package (85 stances in 5 articles of ~10,000 characters, ~93
# mentions per article). Larger sizes keep ten stances and about a hundred mentions per
# article, so 1m means 100,000 stored articles and 10 million mentions; the entity
# registry grows more slowly than the stances (about as the square root), as a coded
# corpus does: new articles mostly name actors that are already coded.
SIZES = {
    "1x": Size(
        stances=85,
        articles=5,
        references=54,
        organisations=62,
        people=19,
        models=22,
        licences=7,
        mentions_per_article=93,
    ),
    "10k": Size(
        stances=10_000,
        articles=1_000,
        references=300,
        organisations=500,
        people=400,
        models=250,
        licences=20,
        mentions_per_article=100,
    ),
    "100k": Size(
        stances=100_000,
        articles=10_000,
        references=1_000,
        organisations=1_600,
        people=1_300,
        models=800,
        licences=40,
        mentions_per_article=100,
    ),
    "1m": Size(
        stances=1_000_000,
        articles=100_000,
        references=3_000,
        organisations=5_000,
        people=4_000,
        models=2_500,
        licences=80,
        mentions_per_article=100,
    ),
}

SYLLABLES = [
    "ka",
    "ri",
    "to",
    "ve",
    "lan",
    "mor",
    "sa",
    "qui",
    "del",
    "fen",
    "ar",
    "po",
    "zu",
    "nex",
    "tal",
    "vor",
    "mi",
    "bel",
    "cor",
    "ix",
    "do",
    "ra",
    "sen",
    "lu",
    "pha",
    "tor",
    "gri",
    "wen",
    "ost",
    "yl",
    "da",
    "kem",
    "ju",
]
ORG_SUFFIXES = ("Labs", "AI", "Systems", "Institute", "Foundation", "Ministry", "Capital", "Times", "Council", "Group")
FOOTER_FROM, FOOTER_TO = "【相关推荐】", "【完】"  # not_content markers (brackets are in no alias)


# --- alphabets ------------------------------------------------------------------------


def alphabets(rng: random.Random) -> tuple[list[str], list[str], dict[str, str]]:
    """(alias characters, filler characters, simplified -> traditional for alias characters).

    Alias and filler characters are disjoint after folding, so filler never completes an
    alias and every written alias is one mention. Filler characters are the same in both
    scripts; half the alias characters differ, so Traditional spellings in the codings must
    match Simplified text through folding, as in the real package.
    """
    import opencc

    from ai_openness.core.script import fold

    s2t = opencc.OpenCC("s2t")
    differing, same = [], []
    for codepoint in range(0x4E00, 0x9FA6):
        char = chr(codepoint)
        if fold(char) != char:
            continue
        traditional = s2t.convert(char)
        if len(traditional) != 1:
            continue
        if traditional != char and fold(traditional) == char:
            differing.append((char, traditional))
        elif traditional == char:
            same.append(char)
    rng.shuffle(differing)
    rng.shuffle(same)
    alias_pairs = differing[:800]
    alias_chars = [s for s, _ in alias_pairs] + same[:800]
    filler = same[800:3800]
    return alias_chars, filler, dict(alias_pairs)


# Share of filler characters that also occur in aliases. In today's articles about a third
# of the Chinese characters occur in some alias (names use common characters), and the
# matcher's cost depends on it, so the synthetic texts keep that share.
ALIAS_CHARACTER_SHARE = 0.3


# --- entities -------------------------------------------------------------------------


@dataclass
class Entity:
    entity_type: str
    entity_id: str
    name: str  # Latin-script name (an alias)
    name_zh: str | None  # Simplified spelling (an alias, written in its coded script)
    zh_coded: str | None  # name_zh as written in the codings (Traditional for some)
    extra: list[str]  # further aliases as written in the codings
    fields: dict


class Names:
    """Unique Latin names, Chinese spellings and slugs (unique after folding)."""

    def __init__(self, rng: random.Random, alias_chars: list[str], to_trad: dict[str, str]):
        self.rng, self.alias_chars, self.to_trad = rng, alias_chars, to_trad
        self.folded: set[str] = set()
        self.slugs: set[str] = set()

    def claim(self, spelling_folded: str) -> bool:
        if spelling_folded in self.folded:
            return False
        self.folded.add(spelling_folded)
        return True

    def word(self, parts: int) -> str:
        return "".join(self.rng.choice(SYLLABLES) for _ in range(parts)).capitalize()

    def latin(self, make) -> str:
        while True:
            name = make()
            if self.claim(name.lower()):
                return name

    def zh(self, low: int, high: int) -> str:
        while True:
            spelling = "".join(self.rng.choice(self.alias_chars) for _ in range(self.rng.randint(low, high)))
            if self.claim(spelling):
                return spelling

    def coded(self, simplified: str) -> str:
        """Half the Chinese spellings are coded in Traditional script."""
        if self.rng.random() < 0.5:
            return "".join(self.to_trad.get(c, c) for c in simplified)
        return simplified

    def slug(self, name: str) -> str:
        base = "-".join("".join(c for c in part.lower() if c.isalnum()) for part in name.split())
        base = "-".join(p for p in base.split("-") if p) or "x"
        slug, n = base, 1
        while slug in self.slugs:
            n += 1
            slug = f"{base}-{n}"
        self.slugs.add(slug)
        return slug


def random_date(rng: random.Random, start: dt.date = dt.date(2015, 1, 1), end: dt.date = dt.date(2025, 6, 30)):
    return start + dt.timedelta(days=rng.randrange((end - start).days))


def partial(rng: random.Random, date: dt.date) -> dt.date | str:
    """A date as a coder writes it: YYYY-MM-DD (a YAML date), YYYY-MM or YYYY."""
    roll = rng.random()
    if roll < 0.7:
        return date
    if roll < 0.9:
        return date.strftime("%Y-%m")
    return str(date.year)


def make_entities(size: Size, rng: random.Random, names: Names, references: list[str]) -> dict[str, list[Entity]]:
    org_kinds = CONTRACT.vocabulary("organisations", "kind")
    entities: dict[str, list[Entity]] = {"organisations": [], "people": [], "models": [], "licences": []}
    for _ in range(size.organisations):
        name = names.latin(lambda: f"{names.word(2)} {rng.choice(ORG_SUFFIXES)}")
        zh = names.zh(3, 5) if rng.random() < 0.8 else None
        extra = [names.zh(2, 3)] if rng.random() < 0.15 else []
        parents = entities["organisations"]
        fields = {
            "kind": rng.choice(org_kinds),
            "country": rng.choice(["US", "CN", "FR", "GB", "DE", "TW", None]),
            "parent_id": rng.choice(parents).entity_id if parents and rng.random() < 0.1 else None,
            "note": "Synthetic organisation." if rng.random() < 0.1 else None,
        }
        entities["organisations"].append(
            Entity("organisation", names.slug(name), name, zh, names.coded(zh) if zh else None, extra, fields)
        )
    orgs = entities["organisations"]
    for _ in range(size.people):
        name = names.latin(lambda: f"{names.word(2)} {names.word(2)}")
        given, family = names.zh(2, 2), names.zh(2, 3)
        zh = f"{given}·{family}"
        names.claim(zh)
        fields = {
            "organisation_id": rng.choice(orgs).entity_id if rng.random() < 0.9 else None,
            "role": "synthetic role" if rng.random() < 0.7 else None,
            "note": None,
        }
        entities["people"].append(Entity("person", names.slug(name), name, zh, names.coded(zh), [family], fields))
    for i in range(size.licences):
        if i % 2:
            licence_id = f"LicenseRef-Synthetic-{i}"
        else:
            licence_id = f"SYN-{i}.0"
        name = names.latin(lambda i=i: f"{names.word(2)} Licence {i}")
        fields = {
            "url": f"https://licences.example.org/{i}",
            "osi_approved": rng.choice([True, False, None]),
            "commercial_use": rng.choice(CONTRACT.vocabulary("licences", "commercial_use")),
            "user_limit": rng.choice([None, 700_000_000]),
            "use_policy": rng.choice([True, False]),
            "use_policy_url": None,
            "attribution_required": True,
            "modification_allowed": True,
            "output_use_restricted": rng.choice([True, False]),
            "patent_grant": rng.choice([True, False]),
            "copyleft": False,
            "source_id": rng.choice(references),
            "note": None,
        }
        names.slugs.add(licence_id)
        entities["licences"].append(Entity("licence", licence_id, name, None, None, [], fields))
    licences = entities["licences"]
    weights = ("open-weights", "restricted-weights", "non-commercial-weights", "leaked")
    for _ in range(size.models):
        name = names.latin(lambda: f"{names.word(2)}-{rng.choice([1, 2, 3, 7, 13, 70])}B")
        zh = names.zh(3, 4) if rng.random() < 0.3 else None
        access = rng.choice([*CONTRACT.vocabulary("models", "access"), None])
        fields = {
            "organisation_id": rng.choice(orgs).entity_id,
            "released": partial(rng, random_date(rng)) if rng.random() < 0.8 else None,
            "access": access,
            "licence_id": rng.choice(licences).entity_id if access in weights else None,
            "parameters": rng.choice([None, 7_000_000_000, 13_000_000_000]),
            "sizes": rng.choice([None, "7B, 13B"]),
            "released_source_id": rng.choice(references),
            "licence_source_id": rng.choice(references),
            "note": None,
        }
        entities["models"].append(
            Entity("model", names.slug(name), name, zh, names.coded(zh) if zh else None, [], fields)
        )
    return entities


# --- texts ----------------------------------------------------------------------------


class Filler:
    """Slices of one long random string of filler characters (cheap to draw at scale)."""

    def __init__(self, rng: random.Random, chars: list[str], alias_chars: list[str], length: int = 1_000_003):
        self.rng = rng
        own = rng.choices(chars, k=length)
        shared = rng.choices(alias_chars, k=length)
        self.pool = "".join(s if rng.random() < ALIAS_CHARACTER_SHARE else c for c, s in zip(own, shared))

    def __call__(self, low: int, high: int) -> str:
        # random() arithmetic instead of randint/randrange: a third of the generator's time
        # at a million stances went to their argument checking.
        draw = self.rng.random
        n = low + int(draw() * (high - low + 1))
        start = int(draw() * (len(self.pool) - n))
        return self.pool[start : start + n]


@dataclass
class Article:
    source_id: str
    language: str
    text: str
    quotes: list[tuple[str, int | None]]  # (quote, occurrence when the quote repeats)
    published: dt.date | None
    footer: bool


def spellings_in(spellings: list[str], to_trad: dict[str, str]) -> dict[str, list[str]]:
    """How an article in each script writes each alias (folding makes both scripts match)."""
    from ai_openness.core.script import fold

    out: dict[str, list[str]] = {"zh-Hans": [], "zh-Hant": []}
    for coded in spellings:
        if coded.isascii():  # spaces keep a Latin name a whole word in Chinese text
            out["zh-Hans"].append(f" {coded} ")
            out["zh-Hant"].append(f" {coded} ")
            continue
        simplified = fold(coded)
        out["zh-Hans"].append(simplified)
        out["zh-Hant"].append("".join(to_trad.get(c, c) for c in simplified))
    return out


def make_article(
    index: int,
    size: Size,
    rng: random.Random,
    filler: Filler,
    written: dict[str, list[str]],
    stances_here: int,
    gap: tuple[int, int],
) -> Article:
    from ai_openness.core.find import occurrences

    language = "zh-Hant" if index % 3 == 0 else "zh-Hans"
    footer = rng.random() < 0.3
    mentions = size.mentions_per_article
    footer_mentions = max(1, mentions // 20) if footer else 0
    pieces: list[str] = [filler(20, 60), "。"]
    quote_spans: list[tuple[int, int]] = []
    position = sum(map(len, pieces))
    # Stances quote the body evenly: each quote is filler, an alias and filler.
    quote_at = set(rng.sample(range(mentions - footer_mentions), min(stances_here, mentions - footer_mentions)))
    choices, draw = written[language], rng.random
    for m in range(mentions):
        if m == mentions - footer_mentions:
            pieces.append("\n" + FOOTER_FROM)
            position += 1 + len(FOOTER_FROM)
        alias = choices[int(draw() * len(choices))]
        before, after = filler(*gap), filler(3, 8)
        start = position
        pieces += [before, alias, after, "，" if draw() < 0.8 else "。"]
        position += len(before) + len(alias) + len(after) + 1
        if m in quote_at:
            quote_spans.append((start + max(0, len(before) - 8), start + len(before) + len(alias) + len(after)))
    if footer:
        pieces.append(FOOTER_TO)
    pieces.append("\n")
    text = "".join(pieces)
    quotes = []
    for start, end in quote_spans:
        quote = text[start:end]
        found = occurrences(text, quote)
        quotes.append((quote, found.index(start) + 1 if len(found) > 1 else None))
    while len(quotes) < stances_here:  # more stances than mentions: quote the same span again
        quotes.append(quotes[len(quotes) % max(1, len(quote_spans))])
    published = random_date(rng) if rng.random() < 0.7 else None
    return Article(
        f"{index:06d}_{hashlib.sha256(str(index).encode()).hexdigest()[:16]}", language, text, quotes, published, footer
    )


# --- YAML -----------------------------------------------------------------------------


def scalar(value) -> str:
    """A YAML scalar: JSON strings are valid YAML double-quoted scalars."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, dt.date)):
        return str(value) if isinstance(value, int) else value.isoformat()
    return json.dumps(value, ensure_ascii=False)


def mapping(fields: dict, indent: str = "") -> str:
    lines, first = [], True
    for key, value in fields.items():
        if value is None:
            continue
        lead = "- " if first else "  "
        first = False
        if isinstance(value, list):
            lines.append(f"{indent}{lead}{key}: [{', '.join(scalar(v) for v in value)}]")
        else:
            lines.append(f"{indent}{lead}{key}: {scalar(value)}")
    return "\n".join(lines) + "\n"


def entity_yaml(kind: str, entity: Entity) -> str:
    id_field = {
        "organisations": "organisation_id",
        "people": "person_id",
        "models": "model_id",
        "licences": "licence_id",
    }[kind]
    fields = {id_field: entity.entity_id, "name": entity.name}
    if kind in ("organisations", "people"):
        fields["name_zh"] = entity.zh_coded
    fields |= entity.fields
    extra = entity.extra + ([entity.zh_coded] if kind == "models" and entity.zh_coded else [])
    fields["aliases"] = extra or None
    return mapping(fields)


# --- the package ----------------------------------------------------------------------


def generate(out: Path, size: Size, seed: int = 1, gap: tuple[int, int] | None = None) -> dict:
    """Write the inputs of a synthetic package to `out`; return counts of what was written."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "sources" / "articles").mkdir(parents=True)
    (out / "codings" / "stances").mkdir(parents=True)
    shutil.copytree(REPO / "schema", out / "schema")
    alias_chars, filler_chars, to_trad = alphabets(rng)
    filler = Filler(rng, filler_chars, alias_chars)
    names = Names(rng, alias_chars, to_trad)

    reference_kinds = [k for k in CONTRACT.vocabulary("sources", "kind") if k != "article"]
    references = [f"ref-synthetic-{i:05d}" for i in range(size.references)]
    with open(out / "sources" / "references.yaml", "w", encoding="utf-8") as handle:
        handle.write("# Synthetic external references.\n")
        for i, source_id in enumerate(references):
            handle.write(
                mapping(
                    {
                        "source_id": source_id,
                        "title": f"Synthetic reference {i}",
                        "publisher": "Example Press",
                        "url": f"https://example.org/references/{i}",
                        "published": random_date(rng) if rng.random() < 0.5 else None,
                        "language": "en",
                        "kind": rng.choice(reference_kinds),
                        "excerpt": "A short verbatim excerpt of the reference.",
                    }
                )
            )

    entities = make_entities(size, rng, names, references)
    for kind, rows in entities.items():
        with open(out / "codings" / f"{kind}.yaml", "w", encoding="utf-8") as handle:
            handle.write(f"# Synthetic {kind}.\n")
            for entity in rows:
                handle.write(entity_yaml(kind, entity))
    (out / "codings" / "excluded.yaml").write_text("# Nothing excluded.\n[]\n", encoding="utf-8")

    everyone = [e for rows in entities.values() for e in rows]
    spellings = [s for e in everyone for s in (e.name, e.zh_coded, *e.extra) if s]
    people, orgs, models = entities["people"], entities["organisations"], entities["models"]
    written = spellings_in(spellings, to_trad)
    alias_count = sum(len(dict.fromkeys(s for s in (e.name, e.zh_coded, *e.extra) if s)) for e in everyone)

    # The 1x size mirrors today's ~10,000-character articles; larger sizes have shorter ones.
    gap = gap or ((60, 140) if size.mentions_per_article < 100 and size.articles <= 5 else (8, 24))
    per_article = [
        size.stances // size.articles + (1 if i < size.stances % size.articles else 0) for i in range(size.articles)
    ]
    counters = {"stances": 0, "stance_arguments": 0, "mentions": 0, "characters": 0}
    arguments = CONTRACT.vocabulary("stance_arguments", "argument")
    kinds, attributions = CONTRACT.vocabulary("stances", "kind"), CONTRACT.vocabulary("stances", "attribution")
    positions = CONTRACT.vocabulary("stances", "position")
    undated_reasons = CONTRACT.vocabulary("stances", "undated_reason")
    articles_yaml = open(out / "sources" / "articles.yaml", "w", encoding="utf-8")  # noqa: SIM115 (written over the whole loop below, closed at its end)
    articles_yaml.write("# Synthetic stored articles.\n")
    for index in range(size.articles):
        article = make_article(index, size, rng, filler, written, per_article[index], gap)
        rel = f"sources/articles/{article.source_id}.txt"
        data = article.text.encode("utf-8")
        (out / rel).write_bytes(data)
        counters["mentions"] += size.mentions_per_article
        counters["characters"] += len(article.text)
        meta = {
            "source_id": article.source_id,
            "kind": "article",
            "title": f"合成文章 {index}",
            "publisher": "Example Daily" if rng.random() < 0.5 else None,
            "url": f"https://example.org/articles/{index}" if rng.random() < 0.8 else None,
            "published": article.published,
            "language": article.language,
            "licence": "CC BY 4.0" if rng.random() < 0.2 else None,
            "path": rel,
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        articles_yaml.write(mapping(meta))
        if article.footer:
            articles_yaml.write(
                f"  not_content:\n    - from: {scalar(FOOTER_FROM)}\n"
                f"      to: {scalar(FOOTER_TO)}\n      reason: related-article navigation\n"
            )
        lines = [f"# Synthetic stances of article {index}.", f"source_id: {article.source_id}", "stances:"]
        for quote, occurrence in article.quotes:
            n = counters["stances"]
            counters["stances"] += 1
            person = rng.choice(people) if people and rng.random() < 0.6 else None
            org = rng.choice(orgs) if person is None or rng.random() < 0.5 else None
            actor = (person or org).entity_id
            fields: dict = {
                "stance_id": None,
                "person_id": person.entity_id if person else None,
                "organisation_id": org.entity_id if org else None,
            }
            roll = rng.random()
            date = None
            if roll < 0.85:
                # An article reports only what happened by its publication date.
                date = (
                    random_date(rng, end=article.published + dt.timedelta(days=1))
                    if article.published
                    else random_date(rng)
                )
                basis = rng.choice(["stated", "stated", "reference"] + (["relative"] if article.published else []))
                fields["date"] = partial(rng, date)
                fields["date_basis"] = basis
                fields["date_source_id"] = rng.choice(references) if basis == "reference" else None
            else:  # an undated stance says why; chosen without drawing from rng, so the rest of the data is unchanged
                fields["undated_reason"] = undated_reasons[n % len(undated_reasons)]
            slug_date = date.isoformat() if date else "undated"
            fields["stance_id"] = f"{actor}-{slug_date}-s{n}"
            fields |= {
                "kind": rng.choice(kinds),
                "attribution": rng.choice(attributions),
                "position": rng.choice(positions),
                "target_organisation_id": rng.choice(orgs).entity_id if rng.random() < 0.3 else None,
                "target_model_id": rng.choice(models).entity_id if models and rng.random() < 0.2 else None,
                "reported_by_id": rng.choice(orgs).entity_id if rng.random() < 0.1 else None,
                "quote": quote,
                "occurrence": occurrence,
                "quote_en": f"Synthetic translation of stance {n}.",
                "arguments": rng.sample(arguments, 1 if rng.random() < 0.8 else 2),
                "note": "Synthetic note." if rng.random() < 0.2 else None,
            }
            counters["stance_arguments"] += len(fields["arguments"])
            lines.append(mapping(fields, "  ").rstrip("\n"))
        (out / "codings" / "stances" / f"{article.source_id}.yaml").write_text(
            "\n".join(lines) + "\n", encoding="utf-8"
        )
    articles_yaml.close()
    counts = {
        "sources": size.articles + size.references,
        "organisations": size.organisations,
        "people": size.people,
        "licences": size.licences,
        "models": size.models,
        "stances": counters["stances"],
        "stance_arguments": counters["stance_arguments"],
        "aliases": alias_count,
        "mentions": counters["mentions"],
        "characters": counters["characters"],
    }
    (out / "generated.json").write_text(
        json.dumps({"size": vars(size), "seed": seed, "counts": counts}, indent=2) + "\n", encoding="utf-8"
    )
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="10k")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mentions-per-article", type=int, help="override the size's mentions per article")
    parser.add_argument("--build", action="store_true", help="run `ai-openness build` on the result")
    parser.add_argument("--faults", action="store_true", help="then inject one fault of every class")
    args = parser.parse_args(argv)
    size = SIZES[args.size]
    if args.mentions_per_article:
        size = replace(size, mentions_per_article=args.mentions_per_article)
    counts = generate(args.out, size, args.seed)
    print(json.dumps(counts))
    if args.build or args.faults:
        from ai_openness.commands.cli import main as cli

        if cli(["build", "--root", str(args.out), "--quiet"]) != 0:
            return 1
    if args.faults:
        from faults import inject

        expected = inject(args.out, args.seed)
        print(f"injected {len(expected)} faults; expected findings in {args.out / 'faults.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
