"""External validity: the cached store of speeches, our author-sourced dyad-years, the rank comparison
with ICEWS dyad-years and the evidence of a disagreement (invented speeches and events)."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from pipeline.evaluation import external_validity as external
from pipeline.store import read_table

SPEECHES = pd.DataFrame({
    "country_iso3": ["CHL", "PER", "CHL", "XYZ"],
    "session": [60, 60, 70, 60],
    "year": [2005, 2005, 2015, 2005],
    "text": [
        "Chile warmly welcomes the fisheries agreement with Peru. Chile thanks Peru for its generous help.",
        "Peru condemns the threats made by Chile. Peru strongly protests against Chile.",
        "Chile praised Argentina for its leadership.",
        "An invented speech by nobody about Norway.",
    ],
})


@pytest.fixture(scope="module")
def ungd(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ungd")
    SPEECHES.iloc[:2].to_csv(folder / external.UNGD_FILES[0], index=False)
    SPEECHES.iloc[2:].to_csv(folder / external.UNGD_FILES[1], index=False)
    cache = folder / "cache"
    store, report = external.ungd_store(folder, cache, years=(2005, 2010))
    return folder, cache, store, report


def test_the_speeches_of_the_years_are_analysed_once_into_the_cache(ungd):
    folder, cache, store, report = ungd
    assert report.accounting_line().startswith("read 3 = accepted 2 + rejected 1")  # 2015 left out
    assert report.rejections["reason"].tolist() == [
        "unknown author: 'XYZ' is not an actor id or name in the dictionary"]
    assert store.is_relative_to(cache)
    again, none = external.ungd_store(folder, cache, years=(2005, 2010))
    assert again == store and none is None


def test_our_dyad_years_keep_only_rows_whose_source_is_the_author(ungd):
    *_, store, _ = ungd
    years, rows = external.ours(store)
    authors = read_table(store, "articles").set_index("article_id")["author_actor"]
    assert len(rows) and (rows["source_actor"] == rows["article_id"].map(authors)).all()
    by_dyad_year = years.set_index(["source_actor", "target_actor", "year"])
    chile, peru = by_dyad_year.loc[("CHL", "PER", 2005)], by_dyad_year.loc[("PER", "CHL", 2005)]
    assert chile["rows"] == 4 and chile["ours"] > 0 > peru["ours"]  # two statements, and the author's voice in both
    voiced = external.ours(store, ("author",))[0].set_index(["source_actor", "target_actor"])["rows"]
    assert voiced.to_dict() == {("CHL", "PER"): 2, ("PER", "CHL"): 2}  # every sentence judges the other


def test_compare_ranks_joined_dyad_years_above_the_thresholds():
    ours = pd.DataFrame({"source_actor": ["A", "B", "C", "D", "E"], "target_actor": "Z", "year": 2010,
                         "ours": [0.5, 0.2, -0.1, -0.4, 0.9], "rows": [3, 2, 5, 2, 1]})
    icews = pd.DataFrame({"source_actor": ["A", "B", "C", "D", "E"], "target_actor": "Z", "year": 2010,
                          "icews": [-3.0, 1.0, 0.5, -2.0, 5.0], "events": [12, 30, 10, 9, 40]})
    comparison = external.compare(ours, icews)
    assert sorted(comparison.dyad_years["source_actor"]) == ["A", "B", "C"]  # D: 9 events, E: 1 row
    assert comparison.rho == pytest.approx(-0.5)
    assert comparison.dyad_years["source_actor"].iloc[0] == "A"  # ranked first by us, last by ICEWS
    assert external.spearman(pd.Series([1, 2, 3, 4]), pd.Series([10, 20, 30, 45])) == pytest.approx(1.0)
    assert np.isnan(external.spearman(pd.Series([1, 2]), pd.Series([2, 1])))


def test_icews_years_average_goldstein_per_directed_year():
    events = pd.DataFrame({"date": pd.to_datetime(["2010-01-01", "2010-12-31", "2011-01-01"], utc=True),
                           "source": "RUS", "target": "UKR", "goldstein": [2.0, -4.0, 1.0]})
    assert external.icews_years(events).values.tolist() == [["RUS", "UKR", 2010, -1.0, 2], ["RUS", "UKR", 2011, 1.0, 1]]


def test_evidence_shows_the_rows_that_pull_the_mean():
    rows = pd.DataFrame({"source_actor": "A", "target_actor": "Z", "year": 2010, "score": [0.1, -0.6, 0.8, 0.3],
                         "evidence": ["w", "x", "y", "z"]})
    dyad_year = next(pd.DataFrame({"source_actor": ["A"], "target_actor": ["Z"], "year": [2010], "ours": [0.15]})
                     .itertuples())
    assert external.evidence(rows, dyad_year, limit=2)["evidence"].tolist() == ["y", "z"]


def test_the_command_skips_when_the_data_is_absent(tmp_path):
    result = subprocess.run([sys.executable, "-m", "pipeline.evaluate", "--external", "--shared", str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.startswith("external: skipped — ")


def test_the_cache_key_follows_the_analysis_code_but_not_the_dashboard(monkeypatch, tmp_path):
    import pipeline

    package = tmp_path / "pipeline"
    for name in ("analyse.py", "dashboard/queries.py", "relations/stage.py"):
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(f"# {name}\n", encoding="utf-8")
    monkeypatch.setattr(pipeline, "__file__", str(package / "__init__.py"))
    key = external.analysis_key()
    (package / "dashboard" / "queries.py").write_text("# changed\n", encoding="utf-8")
    assert external.analysis_key() == key
    (package / "relations" / "stage.py").write_text("# changed\n", encoding="utf-8")
    assert external.analysis_key() != key


def test_named_in_speeches_counts_how_often_the_source_names_the_target(ungd):
    _, _, store, _ = ungd
    icews = pd.DataFrame({"source_actor": ["CHL", "PER", "CHL", "PER"], "target_actor": ["PER", "CHL", "ARG", "CHL"],
                          "year": [2005, 2005, 2005, 2006], "events": [12, 30, 40, 3]})
    named = external.named_in_speeches(store, icews)
    assert named.tolist() == [2, 2, 0]  # the 2006 dyad-year has too few events to count
