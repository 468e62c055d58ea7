"""The versioned store: complete versions, atomic `current` swap, pruning, the read API."""

import os

import pandas as pd
import pytest

from pipeline.schema import DYADS
from pipeline.store import (
    REJECTED_COLUMNS,
    TABLES,
    current_version_dir,
    read_manifest,
    read_rejected,
    read_table,
    store_version,
    table_path,
    write_version,
)


def _tables(n_dyads: int) -> dict[str, pd.DataFrame]:
    dates = pd.date_range("2025-03-01", periods=n_dyads, freq="h", tz="UTC")
    dyads = pd.DataFrame({
        "article_id": [f"a{i % 3}" for i in range(n_dyads)], "date": dates[::-1],
        "source_actor": (["USA", "RUS", "CHN"] * n_dyads)[:n_dyads],
        "target_actor": ["UKR"] * n_dyads, "kind": ["quote"] * n_dyads,
        "speaker": ["an invented minister"] * n_dyads, "evidence": ["We welcome this."] * n_dyads,
        "start": range(n_dyads), "end": range(1, n_dyads + 1), "score": [0.5] * n_dyads,
        "contributions": ['[["welcome", 0.5]]'] * n_dyads, "source": ["Invented Wire"] * n_dyads,
        "url": [""] * n_dyads, "method": ["rule:quote-names-target"] * n_dyads, "confidence": [0.9] * n_dyads,
    })[DYADS]
    articles = pd.DataFrame({"article_id": ["a0", "a1", "a2"],
                             "text": ["One.", "Two.", "Three."]})
    empty = pd.DataFrame({"article_id": pd.Series(dtype="str")})
    return {"articles": articles, "sentences": empty, "mentions": empty, "quotes": empty,
            "dyads": dyads}


def _rejected(reason: str) -> pd.DataFrame:
    return pd.DataFrame([["in.csv", 7, reason, "x1", "A title, with a comma",
                          "2025-03-10T12:00:00+00:00"]], columns=REJECTED_COLUMNS)


def test_an_empty_store_has_no_version(tmp_path):
    assert current_version_dir(tmp_path / "store") is None
    assert store_version(tmp_path / "store") == ""
    with pytest.raises(FileNotFoundError, match="no store yet"):
        read_table(tmp_path / "store", "dyads")


def test_write_then_read_every_table(tmp_path):
    store = tmp_path / "store"
    tables = _tables(7)
    version_dir = write_version(store, tables, _rejected("empty text"), {"dictionary": "d1"})
    assert current_version_dir(store) == version_dir.resolve()
    assert os.readlink(store / "current") == f"versions/{version_dir.name}"
    for name in TABLES:
        assert table_path(store, name) == version_dir.resolve() / f"{name}.parquet"
        assert len(read_table(store, name)) == len(tables[name])
    dyads = read_table(store, "dyads")
    keys = list(zip(dyads["source_actor"], dyads["target_actor"], dyads["date"]))
    assert keys == sorted(keys) and len(keys) == 7
    assert read_table(store, "dyads", columns=["score"]).columns.tolist() == ["score"]
    manifest = read_manifest(store)
    assert manifest["dictionary"] == "d1" and manifest["version"] == version_dir.name
    assert manifest["counts"] == {name: len(tables[name]) for name in TABLES}
    rejected = read_rejected(store)
    assert rejected.to_dict("records") == _rejected("empty text").to_dict("records")


def test_each_write_swaps_current_and_keeps_only_the_previous(tmp_path):
    store = tmp_path / "store"
    seen = []
    for n in (2, 3, 4):
        write_version(store, _tables(n), _rejected("no date"), {})
        seen.append(store_version(store))
        assert len(read_table(store, "dyads")) == n
    assert len(set(seen)) == 3
    assert sorted(p.name for p in (store / "versions").iterdir()) == sorted(seen[1:])


def test_a_partial_version_never_becomes_current_and_is_pruned(tmp_path):
    store = tmp_path / "store"
    write_version(store, _tables(2), _rejected("no date"), {})
    live = store_version(store)
    crashed = store / "versions" / "20000101T000000000000Z-dead00"
    crashed.mkdir()
    (crashed / "articles.parquet").write_bytes(b"half a file")
    stale_link = store / ".current.999.abcdef"
    os.symlink("versions/20000101T000000000000Z-dead00", stale_link)
    assert store_version(store) == live
    write_version(store, _tables(5), _rejected("no date"), {})
    assert not crashed.exists() and not stale_link.is_symlink()
    assert len(read_table(store, "dyads")) == 5


def test_current_pointing_at_an_incomplete_version_counts_as_no_store(tmp_path):
    store = tmp_path / "store"
    (store / "versions" / "v1").mkdir(parents=True)
    os.symlink("versions/v1", store / "current")
    assert current_version_dir(store) is None


def test_missing_tables_and_unknown_names_are_refused(tmp_path):
    tables = _tables(2)
    del tables["quotes"]
    with pytest.raises(ValueError, match="missing tables"):
        write_version(tmp_path / "store", tables, _rejected("no date"), {})
    assert not (tmp_path / "store" / "current").exists()
    write_version(tmp_path / "store", _tables(2), _rejected("no date"), {})
    with pytest.raises(ValueError, match="unknown table 'dyad'"):
        table_path(tmp_path / "store", "dyad")
