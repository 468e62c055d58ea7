"""Readers: every input (file, folder or URL) becomes one canonical article DataFrame.

Columns: `ARTICLES` (see `pipeline.schema`), then `content_hash` and `text_from_title`, then the
input's other columns, then the bookkeeping columns `input_file`, `input_row` (1-based
row/line/item number within its file), `date_raw` (the date as written), `undecodable` (the record
held bytes that are not valid in its file's encoding; its text had them replaced by U+FFFD) and
`read_error` (why the record could not be read: "" for readable records).

One reader per format (``tables``, ``json_records``, ``web``, ``text_files``); ``limits`` bounds what
is read, ``encoding`` detects each file's encoding, ``canonical`` maps the records' columns and
``dates`` parses dates. The frame's ``attrs["encodings"]`` names the files not read as plain UTF-8.
``load_chunks`` gives the same frame as chunks of rows (each reader's raw chunk is canonicalised and
dropped in turn), so that a large input is never held twice.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pyarrow as pa

from pipeline.load.canonical import (
    FIELD_CANDIDATES,
    canonicalise,
    consistent_columns,
    empty_articles,
    encodings,
    normalise_text,
    text_keys,
    visible_text,
)
from pipeline.load.dates import YEAR_DAY, date_problems, parse_dates
from pipeline.load.encoding import Encoding, detect, detect_stream
from pipeline.load.json_records import read_json, read_jsonl
from pipeline.load.limits import MAX_DOCUMENT_BYTES, MAX_INPUT_BYTES, InputError, open_capped, over_document_cap
from pipeline.load.tables import read_csv, read_parquet
from pipeline.load.text_files import read_text_file, read_text_folder
from pipeline.load.web import Fetched, read_feed, read_html, read_response, read_url

__all__ = ["FIELD_CANDIDATES", "Fetched", "MAX_INPUT_BYTES", "YEAR_DAY", "InputError", "canonicalise",
           "consistent_columns", "date_problems", "empty_articles", "load_chunks", "load_input", "normalise_text",
           "parse_dates", "text_keys", "visible_text"]

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
    chunks, found = load_chunks(source, mapping, year_day=year_day, author=author)
    articles = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0] if chunks else empty_articles()
    articles.attrs["encodings"] = found
    return articles


def load_chunks(source: str | Path | Fetched, mapping: Mapping[str, str] | None = None, *,
                year_day: str = YEAR_DAY, author: str | None = None) -> tuple[list[pd.DataFrame], dict[str, str]]:
    """(``load_input``'s frame as chunks of rows, {file: encoding} of the files not read as plain UTF-8)."""
    if isinstance(source, Fetched):
        return [canonicalise(read_response(source.data, source.url), source.url, mapping, year_day, author)], {}
    source_text = str(source)
    if re.match(r"^https?://", source_text, re.I):
        return [canonicalise(read_url(source_text), source_text, mapping, year_day, author)], {}
    path = Path(source)
    if not path.exists():
        raise InputError(path, "broken link: its target does not exist" if path.is_symlink() else
                         "no such file or directory")
    raws, encoding = (read_text_folder(path), None) if path.is_dir() else _read_file(path)
    found, articles = {}, []
    while raws:
        raw = raws.pop(0)
        found |= encodings(raw, str(path))
        articles.append(canonicalise(raw, str(path), mapping, year_day, author))
        del raw
        pa.default_memory_pool().release_unused()  # the raw chunk's memory, else kept by the allocator
    if encoding is not None and (encoding.codec not in PLAIN_UTF8 or encoding.damaged):
        found[str(path)] = encoding.label
    return articles, found


def _read_file(path: Path) -> tuple[list[pd.DataFrame], Encoding | None]:
    """(the file's raw records in chunks, its encoding where the reader detected one)."""
    with open_capped(path) as (stream, was_gzip):
        head = stream.read(512)
        stream.seek(0)
        name = path.name.lower().removesuffix(".gz") if was_gzip else path.name.lower()
        kind = _detect_format(head, name, path)
        if kind == "parquet":
            return read_parquet(stream, path), None
        if kind in ("csv", "jsonl"):
            encoding = detect_stream(stream)
            lines = io.TextIOWrapper(stream, encoding.codec, encoding.errors, newline="\n") if kind == "jsonl" else None
            return (read_csv(stream, encoding, path) if lines is None else read_jsonl(lines, path)), encoding
        data = stream.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InputError(path, over_document_cap(f"more than {MAX_DOCUMENT_BYTES:,} bytes"))
    if kind == "text":
        return read_text_file(data, path), None
    if kind == "feed":
        return [read_feed(data, path)], None
    if kind == "html":
        return [read_html(data, path)], None
    encoding = detect(data)
    text = encoding.decode(data)
    del data
    return read_json(text, path), encoding


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

