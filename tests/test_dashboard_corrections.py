"""AppTest tests of analysts' corrections in the dashboard (a private copy of the demo store): every page
sees them, the raw toggle (a URL parameter) shows the figures without them, the Data page lists them with
their status, and the text analysts type is shown as plain text."""

import datetime as dt

import pytest
from test_dashboard_app import private_copy, start

from pipeline import corrections
from pipeline.dashboard import urlstate as url
from pipeline.store import open_version, read_table

NOTE = "**bold** <img src=x onerror=alert(1)> =1+1"


@pytest.fixture(scope="module")
def corrected(demo_store, tmp_path_factory):
    """A copy of the demo store where the most positive row of its busiest pair whose shown mean (two decimals)
    that row's sign flip changes, and whose most negative row it then becomes, has its sign flipped."""
    store = private_copy(demo_store, tmp_path_factory.mktemp("dashboard-corrections"))
    dyads = read_table(store, "dyads")
    labels = dyads["source_actor"] + ">" + dyads["target_actor"]
    for pair in labels.value_counts().index:
        in_pair = dyads[labels == pair]
        row = in_pair.loc[in_pair["score"].idxmax()].to_dict()
        flipped_mean = (in_pair["score"].sum() - 2 * row["score"]) / len(in_pair)
        if f"{in_pair['score'].mean():+.2f}" != f"{flipped_mean:+.2f}" and -row["score"] < in_pair["score"].min():
            break  # the flip shows in the mean, and the flipped row heads the most negative quotes
    corrections.correct(store, row, "wrong_sign", "ana", NOTE, corrections.stored_rows(open_version(store), row))
    return store, pair, row, in_pair


def test_pair_metrics_follow_the_correction_and_the_raw_toggle_restores_them(corrected, monkeypatch):
    store, pair, row, in_pair = corrected
    expected = (in_pair["score"].sum() - 2 * row["score"]) / len(in_pair)
    app = start(store, monkeypatch, {url.PAIRS: pair}, page="pair")
    assert app.metric[0].value == f"{expected:+.2f}"
    raw = start(store, monkeypatch, {url.PAIRS: pair, url.RAW: "true"}, page="pair")
    assert raw.metric[0].value == f"{in_pair['score'].mean():+.2f}" != f"{expected:+.2f}"
    assert raw.toggle(key=url.RAW).value is True
    assert url.RAW in raw.session_state["share_url"]
    negative = [frame.value for frame in app.dataframe if "correction" in frame.value.columns][-1]
    assert negative["correction"].iloc[0].startswith("sign flipped by ana, ")
    assert negative["score"].iloc[0] == pytest.approx(-row["score"])


def test_quotes_shows_the_corrected_row_and_the_data_page_lists_it(corrected, monkeypatch):
    store, pair, row, _ = corrected
    app = start(store, monkeypatch, {url.PAIRS: pair}, page="quotes")
    [table] = [frame.value for frame in app.dataframe if "correction" in frame.value.columns]
    flipped = table[table["correction"] != ""]
    assert len(flipped) == 1 and flipped["score"].iloc[0] == pytest.approx(-row["score"])
    data = start(store, monkeypatch, page="data")
    [listed] = [frame.value for frame in data.dataframe if "verdict" in frame.value.columns]
    assert listed[["verdict", "pair", "note", "status"]].values.tolist() == [["sign flipped", pair, NOTE, "applied"]]
    shown = " ".join(element.value for element in [*data.markdown, *data.caption, *data.success])
    assert "<img" not in shown and "**bold**" not in shown


def test_the_raw_parameter_is_a_boolean_kept_in_shared_links():
    domain = url.Domain(dt.date(2025, 1, 1), dt.date(2025, 12, 31), ("RUS>USA",), ())
    filters = url.Filters(domain.first, domain.last)
    assert url.filters_to_params(filters, domain, raw=True) == {url.RAW: ["true"]}
    assert url.filters_to_params(filters, domain) == {}
    [warning] = url.check_params({url.RAW: ["maybe"]}, domain)
    assert f"`{url.RAW}=maybe`" in warning and "expected true or false" in warning
    assert url.check_params({url.RAW: ["true"]}, domain) == []
