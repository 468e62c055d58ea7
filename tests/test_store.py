"""The versioned store: month partitions, complete versions, atomic `current` swap, hard-linked unchanged
months, reads of a named version, pruning, and the migration of a store of one file per table."""

import json
import os

import numpy as np
import pandas as pd
import pytest

from pipeline.schema import DYADS
from pipeline.store import (
    INDEXES,
    PARTITIONED,
    REJECTED_COLUMNS,
    TABLES,
    OldStoreFormat,
    current_version_dir,
    open_partitioned,
    open_version,
    read_manifest,
    read_rejected,
    read_table,
    store_version,
    table_files,
    write_version,
)
from pipeline.store_index import day_totals, query_terms, term_postings
from pipeline.store_migrate import migrate, needs_migration


def _tables(n_dyads: int, first: str = "2025-01-05", step: str = "9D") -> dict[str, pd.DataFrame]:
    """`n_dyads` invented dyads every `step` from `first`, of three articles dated like their dyads."""
    dates = pd.date_range(first, periods=n_dyads, freq=step, tz="UTC")
    dyads = pd.DataFrame({
        "article_id": [f"a{i}" for i in range(n_dyads)], "date": dates[::-1],
        "source_actor": (["USA", "RUS", "CHN"] * n_dyads)[:n_dyads],
        "target_actor": ["UKR"] * n_dyads, "kind": ["quote"] * n_dyads,
        "speaker": ["an invented minister"] * n_dyads,
        "evidence": [f"We welcome invented step {i}." for i in range(n_dyads)],
        "start": range(n_dyads), "end": range(1, n_dyads + 1), "score": np.linspace(-1, 1, n_dyads),
        "contributions": ['[["welcome", 0.5]]'] * n_dyads, "source": ["Invented Wire"] * n_dyads,
        "url": [""] * n_dyads, "method": ["rule:quote-names-target"] * n_dyads, "confidence": [0.9] * n_dyads,
    })[DYADS]
    articles = pd.DataFrame({"article_id": dyads["article_id"], "date": dyads["date"],
                             "text": [f"Text {i}." for i in range(n_dyads)], "author_actor": ""})
    sentences = pd.DataFrame({"article_id": articles["article_id"], "sent_idx": 0, "text": articles["text"]})
    empty = pd.DataFrame({"article_id": pd.Series(dtype="str"), "sent_idx": pd.Series(dtype="int64")})
    return {"articles": articles, "sentences": sentences, "mentions": empty, "quotes": empty, "dyads": dyads}


def _rejected(reason: str) -> pd.DataFrame:
    return pd.DataFrame([["in.csv", 7, reason, "x1", "A title, with a comma",
                          "2025-03-10T12:00:00+00:00"]], columns=REJECTED_COLUMNS)


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["article_id"], ignore_index=True)


def test_an_empty_store_has_no_version(tmp_path):
    assert current_version_dir(tmp_path / "store") is None
    assert store_version(tmp_path / "store") == ""
    with pytest.raises(FileNotFoundError, match="no store yet"):
        read_table(tmp_path / "store", "dyads")


def test_write_then_read_every_table_by_month(tmp_path):
    store = tmp_path / "store"
    tables = _tables(20)
    version_dir = write_version(store, tables, _rejected("empty text"), {"dictionary": "d1"})
    assert current_version_dir(store) == version_dir.resolve()
    assert os.readlink(store / "current") == f"versions/{version_dir.name}"
    months = sorted(set(tables["dyads"]["date"].dt.strftime("%Y-%m")))
    assert len(months) > 3
    version = open_version(store, version_dir.name)
    for name in ("sentences", "dyads", *INDEXES):
        assert version.months(name) == months
        assert [path.relative_to(version.dir).as_posix() for path in table_files(store, name)] == [
            f"{name}/month={month}/part-0.parquet" for month in months]
    for name in TABLES:
        pd.testing.assert_frame_equal(_sorted(read_table(store, name)), _sorted(tables[name]), obj=name,
                                      check_dtype=False, check_index_type=False)
    dyads = read_table(store, "dyads")
    keys = list(zip(dyads["date"].dt.strftime("%Y-%m"), dyads["source_actor"], dyads["target_actor"], dyads["date"]))
    assert keys == sorted(keys)
    assert read_table(store, "dyads", columns=["score"]).columns.tolist() == ["score"]
    assert table_files(store, "mentions") == [version.dir / "mentions" / "schema.parquet"]
    assert read_table(store, "mentions").columns.tolist() == ["article_id", "sent_idx"]
    manifest = read_manifest(store)
    assert manifest["dictionary"] == "d1" and manifest["version"] == version_dir.name and manifest["format"] == 2
    assert manifest["counts"] == {name: len(tables[name]) for name in TABLES}
    assert sum(manifest["months"]["dyads"].values()) == 20
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


def test_a_named_version_reads_its_own_files_until_it_is_pruned(tmp_path):
    store = tmp_path / "store"
    first = write_version(store, _tables(3), _rejected("no date"), {}).name
    write_version(store, _tables(6), _rejected("no date"), {})
    assert len(read_table(store, "dyads", version=first)) == 3
    assert len(read_table(store, "dyads")) == 6
    write_version(store, _tables(9), _rejected("no date"), {})
    with pytest.raises(FileNotFoundError, match=f"version {first} is no longer in the store"):
        read_table(store, "dyads", version=first)


def test_an_incremental_write_links_the_months_it_did_not_touch(tmp_path):
    store = tmp_path / "store"
    tables = _tables(30)
    base = open_version(store, write_version(store, tables, _rejected("no date"), {}).name)
    months = base.months("dyads")
    touched = months[2]
    extra = _tables(2, first=f"{touched}-20", step="h")
    extra = {name: frame.assign(article_id=frame["article_id"] + "x") if "article_id" in frame else frame
             for name, frame in extra.items()}
    stored = {name: base.read(name, months=[touched]) for name in PARTITIONED}
    merged = {name: pd.concat([stored[name], extra[name]], ignore_index=True) for name in PARTITIONED}
    merged["articles"] = pd.concat([tables["articles"], extra["articles"]], ignore_index=True)
    new = open_version(store, write_version(store, merged, _rejected("no date"), {}, base=base,
                                            touched={touched}).name)
    assert new.months("dyads") == months
    for name in ("dyads", "sentences", *INDEXES):
        for month in months:
            old_stat, new_stat = base.month_file(name, month).stat(), new.month_file(name, month).stat()
            assert (old_stat.st_ino == new_stat.st_ino) == (month != touched), (name, month)
    assert len(new.read("dyads")) == 32 and new.manifest()["counts"]["dyads"] == 32
    assert new.manifest()["months"]["dyads"][touched] == len(stored["dyads"]) + 2
    pd.testing.assert_frame_equal(new.read("dyads", months=set(months) - {touched}),
                                  base.read("dyads", months=set(months) - {touched}))
    with pytest.raises(ValueError, match="not marked touched"):
        write_version(store, merged, _rejected("no date"), {}, base=new, touched=set())
    assert store_version(store) == new.id


def test_a_partial_version_never_becomes_current_and_is_pruned(tmp_path):
    store = tmp_path / "store"
    write_version(store, _tables(2), _rejected("no date"), {})
    live = store_version(store)
    crashed = store / "versions" / "20000101T000000000000Z-dead00"
    (crashed / "dyads" / "month=2025-01").mkdir(parents=True)
    (crashed / "dyads" / "month=2025-01" / "part-0.parquet").write_bytes(b"half a file")
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
        table_files(tmp_path / "store", "dyad")


def old_format_store(store, tables: dict[str, pd.DataFrame], manifest: dict) -> None:
    """A store as Entente wrote it before partitions: one Parquet file per table."""
    version = store / "versions" / "20250101T000000000000Z-0ld0ld"
    version.mkdir(parents=True)
    for name, frame in tables.items():
        frame.to_parquet(version / f"{name}.parquet")
    (version / "rejected.csv").write_text(",".join(REJECTED_COLUMNS) + "\n")
    (version / "manifest.json").write_text(json.dumps({**manifest, "version": version.name}))
    os.symlink(f"versions/{version.name}", store / "current")


def test_an_old_store_is_read_refused_for_queries_and_migrated_without_loss(tmp_path):
    store = tmp_path / "store"
    tables = _tables(12)
    tables["dyads"] = tables["dyads"].drop(columns=["method", "confidence"])
    tables["articles"] = tables["articles"].drop(columns="author_actor")
    old_format_store(store, tables, {"dictionary": "d0", "inputs": ["old.csv"]})
    old_id = store_version(store)
    assert needs_migration(store)
    assert len(read_table(store, "dyads")) == 12
    with pytest.raises(OldStoreFormat) as refused:
        open_partitioned(store)
    assert "\n" not in str(refused.value) and "python -m pipeline migrate --store" in str(refused.value)
    migrated = migrate(store)
    assert migrated is not None and not needs_migration(store) and migrate(store) is None
    new = open_partitioned(store)
    assert new.manifest()["migrated_from"] == old_id and new.manifest()["inputs"] == ["old.csv"]
    dyads = new.read("dyads")
    pd.testing.assert_frame_equal(_sorted(dyads[tables["dyads"].columns]), _sorted(tables["dyads"]),
                                  check_dtype=False)
    assert dyads["method"].isna().all() and dyads["confidence"].isna().all()
    assert set(new.read("articles")["author_actor"]) == {""}
    assert len(read_table(store, "dyads", version=old_id)) == 12  # the old version stays as the previous one


def test_day_totals_match_pandas():
    dyads = _tables(40, step="17h")["dyads"]
    dyads["kind"] = np.where(np.arange(40) % 3 == 0, "statement", "quote")
    totals = day_totals(dyads).to_pandas()
    reference = dyads.assign(day=dyads["date"].dt.tz_localize(None).dt.normalize()).groupby(
        ["source_actor", "target_actor", "day", "kind", "source"])["score"].agg(
        n="size", total="sum", total_sq=lambda s: (s * s).sum()).reset_index()
    assert totals["n"].tolist() == reference["n"].tolist()
    assert np.allclose(totals["total"], reference["total"]) and np.allclose(totals["total_sq"], reference["total_sq"])
    assert pd.to_datetime(totals["day"]).tolist() == reference["day"].tolist()


def test_term_postings_index_words_of_evidence_and_speaker():
    dyads = pd.DataFrame({"evidence": ["We WELCOME the talks.", "Talks, talks: no", "Ça va, Zürich-2"],
                          "speaker": ["Peskov", None, "a spokesman"]})
    postings = term_postings(dyads).to_pandas()
    assert list(zip(postings["term"], postings["row"])) == sorted(
        [("we", 0), ("welcome", 0), ("the", 0), ("talks", 0), ("peskov", 0), ("talks", 1), ("no", 1),
         ("ça", 2), ("va", 2), ("zürich", 2), ("2", 2), ("a", 2), ("spokesman", 2)])
    assert query_terms("  Zürich-2, talks talks ") == ["zürich", "2", "talks"]
    assert query_terms("%_ ") == []
