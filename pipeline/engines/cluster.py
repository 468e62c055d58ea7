"""Tasks on a Dask ``distributed`` cluster (Dask's own scheduler and workers)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from distributed import Client, LocalCluster, WorkerPlugin

from pipeline.engines import IN_FLIGHT_PER_WORKER, Engine, Prepare, default_workers, ordered

CONNECT_TIMEOUT = "20s"


class DaskEngine(Engine):
    """The cluster whose scheduler is at ``scheduler`` (e.g. ``tcp://10.0.0.5:8786``), or for
    ``"local"`` a ``LocalCluster`` of ``workers`` single-threaded worker processes on this machine.

    Workers must be able to import ``pipeline`` and its requirements (see the README).
    """

    def __init__(self, scheduler: str, workers: int | None = None, prepare: Prepare = None):
        super().__init__(prepare)
        self.scheduler = scheduler
        if scheduler == "local":
            self._cluster = LocalCluster(n_workers=workers or default_workers(), threads_per_worker=1,
                                         processes=True, dashboard_address=None)
            self._client = Client(self._cluster)
        else:
            self._cluster = None
            self._client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        self.workers = sum(self._client.nthreads().values())
        if not self.workers:
            self.close()
            raise OSError(f"Dask scheduler {scheduler}: no workers connected")
        if prepare:
            self._client.register_plugin(_Prepare(prepare), name="entente-prepare")

    def describe(self) -> str:
        where = "a local cluster" if self._cluster else f"the cluster at {self.scheduler}"
        return f"Dask on {where} ({self.workers} worker threads)"

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    def map(self, function: Callable, items: Iterable) -> Iterator:
        def submit(function, item):
            return self._client.submit(function, item, pure=False)

        return ordered(submit, function, items, self.workers * IN_FLIGHT_PER_WORKER)


class _Prepare(WorkerPlugin):
    """Calls ``prepare`` once on each worker, when the plugin is registered or the worker joins."""

    def __init__(self, prepare: Callable):
        self.prepare = prepare

    def setup(self, worker) -> None:
        self.prepare()
