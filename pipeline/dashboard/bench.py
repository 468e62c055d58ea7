"""Server-side cost of a filter change on Trends: query + figure build + ``fig.to_json()``.

``python -m pipeline.dashboard.bench [--store DIR] [--rows 1000000] [--repeats 50]`` times ~50
filter changes (random granularity, date range, pairs, direction, kinds, smoothing; fixed seed)
on the store's dyads and then on a generated table of ``--rows`` dyads, and prints p50/p95.

The large table is made by resampling the store's dyads with replacement, shifting each row's
date by a random whole number of weeks within the store's span plus up to ±3 days of jitter, and
jittering scores by N(0, 0.05) (clipped to [-1, 1]); it is written sorted by pair and date, as the
store writes dyads, into a temporary directory that is deleted afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from pipeline.actors import actor_name, load_dictionary
from pipeline.dashboard import figures, queries
from pipeline.dashboard import urlstate as url
from pipeline.dashboard.settings import DEMO_CORPUS, STORE_ENV, store_dir
from pipeline.run import ensure_store
from pipeline.schema import DYAD_KINDS
from pipeline.store import DYAD_ORDER, table_path


def resampled_dyads(dyads: pd.DataFrame, rows: int, seed: int = 0) -> pd.DataFrame:
    """``rows`` dyads drawn from ``dyads`` with shifted, jittered dates and jittered scores."""
    rng = np.random.default_rng(seed)
    sample = dyads.iloc[rng.integers(0, len(dyads), rows)].reset_index(drop=True)
    span_weeks = max(int((dyads["date"].max() - dyads["date"].min()).days // 7), 1)
    weeks = rng.integers(-span_weeks // 2, span_weeks // 2 + 1, rows)
    jitter = rng.integers(-3 * 24, 3 * 24 + 1, rows)
    shifted = sample["date"] + pd.to_timedelta(weeks * 7 * 24 + jitter, unit="h")
    low, high = dyads["date"].min(), dyads["date"].max()
    sample["date"] = shifted.where((shifted >= low) & (shifted <= high), sample["date"])
    sample["score"] = (sample["score"] + rng.normal(0, 0.05, rows)).clip(-1, 1)
    return sample.sort_values(DYAD_ORDER, kind="stable", ignore_index=True)


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


def time_filter_change(con, filters: url.Filters, names: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds and CPU seconds (all threads of this process) for query + figure + JSON of one
    filter change, and the JSON's size."""
    began, began_cpu = time.perf_counter(), time.process_time()
    series = queries.trend_series(con, filters)
    line_names = {label: url.label_name(label, names) for label in series["pair"].unique()}
    payload = figures.trend_figure(series, line_names).to_json()
    return time.perf_counter() - began, time.process_time() - began_cpu, len(payload)


def report(title: str, con, repeats: int, names: dict[str, str]) -> None:
    """Print row count, wall p50/p95/max and CPU p50/p95 in milliseconds and the mean figure size
    for ``repeats`` changes (wall time suffers when other processes share the cores; CPU time less)."""
    rows = con.execute("SELECT count(*) FROM dyads").fetchone()[0]
    domain = url.Domain(*queries.domain_values(con))
    time_filter_change(con, filter_changes(domain, 1, seed=99)[0], names)
    wall, cpu, sizes = (
        np.array(column)
        for column in zip(*(time_filter_change(con, f, names) for f in filter_changes(domain, repeats)))
    )
    wall_ms, cpu_ms = wall * 1000, cpu * 1000
    print(
        f"{title}: {rows:,} dyads, {repeats} filter changes: wall p50 {np.percentile(wall_ms, 50):.1f} ms, "
        f"p95 {np.percentile(wall_ms, 95):.1f} ms, max {wall_ms.max():.1f} ms; "
        f"CPU p50 {np.percentile(cpu_ms, 50):.1f} ms, "
        f"p95 {np.percentile(cpu_ms, 95):.1f} ms (figure JSON {sizes.mean() / 1024:.0f} KiB on average; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.dashboard.bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--store", type=Path, default=None, help=f"store directory (default ${STORE_ENV} or data/stores/demo)"
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="dyads in the generated large table")
    parser.add_argument("--repeats", type=int, default=50, help="filter changes timed per table")
    args = parser.parse_args(argv)
    try:
        run_bench(args.store or store_dir(), args.rows, args.repeats)
    except (ValueError, OSError, duckdb.Error) as error:
        print(f"bench: {(str(error).splitlines() or [type(error).__name__])[0]}", file=sys.stderr)
        return 2
    return 0


def run_bench(store: Path, rows: int, repeats: int) -> None:
    """Time filter changes on ``store`` (built from the demo corpus if it has no version yet) and
    on ``rows`` resampled dyads."""
    ensure_store(store, DEMO_CORPUS)
    dictionary = load_dictionary()
    dyads_path = table_path(store, "dyads")
    began = time.perf_counter()
    con = queries.open_dyads(dyads_path)
    print(f"loaded {dyads_path} into DuckDB in {(time.perf_counter() - began) * 1000:.0f} ms")
    codes = {code for pair in queries.domain_values(con)[2] for code in url.label_codes(pair)}
    names = {code: actor_name(dictionary, code) for code in codes}
    report("store", con, repeats, names)
    with tempfile.TemporaryDirectory() as folder:
        large_path = Path(folder) / "dyads.parquet"
        began = time.perf_counter()
        resampled_dyads(pd.read_parquet(dyads_path), rows).to_parquet(large_path, row_group_size=50_000)
        print(f"generated {rows:,} resampled dyads in {time.perf_counter() - began:.1f} s")
        began = time.perf_counter()
        large = queries.open_dyads(large_path)
        print(f"loaded them into DuckDB in {(time.perf_counter() - began) * 1000:.0f} ms")
        report("generated", large, repeats, names)


if __name__ == "__main__":
    sys.exit(main())
