"""AppTest tests of every dashboard page on the store built from the demo corpus."""

import base64
import datetime as dt
import html
import json
import re
import shutil
from contextlib import contextmanager
from pathlib import Path
from unittest.mock import patch

import numpy as np
import pandas as pd
import pytest
from streamlit import config
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import ElementTree

from pipeline.dashboard import queries
from pipeline.dashboard import urlstate as url
from pipeline.dashboard.figures import BELOW_MIN_COLOUR
from pipeline.dashboard.settings import EVENTS_PATH
from pipeline.schema import ARTICLES, DYADS, MENTIONS, QUOTES, SENTENCES
from pipeline.store import (
    TABLES,
    current_version_dir,
    open_version,
    read_rejected,
    read_table,
    table_files,
    write_version,
)

APP = str(Path(__file__).resolve().parents[1] / "app.py")
EMPTY_TABLES = {
    "articles": ARTICLES,
    "sentences": SENTENCES,
    "mentions": MENTIONS,
    "quotes": QUOTES,
    "dyads": DYADS,
}
PAGES = ["trends", "pair", "matrix", "quotes", "shifts", "try_text", "data"]


@pytest.fixture(autouse=True)
def error_details():
    """Show exception messages in AppTest (``.streamlit/config.toml`` hides them from users)."""
    shown = config.get_option("client.showErrorDetails")
    config.set_option("client.showErrorDetails", "full")
    yield
    config.set_option("client.showErrorDetails", shown)


@pytest.fixture(scope="module")
def facts(demo_store):
    """What the demo store holds: its domain and the busiest directed pair."""
    con = queries.open_store(open_version(demo_store))
    domain = url.Domain(*queries.domain_values(con))
    return {"con": con, "domain": domain, "pair": domain.pairs[0]}


def start(store: Path, monkeypatch, params: dict | None = None, page: str | None = None) -> AppTest:
    """Run the app on ``store`` with ``params`` in the URL (then switch to ``page``)."""
    monkeypatch.setenv("ENTENTE_STORE", str(store))
    app = AppTest.from_file(APP, default_timeout=120)
    for name, value in (params or {}).items():
        app.query_params[name] = value
    app.run()
    if page:
        app.switch_page(f"app_pages/{page}.py").run()
    assert not app.exception, app.exception
    return app


@contextmanager
def injected(element_id: str, payload: dict):
    """Make the next runs receive ``payload`` as the state of widget ``element_id`` (a chart or
    dataframe selection, which AppTest cannot click)."""
    original = ElementTree.get_widget_states

    def with_selection(tree):
        states = original(tree)
        states.widgets.append(WidgetState(id=element_id, string_value=json.dumps(payload)))
        return states

    with patch.object(ElementTree, "get_widget_states", with_selection):
        yield


def chart_spec(app: AppTest, key: str) -> dict:
    chart = next(chart for chart in app.get("plotly_chart") if chart.proto.id.endswith(f"-{key}"))
    return json.loads(chart.proto.spec)


def chart_id(app: AppTest, key: str) -> str:
    return next(chart.proto.id for chart in app.get("plotly_chart") if chart.proto.id.endswith(f"-{key}"))


def private_copy(store: Path, folder: Path) -> Path:
    """A copy of ``store`` under ``folder`` for tests that change it (its ``current`` must not
    point back into the shared demo store)."""
    copy = shutil.copytree(store, folder / "store", symlinks=True)
    assert current_version_dir(copy).is_relative_to(copy.resolve())
    return copy


def plotly_array(value) -> np.ndarray:
    """A plotly JSON array: a list, or a typed array ``{"dtype": "i1", "bdata": base64}``."""
    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    return np.asarray(value)


def texts(elements) -> list[str]:
    return [element.value for element in elements]


def filters_of(facts, **changes) -> url.Filters:
    return url.Filters(start=facts["domain"].first, end=facts["domain"].last, **changes)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_with_the_synthetic_badge(demo_store, monkeypatch, page):
    app = start(demo_store, monkeypatch, page=page)
    assert not app.warning, texts(app.warning)
    assert any("Synthetic demo data" in text for text in texts(app.sidebar.markdown))


def test_trends_shows_the_busiest_pairs_by_default(demo_store, monkeypatch, facts):
    app = start(demo_store, monkeypatch)
    spec = chart_spec(app, "trend_chart")
    lines = {trace["customdata"][0][0] for trace in spec["data"] if trace.get("mode") == "lines+markers"}
    busiest = {str(pair) for pair in queries.top_pairs(facts["con"], filters_of(facts))}
    assert lines == busiest and len(lines) == url.DEFAULT_PAIR_COUNT


def test_query_params_choose_pair_granularity_and_minimum(demo_store, monkeypatch, facts):
    pair = facts["pair"]
    monthly = start(demo_store, monkeypatch, {url.PAIRS: pair})
    weekly = start(demo_store, monkeypatch, {url.PAIRS: pair, url.GRANULARITY: "week", url.MIN_COUNT: "1000"})
    line = [t for t in chart_spec(monthly, "trend_chart")["data"] if t.get("mode") == "lines+markers"]
    weekly_line = [t for t in chart_spec(weekly, "trend_chart")["data"] if t.get("mode") == "lines+markers"]
    assert len(line) == 1 and line[0]["customdata"][0][0] == pair
    expected = queries.trend_series(facts["con"], filters_of(facts, pairs=(url.parse_pair(pair),), granularity="week"))
    assert len(weekly_line[0]["x"]) == len(expected) > len(line[0]["x"])
    assert weekly_line[0]["marker"]["colorscale"][-1] == [1, BELOW_MIN_COLOUR]
    assert plotly_array(weekly_line[0]["marker"]["color"]).tolist() == [1] * len(expected)
    monthly_series = queries.trend_series(facts["con"], filters_of(facts, pairs=(url.parse_pair(pair),)))
    greyed = plotly_array(line[0]["marker"]["color"]).astype(bool)
    assert greyed.tolist() == (monthly_series["period_n"] < url.DEFAULT_MIN_COUNT).tolist()
    assert weekly.session_state["view"].filters.granularity == "week"


def test_invalid_params_warn_and_fall_back_to_defaults(demo_store, monkeypatch):
    app = start(
        demo_store,
        monkeypatch,
        {
            url.GRANULARITY: "fortnight",
            url.PAIRS: "ZZZ>QQQ",
            url.MIN_COUNT: "lots",
            url.DATES: ["1999-01-01", "1999-02-01"],
            url.POINT: "<b>bold</b>",
        },
    )
    warnings = " ".join(texts(app.sidebar.warning))
    for name in (url.GRANULARITY, url.PAIRS, url.MIN_COUNT, url.DATES, url.POINT):
        assert f"`{name}=" in warnings
    filters = app.session_state["view"].filters
    assert (
        filters.granularity == url.DEFAULT_GRANULARITY
        and filters.pairs == ()
        and filters.min_count == url.DEFAULT_MIN_COUNT
    )
    assert app.session_state["view"].point is None
    assert chart_spec(app, "trend_chart")["data"]


def test_clicking_a_point_opens_its_drill_down(demo_store, monkeypatch, facts):
    pair = facts["pair"]
    app = start(demo_store, monkeypatch, {url.PAIRS: pair})
    line = next(t for t in chart_spec(app, "trend_chart")["data"] if t.get("mode") == "lines+markers")
    label, period, count = line["customdata"][0]
    selection = {
        "selection": {
            "points": [
                {
                    "curve_number": 1,
                    "point_number": 0,
                    "point_index": 0,
                    "x": period,
                    "customdata": {"0": label, "1": period, "2": count},
                }
            ],
            "point_indices": [0],
            "box": [],
            "lasso": [],
        }
    }
    with injected(chart_id(app, "trend_chart"), selection):
        app.run()
    assert not app.exception
    assert app.session_state[url.POINT] == f"{pair}@{period}"
    app.run()
    table = app.dataframe[0].value
    assert len(table) == count
    source, target = url.label_codes(pair)
    assert (
        table["source actor"].str.endswith(f"({source})").all()
        and table["target actor"].str.endswith(f"({target})").all()
    )
    assert (table["date"] >= period).all()


def test_point_in_the_url_shows_its_evidence_and_download(demo_store, monkeypatch, facts):
    pair = facts["pair"]
    series = queries.trend_series(facts["con"], filters_of(facts, pairs=(url.parse_pair(pair),)))
    busiest = series.loc[series["period_n"].idxmax()]
    point = f"{pair}@{busiest['period'].date()}"
    app = start(demo_store, monkeypatch, {url.PAIRS: pair, url.POINT: point})
    assert len(app.dataframe[0].value) == busiest["period_n"]
    assert {button.key for button in app.get("download_button")} >= {"trend_csv", "drill_table_csv"}
    assert f"{url.POINT}={point.replace('>', '%3E').replace('@', '%40')}" in app.sidebar.code[0].value
    rings = [t for t in chart_spec(app, "trend_chart")["data"] if t.get("name") == "selected"]
    assert len(rings) == 1 and str(rings[0]["x"][0]).startswith(str(busiest["period"].date()))
    unselected = start(demo_store, monkeypatch, {url.PAIRS: pair})
    assert not [t for t in chart_spec(unselected, "trend_chart")["data"] if t.get("name") == "selected"]


def test_point_of_a_line_not_shown_warns(demo_store, monkeypatch, facts):
    first, second = facts["domain"].pairs[:2]
    app = start(demo_store, monkeypatch, {url.PAIRS: first, url.POINT: f"{second}@{facts['domain'].first}"})
    assert any("is not on the chart" in text for text in texts(app.warning))


def test_point_of_another_granularity_warns_and_an_empty_period_says_why(demo_store, monkeypatch, facts):
    pair = facts["pair"]
    misaligned = start(
        demo_store, monkeypatch, {url.PAIRS: pair, url.GRANULARITY: "month", url.POINT: f"{pair}@2025-03-03"}
    )
    assert any("does not start a month" in text for text in texts(misaligned.warning))
    daily = queries.trend_series(facts["con"], filters_of(facts, pairs=(url.parse_pair(pair),), granularity="day"))
    days = pd.date_range(facts["domain"].first, facts["domain"].last, freq="D")
    quiet = days[~days.isin(daily["period"])][0].date()
    app = start(demo_store, monkeypatch, {url.PAIRS: pair, url.GRANULARITY: "day", url.POINT: f"{pair}@{quiet}"})
    assert any(text.startswith(f"No quotes for {pair} in the day starting {quiet}") for text in texts(app.info))
    assert not app.dataframe


def test_empty_results_say_why(demo_store, monkeypatch, facts):
    no_kinds = start(demo_store, monkeypatch, {url.KINDS: ""})
    assert any(text.startswith("No items for any pair between") for text in texts(no_kinds.info))
    assert not no_kinds.get("plotly_chart")
    quotes = start(demo_store, monkeypatch, {url.PAIRS: facts["pair"], url.SEARCH: "zzqqxx never said"}, page="quotes")
    assert any("No quotes matching" in text and facts["pair"] in text for text in texts(quotes.info))


def test_page_params_come_from_the_url_and_go_into_the_share_link(demo_store, monkeypatch, facts):
    other = facts["domain"].pairs[2]
    pair_page = start(demo_store, monkeypatch, {url.PAIR: other}, page="pair")
    assert pair_page.selectbox(key=url.PAIR).value == other
    assert f"{url.PAIR}={other.replace('>', '%3E')}" in pair_page.sidebar.code[0].value
    quotes = start(demo_store, monkeypatch, {url.SEARCH: "talks", url.GRANULARITY: "week"}, page="quotes")
    link = quotes.sidebar.code[0].value
    assert f"{url.SEARCH}=talks" in link and f"{url.GRANULARITY}=week" in link
    shifts = start(demo_store, monkeypatch, {url.SENSITIVITY: "0.3"}, page="shifts")
    assert any(f"`{url.SENSITIVITY}=0.3`" in text for text in texts(shifts.sidebar.warning))
    assert shifts.slider(key=url.SENSITIVITY).value == url.DEFAULT_SENSITIVITY


def test_quotes_search_filters_the_table(demo_store, monkeypatch, facts):
    evidence = queries.evidence(facts["con"], filters_of(facts), limit=10**9)
    word = evidence["evidence"].str.split().explode().str.strip('.,;:"“”').str.lower().value_counts().index[5]
    app = start(demo_store, monkeypatch, {url.SEARCH: word}, page="quotes")
    table = app.dataframe[0].value
    expected = evidence["evidence"].str.lower().str.contains(word, regex=False) | evidence["speaker"].fillna(
        ""
    ).str.lower().str.contains(word, regex=False)
    assert len(table) == min(expected.sum(), 5000) > 0


def test_matrix_click_opens_trends_for_that_pair_with_filters_kept(demo_store, monkeypatch, facts):
    pair = facts["domain"].pairs[1]
    app = start(demo_store, monkeypatch, {url.GRANULARITY: "week"}, page="matrix")
    cells = chart_spec(app, "matrix_chart")["data"][0]
    index = [row[0] for row in cells["customdata"]].index(pair)
    selection = {
        "selection": {
            "points": [
                {
                    "curve_number": 0,
                    "point_number": index,
                    "point_index": index,
                    "customdata": {"0": pair, "1": cells["customdata"][index][1]},
                }
            ],
            "point_indices": [index],
            "box": [],
            "lasso": [],
        }
    }
    with injected(chart_id(app, "matrix_chart"), selection):
        app.run()
    assert not app.exception
    lines = {t["customdata"][0][0] for t in chart_spec(app, "trend_chart")["data"] if t.get("mode") == "lines+markers"}
    assert lines == {pair}
    assert app.session_state["view"].filters.granularity == "week"


def test_pair_page_shows_both_directions(demo_store, monkeypatch, facts):
    pair = url.parse_pair(facts["pair"])
    app = start(demo_store, monkeypatch, {url.PAIRS: str(pair)}, page="pair")
    lines = {t["customdata"][0][0] for t in chart_spec(app, "pair_chart")["data"] if t.get("mode") == "lines+markers"}
    reverse_exists = str(pair.reversed()) in facts["domain"].pairs
    assert lines == ({str(pair), str(pair.reversed())} if reverse_exists else {str(pair)})
    dyads = read_table(demo_store, "dyads")
    forward = dyads[(dyads["source_actor"] == pair.source) & (dyads["target_actor"] == pair.target)]
    assert app.metric[0].value == f"{forward['score'].mean():+.2f}"
    histogram = chart_spec(app, "pair_distribution")["data"][0]
    assert plotly_array(histogram["y"]).sum() == len(forward)


def test_shift_row_opens_trends_at_that_moment(demo_store, monkeypatch):
    app = start(demo_store, monkeypatch, page="shifts")
    app.slider(key=url.SENSITIVITY).set_value(0.5).run()
    if not app.dataframe:
        pytest.skip("the demo store shows no change point even at the lowest penalty")
    first = app.dataframe[0].value.iloc[0]
    table_id = next(frame.proto.id for frame in app.dataframe if frame.proto.id.endswith("-shifts_table"))
    with injected(table_id, {"selection": {"rows": [0], "columns": [], "cells": []}}):
        app.run()
    assert not app.exception
    point = url.parse_point(app.session_state[url.POINT])
    assert point is not None and str(point.period) == first["period"] and first["pair"].startswith(point.pair)
    assert chart_spec(app, "trend_chart")["data"]


def test_try_text_finds_actors_and_dyads(demo_store, monkeypatch):
    app = start(demo_store, monkeypatch, page="try_text")
    app.text_area(key="try_text").set_value(
        "Russia sharply criticised the United States on Monday. The talks in Geneva went on anyway."
    )
    app.date_input(key="try_date").set_value(dt.date(2025, 3, 3))
    app.button[0].click().run()
    assert not app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Sentences"] == "2"
    mentions = next(frame.value for frame in app.dataframe if "mention_type" in frame.value.columns)
    assert {"RUS", "USA"} <= set(mentions["actor"])


def test_try_text_shows_which_relations_hold_and_why(demo_store, monkeypatch):
    app = start(demo_store, monkeypatch, page="try_text")
    app.text_area(key="try_text").set_value("Russia was condemned by France on Monday.")
    app.date_input(key="try_date").set_value(dt.date(2025, 3, 3))
    app.button[0].click().run()
    assert not app.exception
    assert {metric.label: metric.value for metric in app.metric}["Relations"] == "1"
    relations = next(frame.value for frame in app.dataframe if "relation" in frame.value.columns)
    [row] = relations.to_dict("records")
    assert row["relation"] == "France (FRA) → Russia (RUS)" and row["event"] == "condemned"
    assert row["why"] == "passive agent (by X)" and row["polarity"] < 0 < row["confidence"] <= 1
    assert row["evidence"] == "Russia was condemned by France on Monday."
    dyads = next(frame.value for frame in app.dataframe if "word contributions" in frame.value.columns)
    assert dyads["why"].tolist() == [f"passive agent (by X) · {row['confidence']:.2f}"]


def test_evidence_tables_say_why_and_a_store_without_methods_shows_a_dash(demo_store, monkeypatch, tmp_path):
    table = start(demo_store, monkeypatch, page="quotes").dataframe[0].value
    assert table["why"].str.len().gt(0).all() and not table["why"].eq("—").any()
    from test_store import old_format_store

    tables = {name: read_table(demo_store, name) for name in TABLES}
    tables["dyads"] = tables["dyads"].drop(columns=["method", "confidence"])
    old = tmp_path / "old"
    old_format_store(old, tables, read_manifest_of(demo_store))
    app = start(old, monkeypatch, page="quotes")
    assert not app.error
    shown = app.dataframe[0].value
    assert len(shown) == len(table) and shown["why"].eq("—").all()


def test_data_page_upload_runs_the_pipeline_and_accounts(demo_store, monkeypatch, tmp_path):
    store = private_copy(demo_store, tmp_path)
    before = len(read_table(store, "articles"))
    app = start(store, monkeypatch, page="data")
    assert app.metric[0].value == f"{before:,}"
    upload = (
        pd.DataFrame(
            {
                "date": ["2025-03-01T10:00:00Z", "2025-03-02T11:00:00Z", "not a date"],
                "title": ["Invented one", "Invented two", "Invented three"],
                "text": [
                    "Ukraine thanked Poland for its support.",
                    "China and India held border talks.",
                    "France spoke.",
                ],
                "source": ["Test Wire"] * 3,
                "url": [f"https://test.invalid/{i}" for i in range(3)],
            }
        )
        .to_csv(index=False)
        .encode()
    )
    app.file_uploader(key="upload_files").upload("upload.csv", upload)
    app.run()
    app.button(key="upload_run").click().run()
    assert not app.exception
    assert any("read 3 = accepted 2 + rejected 1" in text for text in texts(app.success))
    shown_rejections = next(frame.value for frame in app.dataframe if "row" in frame.value.columns)
    assert shown_rejections[["file", "row"]].values.tolist() == [["upload.csv", 3]]
    assert len(read_table(store, "articles")) == before + 2
    app.run()
    assert app.metric[0].value == f"{before + 2:,}"


def test_untrusted_text_is_never_rendered_as_html(demo_store, monkeypatch):
    app = start(demo_store, monkeypatch, {url.SEARCH: "<script>alert(1)</script>"}, page="quotes")
    styles = [element.proto.body for element in app.get("html")]  # only the sidebar's fixed style sheet
    assert all(re.fullmatch(r"<style>[^<]*</style>", body) for body in styles), styles
    shown = " ".join(texts(app.info))
    assert "<script>" not in shown and "\\<script\\>" in shown


def test_an_empty_store_explains_itself(monkeypatch, tmp_path):
    tables = {name: pd.DataFrame(columns=columns) for name, columns in EMPTY_TABLES.items()}
    for name in ("articles", "dyads"):
        tables[name]["date"] = pd.to_datetime(tables[name]["date"], utc=True)
    tables["dyads"]["score"] = tables["dyads"]["score"].astype(float)
    write_version(
        tmp_path, tables, pd.DataFrame(columns=["file", "row", "reason", "article_id", "title", "run_at"]), {}
    )
    for page in PAGES:
        app = start(tmp_path, monkeypatch, page=page)
        assert any("no actor pairs yet" in text for text in texts(app.sidebar.info))
        if page in ("trends", "matrix", "quotes"):
            assert any(text.startswith("No ") for text in texts(app.main.info))


def test_shifts_ignore_smoothing_and_match_the_change_points(demo_store, monkeypatch, facts):
    raw = queries.trend_series(facts["con"], filters_of(facts))
    expected = queries.change_points(raw, penalty_scale=url.DEFAULT_SENSITIVITY)
    for params in ({}, {url.SMOOTHING: "4"}):
        app = start(demo_store, monkeypatch, params, page="shifts")
        if expected.empty:
            assert any(text.startswith("No shifts found") for text in texts(app.info))
            continue
        table = next(frame.value for frame in app.dataframe if frame.proto.id.endswith("-shifts_table"))
        assert table["period"].tolist() == expected["period"].dt.strftime("%Y-%m-%d").tolist()
        assert table["change"].round(9).tolist() == expected["change"].round(9).tolist()


def test_bad_upload_and_empty_text_get_one_line_messages(demo_store, monkeypatch, tmp_path):
    store = private_copy(demo_store, tmp_path)
    app = start(store, monkeypatch, page="data")
    app.file_uploader(key="upload_files").upload("broken.parquet", b"PAR1 this is not parquet")
    app.run()
    app.button(key="upload_run").click().run()
    assert not app.exception
    [error] = texts(app.error)
    assert error.replace("\\", "").startswith("broken.parquet:") and "\n" not in error
    try_page = start(demo_store, monkeypatch, page="try_text")
    try_page.button[0].click().run()
    assert any("empty" in text for text in texts(try_page.warning))


def test_event_annotations_follow_the_shown_pairs_and_the_toggle(demo_store, monkeypatch, facts):
    events, problem = queries.read_events(EVENTS_PATH)
    if problem or events.empty:
        pytest.skip(f"no usable events file ({problem or 'empty'})")
    pair = events["pairs"].str.split(";").explode().str.strip().value_counts().index[0]
    if pair not in facts["domain"].pairs:
        pytest.skip(f"the demo store holds no {pair}")
    expected = queries.events_for(events, [pair], facts["domain"].first, facts["domain"].last)
    shown = start(demo_store, monkeypatch, {url.PAIRS: pair})
    layout = chart_spec(shown, "trend_chart")["layout"]
    titles = [a["hovertext"].split("<br>")[0] for a in layout.get("annotations", [])]
    assert sorted(titles) == sorted(map(html.escape, expected["title"]))
    assert [expander.label for expander in shown.expander if expander.label.startswith("Events")] == [
        f"Events on the chart ({len(expected)})"
    ]
    hidden = start(demo_store, monkeypatch, {url.PAIRS: pair, url.EVENTS: "false"})
    assert not chart_spec(hidden, "trend_chart")["layout"].get("annotations")


def test_either_direction_merges_the_pair_and_its_drill_down(demo_store, monkeypatch, facts):
    pair = url.parse_pair(facts["pair"])
    merged = "<>".join(sorted((pair.source, pair.target)))
    filters = filters_of(facts, pairs=(pair,), either=True)
    series = queries.trend_series(facts["con"], filters)
    busiest = series.loc[series["period_n"].idxmax()]
    point = f"{merged}@{busiest['period'].date()}"
    app = start(demo_store, monkeypatch, {url.PAIRS: str(pair), url.EITHER: "true", url.POINT: point})
    lines = {t["customdata"][0][0] for t in chart_spec(app, "trend_chart")["data"] if t.get("mode") == "lines+markers"}
    assert lines == {merged}
    table = app.dataframe[0].value
    assert len(table) == busiest["period_n"]
    rows = queries.evidence(facts["con"], filters, label=merged, period=busiest["period"].date())
    code = r"\((\w+)\)$"
    assert set(table["source actor"].str.extract(code)[0] + ">" + table["target actor"].str.extract(code)[0]) == set(
        rows["source_actor"] + ">" + rows["target_actor"]
    )


def test_an_unreadable_store_is_one_line_not_a_traceback(demo_store, monkeypatch, tmp_path):
    store = private_copy(demo_store, tmp_path)
    for path in table_files(store, "dyad_days"):
        path.write_bytes(b"PAR1 broken")
    app = start(store, monkeypatch)
    [error] = texts(app.error)
    assert "cannot be read" in error and "\n" not in error


@pytest.fixture(scope="module")
def authored_store(tmp_path_factory) -> Path:
    """A store of two invented speeches (author CHL, PER) and one news article without an author, in
    which the relation rows sourced at a speech's author are turned into kind ``author`` (as the
    relation stage makes them for first-person statements)."""
    from pipeline.run import run

    folder = tmp_path_factory.mktemp("authored")
    pd.DataFrame({
        "date": ["2015-09-15", "2015-09-16", "2015-10-01"],
        "country_iso3": ["CHL", "PER", ""],
        "title": ["Speech of Chile", "Speech of Peru", "News"],
        "text": ["Chile warmly welcomes the fisheries agreement with Peru.",
                 "Peru condemns the threats made by Chile.",
                 "Chile praised Peru for the fisheries agreement, officials said."],
        "url": ["", "", "https://news.invalid/1"],
    }).to_csv(folder / "speeches.csv", index=False)
    store = folder / "store"
    assert run([folder / "speeches.csv"], store).rejected == 0
    tables = {name: read_table(store, name) for name in TABLES}
    dyads, authors = tables["dyads"], tables["articles"].set_index("article_id")["author_actor"]
    dyads.loc[dyads["source_actor"] == dyads["article_id"].map(authors), "kind"] = "author"
    write_version(store, tables, read_rejected(store), read_manifest_of(store))
    return store


def read_manifest_of(store: Path) -> dict:
    """The live manifest without what a write fills in itself."""
    return {key: value for key, value in open_version(store).manifest().items()
            if key not in ("version", "created_at", "counts", "months", "format")}


def test_author_rows_are_a_kind_of_their_own_and_show_their_author(authored_store, monkeypatch):
    app = start(authored_store, monkeypatch, {url.KINDS: "author"}, page="quotes")
    table = app.dataframe[0].value
    assert len(table) >= 2 and set(table["kind"]) == {"author"}
    assert set(zip(table["author"], table["source actor"])) == {("Chile (CHL)", "Chile (CHL)"),
                                                               ("Peru (PER)", "Peru (PER)")}
    news = start(authored_store, monkeypatch, {url.KINDS: ["quote", "statement"]}, page="quotes").dataframe[0].value
    assert set(zip(news["kind"], news["author"], news["source actor"])) == {
        ("statement", "", "Chile (CHL)"), ("statement", "Chile (CHL)", "Peru (PER)")}  # news; Peru named by Chile
    assert "author" in app.session_state["view"].filters.kinds and not app.warning


def test_a_store_whose_articles_lack_the_author_shows_none(authored_store, monkeypatch, tmp_path):
    old = private_copy(authored_store, tmp_path)
    tables = {name: read_table(old, name) for name in TABLES}
    tables["articles"] = tables["articles"].drop(columns="author_actor")
    write_version(old, tables, read_rejected(old), read_manifest_of(old))
    table = start(old, monkeypatch, page="quotes").dataframe[0].value
    assert len(table) and set(table["author"]) == {""}


def test_yearly_granularity_puts_each_year_on_its_first_day(authored_store, monkeypatch):
    app = start(authored_store, monkeypatch, {url.GRANULARITY: "year", url.MIN_COUNT: "1"})
    lines = [t for t in chart_spec(app, "trend_chart")["data"] if t.get("mode") == "lines+markers"]
    assert lines and {str(x)[:10] for line in lines for x in line["x"]} == {"2015-01-01"}


def test_pair_page_shows_external_events_beside_ours_or_says_there_are_none(authored_store, monkeypatch, tmp_path):
    monkeypatch.setenv("ENTENTE_EVENTS_EXTERNAL", str(tmp_path / "none"))
    app = start(authored_store, monkeypatch, {url.PAIRS: "CHL>PER"}, page="pair")
    assert any(text.startswith("No external events file") for text in texts(app.caption))
    assert not [chart for chart in app.get("plotly_chart") if chart.proto.id.endswith("-pair_external")]
    folder = tmp_path / "events"
    folder.mkdir()
    (folder / "icews.csv").write_text("year,source,target,goldstein\n2015,CHL,PER,3\n2015,CHL,PER,1\n"
                                      "2015,PER,CHL,-4\n", encoding="utf-8")
    monkeypatch.setenv("ENTENTE_EVENTS_EXTERNAL", str(folder))
    app = start(authored_store, monkeypatch, {url.PAIRS: "CHL>PER", url.GRANULARITY: "year"}, page="pair")
    traces = chart_spec(app, "pair_external")["data"]
    assert {(trace["name"], plotly_array(trace["y"]).tolist()[0]) for trace in traces} == {
        ("CHL&gt;PER · Chile → Peru", 2.0), ("PER&gt;CHL · Peru → Chile", -4.0)}
    (folder / "broken.csv").write_text("date,source,target,goldstein\nsoon,CHL,PER,1\n", encoding="utf-8")
    app = start(authored_store, monkeypatch, {url.PAIRS: "CHL>PER"}, page="pair")
    assert texts(app.warning) == [  # file names are untrusted text: markdown-escaped
        "External events not shown: broken\\.csv\\: line 2\\: unusable date 'soon'"]
