"""The run: accounting, idempotence, incremental analysis, re-analysis, crash safety."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline.analyse import versions
from pipeline.run import CHUNK_ARTICLES, ensure_store, run
from pipeline.store import (
    TABLES,
    current_version_dir,
    open_version,
    read_manifest,
    read_optional_table,
    read_rejected,
    read_table,
    store_version,
    write_version,
)

ROOT = Path(__file__).resolve().parents[1]
PAIRS = [("France", "Germany"), ("Russia", "Ukraine"), ("China", "Japan"), ("India", "Pakistan"),
         ("Brazil", "Argentina"), ("Canada", "Mexico")]
VERBS = ["praised", "criticised", "welcomed", "condemned", "thanked", "warned"]


def _articles(first: int, count: int, sentences: int = 2) -> pd.DataFrame:
    """Invented dated articles; numbers make every text distinct."""
    rows = []
    for i in range(first, first + count):
        one, two = PAIRS[i % len(PAIRS)]
        verb = VERBS[i % len(VERBS)]
        body = " ".join(
            f'"We are committed to dialogue," the foreign minister of {one} said of {two} '
            f"in statement {i}-{k}, and {one} {verb} {two} over plan number {i * 100 + k}."
            for k in range(sentences))
        rows.append({"date": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:00:00Z",
                     "title": f"{one} {verb} {two} ({i})", "text": body,
                     "url": f"https://news.example.org/{i}", "source": "Invented Wire"})
    return pd.DataFrame(rows)


def _csv(path: Path, frame: pd.DataFrame) -> Path:
    frame.to_csv(path, index=False)
    return path


def _tables(store: Path) -> dict[str, pd.DataFrame]:
    return {name: read_table(store, name) for name in TABLES}


@pytest.fixture
def first_batch(tmp_path) -> Path:
    frame = _articles(0, 6)
    broken = pd.DataFrame([{"date": "not a date", "title": "x", "text": "Some invented text.",
                            "url": "https://news.example.org/bad", "source": "Invented Wire"}])
    return _csv(tmp_path / "first.csv", pd.concat([frame, frame.iloc[[0]], broken]))


def test_accounting_and_what_is_written(tmp_path, first_batch):
    store = tmp_path / "store"
    report = run([first_batch], store)
    assert (report.read, report.accepted, report.rejected) == (8, 6, 2)
    assert report.read == report.accepted + report.rejected
    assert report.accepted == report.new + report.updated + report.unchanged and report.new == 6
    assert report.analysed == 6
    assert report.version_dir.resolve() == current_version_dir(store)
    tables = _tables(store)
    assert report.counts == {name: len(table) for name, table in tables.items()}
    assert len(tables["dyads"]) > 0 and set(tables["dyads"]["article_id"]) <= set(
        tables["articles"]["article_id"])
    manifest = read_manifest(store)
    assert manifest["accounting"] == {"read": 8, "accepted": 6, "rejected": 2, "new": 6, "updated": 0,
                                      "unchanged": 0, "analysed": 6}
    assert set(versions()) == {"dictionary", "lexicon", "events", "model"}
    assert {name: manifest[name] for name in versions()} == versions()
    assert manifest["inputs"] == [str(first_batch)]
    assert set(manifest["timings"]) >= {"load", "validate", "analyse"}
    reasons = sorted(read_rejected(store)["reason"].str.split(":").str[0])
    assert reasons == ["duplicate url", "unparseable date"]


def test_second_run_on_the_same_input_changes_nothing(tmp_path, first_batch):
    store = tmp_path / "store"
    run([first_batch], store)
    before, first_version = _tables(store), store_version(store)
    report = run([first_batch], store)
    assert (report.new, report.unchanged, report.analysed, report.rejected) == (0, 6, 0, 2)
    assert store_version(store) != first_version
    for name, table in _tables(store).items():
        pd.testing.assert_frame_equal(table, before[name], obj=name)
    assert len(read_rejected(store)) == 2


def test_only_new_articles_are_analysed_and_the_result_matches_a_full_run(tmp_path):
    store, full_store = tmp_path / "store", tmp_path / "full"
    first = _csv(tmp_path / "a.csv", _articles(0, 4))
    both = _csv(tmp_path / "b.csv", _articles(0, 7))
    run([first], store)
    report = run([both], store)
    assert (report.new, report.unchanged, report.analysed) == (3, 4, 3)
    run([both], full_store)
    for name in TABLES:
        incremental, full = read_table(store, name), read_table(full_store, name)
        columns = [c for c in full.columns if c not in ("input_file",)]
        key = [c for c in ("article_id", "sent_idx", "quote_idx", "start", "source_actor",
                           "target_actor") if c in columns]
        assert_same = pd.testing.assert_frame_equal
        assert_same(incremental[columns].sort_values(key, ignore_index=True),
                    full[columns].sort_values(key, ignore_index=True), obj=name)


def test_an_incremental_run_writes_only_the_months_of_new_articles(tmp_path):
    store = tmp_path / "store"
    run([_csv(tmp_path / "a.csv", _articles(0, 4))], store)  # January to April 2025
    before = open_version(store)
    run([_csv(tmp_path / "b.csv", _articles(0, 5))], store)  # adds one article of May
    after = open_version(store)
    assert after.months("dyads") == [*before.months("dyads"), "2025-05"]
    for name in ("sentences", "mentions", "dyads", "dyad_days", "dyad_terms"):
        for month in before.months(name):
            assert after.month_file(name, month).stat().st_ino == before.month_file(name, month).stat().st_ino


def test_a_run_onto_a_store_of_one_file_per_table_migrates_it_first(tmp_path):
    from test_store import old_format_store

    built = tmp_path / "built"
    run([_csv(tmp_path / "a.csv", _articles(0, 4))], built)
    tables = {name: read_table(built, name) for name in TABLES}
    store = tmp_path / "store"
    old_format_store(store, tables, {key: value for key, value in read_manifest(built).items()
                                     if key not in ("format", "months", "counts")})
    report = run([_csv(tmp_path / "b.csv", _articles(0, 5))], store)
    assert (report.new, report.unchanged, report.analysed) == (1, 4, 1)
    assert open_version(store).partitioned and read_manifest(store)["counts"] == {
        name: len(read_table(store, name)) for name in TABLES}
    assert len(read_table(store, "articles")) == 5


def test_an_article_republished_with_new_text_replaces_the_stored_one_and_keeps_its_history(tmp_path):
    store = tmp_path / "store"
    original = _articles(0, 3)
    run([_csv(tmp_path / "a.csv", original)], store)
    before = _tables(store)
    first_id = before["articles"].loc[before["articles"]["url"] == original.loc[0, "url"], "article_id"].item()
    corrected = original.copy()
    corrected.loc[0, "text"] = "Correction: the foreign minister of Norway praised Chile over the fisheries pact."
    report = run([_csv(tmp_path / "b.csv", corrected)], store)
    assert (report.read, report.accepted, report.rejected) == (3, 3, 0)
    assert (report.new, report.updated, report.unchanged, report.analysed) == (0, 1, 2, 1)
    assert "accepted 3 = new 0 + updated 1 + unchanged 2" in report.accounting_line()
    after = _tables(store)
    article = after["articles"].set_index("article_id").loc[first_id]
    assert article["text"] == corrected.loc[0, "text"] and len(after["articles"]) == 3
    pairs = set(zip(after["dyads"].loc[after["dyads"]["article_id"] == first_id, "source_actor"],
                    after["dyads"].loc[after["dyads"]["article_id"] == first_id, "target_actor"]))
    assert ("NOR", "CHL") in pairs and ("FRA", "DEU") not in pairs  # re-analysed, old rows gone
    history = read_optional_table(store, "history")
    assert history["article_id"].tolist() == [first_id]
    assert history["text"].item() == original.loc[0, "text"] and history["replaced_at"].item()
    assert read_manifest(store)["accounting"]["updated"] == 1
    again = run([_csv(tmp_path / "c.csv", corrected)], store)  # the same correction again is unchanged
    assert (again.new, again.updated, again.unchanged) == (0, 0, 3)
    assert len(read_optional_table(store, "history")) == 1


@pytest.mark.parametrize("component", ["dictionary", "lexicon", "events", "model"])
def test_a_changed_analysis_version_reanalyses_everything(tmp_path, first_batch, component):
    store = tmp_path / "store"
    run([first_batch], store)
    manifest_path = current_version_dir(store) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest[component] = f"an older {component}"
    manifest_path.write_text(json.dumps(manifest))
    report = run([first_batch], store)
    assert (report.new, report.unchanged, report.analysed) == (0, 6, 6)
    assert read_manifest(store)[component] == versions()[component]


def test_dry_run_writes_nothing(tmp_path, first_batch):
    store = tmp_path / "store"
    report = run(str(first_batch), store, dry_run=True)  # a single path is one input
    assert (report.read, report.accepted, report.rejected, report.new) == (8, 6, 2, 6)
    assert report.version_dir is None and not store.exists()
    run([first_batch], store)
    version = store_version(store)
    again = run([first_batch], store, dry_run=True)
    assert (again.new, again.unchanged) == (0, 6) and store_version(store) == version


def test_progress_is_reported_per_chunk_and_ensure_store_builds_once(tmp_path):
    corpus = _csv(tmp_path / "corpus.csv", _articles(0, CHUNK_ARTICLES + 20, sentences=1))
    store = tmp_path / "store"
    calls = []
    report = ensure_store(store, corpus, on_progress=lambda *call: calls.append(call))
    assert report.new == CHUNK_ARTICLES + 20
    total = CHUNK_ARTICLES + 20
    assert [c for c in calls if c[2] == "analyse"] == [(CHUNK_ARTICLES, total, "analyse"),
                                                         (total, total, "analyse")]
    version = store_version(store)
    assert ensure_store(store, corpus) is None and store_version(store) == version


def test_kill_during_the_write_leaves_the_old_store_readable(tmp_path):
    big = _csv(tmp_path / "big.csv", _articles(5, 4000, sentences=4))
    small = _csv(tmp_path / "small.csv", _articles(0, 5))
    for attempt in range(3):  # a fresh store per attempt, in case a run outpaces the kill
        store = tmp_path / f"store{attempt}"
        run([small], store)
        old_version, old_counts = store_version(store), read_manifest(store)["counts"]
        if _kill_when_new_version_appears(big, store, old_version):
            break
    else:
        pytest.fail("every run finished before it could be killed; no crash was tested")
    assert store_version(store) == old_version
    assert read_manifest(store)["counts"] == old_counts
    assert {name: len(read_table(store, name)) for name in TABLES} == old_counts
    partial = [p for p in (store / "versions").iterdir() if p.name != old_version]
    assert len(partial) == 1 and not (partial[0] / "manifest.json").exists()
    report = run([_csv(tmp_path / "more.csv", _articles(5, 3))], store)
    assert report.new == 3 and not partial[0].exists()


def _kill_when_new_version_appears(big: Path, store: Path, old_version: str) -> bool:
    """SIGKILL a CLI run as soon as its version directory exists; True if it was mid-write."""
    versions_dir = store / "versions"
    process = subprocess.Popen([sys.executable, "-m", "pipeline", "run", str(big), "--store",
                                str(store)], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        while process.poll() is None:
            new = [p for p in versions_dir.iterdir() if p.name != old_version]
            if new:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
                return not (new[0] / "manifest.json").exists()
            time.sleep(0.001)
        return False
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_an_extra_column_typed_differently_by_two_inputs_is_stored_as_text(tmp_path):
    numbers = tmp_path / "numbers.json"
    numbers.write_text(_articles(0, 2).assign(page=[1, 2]).to_json(orient="records"))
    words = _csv(tmp_path / "words.csv", _articles(2, 2).assign(page=["front", "back"]))
    store = tmp_path / "store"
    run([numbers, words], store)
    run([numbers, words, _csv(tmp_path / "more.csv", _articles(4, 1))], store)
    pages = read_table(store, "articles").set_index("title")["page"]
    assert sorted(pages.dropna().tolist()) == ["1", "2", "back", "front"]



def test_run_uploads_reports_rejections_and_errors_by_the_uploaded_names(tmp_path):
    from pipeline.run import run_uploads

    csv = (b"date,title,text\n2024-05-01,Talks,Ministers of Chile and Peru met in Lima.\n"
           b"not a date,Bad,Ministers met again.\n")
    report = run_uploads([("my export.csv", csv)], tmp_path / "store")
    assert (report.read, report.accepted, report.rejected) == (2, 1, 1)
    assert report.rejections["file"].tolist() == ["my export.csv"]
    assert read_rejected(tmp_path / "store")["file"].tolist() == ["my export.csv"]
    assert set(read_table(tmp_path / "store", "articles")["input_file"]) == {"my export.csv"}
    with pytest.raises(ValueError, match=r"^broken\.parquet: ") as caught:
        run_uploads([("../broken.parquet", b"PAR1 not really parquet")], tmp_path / "store")
    assert "/tmp" not in str(caught.value)


def test_the_author_is_stored_and_a_store_written_before_authors_still_loads(tmp_path):
    store = tmp_path / "store"
    run(_csv(tmp_path / "news.csv", _articles(0, 2)), store)
    tables = _tables(store)  # rewrite the live version as a store from before the author column
    write_version(store, {**tables, "articles": tables["articles"].drop(columns="author_actor")},
                  read_rejected(store), read_manifest(store))
    speeches = _articles(10, 2).drop(columns="source").assign(country_iso3=["FRA", "Germany"])
    report = run(_csv(tmp_path / "speeches.csv", speeches), store)
    assert report.accounting_line().startswith("read 2 = accepted 2")
    articles = read_table(store, "articles").set_index("url")["author_actor"]
    assert articles.to_dict() == {**{f"https://news.example.org/{i}": "" for i in (0, 1)},
                                  "https://news.example.org/10": "FRA", "https://news.example.org/11": "DEU"}


KILL_SEEDS = [11, 23, 37, 41, 59]


@pytest.fixture(scope="module")
def kill_inputs(tmp_path_factory) -> tuple[list[Path], Path, float]:
    """Mixed inputs for the new readers (a Windows-1252 CSV with a ragged row, JSON Lines with broken
    lines, a folder of notes with bad front matter), a reference store built from a small first batch
    and then those inputs, and how long a CLI run of them takes (the range kills are drawn from)."""
    folder = tmp_path_factory.mktemp("kill")
    table = _articles(100, 120, sentences=2)
    table.loc[3, "text"] = "Señor Pérez said “the naïve plan” costs €5; " + table.loc[3, "text"]
    data = table.to_csv(index=False).encode("cp1252") + b"2025-03-04,ragged,row,with,too,many,fields\n"
    (folder / "windows.csv").write_bytes(data)
    lines = [json.dumps(record) for record in _articles(300, 60).to_dict("records")]
    lines[10:10] = ['{"date": broken', "[1, 2]"]
    (folder / "lines.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    notes = folder / "notes"
    notes.mkdir()
    for record in _articles(400, 40).to_dict("records"):
        (notes / f"{record['date'][:10]}-{record['url'].rsplit('/', 1)[1]}.md").write_text(
            f"---\ntitle: {record['title']}\n---\n{record['text']}\n", encoding="utf-8")
    (notes / "2025-02-30-bad.md").write_text("---\ntitle: [unclosed\n---\nBody.\n", encoding="utf-8")
    inputs = [folder / "windows.csv", folder / "lines.jsonl", notes]
    small = _csv(folder / "small.csv", _articles(0, 5))
    reference = folder / "reference"
    run([small], reference)
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pipeline", "run", *map(str, inputs), "--store", str(reference)],
                            cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    assert "read 224 = accepted 220 + rejected 4" in result.stdout, result.stdout
    return [small, *inputs], reference, time.perf_counter() - started


@pytest.mark.parametrize("seed", KILL_SEEDS)
def test_sigkill_at_a_random_point_leaves_a_complete_store_and_a_rerun_gives_the_same_tables(
        tmp_path, kill_inputs, seed):
    import random

    (small, *inputs), reference, duration = kill_inputs
    store = tmp_path / "store"
    run([small], store)
    old_version = store_version(store)
    process = subprocess.Popen([sys.executable, "-m", "pipeline", "run", *map(str, inputs), "--store", str(store)],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kill_at = random.Random(seed).uniform(0.5, 0.9 * duration)
    try:
        process.wait(timeout=kill_at)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()
    print(f"seed {seed}: {'killed' if process.returncode == -signal.SIGKILL else 'finished'} at {kill_at:.1f}s "
          f"of {duration:.1f}s; live version {'unchanged' if store_version(store) == old_version else 'new'}")
    live = current_version_dir(store)
    assert live is not None
    counts = read_manifest(store)["counts"]
    assert {name: len(read_table(store, name)) for name in TABLES} == counts  # complete, old or new
    assert store_version(store) == old_version or counts == read_manifest(reference)["counts"]
    run(inputs, store)
    for name in TABLES:
        pd.testing.assert_frame_equal(read_table(store, name), read_table(reference, name), obj=name)
    rejected = read_rejected(store)[["file", "row", "reason"]].sort_values(["file", "row"], ignore_index=True)
    expected = read_rejected(reference)[["file", "row", "reason"]].sort_values(["file", "row"], ignore_index=True)
    pd.testing.assert_frame_equal(rejected, expected)
