"""How well the coverage report's Chinese-name rule finds names, measured on the stored articles.

python benchmarks/names.py

The hand list is every Chinese-script alias the codings give (people, organisations, models,
licences) that occurs in an article: names a person found and coded. A name is found when a
candidate of jieba's part-of-speech rule (compile/coverage.chinese_names) overlaps one of its
occurrences. The other candidates are counted too: the words the rule proposes that no alias
covers (what `codings/excluded.yaml` has to explain).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def measure(root: Path = ROOT) -> dict:
    from ai_openness.compile.collect import collect
    from ai_openness.compile.coverage import chinese_names
    from ai_openness.core.script import fold

    tables, inputs = collect(root)
    aliases = {fold(r["alias"]) for r in tables["aliases"] if re.search(r"[\u4e00-\u9fff]", r["alias"])}
    found, listed, other = set(), set(), set()
    for text in inputs.texts.values():
        folded = fold(text)
        names = chinese_names(text)
        for alias in aliases:
            for match in re.finditer(re.escape(alias), folded):
                listed.add(alias)
                if any(s < match.end() and match.start() < e for s, e, _ in names):
                    found.add(alias)
        other |= {fold(n) for s, e, n in names if not any(a in fold(n) or fold(n) in a for a in aliases)}
    return {"hand_list": len(listed), "found": len(found), "missed": sorted(listed - found), "other": sorted(other)}


if __name__ == "__main__":
    result = measure(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT)
    print(f"names of the hand list found: {result['found']} of {result['hand_list']}")
    print(f"missed: {', '.join(result['missed'])}")
    print(f"other candidates (no alias): {len(result['other'])}: {', '.join(result['other'])}")
