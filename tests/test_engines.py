"""Analysis engines: worker processes and a real Dask cluster give the in-process run's tables, in
order, with bounded work in flight; the incremental skip and the accounting hold on Dask."""

import math
import os
import subprocess
import sys
import types
from pathlib import Path

import pandas as pd
import psutil
import pytest
from distributed import LocalCluster

import pipeline.run
from pipeline.__main__ import main
from pipeline.analyse import warm_up
from pipeline.demo import generate_corpus, write_jsonl
from pipeline.engines import IN_FLIGHT_PER_WORKER, Engine, hidden_main, make_engine
from pipeline.engines.processes import ProcessEngine
from pipeline.store import TABLES, read_table

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = 60
CHUNK = 10  # six batches, so that two workers share them


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "demo.jsonl"
    write_jsonl(generate_corpus(n_articles=ARTICLES, months=3), path)
    return path


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(pipeline.run, "CHUNK_ARTICLES", CHUNK)


@pytest.fixture(scope="module")
def in_process_tables(corpus, tmp_path_factory):
    """The tables of a run in this process (the reference every engine must reproduce)."""
    store = tmp_path_factory.mktemp("reference")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline.run, "CHUNK_ARTICLES", CHUNK)
        pipeline.run.run(corpus, store, engine=Engine())
    return _tables(store)


def _tables(store) -> dict[str, pd.DataFrame]:
    return {name: read_table(store, name) for name in TABLES}


def _assert_same_tables(store, expected: dict[str, pd.DataFrame]) -> None:
    assert len(expected["dyads"]) > ARTICLES  # a corpus that exercises the chain
    for name, table in _tables(store).items():
        pd.testing.assert_frame_equal(table, expected[name], obj=name)


def test_worker_processes_give_the_in_process_tables(corpus, in_process_tables, small_chunks, tmp_path):
    progress = []
    with make_engine("local", workers=2, prepare=warm_up) as engine:
        assert isinstance(engine, ProcessEngine)
        report = pipeline.run.run(corpus, tmp_path, engine=engine,
                                  on_progress=lambda done, total, stage: progress.append((done, stage)))
    assert report.analysed == ARTICLES
    assert [done for done, stage in progress if stage == "analyse"] == list(range(CHUNK, ARTICLES + 1, CHUNK))
    _assert_same_tables(tmp_path, in_process_tables)


def test_worker_processes_keep_order_and_bound_the_work_in_flight():
    pulled = []

    def items():
        for n in [30000, 10, 20000, 5, 1, 25000, 3, 15000, 2, 7]:  # slow and quick items mixed
            pulled.append(n)
            yield n

    workers = 2
    results = []
    with ProcessEngine(workers) as engine:
        for index, result in enumerate(engine.map(math.factorial, items())):
            assert len(pulled) <= index + workers * IN_FLIGHT_PER_WORKER
            results.append(result)
    assert results == [math.factorial(n) for n in pulled]


def test_one_batch_runs_in_this_process():
    engine = ProcessEngine(2)
    assert list(engine.map(math.factorial, [5])) == [120]
    assert engine._pool is None


@pytest.fixture(scope="module")
def dask_cluster():
    with hidden_main(), LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                     dashboard_address=None) as cluster:  # app tests may leave their app as __main__
        yield cluster


def test_dask_engine_gives_the_in_process_tables_and_skips_unchanged_articles(
        corpus, in_process_tables, small_chunks, dask_cluster, tmp_path):
    with make_engine("dask", scheduler=dask_cluster.scheduler_address, prepare=warm_up) as engine:
        assert engine.workers == 2
        first = pipeline.run.run(corpus, tmp_path, engine=engine)
        again = pipeline.run.run(corpus, tmp_path, engine=engine)
    _assert_same_tables(tmp_path, in_process_tables)
    assert (first.read, first.accepted, first.new, first.analysed) == (ARTICLES, ARTICLES, ARTICLES, ARTICLES)
    assert (again.read, again.accepted, again.rejected, again.new, again.unchanged, again.analysed) == \
        (ARTICLES, ARTICLES, 0, 0, ARTICLES, 0)
    _assert_same_tables(tmp_path, in_process_tables)


def test_cli_runs_on_a_dask_scheduler(corpus, in_process_tables, small_chunks, dask_cluster, tmp_path, capsys):
    code = main(["run", str(corpus), "--store", str(tmp_path), "--engine", "dask",
                 "--scheduler", dask_cluster.scheduler_address])
    assert code == 0, capsys.readouterr().err
    assert f"read {ARTICLES} = accepted {ARTICLES} + rejected 0" in capsys.readouterr().out
    _assert_same_tables(tmp_path, in_process_tables)


def test_cli_refuses_a_scheduler_without_the_dask_engine(corpus, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["run", str(corpus), "--store", str(tmp_path), "--scheduler", "local"])
    assert exit_info.value.code == 2
    assert "--scheduler is for --engine dask" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_dask_engine_refuses_workers_that_differ_from_this_process(dask_cluster):
    differs = r"Dask worker tcp://\S+ at tcp://\S+ differs from this checkout \(getpid\(\) gives"
    with pytest.raises(OSError, match=differs):
        make_engine("dask", scheduler=dask_cluster.scheduler_address, same=os.getpid)


OWNER = """
import math, time
from pipeline.engines.processes import ProcessEngine
if __name__ == "__main__":
    engine = ProcessEngine(2)
    engine.start()
    list(engine.map(math.factorial, [1, 2, 3, 4]))
    print(*engine._pool._processes, flush=True)
    time.sleep(600)
"""


def test_workers_end_when_the_process_that_owns_them_is_killed(tmp_path):
    script = tmp_path / "owner.py"
    script.write_text(OWNER)
    owner = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    workers = [psutil.Process(int(pid)) for pid in owner.stdout.readline().split()]
    assert len(workers) == 2
    owner.kill()
    owner.wait()
    gone, alive = psutil.wait_procs(workers, timeout=60)
    assert alive == []


def test_workers_do_not_rerun_the_hosts_main_script(tmp_path, monkeypatch):
    """A host such as Streamlit runs its app as ``__main__``; workers must not execute it again."""
    marker = tmp_path / "ran"
    script = tmp_path / "host_app.py"
    script.write_text(f"open({str(marker)!r}, 'w').close()\n")
    host = types.ModuleType("__main__")
    host.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", host)
    with ProcessEngine(2) as engine:
        assert list(engine.map(math.factorial, [3, 4, 5])) == [6, 24, 120]
    assert not marker.exists()
