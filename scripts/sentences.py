"""Write codings/reliability/sentences.csv: every content sentence of the stored articles.

python scripts/sentences.py

The list has ids, sources, code-point offsets and texts, and no labels: it is what a reader
labels blind (docs/codebook.md section 12). It changes only when an article or the sentence
rule changes; tests/test_reliability.py holds it to the rule.
"""

from pathlib import Path

from ai_openness.views.reliability import SENTENCES, sentence_rows, sentences_csv

root = Path(__file__).resolve().parents[1]
(root / SENTENCES).write_text(sentences_csv(sentence_rows(root)), encoding="utf-8", newline="")
print(f"wrote {SENTENCES}")
