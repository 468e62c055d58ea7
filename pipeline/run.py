"""A pipeline run: load → validate → analyse the new articles → merge with the store → write.

Accounting: `read == accepted + rejected` and `accepted == new + updated + unchanged`. An article
stored before with the same id and content is `unchanged` and is not analysed again unless an analysis
version (dictionary, lexicons, relation model) changed, in which case every article is analysed afresh.
An `updated` article (republished at a stored url with other content) replaces the stored one and is
analysed again; the replaced version moves to the store's `history` table.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

import pipeline
from pipeline.actors import author_ids, load_dictionary
from pipeline.analyse import analyse, versions
from pipeline.datasets import RAW, refuse_demo
from pipeline.engines import Engine
from pipeline.load import YEAR_DAY, consistent_columns, load_chunks
from pipeline.schema import ARTICLES, DYADS, MENTIONS, QUOTES, SENTENCES
from pipeline.store import REJECTED_COLUMNS, Version, article_months, current_version_dir, open_version, write_version
from pipeline.store_migrate import migrate_locked, needs_migration, store_lock
from pipeline.validate import MAX_CHARS, validate_chunks

CHUNK_ARTICLES = 500
ANALYSIS_COLUMNS = {"sentences": SENTENCES, "mentions": MENTIONS, "quotes": QUOTES,
                    "dyads": DYADS}
ARTICLE_ORDER = ["date", "article_id"]
Progress = Callable[[int, int, str], None]


@dataclass
class RunReport:
    """What a run read, accepted, rejected and wrote."""

    read: int
    accepted: int
    rejected: int
    new: int
    unchanged: int
    analysed: int
    rejections: pd.DataFrame
    timings: dict[str, float]
    version_dir: Path | None
    counts: dict[str, int] = field(default_factory=dict)
    accepted_articles: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    """The accepted input records (new, updated and unchanged), with `unchanged` and `updated` columns."""
    encodings: dict[str, str] = field(default_factory=dict)
    """{input file: detected encoding} for the files that were not plain UTF-8."""
    updated: int = 0

    def accounting_line(self) -> str:
        updated = f" + updated {self.updated}" if self.updated else ""
        return (f"read {self.read} = accepted {self.accepted} + rejected {self.rejected}; "
                f"accepted {self.accepted} = new {self.new}{updated} + unchanged {self.unchanged}")


@dataclass(frozen=True)
class ReadOptions:
    """How inputs are read: `mapping` (field → input column), one `author` for every record (an
    actor id or name; it replaces any author column) and the MM-DD on which a bare year falls."""

    mapping: Mapping[str, str] = field(default_factory=dict)
    author: str | None = None
    year_day: str = YEAR_DAY


def run(inputs: Iterable[str | Path] | str | Path, store_dir: str | Path, *,
        mapping: Mapping[str, str] | None = None, max_chars: int = MAX_CHARS,
        on_progress: Progress | None = None, dry_run: bool = False,
        labels: Mapping[Path, str] | None = None, author: str | None = None,
        year_day: str = YEAR_DAY, engine: Engine | None = None) -> RunReport:
    """Load `inputs`, validate, analyse what is new and write a new store version.

    `inputs` may also be a single path. With `dry_run` nothing is analysed or written
    (`version_dir` is None). `on_progress(done, total, stage)` is called per input ("load") and
    per chunk of articles ("analyse"). `labels` names inputs in the records' `input_file` (and so
    in rejections) instead of their paths. `author`, `year_day`: see ``ReadOptions``; an `author`
    the dictionary does not know raises ValueError. `engine` runs the analysis (``pipeline.engines``;
    default: in this process); the caller starts and closes it.
    """
    inputs = [inputs] if isinstance(inputs, (str, Path)) else list(inputs)
    if author is not None and author.strip().casefold() not in author_ids(load_dictionary()):
        raise ValueError(f"--author {author}: not an actor id or name in the dictionary")
    options = ReadOptions(mapping or {}, author, year_day)
    engine = engine or Engine()
    if dry_run:
        return _run(inputs, Path(store_dir), options, max_chars, on_progress, dry_run, labels or {}, engine)
    refuse_demo(Path(store_dir))
    with store_lock(store_dir):
        migrate_locked(store_dir)
        return _run(inputs, Path(store_dir), options, max_chars, on_progress, dry_run, labels or {}, engine)


def run_uploads(files: Iterable[tuple[str, bytes]], store_dir: str | Path, *,
                on_progress: Progress | None = None) -> RunReport:
    """``run`` on uploaded files given as (file name, bytes). Each file is kept, unchanged, in the
    store's ``raw/`` folder (which the manifest's inputs name), so that the dataset can be rebuilt; a
    file that fails to load is not kept. Errors and rejections name the files by their uploaded names."""
    refuse_demo(Path(store_dir))
    kept = []
    for name, data in files:
        safe_name = upload_name(name)
        kept.append((*keep_raw(Path(store_dir) / RAW, safe_name, data), safe_name))
    try:
        return run([path for path, _, _ in kept], store_dir, on_progress=on_progress,
                   labels={path: name for path, _, name in kept})
    except (ValueError, OSError) as error:
        for path, new, _ in kept:
            if new:
                path.unlink(missing_ok=True)
        message = (str(error).splitlines() or [type(error).__name__])[0]
        for path, _, name in kept:
            message = message.replace(str(path), name)
        raise ValueError(message) from None


def upload_name(name: str) -> str:
    """The file name of an uploaded file's name (any path dropped; "upload" when none is left)."""
    return Path(name).name if Path(name).name not in ("", ".", "..") else "upload"


def keep_raw(folder: Path, safe_name: str, data: bytes) -> tuple[Path, bool]:
    """Write ``data`` into ``folder`` as ``safe_name`` and say whether the file is new. An identical file
    already there is reused; another file of that name is never overwritten: the new one gets the first
    12 hex digits of its sha256 as a prefix."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / safe_name
    if path.exists() and path.read_bytes() != data:
        path = folder / f"{hashlib.sha256(data).hexdigest()[:12]}-{safe_name}"
    if path.exists() and path.read_bytes() == data:
        return path, False
    path.write_bytes(data)
    return path, True


def ensure_store(store_dir: str | Path, corpus_path: str | Path,
                 on_progress: Progress | None = None) -> RunReport | None:
    """Build the store from `corpus_path` unless it has a live version (migrating it when it was written
    before partitions); None when it had one."""
    if current_version_dir(store_dir) is not None and not needs_migration(store_dir):
        return None
    with store_lock(store_dir):
        migrate_locked(store_dir)
        if current_version_dir(store_dir) is not None:
            return None
        return _run([corpus_path], Path(store_dir), ReadOptions(), MAX_CHARS, on_progress, False, {}, Engine())


def _run(inputs: list, store: Path, options: ReadOptions, max_chars: int, on_progress: Progress | None,
         dry_run: bool, labels: Mapping[Path, str], engine: Engine) -> RunReport:
    progress = on_progress or (lambda done, total, stage: None)
    clock = _Stopwatch()
    loaded, encodings = [], {}
    for done, item in enumerate(inputs, 1):
        chunks, found = load_chunks(item, options.mapping, year_day=options.year_day, author=options.author)
        encodings |= {labels.get(item, file): label for file, label in found.items()}
        loaded += [chunk.assign(input_file=labels[item]) for chunk in chunks] if item in labels else chunks
        del chunks
        progress(done, len(inputs), "load")
    read = sum(map(len, loaded))
    clock.lap("load")

    stored = _read_stored(store)
    analysis_versions = versions()
    clock.lap("read store")
    reuse = stored is not None and all(
        str(stored["manifest"].get(name)) == value for name, value in analysis_versions.items())
    accepted, rejected = validate_chunks(loaded, max_chars=max_chars, stored=stored["articles"] if stored else None)
    run_at = datetime.now(UTC).isoformat(timespec="seconds")
    rejected = rejected.assign(run_at=run_at)
    replaced_ids = accepted.loc[accepted["updated"], "article_id"]
    unchanged = int(accepted["unchanged"].sum())
    clock.lap("validate")

    report = RunReport(
        read=read, accepted=len(accepted), rejected=len(rejected),
        new=len(accepted) - unchanged - len(replaced_ids), updated=len(replaced_ids),
        unchanged=unchanged, analysed=0,
        rejections=rejected, timings=clock.laps, version_dir=None, accepted_articles=accepted,
        encodings=encodings)
    if dry_run:
        return report

    new_articles = (accepted[~accepted["unchanged"]] if unchanged else accepted).drop(columns=["unchanged", "updated"])

    if stored:
        stored = _without_replaced(stored, replaced_ids, run_at)
    all_articles = pd.concat([stored["articles"], new_articles] if stored else [new_articles],
                             ignore_index=True)
    all_articles = consistent_columns(all_articles).sort_values(ARTICLE_ORDER, kind="stable",
                                                               ignore_index=True)
    to_analyse = new_articles if reuse else all_articles
    fresh = _analyse_in_chunks(to_analyse, progress, engine)
    clock.lap("analyse")

    # Only the months of new (and replaced) articles change when earlier analyses are reused: the store
    # links the others.
    base: Version | None = stored["version"] if reuse else None
    touched = set(article_months(new_articles)) | set(stored["replaced_months"]) if reuse else set()
    tables = {"articles": all_articles, "history": stored["history"] if stored else None}
    for name in ANALYSIS_COLUMNS:
        parts = [_without_ids(base.read(name, months=touched), stored["replaced_ids"])] \
            if base is not None and touched else []
        tables[name] = _concat([*parts, fresh[name]], ANALYSIS_COLUMNS[name])
    history = [stored["rejected"]] if stored else []
    rejections = pd.concat([*history, rejected[REJECTED_COLUMNS]], ignore_index=True)
    rejections = rejections.drop_duplicates(["file", "row", "reason", "article_id"], keep="last")
    clock.lap("merge")

    report.analysed = len(to_analyse)
    manifest = {
        "entente_version": pipeline.__version__,
        **analysis_versions,
        "inputs": list(dict.fromkeys([*(stored["manifest"]["inputs"] if stored else []),
                                      *map(str, inputs)])),
        "accounting": {"read": report.read, "accepted": report.accepted,
                       "rejected": report.rejected, "new": report.new, "updated": report.updated,
                       "unchanged": report.unchanged, "analysed": report.analysed},
        "timings": clock.laps,
    }
    report.version_dir = write_version(store, tables, rejections, manifest, base=base, touched=touched)
    clock.lap("store")
    report.counts = Version(report.version_dir).manifest()["counts"]
    return report


def _read_stored(store: Path) -> dict | None:
    """The live version, its articles, manifest and rejections, or None without a store."""
    if current_version_dir(store) is None:
        return None
    version = open_version(store)
    stored = {"version": version, "articles": version.read("articles"), "manifest": version.manifest(),
              "rejected": version.rejected()}
    if "author_actor" not in stored["articles"]:  # a store written before authors were recorded
        stored["articles"]["author_actor"] = ""
    stored["history"] = version.optional("history")
    return stored


def _without_replaced(stored: dict, replaced_ids: pd.Series, run_at: str) -> dict:
    """The stored articles without those `replaced_ids` names, whose stored versions are added to the
    `history` table (stamped `replaced_at`); `replaced_months` are the months they were stored in."""
    replaced = stored["articles"]["article_id"].isin(replaced_ids)
    previous = stored["articles"][replaced].assign(replaced_at=run_at)
    earlier = [stored["history"]] if stored["history"] is not None else []
    history = consistent_columns(pd.concat([*earlier, previous], ignore_index=True)) if len(previous) else \
        stored["history"]
    return stored | {"articles": stored["articles"][~replaced].reset_index(drop=True), "history": history,
                     "replaced_ids": set(replaced_ids), "replaced_months": set(article_months(previous))}


def _without_ids(table: pd.DataFrame, article_ids: set[str]) -> pd.DataFrame:
    return table[~table["article_id"].isin(article_ids)].reset_index(drop=True) if article_ids else table


def _analyse_in_chunks(articles: pd.DataFrame, progress: Progress, engine: Engine) -> dict[str, pd.DataFrame]:
    """`analyse()` over chunks of `CHUNK_ARTICLES` articles on `engine`, reporting progress per chunk
    as results arrive in input order; only the tables the store keeps (`ANALYSIS_COLUMNS`) are collected."""
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in ANALYSIS_COLUMNS}
    total = len(articles)
    starts = range(0, total, CHUNK_ARTICLES)
    chunks = (articles.iloc[start:start + CHUNK_ARTICLES][ARTICLES].reset_index(drop=True) for start in starts)
    for start, tables in zip(starts, engine.map(analyse_stored_tables, chunks), strict=True):
        for name, frames in parts.items():
            frames.append(tables[name])
        progress(min(start + CHUNK_ARTICLES, total), total, "analyse")
    return {name: _concat(frames, ANALYSIS_COLUMNS[name]) for name, frames in parts.items()}


def analyse_stored_tables(articles: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """`analyse()`'s tables that the store keeps (the function an engine's workers run)."""
    tables = analyse(articles)
    return {name: tables[name] for name in ANALYSIS_COLUMNS}


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    """Concatenate non-empty frames; an empty frame with `columns` when all are empty."""
    filled = [frame for frame in frames if len(frame)]
    if not filled:
        return frames[0].iloc[:0] if frames else pd.DataFrame(columns=columns)
    return pd.concat(filled, ignore_index=True)


class _Stopwatch:
    """Seconds per stage, measured between successive `lap` calls."""

    def __init__(self):
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.laps[stage] = round(now - self._last, 3)
        self._last = now
