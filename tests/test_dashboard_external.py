"""External events beside our series: the folder format, its one-line problems and the per-period means."""

import datetime as dt
import json

import pandas as pd
import pytest

from pipeline.dashboard import figures, queries
from pipeline.dashboard.external import read_external
from pipeline.dashboard.urlstate import Filters, Pair


def _events(folder, name: str, text: str):
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_csv_with_dates_and_parquet_with_years_are_read_together(tmp_path):
    _events(tmp_path, "a.csv", "date,source,target,goldstein\n2014-03-04,RUS,UKR,-7\n2014-05-01,UKR,RUS,-5.5\n")
    pd.DataFrame({"year": [2015], "source": ["RUS"], "target": ["UKR"], "goldstein": [2.0]}).to_parquet(
        tmp_path / "b.parquet")
    (tmp_path / "notes.txt").write_text("not events", encoding="utf-8")
    events, problem = read_external(tmp_path)
    assert problem is None
    assert events.values.tolist() == [
        [pd.Timestamp("2014-03-04", tz="UTC"), "RUS", "UKR", -7.0],
        [pd.Timestamp("2014-05-01", tz="UTC"), "UKR", "RUS", -5.5],
        [pd.Timestamp("2015-01-01", tz="UTC"), "RUS", "UKR", 2.0],
    ]


def test_no_folder_means_no_events_and_no_problem(tmp_path):
    events, problem = read_external(tmp_path / "absent")
    assert events.empty and problem is None


@pytest.mark.parametrize(("text", "problem"), [
    ("when,source,target,goldstein\n2014,RUS,UKR,1\n", "bad.csv: missing column(s) year"),
    ("date,source,target,goldstein\n2014-03-04,RUS,UKR,1\nsoon,RUS,UKR,2\n", "bad.csv: line 3: unusable date 'soon'"),
    ("year,source,target,goldstein\n2014,RUS,UKR,12\n", "bad.csv: line 2: unusable goldstein '12'"),
])
def test_an_unusable_file_is_one_line_naming_file_and_line(tmp_path, text, problem):
    _events(tmp_path, "bad.csv", text)
    events, found = read_external(tmp_path)
    assert events.empty and found.startswith(problem) and "\n" not in found


def test_external_series_means_per_period_for_both_directions_over_whole_periods():
    events = pd.DataFrame({
        "date": pd.to_datetime(["2013-06-01", "2014-03-04", "2014-09-01", "2014-05-01", "2014-05-02"], utc=True),
        "source": ["RUS", "RUS", "RUS", "UKR", "USA"],
        "target": ["UKR", "UKR", "UKR", "RUS", "UKR"],
        "goldstein": [3.0, -7.0, -5.0, -2.0, 4.0],
    })
    filters = Filters(dt.date(2014, 9, 15), dt.date(2014, 9, 15), granularity="year")  # whole years count
    series = queries.external_series(events, filters, Pair("RUS", "UKR"))
    assert series.values.tolist() == [["RUS>UKR", pd.Timestamp("2014-01-01"), -6.0, 2],
                                      ["UKR>RUS", pd.Timestamp("2014-01-01"), -2.0, 1]]
    monthly = queries.external_series(events, Filters(dt.date(2014, 3, 10), dt.date(2014, 5, 1)), Pair("RUS", "UKR"))
    assert monthly["period"].dt.strftime("%Y-%m").tolist() == ["2014-03", "2014-05"]
    assert queries.external_series(events, filters, Pair("CHN", "UKR")).empty


def test_external_figure_escapes_names_and_keeps_the_direction_order():
    series = pd.DataFrame({"pair": ["UKR>RUS", "RUS>UKR"], "period": pd.to_datetime(["2014-01-01"] * 2),
                           "mean": [-2.0, -6.0], "n": [1, 2]})
    figure = figures.external_figure(series, {"RUS>UKR": "Russia <b>→</b> Ukraine", "UKR>RUS": "Ukraine → Russia"})
    spec = json.loads(figure.to_json())
    assert [trace["name"] for trace in spec["data"]] == ["Russia &lt;b&gt;→&lt;/b&gt; Ukraine", "Ukraine → Russia"]
