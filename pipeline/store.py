"""The versioned Parquet store with an atomically swapped `current` symlink.

Layout: `DIR/versions/<version-id>/` holds one Parquet file per table, `rejected.csv` and
`manifest.json` (written last); `DIR/current` links to the live version. A new version becomes
live only after all its files are written and fsynced, so a crash at any moment leaves `current`
pointing at a complete version. After the swap, versions other than the live and the previous
one are pruned.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.export import to_csv_bytes

TABLES = ("articles", "sentences", "mentions", "quotes", "dyads")
OPTIONAL_TABLES = ("history",)
"""Tables a version holds only once they have rows: `history` keeps the earlier versions of
articles whose text was replaced (the article columns plus `replaced_at`)."""
REJECTED_COLUMNS = ["file", "row", "reason", "article_id", "title", "run_at"]
DYAD_ORDER = ["source_actor", "target_actor", "date", "article_id", "start", "end"]
ROW_GROUP_ROWS = 50_000
CURRENT = "current"
VERSIONS = "versions"
MANIFEST = "manifest.json"
REJECTED_FILE = "rejected.csv"


def current_version_dir(store_dir: str | Path) -> Path | None:
    """The live version's directory (resolved), or None when the store has none yet."""
    link = Path(store_dir) / CURRENT
    if not link.is_symlink():
        return None
    target = link.resolve()
    return target if (target / MANIFEST).is_file() else None


def store_version(store_dir: str | Path) -> str:
    """The live version's id ("" when there is none); changes with every swap (a cache key)."""
    version_dir = current_version_dir(store_dir)
    return version_dir.name if version_dir else ""


def table_path(store_dir: str | Path, name: str) -> Path:
    """The live version's `<name>.parquet`."""
    if name not in TABLES + OPTIONAL_TABLES:
        raise ValueError(f"unknown table {name!r} (tables: {', '.join(TABLES + OPTIONAL_TABLES)})")
    return _live_dir(store_dir) / f"{name}.parquet"


def read_table(store_dir: str | Path, name: str, columns: list[str] | None = None,
               ) -> pd.DataFrame:
    """One table of the live version (optionally only some columns)."""
    return pd.read_parquet(table_path(store_dir, name), columns=columns)


def read_optional_table(store_dir: str | Path, name: str) -> pd.DataFrame | None:
    """One of the `OPTIONAL_TABLES` of the live version, or None when the version has none."""
    path = table_path(store_dir, name)
    return pd.read_parquet(path) if path.is_file() else None


def read_manifest(store_dir: str | Path) -> dict:
    """The live version's manifest."""
    return json.loads((_live_dir(store_dir) / MANIFEST).read_text(encoding="utf-8"))


def read_rejected(store_dir: str | Path) -> pd.DataFrame:
    """Rejected input records of the runs that built the live version."""
    return pd.read_csv(_live_dir(store_dir) / REJECTED_FILE, dtype={"row": "int64"},
                       keep_default_na=False)


def _live_dir(store_dir: str | Path) -> Path:
    version_dir = current_version_dir(store_dir)
    if version_dir is None:
        raise FileNotFoundError(f"{store_dir}: no store yet (build it with: "
                                f"python -m pipeline run INPUT --store {store_dir})")
    return version_dir


def write_version(store_dir: str | Path, tables: dict[str, pd.DataFrame],
                  rejected: pd.DataFrame, manifest: dict) -> Path:
    """Write a complete new version, swap `current` to it atomically, prune old versions.

    `tables` must hold every name in `TABLES` and may hold `OPTIONAL_TABLES` (None or empty: not
    written); `manifest` is completed with the version id, `created_at` and the row count of each table.
    Returns the new version's directory.
    """
    missing = [name for name in TABLES if name not in tables]
    if missing:
        raise ValueError(f"write_version: missing tables {missing}")
    store = Path(store_dir)
    created_at = datetime.now(UTC)
    version_id = f"{created_at:%Y%m%dT%H%M%S%fZ}-{secrets.token_hex(3)}"
    version_dir = store / VERSIONS / version_id
    version_dir.mkdir(parents=True)
    for name in TABLES:
        table = tables[name]
        if name == "dyads":
            table = table.sort_values(DYAD_ORDER, kind="stable")
        _write_parquet(table.reset_index(drop=True), version_dir / f"{name}.parquet")
    for name in OPTIONAL_TABLES:
        if tables.get(name) is not None and len(tables[name]):
            _write_parquet(tables[name].reset_index(drop=True), version_dir / f"{name}.parquet")
    # Titles and file names are untrusted: neutralised so a spreadsheet never runs them as formulas.
    _write_file(version_dir / REJECTED_FILE, to_csv_bytes(rejected[REJECTED_COLUMNS]))
    manifest = {**manifest, "version": version_id, "created_at": created_at.isoformat(),
                "counts": {name: len(tables[name]) for name in TABLES}}
    _write_file(version_dir / MANIFEST,
                json.dumps(manifest, indent=2, default=str).encode("utf-8"))
    _fsync_dir(version_dir)
    _fsync_dir(version_dir.parent)
    previous = current_version_dir(store)
    _swap_current(store, version_dir)
    _prune(store, keep={version_dir.name, previous.name if previous else ""})
    return version_dir


def _write_parquet(table: pd.DataFrame, path: Path) -> None:
    arrow = pa.Table.from_pandas(table, preserve_index=False)
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
