"""Scale benchmark (``python -m pipeline.bench --scale``): ratios measured within one run on corpora
from the demo generator, with absolute figures and the machine beside them.

- chain ÷ bare VADER over the same sentences (one core, in this process);
- worker processes ÷ one worker: analysis throughput over the same batches, workers started first;
- end to end through ``pipeline.run.run`` on a temporary store with the worker processes: wall
  time and peak memory of the whole process tree (this process, the fork server and the workers);
- an incremental re-run of the unchanged corpus ÷ that full run.
"""

from __future__ import annotations

import gc
import math
import os
import platform
import tempfile
import threading
import time
from pathlib import Path

import psutil

from pipeline.analyse import warm_up
from pipeline.bench import bare_vader_seconds
from pipeline.demo import generate_corpus, write_jsonl
from pipeline.engines import Engine
from pipeline.engines.processes import ProcessEngine
from pipeline.run import CHUNK_ARTICLES, analyse_stored_tables, run
from pipeline.schema import ARTICLES

SPEEDUP_GOAL = 1.7
INCREMENTAL_GOAL = 0.05
GDELT_DAY = 100_000
GDELT_DAY_SECONDS_GOAL = 600
TREE_MEMORY_GOAL_MB = 4096
BATCHES_PER_WORKER = 4
DASHBOARD_COMMAND = "python -m pipeline.dashboard.bench --rows 10000000"


def machine() -> str:
    """Cores, RAM, CPU model and load average of this machine."""
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                 if line.startswith("model name")]
        model = names[0] if names else model
    return (f"machine: {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.1f} GB RAM, {model}, "
            f"Python {platform.python_version()}; {load_average()}")


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


class TreeMemory:
    """Peak resident memory of this process and all its descendants, sampled in a thread."""

    def __init__(self, interval: float = 0.2):
        self.interval = interval
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        me = psutil.Process()
        while True:
            total = 0
            for process in [me, *me.children(recursive=True)]:
                try:
                    total += process.memory_info().rss
                except psutil.Error:  # a process that ended between listing and reading
                    pass
            self.peak_mb = max(self.peak_mb, total / 2**20)
            if self._stop.wait(self.interval):
                return


def start_workers(engine: ProcessEngine, timeout: float = 300) -> None:
    """Start the pool and wait until every worker has prepared and answered."""
    engine.start()
    seen: set[int] = set()
    deadline = time.monotonic() + timeout
    while len(seen) < engine.workers and time.monotonic() < deadline:
        seen.update(engine.map(_pid_after_pause, range(engine.workers * 2)))


def _pid_after_pause(_) -> int:
    time.sleep(0.2)
    return os.getpid()


def tree_cpu_seconds() -> float:
    """CPU seconds (user and system) used so far by this process and its live descendants."""
    me = psutil.Process()
    total = 0.0
    for process in [me, *me.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def _timed_map(engine: Engine, batches: list) -> tuple[float, float, list]:
    """Wall seconds, CPU seconds of the process tree and results of the analysis over `batches`."""
    cpu, began = tree_cpu_seconds(), time.perf_counter()
    results = list(engine.map(analyse_stored_tables, batches))
    return time.perf_counter() - began, tree_cpu_seconds() - cpu, results


def scale(articles: int, sample: int, workers: int) -> int:
    """Print the scale figures; 0 when it ran (targets are reported, not enforced)."""
    print(machine())
    corpus = generate_corpus(n_articles=sample)
    mean_chars = corpus["text"].str.len().mean()
    batch = max(1, min(CHUNK_ARTICLES, math.ceil(sample / (BATCHES_PER_WORKER * workers))))
    batches = [corpus.iloc[start:start + batch].assign(author_actor="")[ARTICLES].reset_index(drop=True)
               for start in range(0, sample, batch)]
    print(f"sample: {sample} generated articles ({mean_chars:.0f} characters on average), "
          f"{len(batches)} batches of ≤ {batch}")

    warm_up()  # this process is the one worker: prepared outside the timing, like the pool's workers
    one_seconds, one_cpu, results = _timed_map(Engine(), batches)
    sentences = [text for tables in results for text in tables["sentences"]["text"].tolist()]
    cpu = tree_cpu_seconds()
    vader = bare_vader_seconds(sentences)
    vader_cpu = tree_cpu_seconds() - cpu
    print(f"chain, 1 worker     {one_seconds:8.2f} s  {sample / one_seconds:7.1f} articles/s  "
          f"{len(sentences) / one_seconds:7.0f} sentences/s  ({one_cpu:.2f} CPU s)")
    print(f"bare VADER          {vader:8.2f} s  over the same {len(sentences)} sentences  ({vader_cpu:.2f} CPU s)")
    print(f"ratio chain / bare VADER = {one_seconds / vader:.2f}  (CPU seconds: {one_cpu / vader_cpu:.2f})")

    with ProcessEngine(workers, prepare=warm_up) as pool:
        began = time.perf_counter()
        start_workers(pool)
        started = time.perf_counter() - began
        many_seconds, many_cpu, _ = _timed_map(pool, batches)
    print(f"chain, {workers} workers    {many_seconds:8.2f} s  {sample / many_seconds:7.1f} articles/s  "
          f"({many_cpu:.2f} CPU s; workers started and prepared beforehand in {started:.2f} s)")
    print(f"ratio {workers} workers / 1 worker throughput = {one_seconds / many_seconds:.2f}  "
          f"(goal ≥ {SPEEDUP_GOAL})  [{load_average()}]")
    print(f"ratio CPU seconds {workers} workers / 1 worker = {many_cpu / one_cpu:.2f}  (the pool's overhead; "
          f"on {workers} idle cores the speed-up is at most {workers} / this)")
    del corpus, batches, results, sentences
    gc.collect()

    end_to_end(articles, workers)
    print(f"dashboard at 10M dyads: measured by `{DASHBOARD_COMMAND}` (not run here)")
    return 0


def end_to_end(articles: int, workers: int) -> None:
    """A full run of `articles` generated articles on `workers` processes, then an unchanged re-run."""
    with tempfile.TemporaryDirectory(prefix="entente-bench-") as folder:
        path = Path(folder) / "corpus.jsonl"
        began = time.perf_counter()
        write_jsonl(generate_corpus(n_articles=articles), path)
        gc.collect()
        print(f"corpus: {articles} generated articles, {path.stat().st_size / 1e6:.1f} MB of JSON lines, "
              f"generated and written in {time.perf_counter() - began:.1f} s")
        store = Path(folder) / "store"
        with TreeMemory() as memory, ProcessEngine(workers, prepare=warm_up) as engine:
            cpu, began = tree_cpu_seconds(), time.perf_counter()
            full = run(path, store, engine=engine)
            full_seconds = time.perf_counter() - began
            full_cpu = tree_cpu_seconds() - cpu  # the workers are still alive: their time counts
            began = time.perf_counter()
            again = run(path, store, engine=engine)
            again_seconds = time.perf_counter() - began
    def stages(report) -> str:
        return ", ".join(f"{stage} {seconds:.2f}s" for stage, seconds in report.timings.items())

    print(f"end to end, {workers} workers: {articles} articles in {full_seconds:.1f} s "
          f"({articles / full_seconds:.1f} articles/s; {stages(full)}); {full.counts.get('dyads', 0)} dyads; "
          f"{full_cpu:.1f} CPU s in the process tree")
    print(f"peak memory of the process tree {memory.peak_mb:.0f} MB  (goal < {TREE_MEMORY_GOAL_MB} MB at "
          f"{GDELT_DAY} articles)  [{load_average()}]")
    if articles != GDELT_DAY:
        print(f"extrapolated (linear, not measured) to {GDELT_DAY} articles: "
              f"{full_seconds * GDELT_DAY / articles:.0f} s  (goal < {GDELT_DAY_SECONDS_GOAL} s)")
    else:
        print(f"GDELT day: {full_seconds:.0f} s  (goal < {GDELT_DAY_SECONDS_GOAL} s)")
    print(f"incremental re-run (unchanged corpus, {again.analysed} analysed) {again_seconds:.2f} s; "
          f"ratio incremental / full run = {again_seconds / full_seconds:.3f}  (goal ≤ {INCREMENTAL_GOAL}; "
          f"{stages(again)})")
