"""A pool of worker processes on this machine."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import chain, islice

from pipeline.engines import IN_FLIGHT_PER_WORKER, Engine, Prepare, hidden_main, ordered

OWNER_CHECK_SECONDS = 1.0


class ProcessEngine(Engine):
    """``workers`` processes, started on first use and reused until ``close``. They fork from a
    server process that has imported ``prepare``'s module once.

    A map over a single item runs in this process: starting workers would cost more than it saves.
    """

    def __init__(self, workers: int, prepare: Prepare = None):
        super().__init__(prepare)
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def describe(self) -> str:
        return f"{self.workers} worker processes"

    def start(self) -> None:
        """Create the pool (the first map over two or more items does otherwise); its workers start as
        batches are submitted."""
        if self._pool is None:
            # forkserver: workers fork from a clean server process, never from this one, which may
            # hold threads (pyarrow's pools, a progress bar's monitor, a web server).
            context = multiprocessing.get_context("forkserver")
            if self.prepare:
                context.set_forkserver_preload([self.prepare.__module__])
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context,
                                             initializer=_start_worker, initargs=(self.prepare, os.getpid()))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def map(self, function: Callable, items: Iterable) -> Iterator:
        items = iter(items)
        head = list(islice(items, 2))
        if len(head) < 2:
            return super().map(function, head)
        self.start()
        return ordered(self._submit, function, chain(head, items), self.workers * IN_FLIGHT_PER_WORKER)

    def _submit(self, function: Callable, item) -> Future:
        """Submit (which may start a worker) with this process's ``__main__`` hidden (see ``hidden_main``)."""
        with hidden_main():
            return self._pool.submit(function, item)


def _start_worker(prepare: Prepare, owner: int) -> None:
    """A worker's start: BLAS on one thread (the pool is the parallelism), a watch on the process that
    owns the pool, then ``prepare``."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    threading.Thread(target=_exit_without, args=(owner,), daemon=True).start()
    if prepare:
        prepare()


def _exit_without(owner: int) -> None:
    """End this worker soon after the process `owner` ended (killed, say): its batches have no reader."""
    while True:
        time.sleep(OWNER_CHECK_SECONDS)
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            os._exit(1)
