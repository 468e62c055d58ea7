"""The versioned, month-partitioned Parquet store with an atomically swapped `current` symlink.

Layout of a version `DIR/versions/<version-id>/`:

- `articles.parquet` (every article, by date) and `authors.parquet` (article id → author actor of the
  authored ones);
- `<table>/month=YYYY-MM/part-0.parquet` for the partitioned tables (sentences, mentions, quotes, dyads:
  the rows of the articles dated in that UTC month) and for the indexes built from each month of dyads
  (`dyad_days`, `dyad_terms`, see `pipeline.store_index`); `<table>/schema.parquet` holds no rows,
  only the columns, so that a table without months can still be read;
- `rejected.csv` and `manifest.json`, written last.

`DIR/current` links to the live version. A new version becomes live only after all its files are
written and fsynced, so a crash at any moment leaves `current` pointing at a complete version. A
version written on a `base` version hard-links the months it did not touch from it, so an incremental
run writes only the months it changed. After the swap, versions other than the live and the previous
one are pruned. Readers name the version they read (`open_version(DIR, version_id)`).

A store written by Entente before partitions (one Parquet file per table) can still be read; writing
onto it needs `pipeline.store_migrate.migrate` first.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.export import to_csv_bytes
from pipeline.store_index import day_totals, term_postings

FORMAT = 2
TABLES = ("articles", "sentences", "mentions", "quotes", "dyads")
PARTITIONED = ("sentences", "mentions", "quotes", "dyads")
INDEXES = ("dyad_days", "dyad_terms")
OPTIONAL_TABLES = ("history",)
"""Unpartitioned tables a version holds only once they have rows: `history` keeps the earlier versions of
articles whose text was replaced (the article columns plus `replaced_at`)."""
REJECTED_COLUMNS = ["file", "row", "reason", "article_id", "title", "run_at"]
DYAD_ORDER = ["source_actor", "target_actor", "date", "article_id", "start", "end"]
ROW_ORDER = {
    "sentences": ["article_id", "sent_idx"],
    "mentions": ["article_id", "sent_idx", "start"],
    "quotes": ["article_id", "quote_idx"],
    "dyads": DYAD_ORDER,
}
ROW_GROUP_ROWS = 16_384
CURRENT = "current"
VERSIONS = "versions"
MANIFEST = "manifest.json"
REJECTED_FILE = "rejected.csv"
AUTHORS_FILE = "authors.parquet"
SCHEMA_FILE = "schema.parquet"
PART_FILE = "part-0.parquet"


class OldStoreFormat(ValueError):
    """The live version was written before the store had partitions."""


@dataclass(frozen=True)
class Version:
    """One complete version of a store: its files per table, its manifest and its rejections."""

    dir: Path

    @property
    def id(self) -> str:
        return self.dir.name

    @property
    def partitioned(self) -> bool:
        return not (self.dir / "dyads.parquet").is_file()

    def manifest(self) -> dict:
        return json.loads((self.dir / MANIFEST).read_text(encoding="utf-8"))

    def months(self, name: str) -> list[str]:
        """The months (YYYY-MM, ascending) that hold rows of a partitioned table or index."""
        folder = self.dir / _checked(name)
        return sorted(part.name.removeprefix("month=") for part in folder.glob("month=*")) if folder.is_dir() else []

    def month_file(self, name: str, month: str) -> Path:
        return self.dir / name / f"month={month}" / PART_FILE

    def files(self, name: str, months: Iterable[str] | None = None) -> list[Path]:
        """The Parquet files of table `name` (of `months` only, when given), in month order; a table
        without months is its schema file (no rows), an unpartitioned one its single file."""
        single = self.dir / f"{_checked(name)}.parquet"
        if single.is_file():
            return [single]
        chosen = self.months(name) if months is None else sorted(set(months) & set(self.months(name)))
        files = [self.month_file(name, month) for month in chosen]
        return files or [self.dir / name / SCHEMA_FILE]

    def read(self, name: str, columns: list[str] | None = None, months: Iterable[str] | None = None,
             ) -> pd.DataFrame:
        """Table `name` (optionally only some columns or months) as one frame."""
        frames = [pd.read_parquet(path, columns=columns) for path in self.files(name, months)]
        return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)

    def rejected(self) -> pd.DataFrame:
        return pd.read_csv(self.dir / REJECTED_FILE, dtype={"row": "int64"}, keep_default_na=False)

    def optional(self, name: str) -> pd.DataFrame | None:
        """One of the `OPTIONAL_TABLES`, or None when this version has none."""
        if name not in OPTIONAL_TABLES:
            raise ValueError(f"unknown optional table {name!r} (optional tables: {', '.join(OPTIONAL_TABLES)})")
        path = self.dir / f"{name}.parquet"
        return pd.read_parquet(path) if path.is_file() else None


def _checked(name: str) -> str:
    if name not in (*TABLES, *INDEXES):
        raise ValueError(f"unknown table {name!r} (tables: {', '.join(TABLES + INDEXES)})")
    return name


def current_version_dir(store_dir: str | Path) -> Path | None:
    """The live version's directory (resolved), or None when the store has none yet."""
    link = Path(store_dir) / CURRENT
    if not link.is_symlink():
        return None
    target = link.resolve()
    return target if (target / MANIFEST).is_file() else None


def store_version(store_dir: str | Path) -> str:
    """The live version's id ("" when there is none); changes with every swap."""
    version_dir = current_version_dir(store_dir)
    return version_dir.name if version_dir else ""


def open_version(store_dir: str | Path, version: str | None = None) -> Version:
    """Version `version` of the store (the live one when None)."""
    if version is None:
        live = current_version_dir(store_dir)
        if live is None:
            raise FileNotFoundError(f"{store_dir}: no store yet (build it with: "
                                    f"python -m pipeline run INPUT --store {store_dir})")
        return Version(live)
    path = Path(store_dir).resolve() / VERSIONS / version
    if not (path / MANIFEST).is_file():
        raise FileNotFoundError(f"{store_dir}: version {version} is no longer in the store")
    return Version(path)


def open_partitioned(store_dir: str | Path, version: str | None = None) -> Version:
    """``open_version``, refusing a version written before partitions with a one-line message."""
    opened = open_version(store_dir, version)
    if not opened.partitioned:
        raise OldStoreFormat(f"{store_dir}: written by an older Entente (one file per table); migrate it with: "
                             f"python -m pipeline migrate --store {store_dir}")
    return opened


def table_files(store_dir: str | Path, name: str, version: str | None = None) -> list[Path]:
    """The Parquet files of table `name` in `version` (the live one when None)."""
    return open_version(store_dir, version).files(name)


def read_table(store_dir: str | Path, name: str, columns: list[str] | None = None, version: str | None = None,
               ) -> pd.DataFrame:
    """One table of `version` (the live one when None), optionally only some columns."""
    return open_version(store_dir, version).read(name, columns)


def read_optional_table(store_dir: str | Path, name: str, version: str | None = None) -> pd.DataFrame | None:
    """One of the `OPTIONAL_TABLES` of `version` (the live one when None), or None when it has none."""
    return open_version(store_dir, version).optional(name)


def read_manifest(store_dir: str | Path, version: str | None = None) -> dict:
    return open_version(store_dir, version).manifest()


def read_rejected(store_dir: str | Path, version: str | None = None) -> pd.DataFrame:
    """Rejected input records of the runs that built the version."""
    return open_version(store_dir, version).rejected()


def row_months(table: pd.DataFrame, article_months: pd.Series) -> pd.Series:
    """The UTC month (YYYY-MM) of each row: of its `date`, else of its article (`article_months`:
    article id → month)."""
    if table.empty:
        return pd.Series([], index=table.index, dtype="str")
    months = table["date"].dt.strftime("%Y-%m") if "date" in table else table["article_id"].map(article_months)
    if months.isna().any():
        raise ValueError(f"{int(months.isna().sum())} rows without a date or a stored article")
    return months


def article_months(articles: pd.DataFrame) -> pd.Series:
    """Article id → UTC month of its date."""
    return pd.Series(articles["date"].dt.strftime("%Y-%m").to_numpy(), index=articles["article_id"].to_numpy())


def write_version(store_dir: str | Path, tables: dict[str, pd.DataFrame], rejected: pd.DataFrame, manifest: dict,
                  *, base: Version | None = None, touched: Iterable[str] = ()) -> Path:
    """Write a complete new version, swap `current` to it atomically, prune old versions.

    `tables` must hold every name in `TABLES` and may hold `OPTIONAL_TABLES` (None or empty: not written).
    Without `base` the partitioned tables hold all their rows;
    with `base` they hold the rows of the `touched` months only, and every other month of `base` is
    hard-linked. `manifest` is completed with the version id, `created_at` and the row count of each
    table. Returns the new version's directory.
    """
    missing = [name for name in TABLES if name not in tables]
    if missing:
        raise ValueError(f"write_version: missing tables {missing}")
    touched = set(touched)
    months_of = article_months(tables["articles"])
    writer = VersionWriter(store_dir, base)
    try:
        writer.write_articles(tables["articles"])
        for name in OPTIONAL_TABLES:
            if tables.get(name) is not None and len(tables[name]):
                _write_parquet(tables[name].reset_index(drop=True), writer.dir / f"{name}.parquet")
        for name in PARTITIONED:
            table = tables[name]
            months = row_months(table, months_of)
            if base is not None:
                stray = set(months.dropna()) - touched
                if stray:
                    raise ValueError(f"write_version: {name} rows in months not marked touched: {sorted(stray)}")
                for month in set(base.months(name)) - touched:
                    writer.link_month(name, month)
            writer.write_schema(name, table)
            for month, rows in table.groupby(months.to_numpy(), sort=True):
                writer.write_month(name, str(month), rows)
        return writer.commit(rejected, manifest)
    except BaseException:
        writer.abandon()
        raise


class VersionWriter:
    """Writes one new version file by file (month by month for partitioned tables); ``commit`` makes it live.

    Until ``commit`` the version is invisible to readers; ``abandon`` (or a crash) leaves a partial
    directory that the next commit prunes."""

    def __init__(self, store_dir: str | Path, base: Version | None = None):
        self.store = Path(store_dir)
        self.base = base
        self.created_at = datetime.now(UTC)
        self.dir = self.store / VERSIONS / f"{self.created_at:%Y%m%dT%H%M%S%fZ}-{secrets.token_hex(3)}"
        self.dir.mkdir(parents=True)
        self.counts: dict[str, dict[str, int]] = {name: {} for name in PARTITIONED}
        self.base_months = base.manifest().get("months", {}) if base is not None else {}
        self.article_count = 0

    def write_articles(self, articles: pd.DataFrame) -> None:
        """The articles table and the authors of the authored ones."""
        _write_parquet(articles.reset_index(drop=True), self.dir / "articles.parquet")
        authors = articles[["article_id", "author_actor"]] if "author_actor" in articles else articles.iloc[:0, :0]
        if not len(authors.columns):
            authors = pd.DataFrame({"article_id": pd.Series(dtype="str"), "author_actor": pd.Series(dtype="str")})
        _write_parquet(authors[authors["author_actor"].fillna("") != ""].reset_index(drop=True),
                       self.dir / AUTHORS_FILE)
        self.article_count = len(articles)

    def write_schema(self, name: str, table: pd.DataFrame) -> None:
        """The table's columns as a file without rows (from `table`, or from `base` when `table` is an
        empty frame whose column types are unknown)."""
        folder = self.dir / name
        folder.mkdir(exist_ok=True)
        base_schema = self.base.dir / name / SCHEMA_FILE if self.base is not None else None
        if not len(table) and base_schema is not None and base_schema.is_file():
            for index in (name, *self._indexes_of(name)):
                (self.dir / index).mkdir(exist_ok=True)
                os.link(self.base.dir / index / SCHEMA_FILE, self.dir / index / SCHEMA_FILE)
            return
        self._write(name, None, table.iloc[:0])

    def write_month(self, name: str, month: str, rows: pd.DataFrame) -> None:
        """One month of a partitioned table (sorted in `ROW_ORDER`); for dyads also its indexes."""
        rows = rows.sort_values(ROW_ORDER[name], kind="stable", ignore_index=True)
        self._write(name, month, rows)
        self.counts[name][month] = len(rows)

    def link_month(self, name: str, month: str) -> None:
        """Hard-link one month of `name` (and its indexes) from the base version."""
        for table in (name, *self._indexes_of(name)):
            target = self.dir / table / f"month={month}"
            target.mkdir(parents=True)
            os.link(self.base.month_file(table, month), target / PART_FILE)
        self.counts[name][month] = self.base_months[name][month]

    def _indexes_of(self, name: str) -> tuple[str, ...]:
        return INDEXES if name == "dyads" else ()

    def _write(self, name: str, month: str | None, rows: pd.DataFrame) -> None:
        parts: dict[str, pd.DataFrame | pa.Table] = {name: rows}
        if name == "dyads":
            parts |= {"dyad_days": day_totals(rows), "dyad_terms": term_postings(rows)}
        for table, frame in parts.items():
            folder = self.dir / table / (f"month={month}" if month else "")
            folder.mkdir(parents=True, exist_ok=True)
            _write_parquet(frame, folder / (PART_FILE if month else SCHEMA_FILE))

    def commit(self, rejected: pd.DataFrame, manifest: dict) -> Path:
        """Write rejections and the manifest, fsync, swap `current` to this version, prune."""
        # Titles and file names are untrusted: neutralised so a spreadsheet never runs them as formulas.
        _write_file(self.dir / REJECTED_FILE, to_csv_bytes(rejected[REJECTED_COLUMNS]))
        counts = {"articles": self.article_count} | {name: sum(self.counts[name].values()) for name in PARTITIONED}
        manifest = {**manifest, "format": FORMAT, "version": self.dir.name,
                    "created_at": self.created_at.isoformat(), "counts": {name: counts[name] for name in TABLES},
                    "months": {name: dict(sorted(months.items())) for name, months in self.counts.items()}}
        _write_file(self.dir / MANIFEST, json.dumps(manifest, indent=2, default=str).encode("utf-8"))
        for folder in sorted(self.dir.rglob("*"), reverse=True):
            if folder.is_dir():
                _fsync_dir(folder)
        _fsync_dir(self.dir)
        _fsync_dir(self.dir.parent)
        previous = current_version_dir(self.store)
        _swap_current(self.store, self.dir)
        _prune(self.store, keep={self.dir.name, previous.name if previous else ""})
        return self.dir

    def abandon(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def _write_parquet(table: pd.DataFrame | pa.Table, path: Path) -> None:
    arrow = table if isinstance(table, pa.Table) else pa.Table.from_pandas(table, preserve_index=False)
    with open(path, "wb") as sink:
        pq.write_table(arrow, sink, row_group_size=ROW_GROUP_ROWS, compression="zstd")
        sink.flush()
        os.fsync(sink.fileno())


def _write_file(path: Path, data: bytes) -> None:
    with open(path, "wb") as sink:
        sink.write(data)
        sink.flush()
        os.fsync(sink.fileno())


def _fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _swap_current(store: Path, version_dir: Path) -> None:
    """Point `current` at `version_dir` with one atomic rename of a fresh symlink."""
    temporary = store / f".{CURRENT}.{os.getpid()}.{secrets.token_hex(3)}"
    os.symlink(Path(VERSIONS) / version_dir.name, temporary)
    os.replace(temporary, store / CURRENT)
    _fsync_dir(store)


def _prune(store: Path, keep: set[str]) -> None:
    """Remove every version directory not named in `keep` (including crashed, partial ones)
    and symlinks left by a swap that was interrupted."""
    for version in (store / VERSIONS).iterdir():
        if version.name not in keep:
            shutil.rmtree(version, ignore_errors=True)
    for stale_link in store.glob(f".{CURRENT}.*"):
        stale_link.unlink(missing_ok=True)
