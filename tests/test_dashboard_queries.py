"""Dashboard queries checked against plain pandas computations on the same dyads."""

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from pipeline.dashboard import queries
from pipeline.dashboard.urlstate import Filters, Pair
from pipeline.schema import DYADS
from pipeline.store import REJECTED_COLUMNS, open_partitioned, open_version, read_table, write_version
from pipeline.store_migrate import migrate

ACTORS = ["RUS", "USA", "UKR", "CHN"]
OUTLETS = ["Daily Planet", "Globe Wire", "Harbour Times"]


@pytest.fixture(scope="module")
def dyads() -> pd.DataFrame:
    """2,000 invented dyads over 2025 (scores random; RUS>USA jumps from -0.5 to +0.5 in July)."""
    rng = np.random.default_rng(7)
    size = 2000
    source = rng.choice(ACTORS, size)
    target = np.array([rng.choice([a for a in ACTORS if a != s]) for s in source])
    dates = pd.Timestamp("2025-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 365 * 24, size), unit="h")
    score = rng.uniform(-1, 1, size)
    step = (source == "RUS") & (target == "USA")
    score[step] = np.where(dates[step] < pd.Timestamp("2025-07-01", tz="UTC"), -0.5, 0.5) + rng.normal(
        0, 0.05, step.sum()
    )
    return pd.DataFrame(
        {
            "article_id": [f"art{i % 400}" for i in range(size)],
            "date": dates,
            "source_actor": source,
            "target_actor": target,
            "kind": rng.choice(["quote", "statement", "comention"], size),
            "speaker": rng.choice(["Peskov", "Blinken", None], size),
            "evidence": [f"Invented statement number {i} about {t}." for i, t in enumerate(target)],
            "start": 0,
            "end": 10,
            "score": score.clip(-1, 1),
            "contributions": json.dumps([["calm", 0.1], ["threat", -0.4]]),
            "source": rng.choice(OUTLETS, size),
            "url": [f"https://demo.invalid/{i}" for i in range(size)],
            "method": rng.choice(["rule:passive-agent", "rule:quote-names-target", "co-mention"], size),
            "confidence": rng.uniform(0, 1, size).round(2),
        }
    )[DYADS]


def open_store_of(dyads: pd.DataFrame, store) -> queries.StoreDB:
    """The dashboard database of a partitioned store holding ``dyads`` (and their articles)."""
    articles = dyads.groupby("article_id", as_index=False)["date"].min().assign(author_actor="")
    empty = pd.DataFrame({"article_id": pd.Series(dtype="str")})
    tables = {"articles": articles, "sentences": empty, "mentions": empty, "quotes": empty, "dyads": dyads}
    write_version(store, tables, pd.DataFrame(columns=REJECTED_COLUMNS), {})
    return queries.open_store(open_version(store))


@pytest.fixture(scope="module")
def con(dyads, tmp_path_factory):
    return open_store_of(dyads.sample(frac=1, random_state=1), tmp_path_factory.mktemp("dash") / "store")


def year(**changes) -> Filters:
    return Filters(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31), **changes)


def pandas_series(frame: pd.DataFrame, freq: str) -> pd.DataFrame:
    """Reference: mean, count and the normal 95% CI of the mean per directed pair and period."""
    keyed = frame.assign(
        pair=frame["source_actor"] + ">" + frame["target_actor"],
        period=frame["date"].dt.tz_localize(None).dt.to_period(freq).dt.start_time,
    )
    grouped = keyed.groupby(["pair", "period"])["score"]
    reference = grouped.agg(["mean", "count", "std"]).reset_index()
    half = 1.959963984540054 * reference["std"] / np.sqrt(reference["count"])
    return reference.assign(
        lo=(reference["mean"] - half).fillna(reference["mean"]), hi=(reference["mean"] + half).fillna(reference["mean"])
    )


@pytest.mark.parametrize(("granularity", "freq"), [("day", "D"), ("week", "W-SUN"), ("month", "M"), ("quarter", "Q")])
def test_trend_series_matches_pandas(con, dyads, granularity, freq):
    pairs = (Pair("RUS", "USA"), Pair("CHN", "UKR"))
    series = queries.trend_series(con, year(pairs=pairs, granularity=granularity, min_count=5))
    chosen = dyads[(dyads["source_actor"] + ">" + dyads["target_actor"]).isin(["RUS>USA", "CHN>UKR"])]
    reference = pandas_series(chosen, freq)
    merged = series.merge(reference, on=["pair", "period"], how="outer", validate="1:1", indicator=True)
    assert (merged["_merge"] == "both").all()
    assert np.allclose(merged["mean_x"], merged["mean_y"])
    assert (merged["n"] == merged["count"]).all()
    assert np.allclose(merged["lo_x"], merged["lo_y"]) and np.allclose(merged["hi_x"], merged["hi_y"])
    assert (merged["below_min"] == (merged["count"] < 5)).all()


def test_smoothing_pools_the_last_periods(con, dyads):
    series = queries.trend_series(con, year(pairs=(Pair("UKR", "CHN"),), smoothing=3))
    line = dyads[(dyads["source_actor"] == "UKR") & (dyads["target_actor"] == "CHN")]
    months = line.assign(month=line["date"].dt.month).groupby("month")["score"].agg(["sum", "count"])
    rolled = months.rolling(3, min_periods=1).sum()
    assert np.allclose(series["mean"], rolled["sum"] / rolled["count"])
    assert series["n"].tolist() == rolled["count"].astype(int).tolist()
    assert series["period_n"].tolist() == months["count"].tolist()


def test_either_direction_merges_both_directions(con, dyads):
    series = queries.trend_series(con, year(pairs=(Pair("USA", "RUS"),), either=True, granularity="quarter"))
    both = dyads[dyads["source_actor"].isin(["RUS", "USA"]) & dyads["target_actor"].isin(["RUS", "USA"])]
    assert set(series["pair"]) == {"RUS<>USA"}
    assert series["period_n"].sum() == len(both)
    assert np.isclose((series["mean"] * series["n"]).sum() / series["n"].sum(), both["score"].mean())


def test_filters_restrict_kinds_outlets_and_dates(con, dyads):
    filters = Filters(dt.date(2025, 3, 1), dt.date(2025, 3, 31), kinds=("quote",), outlets=("Globe Wire",))
    rows = queries.evidence(con, filters)
    expected = dyads[
        (dyads["kind"] == "quote")
        & (dyads["source"] == "Globe Wire")
        & (dyads["date"] >= pd.Timestamp("2025-03-01", tz="UTC"))
        & (dyads["date"] < pd.Timestamp("2025-04-01", tz="UTC"))
    ]
    assert sorted(rows["url"]) == sorted(expected["url"])
    assert list(rows.columns) == queries.EVIDENCE_COLUMNS
    assert rows["date"].is_monotonic_decreasing


def test_no_pair_chosen_means_the_busiest_pairs(con, dyads):
    counts = (dyads["source_actor"] + ">" + dyads["target_actor"]).value_counts()
    busiest = counts.sort_index().sort_values(ascending=False, kind="stable").index[:5].tolist()
    assert [str(pair) for pair in queries.top_pairs(con, year())] == busiest
    assert set(queries.trend_series(con, year())["pair"]) == set(busiest)


def test_evidence_of_one_point_and_search(con, dyads):
    rows = queries.evidence(con, year(granularity="week"), label="RUS>USA", period=dt.date(2025, 3, 3))
    window = dyads[
        (dyads["source_actor"] == "RUS")
        & (dyads["target_actor"] == "USA")
        & (dyads["date"] >= pd.Timestamp("2025-03-03", tz="UTC"))
        & (dyads["date"] < pd.Timestamp("2025-03-10", tz="UTC"))
    ]
    assert len(window) > 0 and sorted(rows["url"]) == sorted(window["url"])
    wider = queries.evidence(
        con, year(granularity="week"), label="RUS>USA", period=dt.date(2025, 3, 3), periods_around=1
    )
    assert set(rows["url"]) < set(wider["url"])
    found = queries.evidence(con, year(), search=" NUMBER 17 about ")
    assert found["evidence"].tolist() == [dyads["evidence"].iloc[17]]
    by_speaker = queries.evidence(con, year(), search="pesk")
    assert len(by_speaker) == (dyads["speaker"] == "Peskov").sum()
    assert queries.evidence(con, year(), search="%_ ").empty and queries.evidence(con, year(), search="pesk rus").empty


def test_search_finds_every_row_holding_all_words_the_last_as_a_prefix(con, dyads):
    text = dyads["evidence"] + " " + dyads["speaker"].fillna("")
    words = text.str.lower().str.findall(r"\w+")
    for search, wanted in [("ABOUT, chn", lambda w: {"about", "chn"} <= set(w)),
                           ("statement number 1", lambda w: "statement" in w and any(x.startswith("1") for x in w)),
                           ("blinken invented number 19", lambda w: {"blinken", "invented", "number"} <= set(w)
                            and any(x.startswith("19") for x in w))]:
        expected = dyads[words.map(wanted)]
        found = queries.evidence(con, year(), search=search)
        assert len(expected) and sorted(found["url"]) == sorted(expected["url"]), search
        assert found["date"].is_monotonic_decreasing
    newest = queries.evidence(con, year(), search="statement number 1", limit=7)
    assert newest["url"].tolist() == found_urls_newest(dyads[words.map(lambda w: "statement" in w and any(
        x.startswith("1") for x in w))], 7)


def found_urls_newest(rows: pd.DataFrame, limit: int) -> list[str]:
    return rows.sort_values(["date", "article_id", "start"], ascending=[False, True, True])["url"].head(limit).tolist()


def test_matrix_matches_groupby(con, dyads):
    cells = queries.matrix(con, year(kinds=("statement",)))
    reference = (
        dyads[dyads["kind"] == "statement"]
        .groupby(["source_actor", "target_actor"])["score"]
        .agg(["mean", "count"])
        .reset_index()
    )
    assert np.allclose(cells["mean"], reference["mean"]) and cells["n"].tolist() == reference["count"].tolist()


def test_speakers_and_extremes_cover_both_directions(con, dyads):
    pair = Pair("RUS", "USA")
    both = dyads[dyads["source_actor"].isin(["RUS", "USA"]) & dyads["target_actor"].isin(["RUS", "USA"])]
    speakers = queries.speakers(con, year(), pair)
    reference = (
        both.dropna(subset=["speaker"]).groupby([both["source_actor"] + ">" + both["target_actor"], "speaker"]).size()
    )
    assert {
        (d, s): n for d, s, n in speakers[["direction", "speaker", "n"]].itertuples(index=False)
    } == reference.to_dict()
    positive, negative = queries.extreme_quotes(con, year(), pair, limit=3)
    assert positive["score"].tolist() == sorted(both["score"], reverse=True)[:3]
    assert negative["score"].tolist() == sorted(both["score"])[:3]


def test_change_points_find_the_injected_step(con):
    series = queries.trend_series(con, year(pairs=(Pair("RUS", "USA"),)))
    shifts = queries.change_points(series)
    assert len(shifts) >= 1
    top = shifts.iloc[0]
    assert top["pair"] == "RUS>USA" and top["period"] == pd.Timestamp("2025-07-01")
    assert top["before_mean"] == pytest.approx(-0.5, abs=0.05) and top["after_mean"] == pytest.approx(0.5, abs=0.05)
    assert top["before_n"] + top["after_n"] == series["n"].sum()


def test_flat_lines_have_no_change_points():
    flat = pd.DataFrame(
        {"pair": "A>B", "period": pd.date_range("2025-01-01", periods=8, freq="MS"), "mean": 0.2, "period_n": 5}
    )
    assert queries.change_points(flat).empty


def test_surrounding_paragraph_and_contributions():
    text = 'First paragraph.\n\nSecond one says "we welcome this" today.\nThird.'
    start = text.index("we welcome")
    assert queries.surrounding_paragraph(text, start, start + 15) == 'Second one says "we welcome this" today.'
    assert queries.contribution_text('[["threat", -0.4], ["calm", 0.1]]') == "threat -0.40, calm +0.10"
    assert queries.contribution_text(None) == ""


def test_events_for_shown_lines_and_period():
    events = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-02-01", "2025-02-02", "2025-02-03", "2024-01-01"], utc=True),
            "title": ["a", "b", "c", "d"],
            "pairs": ["RUS>USA;USA>RUS", "CHN>UKR", "", "RUS>USA"],
            "description": "",
        }
    )
    shown = queries.events_for(events, ["USA>RUS"], dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert shown["title"].tolist() == ["a", "c"]
    either = queries.events_for(events, ["CHN<>UKR"], dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert either["title"].tolist() == ["b", "c"]


def test_evidence_display_names_actors_and_keeps_only_web_links(dyads):
    rows = dyads.head(3).assign(url=["https://demo.invalid/a", "javascript:alert(1)", None])
    shown = queries.evidence_display(rows, {"RUS": "Russia", "USA": "United States"})
    assert shown["article"].iloc[0] == "https://demo.invalid/a" and shown["article"].iloc[1:].isna().all()
    expected = [
        f"{ {'RUS': 'Russia', 'USA': 'United States'}.get(code, code) } ({code})" for code in rows["source_actor"]
    ]
    assert shown["source actor"].tolist() == expected
    assert shown["word contributions"].iloc[0] == "threat -0.40, calm +0.10"


def test_evidence_display_says_why_the_direction_holds(dyads):
    rows = dyads.head(4).assign(
        method=["rule:passive-agent", "model:sha256:0123456789ab", "co-mention", "rule:brand-new-rule"],
        confidence=[0.85, 0.62, 0.0, 0.5],
    )
    assert queries.evidence_display(rows, {})["why"].tolist() == [
        "passive agent (by X) · 0.85",
        "learned model (sha256:0123456789ab) · 0.62",
        "co-mention",
        "brand-new-rule · 0.50",
    ]


def test_a_store_written_before_methods_opens_and_shows_a_dash(dyads, tmp_path):
    from test_store import old_format_store

    store = tmp_path / "store"
    articles = dyads.groupby("article_id", as_index=False)["date"].min()
    empty = pd.DataFrame({"article_id": pd.Series(dtype="str")})
    old_format_store(store, {"articles": articles, "sentences": empty, "mentions": empty, "quotes": empty,
                             "dyads": dyads.drop(columns=["method", "confidence"])}, {})
    with pytest.raises(ValueError, match="older Entente"):
        open_partitioned(store)
    migrate(store)
    old = queries.open_store(open_version(store))
    rows = queries.evidence(old, year(), label="RUS>USA")
    assert list(rows.columns) == queries.EVIDENCE_COLUMNS and len(rows) == ((dyads["source_actor"] == "RUS") & (
        dyads["target_actor"] == "USA")).sum()
    assert set(rows["author_actor"]) == {""}
    assert rows["method"].isna().all() and rows["confidence"].isna().all()
    assert set(queries.evidence_display(rows, {})["why"]) == {"—"}
    positive, _ = queries.extreme_quotes(old, year(), Pair("RUS", "USA"), limit=2)
    assert queries.evidence_display(positive, {})["why"].tolist() == ["—", "—"]


def test_relations_display_shows_direction_event_and_why():
    text = "Russia was condemned by France. Chile and Peru were mentioned."
    relations = pd.DataFrame(
        {
            "article_id": "a", "sent_idx": [1, 0], "source_actor": ["CHL", "FRA"], "target_actor": ["PER", "RUS"],
            "kind": "statement", "directed": [False, True], "speaker": ["Chile", "France"],
            "evidence_start": [32, 0], "evidence_end": [62, 31], "target_start": [42, 0], "target_end": [46, 6],
            "event": ["", "condemned"], "polarity": [np.nan, -0.7], "confidence": [0.0, 0.85],
            "method": ["co-mention", "rule:passive-agent"],
        }
    )
    shown = queries.relations_display(relations, {"a": text}, {"RUS": "Russia", "FRA": "France"})
    assert shown.to_dict("records")[0] == {
        "sentence": 0, "relation": "France (FRA) → Russia (RUS)", "kind": "statement", "event": "condemned",
        "polarity": -0.7, "why": "passive agent (by X)", "confidence": 0.85,
        "evidence": "Russia was condemned by France.",
    }
    assert shown["relation"].iloc[1] == "CHL (CHL) – PER (PER)" and shown["why"].iloc[1] == "co-mention"
    assert shown["evidence"].iloc[1] == "Chile and Peru were mentioned."


def test_reason_counts():
    rejections = pd.DataFrame({"reason": ["no date", "unparseable date: 'x'", "unparseable date: 'y'", "empty text"]})
    counts = queries.reason_counts(rejections)
    assert counts.to_dict("records") == [
        {"reason": "unparseable date", "count": 2},
        {"reason": "no date", "count": 1},
        {"reason": "empty text", "count": 1},
    ]


@pytest.mark.parametrize("granularity", ["day", "week", "month", "quarter"])
def test_period_start_agrees_with_duckdb(con, granularity):
    for day in pd.date_range("2024-12-25", "2025-04-10", freq="5D").date:
        truncated = con.cursor().execute(
            "SELECT CAST(date_trunc(?, CAST(? AS TIMESTAMP)) AS DATE)", [granularity, day]
        ).fetchone()[0]
        assert queries.period_start(day, granularity) == truncated


def test_store_summary_synthetic_flag_and_article_text(demo_store, tmp_path):
    con = queries.open_store(open_version(demo_store))
    [articles_path] = con.version.files("articles")
    articles, dyads = read_table(demo_store, "articles"), read_table(demo_store, "dyads")
    summary = queries.store_summary(con, articles_path)
    assert (summary["articles"], summary["dyads"], summary["outlets"]) == (
        len(articles),
        len(dyads),
        articles["source"].nunique(),
    )
    assert summary["pairs"] == len(set(zip(dyads["source_actor"], dyads["target_actor"])))
    assert summary["first"] == articles["date"].min()
    assert queries.has_synthetic(con, articles_path) == bool(articles["synthetic"].any())
    sample = articles.iloc[len(articles) // 2]
    assert queries.article_text(con, articles_path, sample["article_id"]) == sample["text"]
    assert queries.article_text(con, articles_path, "no such article") is None
    plain = tmp_path / "plain.parquet"
    articles.drop(columns="synthetic").head(3).to_parquet(plain)
    marked_false = tmp_path / "false.parquet"
    articles.head(3).assign(synthetic=False).to_parquet(marked_false)
    assert not queries.has_synthetic(con, plain) and not queries.has_synthetic(con, marked_false)


def test_read_events_and_its_one_line_problems(tmp_path):
    path = tmp_path / "events.csv"
    assert queries.read_events(path)[1] is None and queries.read_events(path)[0].empty
    path.write_text('date,title,pairs,description\n2025-02-01,Talks,RUS>USA;USA>RUS,"Invented, with a comma"\n')
    events, problem = queries.read_events(path)
    assert problem is None and events["date"].tolist() == [pd.Timestamp("2025-02-01", tz="UTC")]
    assert events["description"].tolist() == ["Invented, with a comma"]
    path.write_text("date,title,pairs,description\n2025-02-01,a,,\nsoon,b,,\n")
    assert queries.read_events(path)[1] == "events.csv, line 3: unparseable date 'soon'"
    path.write_text("date,title\n2025-02-01,a\n")
    assert queries.read_events(path)[1] == "events.csv: missing column(s) pairs, description"
    path.write_text("")
    assert queries.read_events(path)[1].startswith("events.csv: unreadable")


def test_score_histogram_and_direction_means_match_numpy(con, dyads):
    pair = Pair("CHN", "UKR")
    histogram = queries.score_histogram(con, year(), pair)
    means = queries.direction_means(con, year(), pair)
    for direction in ("CHN>UKR", "UKR>CHN"):
        scores = dyads.loc[dyads["source_actor"] + ">" + dyads["target_actor"] == direction, "score"]
        counts, edges = np.histogram(scores, bins=queries.HISTOGRAM_BINS, range=(-1, 1))
        rows = histogram[histogram["direction"] == direction]
        assert dict(zip(np.round(rows["bin_start"], 9), rows["n"])) == {
            round(edge, 9): count for edge, count in zip(edges[:-1], counts) if count
        }
        assert means.loc[direction, "n"] == len(scores) and np.isclose(means.loc[direction, "mean"], scores.mean())
    edges = queries.score_histogram(con, Filters(dt.date(2025, 1, 1), dt.date(2025, 12, 31)), Pair("RUS", "USA"))
    assert edges["bin_start"].between(-1, 1 - 2 / queries.HISTOGRAM_BINS + 1e-9).all()


def test_histogram_edges_hold_minus_one_and_one(dyads, tmp_path):
    rows = dyads.head(3).assign(source_actor="RUS", target_actor="USA", score=[-1.0, 0.05, 1.0])
    histogram = queries.score_histogram(open_store_of(rows, tmp_path / "store"), year(), Pair("RUS", "USA"))
    assert np.round(histogram["bin_start"], 9).tolist() == [-1.0, 0.0, 0.9] and histogram["n"].tolist() == [1, 1, 1]


def test_dictionary_tables_list_actors_and_dated_roles_and_filter_by_search():
    from pipeline.actors import load_dictionary
    from pipeline.dashboard.queries import dictionary_tables

    dictionary = load_dictionary()
    actors, people = dictionary_tables(dictionary)
    assert len(actors) == len(dictionary.actors)
    assert len(people) == sum(len(p.roles) for p in dictionary.people.values())
    found_actors, found_people = dictionary_tables(dictionary, "  PESKOV ")
    assert set(found_people["person"]) == {"Dmitry Peskov"} and (found_people["actor"] == "RUS").all()
    assert found_actors.empty
