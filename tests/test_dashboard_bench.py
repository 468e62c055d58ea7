"""The dashboard benchmark's generated store and filter changes (its timings are printed, not tested)."""

import datetime as dt

import numpy as np
import pandas as pd

from pipeline import corrections
from pipeline.dashboard import bench, corrected, queries
from pipeline.dashboard import urlstate as url
from pipeline.store import open_partitioned, read_table


def test_resampled_month_stays_in_its_month_and_keeps_the_pairs(demo_store):
    dyads = read_table(demo_store, "dyads")
    month = dyads["date"].dt.strftime("%Y-%m").mode()[0]
    drawn = bench.resampled_month(dyads, month, 30_000, np.random.default_rng(0))
    assert len(drawn) == 30_000 and list(drawn.columns) == list(dyads.columns)
    assert (drawn["date"].dt.strftime("%Y-%m") == month).all() and drawn["date"].dtype == dyads["date"].dtype
    assert drawn["score"].between(-1, 1).all() and drawn["date"].nunique() > 20_000
    assert set(zip(drawn["source_actor"], drawn["target_actor"])) <= set(
        zip(dyads["source_actor"], dyads["target_actor"]))


def test_the_resampled_store_holds_the_rows_month_by_month_with_its_indexes(demo_store, tmp_path):
    source = open_partitioned(demo_store)
    large = bench.write_resampled_store(source, 20_000, tmp_path / "large")
    months = large.months("dyads")
    assert set(months) <= set(source.months("dyads")) and large.months("dyad_days") == months
    assert large.manifest()["counts"]["dyads"] == 20_000 == len(large.read("dyads", columns=["score"]))
    db = queries.open_store(large)
    assert db.cursor().execute("SELECT sum(n) FROM days").fetchone()[0] == 20_000
    assert large.manifest()["counts"]["articles"] == source.manifest()["counts"]["articles"]


def test_filter_changes_stay_inside_the_domain():
    domain = url.Domain(dt.date(2024, 1, 1), dt.date(2025, 12, 31), ("RUS>USA", "USA>RUS", "EU>CHN"), ("Wire",))
    changes = bench.filter_changes(domain, 50)
    assert len(set(changes)) == 50
    for filters in changes:
        assert domain.first <= filters.start <= filters.end <= domain.last
        assert {str(pair) for pair in filters.pairs} <= set(domain.pairs)
        assert filters.granularity in url.GRANULARITIES and filters.kinds
    assert {f.granularity for f in changes} == set(url.GRANULARITIES)


def test_bench_prints_every_measure_for_both_stores(demo_store, capsys):
    assert bench.main(["--store", str(demo_store), "--rows", "20000", "--repeats", "3"]) == 0
    printed = capsys.readouterr().out
    assert "store: " in printed and "generated: 20,000 dyads, 3 of each" in printed
    for measure in ("filter", "drill-down", "search"):
        line = next(line for line in printed.splitlines() if line.strip().startswith(f"{measure}: wall"))
        assert np.isfinite(pd.to_numeric(line.split("CPU p50 ")[1].split(" ms")[0]))


def test_bench_reports_an_unusable_store_in_one_line(tmp_path, capsys):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    assert bench.main(["--store", str(blocker / "store"), "--rows", "10", "--repeats", "1"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("bench: ") and error.count("\n") == 1 and "Traceback" not in error


def test_the_corrections_measured_are_logged_apart_and_applied(demo_store, tmp_path):
    db = queries.open_store(open_partitioned(demo_store))
    fixed = bench.with_corrections(db, 8, tmp_path / "log")
    assert len(corrected.matched_ids(fixed)) == 8 and not (demo_store / corrections.LOG_DIR).exists()

    def total(database):
        return database.cursor().execute(f"SELECT sum(n) FROM {database.days}").fetchone()[0]

    assert total(fixed) == total(db) - 4  # two of each dropping verdict
