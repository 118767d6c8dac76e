#!/usr/bin/env python3
"""Time YAML readers on a package's stance files, to choose the build's reader by measurement.

    python benchmarks/yaml_readers.py benchmarks/out/100k [--repeat 3]

Each reader parses every codings/stances/*.yaml file (text already in memory) and, where
it can, gives the line of every key, which the build needs to locate a finding:
- `pyyaml-located`: the build's reader (safeio/yamlio.py: PyYAML's C parser, composed
  nodes, a Located mapping per entry with its keys' lines);
- `pyyaml-load`: PyYAML's C loader, plain Python values, no lines (the floor for PyYAML);
- `rapidyaml-tree`: rapidyaml (`ryml.parse_in_arena`) building its tree, no Python values;
- `rapidyaml-values`: the same tree walked into Python values with each key's line, got
  from where the key's bytes sit in the buffer (`parse_in_place`);
- `yaml-rs`: yaml-rs `loads`, plain Python values, no lines.
Readers that are not installed are reported as such. Medians of `--repeat` runs.
"""

from __future__ import annotations

import argparse
import bisect
import json
import statistics
import sys
import time
from pathlib import Path


def _pyyaml_located(texts):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from ai_openness.safeio.yamlio import parse_yaml

    return lambda: [parse_yaml(text, "x.yaml") for text in texts]


def _pyyaml_load(texts):
    import yaml

    return lambda: [yaml.load(text, Loader=yaml.CSafeLoader) for text in texts]


def _ryml_tree(texts):
    import ryml

    data = [text.encode("utf-8") for text in texts]
    return lambda: [ryml.parse_in_arena(d) for d in data]


def _ryml_values(texts):
    import numpy as np
    import ryml

    def one(text: str):
        buffer = bytearray(text.encode("utf-8"))
        base = np.frombuffer(buffer, dtype=np.uint8).__array_interface__["data"][0]
        breaks = [i for i, b in enumerate(buffer) if b == 10]
        tree = ryml.parse_in_place(buffer)

        def line(view) -> int:
            at = np.frombuffer(view, dtype=np.uint8).__array_interface__["data"][0] - base if len(view) else 0
            return bisect.bisect_left(breaks, at) + 1

        def value(node):
            if tree.is_map(node):
                out, lines = {}, {}
                for child in ryml.children(tree, node):
                    key = tree.key(child)
                    name = bytes(key).decode("utf-8")
                    out[name], lines[name] = value(child), line(key)
                return out, lines
            if tree.is_seq(node):
                return [value(child) for child in ryml.children(tree, node)]
            return bytes(tree.val(node)).decode("utf-8") if tree.has_val(node) else None

        return value(tree.root_id())

    return lambda: [one(text) for text in texts]


def _yaml_rs(texts):
    import yaml_rs

    return lambda: [yaml_rs.loads(text) for text in texts]


READERS = {
    "pyyaml-located": (_pyyaml_located, True),
    "pyyaml-load": (_pyyaml_load, False),
    "rapidyaml-tree": (_ryml_tree, False),
    "rapidyaml-values": (_ryml_values, True),
    "yaml-rs": (_yaml_rs, False),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    texts = [p.read_text(encoding="utf-8") for p in sorted((args.root / "codings" / "stances").glob("*.yaml"))]
    results = {"files": len(texts), "bytes": sum(len(t.encode()) for t in texts), "readers": {}}
    for name, (make, lines) in READERS.items():
        try:
            run = make(texts)
        except ImportError as exc:
            results["readers"][name] = {"installed": False, "error": str(exc)}
            continue
        seconds = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            run()
            seconds.append(time.perf_counter() - start)
        results["readers"][name] = {
            "key_lines": lines,
            "median_s": round(statistics.median(seconds), 3),
            "min_s": round(min(seconds), 3),
            "max_s": round(max(seconds), 3),
        }
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
