"""Tasks on a Dask ``distributed`` cluster (Dask's own scheduler and workers)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from distributed import Client, LocalCluster, WorkerPlugin

from pipeline.engines import IN_FLIGHT_PER_WORKER, Engine, Prepare, default_workers, hidden_main, ordered

CONNECT_TIMEOUT = "20s"


class DaskEngine(Engine):
    """The cluster whose scheduler is at ``scheduler`` (e.g. ``tcp://10.0.0.5:8786``), or for
    ``"local"`` a ``LocalCluster`` of ``workers`` single-threaded worker processes on this machine.

    The scheduler and the workers must be able to import ``pipeline`` and its requirements (see the
    README); when ``same`` is given (a module-level function, e.g. the analysis versions), its result
    on the scheduler and on every worker must equal its result here, else OSError names who differs.
    """

    def __init__(self, scheduler: str, workers: int | None = None, prepare: Prepare = None,
                 same: Callable[[], Any] | None = None):
        super().__init__(prepare)
        self.scheduler = scheduler
        if scheduler == "local":
            with hidden_main():
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
        if same:
            self._check_same(same)
        if prepare:
            self._client.register_plugin(_Prepare(prepare), name="entente-prepare")

    def _check_same(self, same: Callable[[], Any]) -> None:
        module, name = same.__module__, same.__qualname__

        def there():  # a nested function travels by value, so it deserialises where `pipeline` does not import
            import importlib

            return getattr(importlib.import_module(module), name)()

        expected = same()
        try:
            found = {"scheduler": self._client.run_on_scheduler(there)}
        except Exception as error:  # whatever the scheduler raised, reported in one line
            found = {"scheduler": error}
        found |= {f"worker {address}": result
                  for address, result in self._client.run(there, on_error="return").items()}
        for where, result in found.items():
            if result != expected:
                self.close()
                problem = f"{type(result).__name__}: {result}" if isinstance(result, BaseException) else \
                    f"{name}() gives {result}, here {expected}"
                raise OSError(f"Dask {where} at {self.scheduler} differs from this checkout ({problem}); "
                              "it needs the same requirements and pipeline importable (see README)")

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
