"""Plotly figures: what a click returns, greyed points, and escaped labels."""

import datetime as dt

import pandas as pd

from pipeline.dashboard import figures


def invented_series() -> pd.DataFrame:
    periods = pd.date_range("2025-01-01", periods=4, freq="MS")
    return pd.DataFrame(
        {
            "pair": ["RUS>USA"] * 4,
            "period": periods,
            "mean": [0.1, -0.2, 0.3, 0.0],
            "lo": [0.0, -0.4, 0.1, -0.1],
            "hi": [0.2, 0.0, 0.5, 0.1],
            "n": [5, 1, 7, 4],
            "period_n": [5, 1, 7, 4],
            "below_min": [False, True, False, False],
        }
    )


def test_trend_points_carry_their_identity_and_few_items_are_grey():
    figure = figures.trend_figure(
        invented_series(), {"RUS>USA": "Russia → <USA>"}, selected=("RUS>USA", dt.date(2025, 3, 1))
    )
    line = next(t for t in figure.data if t.type == "scatter" and t.mode == "lines+markers")
    bars = next(t for t in figure.data if t.type == "bar")
    assert [tuple(row) for row in line.customdata] == [
        ("RUS>USA", "2025-01-01", 5),
        ("RUS>USA", "2025-02-01", 1),
        ("RUS>USA", "2025-03-01", 7),
        ("RUS>USA", "2025-04-01", 4),
    ]
    assert list(line.marker.color) == [0, 1, 0, 0] and line.marker.colorscale[-1] == (1, figures.BELOW_MIN_COLOUR)
    assert list(bars.marker.opacity) == [1.0, 0.3, 1.0, 1.0]
    assert line.name == "Russia → &lt;USA&gt;"
    [ring] = [t for t in figure.data if t.name == "selected"]
    assert list(ring.y) == [0.3]


def test_events_are_escaped_annotations():
    events = pd.DataFrame(
        {"date": pd.to_datetime(["2025-02-10"], utc=True), "title": ["<b>Summit</b>"], "description": ["a & b"]}
    )
    figure = figures.trend_figure(invented_series(), {}, events)
    [annotation] = figure.layout.annotations
    assert annotation.text == "<b>1</b>" and annotation.hovertext == "&lt;b&gt;Summit&lt;/b&gt;<br>a &amp; b"
    assert len(figure.layout.shapes) == 1


def test_matrix_cells_carry_pair_and_count_with_named_axes():
    cells = pd.DataFrame(
        {"source_actor": ["RUS", "USA"], "target_actor": ["USA", "RUS"], "mean": [0.2, -0.3], "n": [10, 4]}
    )
    figure = figures.matrix_figure(cells, {"RUS": "Russia", "USA": "United <States>"})
    assert [tuple(row) for row in figure.data[0].customdata] == [("RUS>USA", 10), ("USA>RUS", 4)]
    assert list(figure.layout.xaxis.ticktext) == ["Russia (RUS)", "United &lt;States&gt; (USA)"]
