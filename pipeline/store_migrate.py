"""Migration of a store written before partitions (one Parquet file per table) to the partitioned layout."""

from __future__ import annotations

import fcntl
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.store import TABLES, current_version_dir, open_version, write_version

LATER_COLUMNS = {
    "articles": {"author_actor": ("", "str")},
    "dyads": {"method": (None, "str"), "confidence": (np.nan, "float64")},
}
"""Columns that stores written before them lack, with the value they get on migration."""


@contextmanager
def store_lock(store_dir: str | Path):
    """One writer per store at a time (an advisory lock on `DIR/.lock`)."""
    store = Path(store_dir)
    store.mkdir(parents=True, exist_ok=True)
    with open(store / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def needs_migration(store_dir: str | Path) -> bool:
    """Whether the live version was written before partitions."""
    return current_version_dir(store_dir) is not None and not open_version(store_dir).partitioned


def migrate(store_dir: str | Path) -> Path | None:
    """Rewrite an old-format live version as a new partitioned version (the old one stays as the
    previous version until the next write); the new version's directory, or None when there was
    nothing to migrate."""
    if not needs_migration(store_dir):
        return None
    with store_lock(store_dir):
        return migrate_locked(store_dir)


def migrate_locked(store_dir: str | Path) -> Path | None:
    """``migrate`` for a caller that holds ``store_lock``."""
    if not needs_migration(store_dir):
        return None
    old = open_version(store_dir)
    tables = {name: _with_later_columns(name, old.read(name)) for name in TABLES}
    manifest = {key: value for key, value in old.manifest().items() if key not in ("version", "created_at", "counts")}
    return write_version(store_dir, tables, old.rejected(), {**manifest, "migrated_from": old.id})


def _with_later_columns(name: str, table: pd.DataFrame) -> pd.DataFrame:
    missing = {column: pd.Series(value, index=table.index, dtype=dtype)
               for column, (value, dtype) in LATER_COLUMNS.get(name, {}).items() if column not in table}
    return table.assign(**missing) if missing else table
