"""The coverage report's overlap test agrees with the plain definition of overlapping spans."""

from __future__ import annotations

import random

from ai_openness.compile.coverage import _Spans


def test_spans_overlap_as_the_definition_says():
    rng = random.Random(7)
    for _ in range(200):
        spans = [(s, s + rng.randint(1, 30)) for s in (rng.randint(0, 300) for _ in range(rng.randint(0, 40)))]
        index = _Spans(spans)
        for _ in range(50):
            start = rng.randint(0, 330)
            end = start + rng.randint(1, 40)
            assert index.overlap(start, end) == any(s < end and start < e for s, e in spans), (spans, start, end)
