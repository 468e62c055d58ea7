"""Analysts' corrections: the append-only log, and their effect on every dashboard query, checked against
plain pandas computations on the corrected rows."""

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from test_dashboard_queries import dyads, open_store_of, pandas_series, year  # noqa: F401 (the invented dyads)

from pipeline import corrections
from pipeline.dashboard import corrected, queries
from pipeline.dashboard.urlstate import Filters, Pair
from pipeline.store import open_version


@pytest.fixture(scope="module")
def unique_dyads(dyads):  # noqa: F811
    """The invented dyads with a distinct evidence span per row (so that identities are unique)."""
    return dyads.assign(start=np.arange(len(dyads)) * 20, end=np.arange(len(dyads)) * 20 + 10)


@pytest.fixture
def store(unique_dyads, tmp_path):
    open_store_of(unique_dyads, tmp_path / "store")
    return tmp_path / "store"


def row_of(frame: pd.DataFrame, index: int) -> dict:
    return frame.iloc[index].to_dict()


def correct(store, frame, index, verdict, who="ana", note=""):
    row = row_of(frame, index)
    return corrections.correct(store, row, verdict, who, note, corrections.stored_rows(open_version(store), row))


def corrected_frame(frame: pd.DataFrame, verdicts: dict[int, str]) -> pd.DataFrame:
    """Reference: ``frame`` with ``verdicts`` (row position → verdict) applied in pandas."""
    result = frame.copy()
    for index, verdict in verdicts.items():
        if verdict == "wrong_sign":
            result.iloc[index, result.columns.get_loc("score")] *= -1
        elif verdict == "wrong_direction":
            source, target = result.iloc[index][["source_actor", "target_actor"]]
            result.iloc[index, result.columns.get_loc("source_actor")] = target
            result.iloc[index, result.columns.get_loc("target_actor")] = source
    dropped = [index for index, verdict in verdicts.items() if verdict in corrections.DROPPING]
    return result.drop(result.index[dropped])


# --- the log ---------------------------------------------------------------------------------------------

def test_a_correction_is_logged_with_who_when_and_the_row_identity(store, unique_dyads):
    correction_id = correct(store, unique_dyads, 5, "wrong_sign", note="  sarcasm,\n not praise ")
    [event] = [json.loads(path.read_text()) for path in (store / corrections.LOG_DIR).glob("*.json")]
    assert event["correction_id"] == correction_id and event["action"] == "correct" and event["who"] == "ana"
    assert event["note"] == "sarcasm, not praise"
    assert (event["article_id"], event["start"], event["end"]) == (
        unique_dyads["article_id"].iloc[5], int(unique_dyads["start"].iloc[5]), int(unique_dyads["end"].iloc[5]))
    assert pd.Timestamp(event["when"]).tzinfo is not None
    assert pd.Timestamp(event["date"]) == unique_dyads["date"].iloc[5]
    [label] = corrections.active(store)["label"]
    assert label == f"sign flipped by ana, {event['when'][:10]}"


def test_undo_and_supersede_append_events_and_never_rewrite_earlier_ones(store, unique_dyads):
    first = correct(store, unique_dyads, 1, "wrong_sign")
    folder = store / corrections.LOG_DIR
    written = {path.name: path.read_bytes() for path in folder.iterdir()}
    second = correct(store, unique_dyads, 1, "not_relation", who="bo")  # the same row again: supersedes
    other = correct(store, unique_dyads, 2, "wrong_direction")
    active = corrections.active(store)
    assert set(active["correction_id"]) == {second, other}
    assert active.set_index("correction_id").loc[second, "verdict"] == "not_relation"
    corrections.undo(store, other, "bo")
    assert list(corrections.active(store)["correction_id"]) == [second]
    assert {path.name: path.read_bytes() for path in folder.iterdir() if path.name in written} == written
    assert len(list(folder.iterdir())) == 4 and not list(folder.glob(".*"))  # no temporary file left
    log = corrections.read_log(store)
    assert list(log["action"]) == ["correct", "correct", "correct", "undo"] and log["undoes"].iloc[3] == other
    assert first in set(log["correction_id"])
    with pytest.raises(corrections.CorrectionError, match="no active correction"):
        corrections.undo(store, other, "bo")  # already undone
    assert corrections.stamp(store).startswith("4:")


@pytest.mark.parametrize(("change", "verdict", "who", "note", "message"), [
    ({}, "wrong_color", "ana", "", "unknown verdict 'wrong_color'"),
    ({}, "wrong_sign", "  ", "", "your name is required"),
    ({}, "wrong_sign", "ana", "x" * (corrections.MAX_NOTE + 1), "the note is 501 characters long"),
    ({"source_actor": "rus"}, "wrong_sign", "ana", "", "source_actor 'rus' is not an actor id"),
    ({"start": 3}, "wrong_sign", "ana", "", "no stored row of article"),
    ({"article_id": "nowhere"}, "wrong_sign", "ana", "", "no stored row of article 'nowhere'"),
])
def test_bad_corrections_are_refused_with_one_line_and_nothing_logged(store, unique_dyads, change, verdict, who,
                                                                      note, message):
    row = row_of(unique_dyads, 3) | change
    with pytest.raises(corrections.CorrectionError, match=message) as error:
        corrections.correct(store, row, verdict, who, note, corrections.stored_rows(open_version(store), row))
    assert "\n" not in str(error.value)
    assert corrections.read_log(store).empty and corrections.stamp(store) == ""


def test_a_damaged_log_file_is_named(store, unique_dyads):
    correct(store, unique_dyads, 3, "wrong_sign")
    (store / corrections.LOG_DIR / "20990101T000000000000Z-c-x.json").write_text("{not json")
    with pytest.raises(corrections.CorrectionError, match=r"20990101T000000000000Z-c-x.json: unreadable correction"):
        corrections.active(store)


# --- applied in every query -------------------------------------------------------------------------------

VERDICTS = {10: "wrong_sign", 11: "wrong_sign", 12: "wrong_direction", 13: "not_relation", 14: "wrong_speaker"}


@pytest.fixture
def applied(store, unique_dyads):
    """Raw and corrected databases of the store with VERDICTS (on rows picked among RUS>USA and others)."""
    for index, verdict in VERDICTS.items():
        correct(store, unique_dyads, index, verdict)
    raw = queries.open_store(open_version(store))
    return raw, corrected.apply(raw, corrections.active(store))


def test_every_correction_matches_a_row_and_the_raw_database_is_unchanged(applied, unique_dyads):
    raw, fixed = applied
    assert len(corrected.matched_ids(fixed)) == len(VERDICTS) and not corrected.matched_ids(raw)
    assert np.isclose(queries.matrix(raw, year())["n"].sum(), len(unique_dyads))
    assert queries.matrix(fixed, year())["n"].sum() == len(unique_dyads) - 2


def test_matrix_trends_and_means_are_those_of_the_corrected_rows(applied, unique_dyads):
    raw, fixed = applied
    reference = corrected_frame(unique_dyads, VERDICTS)
    cells = queries.matrix(fixed, year()).set_index(["source_actor", "target_actor"])
    expected = reference.groupby(["source_actor", "target_actor"])["score"].agg(["mean", "count"])
    assert np.allclose(cells.loc[expected.index, "mean"], expected["mean"])
    assert (cells.loc[expected.index, "n"] == expected["count"]).all() and len(cells) == len(expected)
    touched = {(row["source_actor"], row["target_actor"]) for row in (row_of(unique_dyads, i) for i in VERDICTS)}
    pairs = tuple(Pair(*pair) for pair in sorted(touched | {(t, s) for s, t in touched}))
    series = queries.trend_series(fixed, year(pairs=pairs, min_count=1))
    labels = {str(pair) for pair in pairs}
    chosen = reference[(reference["source_actor"] + ">" + reference["target_actor"]).isin(labels)]
    merged = series.merge(pandas_series(chosen, "M"), on=["pair", "period"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all() and np.allclose(merged["mean_x"], merged["mean_y"])
    raw_series = queries.trend_series(raw, year(pairs=pairs, min_count=1))
    assert not np.allclose(raw_series["mean"].sum(), series["mean"].sum())
    pair = Pair(*(row_of(unique_dyads, 10)[k] for k in ("source_actor", "target_actor")))
    means = queries.direction_means(fixed, year(), pair)
    both = reference[(reference["source_actor"] == pair.source) & (reference["target_actor"] == pair.target)]
    assert np.isclose(means.loc[str(pair), "mean"], both["score"].mean()) and means.loc[str(pair), "n"] == len(both)


def test_evidence_rows_carry_the_correction_and_the_corrected_values(applied, unique_dyads):
    raw, fixed = applied
    flipped = row_of(unique_dyads, 10)
    label = f"{flipped['source_actor']}>{flipped['target_actor']}"
    rows = queries.evidence(fixed, year(), label=label).set_index("url")
    assert rows.loc[flipped["url"], "score"] == pytest.approx(-flipped["score"])
    assert rows.loc[flipped["url"], "correction"].startswith("sign flipped by ana, ")
    assert (rows.drop(index=[row_of(unique_dyads, i)["url"] for i in VERDICTS], errors="ignore")["correction"] == ""
            ).all()
    assert queries.evidence(raw, year(), label=label).set_index("url").loc[flipped["url"], "score"] == pytest.approx(
        flipped["score"])
    swapped = row_of(unique_dyads, 12)
    old, new = (f"{swapped[a]}>{swapped[b]}" for a, b in (("source_actor", "target_actor"),
                                                          ("target_actor", "source_actor")))
    assert swapped["url"] not in set(queries.evidence(fixed, year(), label=old)["url"])
    moved = queries.evidence(fixed, year(), label=new).set_index("url")
    assert moved.loc[swapped["url"], "correction"].startswith("direction reversed by ana")
    dropped = row_of(unique_dyads, 13)
    assert dropped["url"] not in set(queries.evidence(fixed, year())["url"])
    assert dropped["url"] in set(queries.evidence(raw, year())["url"])


def test_search_sees_corrected_rows_in_their_corrected_pair(applied, unique_dyads):
    raw, fixed = applied
    swapped = row_of(unique_dyads, 12)
    new_pair = Pair(swapped["target_actor"], swapped["source_actor"])
    found = queries.evidence(fixed, year(pairs=(new_pair,)), search="number 12 abo")
    assert list(found["url"]) == [swapped["url"]] and found["correction"].iloc[0].startswith("direction reversed")
    assert queries.evidence(raw, year(pairs=(new_pair,)), search="number 12 abo").empty
    flipped = row_of(unique_dyads, 10)
    [score] = queries.evidence(fixed, year(), search="number 10 about")["score"]
    assert score == pytest.approx(-flipped["score"])
    assert row_of(unique_dyads, 13)["url"] not in set(queries.evidence(fixed, year(), search="invented")["url"])


def test_pair_views_histogram_speakers_and_extremes_see_corrections(applied, unique_dyads):
    raw, fixed = applied
    flipped = row_of(unique_dyads, 10)
    pair = Pair(flipped["source_actor"], flipped["target_actor"])
    reference = corrected_frame(unique_dyads, VERDICTS)
    in_pair = reference[reference["source_actor"].isin([pair.source, pair.target])
                        & reference["target_actor"].isin([pair.source, pair.target])]
    histogram = queries.score_histogram(fixed, year(), pair)
    assert histogram["n"].sum() == len(in_pair)
    expected_bins = np.minimum(np.floor((in_pair["score"] + 1) * 10 + 1e-9), 19) * 0.1 - 1
    assert sorted(np.round(histogram.loc[histogram.index.repeat(histogram["n"]), "bin_start"], 6)) == sorted(
        np.round(expected_bins, 6))
    speakers = queries.speakers(fixed, year(), pair, limit=100)
    spoken = in_pair[in_pair["speaker"].notna()].assign(direction=lambda f: f["source_actor"] + ">" + f["target_actor"])
    expected = spoken.groupby(["direction", "speaker"])["score"].mean()
    assert np.allclose(speakers.set_index(["direction", "speaker"]).loc[expected.index, "mean"], expected)
    most_positive, most_negative = queries.extreme_quotes(fixed, year(), pair, limit=len(in_pair))
    assert np.allclose(sorted(most_positive["score"]), sorted(in_pair["score"]))
    assert list(most_negative.columns) == queries.EVIDENCE_COLUMNS


def test_a_correction_of_a_row_that_is_gone_matches_nothing(store, unique_dyads, tmp_path):
    correct(store, unique_dyads, 10, "wrong_sign")
    rerun = tmp_path / "rerun"
    open_store_of(unique_dyads.drop(unique_dyads.index[10]), rerun)  # the re-analysis lost the row
    (rerun / corrections.LOG_DIR).mkdir()
    for path in (store / corrections.LOG_DIR).glob("*.json"):
        (rerun / corrections.LOG_DIR / path.name).write_bytes(path.read_bytes())
    fixed = corrected.apply(queries.open_store(open_version(rerun)), corrections.active(rerun))
    assert corrected.matched_ids(fixed) == set()
    assert queries.matrix(fixed, year())["n"].sum() == len(unique_dyads) - 1


def test_dates_and_months_of_a_correction_follow_the_row(store, unique_dyads):
    index = int(np.argmax(unique_dyads["date"] >= pd.Timestamp("2025-12-01", tz="UTC")))
    correct(store, unique_dyads, index, "not_relation")
    fixed = corrected.apply(queries.open_store(open_version(store)), corrections.active(store))
    december = Filters(dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    rows = queries.evidence(fixed, december)
    assert row_of(unique_dyads, index)["url"] not in set(rows["url"])
    in_december = unique_dyads[unique_dyads["date"] >= pd.Timestamp("2025-12-01", tz="UTC")]
    assert len(rows) == len(in_december) - 1


def test_a_shown_corrected_row_is_corrected_again_by_its_stored_identity(store, unique_dyads):
    version = open_version(store)
    row = row_of(unique_dyads, 12)
    corrected.record(store, version, row, "wrong_direction", "ana")
    fixed = corrected.apply(queries.open_store(version), corrections.active(store))
    shown = queries.evidence(fixed, year(), label=f"{row['target_actor']}>{row['source_actor']}")
    shown = shown[shown["url"] == row["url"]].iloc[0].to_dict()  # as the drill-down shows it: reversed
    corrected.record(store, version, shown, "wrong_sign", "bo")
    [active] = corrections.active(store).to_dict("records")
    assert (active["verdict"], active["source_actor"], active["target_actor"], active["who"]) == (
        "wrong_sign", row["source_actor"], row["target_actor"], "bo")
    listed = corrections.active(store).assign(matches=False)
    assert list(corrected.display(listed)["status"]) == ["no longer matches a row"]
