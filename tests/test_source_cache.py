"""The per-source stage and its cache: a cold build, a warm build, a process pool and a Dask
LocalCluster give the same bytes on the 10k synthetic package, also after sources are
edited, deleted and renamed; a cache entry edited or moved by hand is refused, so it cannot
change what a build writes or what `validate` reports.

The oracle is the build without any cache, in this process (every row derived again).
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from ai_openness.compile.cache import Cache, NoCache
from ai_openness.compile.executors import Cluster, Executor, Pool
from ai_openness.compile.pipeline import build
from ai_openness.validate import validate
from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate

pytestmark = pytest.mark.xdist_group("source-cache")  # one worker: the 10k package is made and built once


def _files(root: Path, cache=None, run=None) -> dict[str, bytes]:
    result, _ = build(root, check=True, cache=cache or NoCache(), run=run or Executor())
    return {rel: data for rel, data in result.files.items() if rel.startswith("data/")}


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cache") / "10k"
    # The 10k package's stances and sources, with ten mentions per article (the matching is
    # the same code whatever their number; the full count only makes the test slower).
    generate.generate(root, replace(generate.SIZES["10k"], mentions_per_article=10), seed=3)
    return root


@pytest.fixture(scope="module")
def cold(package) -> dict[str, bytes]:
    return _files(package)


@pytest.fixture(scope="module")
def filled(package, tmp_path_factory) -> tuple[Path, dict[str, bytes], int]:
    """A cache filled by a build of the package: its folder (copy it before use), what that
    build wrote and how many entries it derived. Entries are keyed by content, not by the
    package's path, so it is also the cache of any copy of the package."""
    folder = tmp_path_factory.mktemp("filled") / "cache"
    cache = Cache(folder)
    return folder, _files(package, cache), cache.misses


def _copy(folder: Path, target: Path) -> Path:
    shutil.copytree(folder, target)
    return target


def test_cold_and_warm_builds_give_the_same_bytes(package, cold, filled, tmp_path):
    folder, files, derived = filled
    assert files == cold
    warm = Cache(_copy(folder, tmp_path / "cache"))
    assert _files(package, warm) == cold
    assert derived > 1000 and warm.hits == derived and warm.misses == 0  # nothing derived again


def test_a_process_pool_gives_the_same_bytes(package, cold):
    pool = Pool(2)
    try:
        assert _files(package, run=pool) == cold
    finally:
        pool.close()


def test_a_dask_local_cluster_of_two_workers_gives_the_same_bytes(package, cold):
    pytest.importorskip("distributed", reason="needs the distributed extra")
    cluster = Cluster("local", workers=2)
    try:
        assert _files(package, run=cluster) == cold
    finally:
        cluster.close()


def _change_sources(root: Path) -> None:
    """Edit a stance file, delete one, rename one; move a stored text; add an alias."""
    stances = sorted((root / "codings" / "stances").glob("*.yaml"))
    text = stances[0].read_text(encoding="utf-8")
    start = text.index("quote_en:")
    stances[0].write_text(text[:start] + "quote_en: An edited translation\n" + text[text.index("\n", start) + 1 :])
    stances[1].unlink()
    stances[2].rename(stances[2].with_name("renamed.yaml"))
    articles = root / "sources" / "articles.yaml"
    listed = articles.read_text(encoding="utf-8")
    old = next(p for p in sorted((root / "sources" / "articles").iterdir()) if p.name in listed)
    old.rename(old.with_name("moved.txt"))
    articles.write_text(listed.replace(f"sources/articles/{old.name}", "sources/articles/moved.txt"), encoding="utf-8")
    with open(root / "codings" / "people.yaml", "a", encoding="utf-8") as people:  # a new alias
        people.write('- person_id: "added-person"\n  name: "Added Person"\n  name_zh: "合成新人"\n')


def test_after_edits_deletions_and_renames_a_warm_build_is_a_cold_one(package, cold, filled, tmp_path):
    root = tmp_path / "changed"
    shutil.copytree(package, root)
    folder = _copy(filled[0], tmp_path / "cache")  # the cache of the package before the changes
    _change_sources(root)
    warm = Cache(folder)
    changed = _files(root, warm)
    assert changed == _files(root)
    assert warm.hits > 0 and warm.misses > 0  # some rows reused, the changed ones derived again
    assert changed != cold  # the changes changed the tables


def _entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_an_entry_edited_or_moved_by_hand_is_refused(package, cold, filled, tmp_path):
    folder = _copy(filled[0], tmp_path / "cache")
    entries = _entries(folder)
    # Edited: a byte of the Arrow payload changed (the trailer no longer matches).
    data = bytearray(entries[0].read_bytes())
    data[len(data) // 2] ^= 0xFF
    entries[0].write_bytes(bytes(data))
    # Moved: another entry's bytes under this entry's key (valid bytes, the wrong key).
    entries[1].write_bytes(entries[2].read_bytes())
    tampered = Cache(folder)
    assert _files(package, tampered) == cold
    assert tampered.refused == 2


def test_a_tampered_cache_does_not_change_what_validate_reports(package, tmp_path):
    root = tmp_path / "checkout"
    shutil.copytree(package, root)
    build(root, cache=NoCache())
    stances = sorted((root / "codings" / "stances").glob("*.yaml"))
    text = stances[0].read_text(encoding="utf-8")
    stances[0].write_text(text.replace("quote_en:", "quote_en: Edited:", 1), encoding="utf-8")
    expected = validate(root, cache=NoCache()).to_dict()
    assert expected["problems"], "the edit makes a committed table stale"
    folder = tmp_path / "cache"
    validate(root, cache=Cache(folder))
    for entry in _entries(folder):  # every entry edited by hand
        data = bytearray(entry.read_bytes())
        data[len(data) // 3] ^= 0x01
        entry.write_bytes(bytes(data))
    assert validate(root, cache=Cache(folder)).to_dict() == expected
