"""Raw records: what every reader returns, before canonicalisation.

A reader returns a DataFrame of the input's own columns, indexed by 1-based row/line/item number.
Bookkeeping columns: `READ_ERROR` holds the reason a record could not be read (its other cells are
empty: validation rejects it, its neighbours are kept); `FILE` names a record's own file (folders);
`ENCODING` the codec its file was decoded with; `undecodable` flags records with invalid bytes.

Large inputs are read as a list of such frames of at most `CHUNK_ROWS` records or about `CHUNK_CHARS`
characters each (``Batches``), made ``compact`` as they are read (Arrow strings hold UTF-8, where Python
strings may take four bytes a character).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

SURROGATES = "[\udc80-\udcff]"
"""Bytes that were not valid in their file's encoding, kept as surrogate escapes by the decoder."""

CHUNK_ROWS = 10_000
CHUNK_CHARS = 8_000_000
READ_ERROR = "_read_error"
FILE = "_file"
ENCODING = "_encoding"


def numbered(frame: pd.DataFrame, rows: Iterable[int] | None = None) -> pd.DataFrame:
    frame.index = pd.Index(list(rows) if rows is not None else range(1, len(frame) + 1), dtype="int64")
    return frame


def records_frame(records: list[dict], rows: Iterable[int] | None = None) -> pd.DataFrame:
    """Records as object columns (which, unlike Arrow strings, can hold undecodable bytes)."""
    return numbered(pd.DataFrame(records, dtype=object), rows)


def compact(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns holding only text as Arrow strings; cells with undecodable bytes (surrogate
    escapes) get U+FFFD in their place and their records are flagged in `undecodable`."""
    flags = frame.pop("undecodable").fillna(False).astype(bool) if "undecodable" in frame else None
    for name in frame.columns:
        values = frame[name]
        if values.dtype != object or pd.api.types.infer_dtype(values, skipna=True) != "string":
            continue
        hits = values.str.contains(SURROGATES, regex=True, na=False).astype(bool)
        if hits.any():
            flags = hits if flags is None else flags | hits
            values = values.where(~hits, values.str.replace(SURROGATES, "\ufffd", regex=True))
        frame[name] = values.astype("str")
    if flags is not None:
        frame["undecodable"] = flags
    return frame


class Batches:
    """Records gathered into compact frames of at most `CHUNK_ROWS` records or about `CHUNK_CHARS` characters."""

    def __init__(self) -> None:
        self.frames: list[pd.DataFrame] = []
        self.records: list[dict] = []
        self.rows: list[int] = []
        self.chars = 0
        self.count = 0

    def add(self, record: dict, row: int, chars: int) -> None:
        self.records.append(record)
        self.rows.append(row)
        self.chars += chars
        self.count += 1
        if len(self.records) >= CHUNK_ROWS or self.chars >= CHUNK_CHARS:
            self._flush()

    def done(self) -> list[pd.DataFrame]:
        """The frames (one, empty, when there was no record)."""
        if self.records or not self.frames:
            self._flush()
        return self.frames

    def _flush(self) -> None:
        self.frames.append(compact(records_frame(self.records, self.rows)))
        self.records, self.rows, self.chars = [], [], 0


def rows_per_chunk(bytes_per_row: float) -> int:
    """Rows that make a chunk of about `CHUNK_CHARS` (at most `CHUNK_ROWS`)."""
    return max(1, min(CHUNK_ROWS, int(CHUNK_CHARS / max(bytes_per_row, 1))))


def unreadable(reason: str) -> dict:
    """The record standing for one that could not be read."""
    return {READ_ERROR: " ".join(reason.split())}


def nesting_depth_over(value, limit: int) -> bool:
    """Whether lists/dicts in `value` nest deeper than `limit` (checked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        elif not isinstance(item, list):
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in item if isinstance(child, (list, dict)))
    return False


def as_text(values: pd.Series) -> pd.Series:
    """Values as str dtype, missing as ""."""
    if pd.api.types.is_string_dtype(values) and values.dtype != object:
        return values.fillna("")
    text = values.astype(object).where(values.notna(), "")
    if pd.api.types.infer_dtype(text, skipna=False) != "string":
        text = text.map(str)
    return text.astype("str")
