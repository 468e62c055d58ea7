"""Engines for a run's analysis map: one function over batches, in this process (``Engine``), in a
pool of worker processes (``processes.ProcessEngine``) or on a Dask ``distributed`` cluster
(``cluster.DaskEngine``).

Every engine yields the results in the batches' order (so tables come out identical whichever engine
made them) and keeps at most ``IN_FLIGHT_PER_WORKER`` batches per worker submitted and not yet
collected, so memory does not grow with the corpus. ``prepare`` runs once in each worker process
before its first batch (e.g. to load the actor dictionary, lexicons and parser); it must be a
module-level function, as it travels to the workers by reference.
"""

from __future__ import annotations

import os
import sys
import types
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

IN_FLIGHT_PER_WORKER = 2
ENGINES = ("local", "dask")
Prepare = Callable[[], Any] | None


def default_workers() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Engine:
    """Runs ``function`` over items in this process, one after the other."""

    workers = 1

    def __init__(self, prepare: Prepare = None):
        self.prepare = prepare
        self._prepared = False

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Release the workers (none here)."""

    def describe(self) -> str:
        return "in this process"

    def map(self, function: Callable, items: Iterable) -> Iterator:
        """``function(item)`` for each item, in order (``prepare`` first, if there is an item)."""
        for item in items:
            if self.prepare and not self._prepared:
                self.prepare()
                self._prepared = True
            yield function(item)


def ordered(submit: Callable, function: Callable, items: Iterable, in_flight: int) -> Iterator:
    """Results of the futures ``submit(function, item)``, in the items' order, with at most
    ``in_flight`` futures pending at a time."""
    pending: deque = deque()
    for item in items:
        pending.append(submit(function, item))
        if len(pending) >= in_flight:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def make_engine(kind: str = "local", workers: int | None = None, scheduler: str | None = None,
                prepare: Prepare = None, same: Callable[[], Any] | None = None) -> Engine:
    """The engine for ``--engine local|dask --workers N --scheduler ADDRESS|local``: ``local`` with one
    worker runs in this process; ``dask`` connects to the scheduler (or starts a local cluster of
    ``workers`` processes) and checks that ``same()`` agrees there (see ``DaskEngine``), raising
    OSError when it cannot connect or it does not agree."""
    if kind == "dask":
        from pipeline.engines.cluster import DaskEngine

        return DaskEngine(scheduler or "local", workers, prepare, same)
    if kind != "local":
        raise ValueError(f"unknown engine {kind!r} (engines: {', '.join(ENGINES)})")
    workers = workers or default_workers()
    if workers == 1:
        return Engine(prepare)
    from pipeline.engines.processes import ProcessEngine

    return ProcessEngine(workers, prepare)


@contextmanager
def hidden_main():
    """This process's ``__main__`` hidden while worker processes start: a spawned worker that sees a main
    script re-runs it (the CLI's is guarded, but a host's such as Streamlit's app is not)."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main
