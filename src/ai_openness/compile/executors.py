"""Where the per-source stage runs: in this process, in a pool of processes, or on a Dask
cluster. Each maps a function over argument tuples and returns the results in order, so
every executor gives the same rows (tested: the same bytes)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import Any


class Executor:
    """In this process, one task after the other (the default)."""

    in_process = True

    def map(self, function: Callable[..., Any], arguments: Iterable[tuple[Any, ...]]) -> list[Any]:
        return [function(*args) for args in arguments]

    def close(self) -> None:
        return None


class Pool(Executor):
    """`--jobs N`: N worker processes on this machine."""

    in_process = False

    def __init__(self, jobs: int):
        self.jobs = jobs
        self._pool: ProcessPoolExecutor | None = None

    def map(self, function: Callable[..., Any], arguments: Iterable[tuple[Any, ...]]) -> list[Any]:
        tasks = list(arguments)
        if not tasks:
            return []
        if self._pool is None:
            # Spawned, not forked: a fork of a process whose polars and Arrow thread pools
            # are running can deadlock in the child.
            self._pool = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("spawn"))
        return list(self._pool.map(function, *zip(*tasks, strict=True)))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()


class Cluster(Executor):
    """`--scheduler tcp://HOST:PORT` (a running Dask scheduler) or `--scheduler local` (a
    distributed.LocalCluster of `workers` processes started here). Needs the optional extra
    `distributed`. Each task carries its inputs (a stance file's text, the stored text it
    names), so workers need no shared storage for the inputs; the cache is read and written
    by this process only."""

    in_process = False

    def __init__(self, scheduler: str, workers: int = 2):
        try:
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - the extra is not installed
            raise SystemExit(
                "--scheduler needs Dask: pip install 'ai-openness[distributed]' (or make install)"
            ) from None
        self.cluster = None
        if scheduler == "local":
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
            self.client = Client(self.cluster)
        else:
            self.client = Client(scheduler)

    def map(self, function: Callable[..., Any], arguments: Iterable[tuple[Any, ...]]) -> list[Any]:
        tasks = list(arguments)
        if not tasks:
            return []
        futures = [self.client.submit(function, *args, pure=False) for args in tasks]
        gathered: list[Any] = self.client.gather(futures)
        return gathered

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def executor(jobs: int | None = None, scheduler: str | None = None) -> Executor:
    if scheduler:
        return Cluster(scheduler, workers=jobs or 2)
    if jobs and jobs > 1:
        return Pool(jobs)
    return Executor()
