"""Readers: every input (file, folder or URL) becomes one canonical article DataFrame.

Columns: `ARTICLES` (see `pipeline.schema`), then `content_hash` and `text_from_title`, then the
input's other columns, then the bookkeeping columns `input_file`, `input_row` (1-based
row/line/item number within its file), `date_raw` (the date as written), `undecodable` (the record
held bytes that are not valid in its file's encoding; its text had them replaced by U+FFFD) and
`read_error` (why the record could not be read: "" for readable records).

One reader per format (``tables``, ``json_records``, ``web``, ``text_files``); ``limits`` bounds what
is read, ``encoding`` detects each file's encoding, ``canonical`` maps the records' columns and
``dates`` parses dates. The frame's ``attrs["encodings"]`` names the files not read as plain UTF-8.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from pipeline.load.canonical import (
    FIELD_CANDIDATES,
    canonicalise,
    consistent_columns,
    empty_articles,
    encodings,
    normalise_text,
    visible_text,
)
from pipeline.load.dates import YEAR_DAY, date_problems, parse_dates
from pipeline.load.encoding import detect
from pipeline.load.json_records import read_json, read_jsonl
from pipeline.load.limits import MAX_INPUT_BYTES, InputError, read_capped
from pipeline.load.tables import read_csv, read_parquet
from pipeline.load.text_files import read_text_file, read_text_folder
from pipeline.load.web import Fetched, read_feed, read_html, read_response, read_url

__all__ = ["FIELD_CANDIDATES", "Fetched", "MAX_INPUT_BYTES", "YEAR_DAY", "InputError", "canonicalise",
           "consistent_columns", "date_problems", "empty_articles", "load_input", "normalise_text", "parse_dates",
           "visible_text"]

FORMATS = {".csv": "csv", ".tsv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
           ".parquet": "parquet", ".pq": "parquet", ".rss": "feed", ".atom": "feed",
           ".xml": "feed", ".html": "html", ".htm": "html", ".txt": "text", ".md": "text"}
"""Reader per file name suffix; files with another suffix are recognised by their content."""
PARQUET_MAGIC = b"PAR1"
PLAIN_UTF8 = ("utf-8", "utf-8-sig")


def load_input(source: str | Path | Fetched, mapping: Mapping[str, str] | None = None, *, year_day: str = YEAR_DAY,
               author: str | None = None) -> pd.DataFrame:
    """Read one file, folder, http(s) URL or fetched response into the canonical article frame (see
    ``canonicalise``)."""
    if isinstance(source, Fetched):
        return canonicalise(read_response(source.data, source.url), source.url, mapping, year_day, author)
    source_text = str(source)
    if re.match(r"^https?://", source_text, re.I):
        return canonicalise(read_url(source_text), source_text, mapping, year_day, author)
    path = Path(source)
    if not path.exists():
        raise InputError(path, "broken link: its target does not exist" if path.is_symlink() else
                         "no such file or directory")
    raw = read_text_folder(path) if path.is_dir() else _read_file(path)
    found = encodings(raw, str(path))
    if raw.attrs.get("encoding"):
        found[str(path)] = raw.attrs["encoding"]
    articles = canonicalise(raw, str(path), mapping, year_day, author)
    articles.attrs["encodings"] = found
    return articles


def _read_file(path: Path) -> pd.DataFrame:
    data, was_gzip = read_capped(path)
    name = path.name.lower().removesuffix(".gz") if was_gzip else path.name.lower()
    kind = _detect_format(data, name, path)
    if kind == "text":
        return read_text_file(data, path)
    if kind == "parquet":
        return read_parquet(data, path)
    if kind == "feed":
        return read_feed(data, path)
    if kind == "html":
        return read_html(data, path)
    encoding = detect(data)
    raw = read_csv(data, encoding, path) if kind == "csv" else \
        (read_json if kind == "json" else read_jsonl)(encoding.decode(data), path)
    if encoding.codec not in PLAIN_UTF8 or encoding.damaged:
        raw.attrs["encoding"] = encoding.label
    return raw


def _detect_format(data: bytes, name: str, path: Path) -> str:
    suffix = Path(name).suffix
    if data.startswith(PARQUET_MAGIC):
        return "parquet"
    if suffix in FORMATS:
        return FORMATS[suffix]
    start = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    for opening, kind in ((b"[", "json"), (b"{", "jsonl"), (b"<!doctype html", "html"),
                          (b"<html", "html"), (b"<?xml", "feed"), (b"<rss", "feed"),
                          (b"<feed", "feed")):
        if start.startswith(opening):
            return kind
    raise InputError(path, f"unknown format '{suffix or name}' (expected .csv, .tsv, .json, "
                           ".jsonl, .parquet, .rss/.atom/.xml, .html, .txt/.md, a folder, or .gz "
                           "of these)")

