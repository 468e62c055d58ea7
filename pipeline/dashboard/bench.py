"""The dashboard at scale: filter changes, drill-downs and searches on a store of ``--rows`` dyads.

``python -m pipeline.dashboard.bench [--store DIR] [--rows 1000000] [--repeats 50] [--large DIR] [--app]``

1. times ~50 filter changes (random granularity, date range, pairs, direction, kinds, smoothing; fixed
   seed) on the store's dyads: the Trends page's code path, query + figure build + ``fig.to_json()``;
2. writes a partitioned store of ``--rows`` dyads into a temporary directory (or ``--large DIR``, kept and
   reused when it already holds that many): month by month, each month's dyads drawn with replacement
   from the store's dyads of that month (rows per month in the store's proportions), dated uniformly
   within the month, scores jittered by N(0, 0.05) (clipped to [-1, 1]); articles and the other tables
   are the store's. Memory stays that of one month;
3. on that store times, in this process, the database's opening, filter changes, drill-downs (a random
   point of a random filter change: its evidence rows and their display table) and Quotes searches (a
   word of the evidence, under the whole date range); then the same with ``--corrections`` analysts'
   corrections applied (random rows, the four verdicts in turn; logged in a temporary folder);
4. with ``--app``, runs the real ``streamlit run app.py`` on it under headless Chromium (see
   ``bench_app``): seconds to the first chart, fresh-session page loads of a drill-down, a search and
   a filtered Trends view, and the app's peak memory.

Every figure is printed with the machine beside it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from pipeline import corrections
from pipeline.actors import actor_name, load_dictionary
from pipeline.dashboard import corrected, figures, queries
from pipeline.dashboard import urlstate as url
from pipeline.dashboard.settings import DEMO_CORPUS, STORE_ENV, store_dir
from pipeline.run import ensure_store
from pipeline.schema import DYAD_KINDS
from pipeline.store import PARTITIONED, REJECTED_COLUMNS, Version, VersionWriter, open_partitioned

TARGETS = {"start": 10.0, "filter": 0.100, "drill-down": 0.300, "search": 1.0, "peak": 1.5 * 2**30}


def resampled_month(dyads: pd.DataFrame, month: str, rows: int, rng: np.random.Generator) -> pd.DataFrame:
    """``rows`` dyads drawn from ``dyads`` (of one month) dated uniformly within ``month`` (YYYY-MM), with
    jittered scores."""
    sample = dyads.iloc[rng.integers(0, len(dyads), rows)].reset_index(drop=True)
    period = pd.Period(month, freq="M")
    first = pd.Timestamp(period.start_time, tz="UTC")
    offsets = pd.to_timedelta(rng.integers(0, period.days_in_month * 86_400, rows), unit="s")
    sample["date"] = (first + offsets).astype(dyads["date"].dtype)
    sample["score"] = (sample["score"] + rng.normal(0, 0.05, rows)).clip(-1, 1)
    return sample


def write_resampled_store(source: Version, rows: int, target: Path, seed: int = 0) -> Version:
    """A partitioned store at ``target`` of ``rows`` dyads resampled month by month from ``source``."""
    rng = np.random.default_rng(seed)
    months = source.months("dyads")
    counts = np.array([source.manifest()["months"]["dyads"][month] for month in months], dtype=float)
    per_month = rng.multinomial(rows, counts / counts.sum())
    writer = VersionWriter(target)
    try:
        writer.write_articles(source.read("articles"))
        for name in PARTITIONED:
            writer.write_schema(name, source.read(name, months=[]))
            if name == "dyads":
                continue
            for month in source.months(name):
                writer.write_month(name, month, source.read(name, months=[month]))
        for month, size in zip(months, per_month):
            if size:
                drawn = resampled_month(source.read("dyads", months=[month]), month, size, rng)
                writer.write_month("dyads", month, drawn)
        empty = pd.DataFrame(columns=REJECTED_COLUMNS)
        return Version(writer.commit(empty, {"generated": f"{rows} dyads resampled from {source.dir}"}))
    except BaseException:
        writer.abandon()
        raise


def filter_changes(domain: url.Domain, count: int, seed: int = 1) -> list[url.Filters]:
    """``count`` varied filter settings within ``domain``."""
    rng = np.random.default_rng(seed)
    days = (domain.last - domain.first).days
    changes = []
    for _ in range(count):
        first = domain.first + dt.timedelta(days=int(rng.integers(0, max(days // 2, 1))))
        last = first + dt.timedelta(days=int(rng.integers(days // 4, days + 1)))
        chosen = rng.choice(len(domain.pairs), size=int(rng.integers(0, 4)), replace=False)
        kinds = [kind for kind in DYAD_KINDS if rng.random() < 0.8] or list(DYAD_KINDS)
        changes.append(
            url.Filters(
                start=first,
                end=min(last, domain.last),
                pairs=tuple(url.parse_pair(domain.pairs[i]) for i in chosen),
                either=bool(rng.random() < 0.3),
                granularity=str(rng.choice(url.GRANULARITIES)),
                smoothing=int(rng.integers(1, 5)),
                kinds=tuple(kinds),
                min_count=int(rng.integers(1, 10)),
            )
        )
    return changes


def _timed(action) -> tuple[float, float, object]:
    """Wall and CPU seconds (all threads of this process) of ``action()`` and its result."""
    began, began_cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - began, time.process_time() - began_cpu, result


def filter_change(db: queries.StoreDB, filters: url.Filters, names: dict[str, str]) -> int:
    """Query + figure + JSON of one filter change on Trends; the JSON's size."""
    series = queries.trend_series(db, filters)
    line_names = {label: url.label_name(label, names) for label in series["pair"].unique()}
    return len(figures.trend_figure(series, line_names).to_json())


def drill_down(db: queries.StoreDB, filters: url.Filters, names: dict[str, str], rng: np.random.Generator) -> int:
    """The evidence of a random point of the filters' trend, as the drill-down table shows it; its rows."""
    series = queries.trend_series(db, filters)
    if series.empty:
        return 0
    point = series.iloc[int(rng.integers(0, len(series)))]
    rows = queries.evidence(db, filters, label=point["pair"], period=point["period"].date())
    return len(queries.evidence_display(rows, names))


def search(db: queries.StoreDB, filters: url.Filters, words: list[str], names: dict[str, str],
           rng: np.random.Generator) -> int:
    """A Quotes search for a random word of the evidence (at most 5000 rows, displayed); its rows."""
    rows = queries.evidence(db, filters, search=words[int(rng.integers(0, len(words)))])
    return len(queries.evidence_display(rows, names))


def with_corrections(db: queries.StoreDB, count: int, folder: Path, seed: int = 4) -> queries.StoreDB:
    """``db`` with ``count`` corrections of random rows (the verdicts in turn) logged in ``folder``."""
    rng = np.random.default_rng(seed)
    domain = url.Domain(*queries.domain_values(db))
    rows = queries.evidence(db, url.Filters(start=domain.first, end=domain.last), limit=5000)
    verdicts = list(corrections.VERDICTS)
    for number, index in enumerate(rng.choice(len(rows), min(count, len(rows)), replace=False)):
        row = rows.iloc[int(index)].to_dict()
        corrections.correct(folder, row, verdicts[number % len(verdicts)], "bench", "",
                            corrections.stored_rows(db.version, row))
    began = time.perf_counter()
    applied = corrected.apply(db, corrections.active(folder))
    print(f"applied {count} corrections in {(time.perf_counter() - began) * 1000:.0f} ms")
    return applied


def _percentiles(seconds: list[float]) -> str:
    ms = np.array(seconds) * 1000
    return f"p50 {np.percentile(ms, 50):.1f} ms, p95 {np.percentile(ms, 95):.1f} ms, max {ms.max():.1f} ms"


def report(title: str, db: queries.StoreDB, repeats: int, names: dict[str, str], words: list[str]) -> dict:
    """Print and return wall and CPU p50/p95 of filter changes, drill-downs and searches on ``db``."""
    domain = url.Domain(*queries.domain_values(db))
    rows = int(db.cursor().execute("SELECT coalesce(sum(n), 0) FROM days").fetchone()[0])
    changes = filter_changes(domain, repeats)
    filter_change(db, changes[0], names)
    rng = np.random.default_rng(2)
    whole = url.Filters(start=domain.first, end=domain.last)
    measured = {
        "filter": [_timed(lambda f=f: filter_change(db, f, names)) for f in changes],
        "drill-down": [_timed(lambda f=f: drill_down(db, f, names, rng)) for f in changes],
        "search": [_timed(lambda: search(db, whole, words, names, rng)) for _ in changes],
    }
    print(f"{title}: {rows:,} dyads, {repeats} of each ({_machine()})")
    for name, timings in measured.items():
        wall, cpu, sizes = zip(*timings)
        unit = "figure JSON KiB" if name == "filter" else "rows"
        mean = np.mean(sizes) / (1024 if name == "filter" else 1)
        print(f"  {name}: wall {_percentiles(wall)}; CPU {_percentiles(cpu)} ({unit} {mean:.0f} on average)")
    return {name: float(np.percentile([t[0] for t in timings], 95)) for name, timings in measured.items()}


def _machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    return (f"{os.cpu_count()} cores {model}, {memory:.0f} GiB RAM, load average {os.getloadavg()[0]:.1f}, "
            f"Python {platform.python_version()}, DuckDB {duckdb.__version__}")


def _peak_rss() -> int:
    """This process's peak resident memory in bytes."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def evidence_words(db: queries.StoreDB, count: int = 200, seed: int = 3) -> list[str]:
    """Words (4+ letters) of the store's evidence to search for."""
    terms = db.cursor().execute(
        "SELECT DISTINCT term FROM read_parquet(?) WHERE length(term) >= 4 AND NOT regexp_matches(term, '[0-9]') "
        "ORDER BY term", [[db.terms_file(month) for month in db.version.months("dyad_terms")]]
    ).fetchall()
    words = [term for (term,) in terms]
    rng = np.random.default_rng(seed)
    return [words[i] for i in rng.integers(0, len(words), count)] if words else ["the"]


def app_visits(db: queries.StoreDB, words: list[str]) -> dict[str, tuple[str, str]]:
    """Fresh-session page loads to time in the app: a drill-down, a search and a filtered Trends view."""
    domain = url.Domain(*queries.domain_values(db))
    pair = domain.pairs[0]
    series = queries.trend_series(db, url.Filters(start=domain.first, end=domain.last, pairs=(url.parse_pair(pair),)))
    point = f"{pair}@{series['period'].iloc[len(series) // 2].date()}"
    return {
        "drill-down page": (url.share_url("/", {url.PAIRS: [pair], url.POINT: point}), ".st-key-drill_table"),
        "search page": (url.share_url("/quotes", {url.SEARCH: words[0]}), ".st-key-quotes_table"),
        "filtered trends page": (url.share_url("/", {url.PAIRS: list(domain.pairs[:3]), url.GRANULARITY: "week"}),
                                 ".st-key-trend_chart .js-plotly-plot .main-svg"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.dashboard.bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--store", type=Path, default=None, help=f"store directory (default ${STORE_ENV} or data/stores/demo)"
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="dyads in the generated large store")
    parser.add_argument("--repeats", type=int, default=50, help="filter changes, drill-downs and searches timed")
    parser.add_argument("--large", type=Path, default=None, help="keep (and reuse) the generated store here")
    parser.add_argument("--app", action="store_true", help="also measure the real app under headless Chromium")
    parser.add_argument("--corrections", type=int, default=20, help="corrections applied in the last measurement")
    args = parser.parse_args(argv)
    try:
        run_bench(args.store or store_dir(), args.rows, args.repeats, args.large, args.app, args.corrections)
    except (ValueError, OSError, RuntimeError, duckdb.Error) as error:
        print(f"bench: {(str(error).splitlines() or [type(error).__name__])[0]}", file=sys.stderr)
        return 2
    return 0


def run_bench(store: Path, rows: int, repeats: int, large: Path | None = None, app: bool = False,
              correction_count: int = 20) -> None:
    """The benchmark on ``store`` (built from the demo corpus if it has no version yet) and on a store of
    ``rows`` resampled dyads (in ``large``, or a temporary directory)."""
    ensure_store(store, DEMO_CORPUS)
    dictionary = load_dictionary()
    db = queries.open_store(open_partitioned(store))
    codes = {code for pair in queries.domain_values(db)[2] for code in url.label_codes(pair)}
    names = {code: actor_name(dictionary, code) for code in codes}
    words = evidence_words(db)
    report("store", db, repeats, names, words)
    with tempfile.TemporaryDirectory() as folder:
        target = large or Path(folder) / "large"
        reuse = (target / "current").exists() and open_partitioned(target).manifest()["counts"]["dyads"] == rows
        if not reuse:
            began = time.perf_counter()
            write_resampled_store(db.version, rows, target)
            print(f"generated a store of {rows:,} resampled dyads in {time.perf_counter() - began:.1f} s "
                  f"(this process's peak memory {_peak_rss() / 2**30:.2f} GiB)")
        began = time.perf_counter()
        large_db = queries.open_store(open_partitioned(target))
        days = large_db.cursor().execute("SELECT count(*) FROM days").fetchone()[0]
        print(f"opened it in {(time.perf_counter() - began) * 1000:.0f} ms ({days:,} rows of day totals in memory)")
        p95 = report("generated", large_db, repeats, names, words)
        if correction_count:
            fixed = with_corrections(large_db, correction_count, Path(folder) / "log")
            report(f"generated, {correction_count} corrections applied", fixed, repeats, names, words)
        if app:
            from pipeline.dashboard.bench_app import measure_app

            log = Path(folder) / "streamlit.log"
            measured = measure_app(target, app_visits(large_db, words), log)
            peak = measured.pop("peak")
            print(f"app (streamlit run app.py, headless Chromium, {_machine()}):")
            print(f"  start to first chart {measured['start']:.2f} s, the app's CPU {measured['start cpu']:.2f} s "
                  f"(target ≤ {TARGETS['start']:.0f} s); peak memory {peak / 2**30:.2f} GiB, process and children "
                  f"(target ≤ {TARGETS['peak'] / 2**30:.1f} GiB)")
            for name in app_visits(large_db, words):
                print(f"  {name} (fresh session, whole page) {measured[name]:.2f} s, the app's CPU "
                      f"{measured[name + ' cpu']:.2f} s")
        print("targets in this process: " + ", ".join(
            f"{name} p95 {p95[name] * 1000:.0f} ms (≤ {TARGETS[name] * 1000:.0f} ms)"
            for name in ("filter", "drill-down", "search")))

if __name__ == "__main__":
    sys.exit(main())
