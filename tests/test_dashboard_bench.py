"""The dashboard benchmark's generated table and filter changes (its timings are printed, not tested)."""

import datetime as dt

import numpy as np
import pandas as pd

from pipeline.dashboard import bench
from pipeline.dashboard import urlstate as url
from pipeline.store import DYAD_ORDER, read_table


def test_resampled_dyads_keep_the_span_and_the_store_order(demo_store):
    dyads = read_table(demo_store, "dyads")
    large = bench.resampled_dyads(dyads, 30_000)
    assert len(large) == 30_000 and list(large.columns) == list(dyads.columns)
    assert large["date"].between(dyads["date"].min(), dyads["date"].max()).all()
    assert large["score"].between(-1, 1).all()
    assert large["date"].nunique() > dyads["date"].nunique()
    assert large.equals(large.sort_values(DYAD_ORDER, kind="stable", ignore_index=True))
    assert set(zip(large["source_actor"], large["target_actor"])) <= set(
        zip(dyads["source_actor"], dyads["target_actor"])
    )


def test_filter_changes_stay_inside_the_domain():
    domain = url.Domain(dt.date(2024, 1, 1), dt.date(2025, 12, 31), ("RUS>USA", "USA>RUS", "EU>CHN"), ("Wire",))
    changes = bench.filter_changes(domain, 50)
    assert len(set(changes)) == 50
    for filters in changes:
        assert domain.first <= filters.start <= filters.end <= domain.last
        assert {str(pair) for pair in filters.pairs} <= set(domain.pairs)
        assert filters.granularity in url.GRANULARITIES and filters.kinds
    assert {f.granularity for f in changes} == set(url.GRANULARITIES)


def test_bench_prints_both_tables(demo_store, capsys):
    assert bench.main(["--store", str(demo_store), "--rows", "20000", "--repeats", "3"]) == 0
    printed = capsys.readouterr().out
    assert "store: " in printed and "generated: 20,000 dyads, 3 filter changes: wall p50" in printed
    assert np.isfinite(pd.to_numeric(printed.split("CPU p50 ")[1].split(" ms")[0]))


def test_bench_reports_an_unusable_store_in_one_line(tmp_path, capsys):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    assert bench.main(["--store", str(blocker / "store"), "--rows", "10", "--repeats", "1"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("bench: ") and error.count("\n") == 1 and "Traceback" not in error
