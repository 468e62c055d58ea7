"""Readers: every input (file, folder or URL) becomes one canonical article DataFrame.

Columns: `ARTICLES` (see `pipeline.schema`), then `content_hash` and `text_from_title`, then the
input's other columns, then the bookkeeping columns `input_file`, `input_row` (1-based
row/line/item number within its file), `date_raw` (the date as written) and `undecodable`
(the record held bytes that are not UTF-8; its text had them replaced by U+FFFD).
"""

from __future__ import annotations

import csv
import dataclasses
import email.utils
import gzip
import hashlib
import io
import json
import re
import warnings
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path

import feedparser
import lxml.html
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import trafilatura
import yaml

from pipeline.schema import ARTICLES

FIELD_CANDIDATES = {
    "date": ["date", "published", "publication_date", "date_published", "pubdate",
             "published_at", "datetime", "timestamp"],
    "text": ["text", "body", "content", "description", "summary", "article"],
    "title": ["title", "headline"],
    "source": ["source", "outlet", "publisher", "domain", "site"],
    "url": ["url", "link"],
    "id": ["id", "article_id", "guid"],
    "author": ["author_actor", "speaker_country", "country_iso3", "country"],
}
"""Input column names recognised per canonical field (case-insensitive), preferred first. `author`
is the actor who wrote or spoke the text (a journalist's `author` column is not one)."""

BOOKKEEPING = ["input_file", "input_row", "date_raw", "undecodable"]
DERIVED = ["content_hash", "text_from_title"]

FORMATS = {".csv": "csv", ".tsv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
           ".parquet": "parquet", ".pq": "parquet", ".rss": "feed", ".atom": "feed",
           ".xml": "feed", ".html": "html", ".htm": "html", ".txt": "text", ".md": "text"}
"""Reader per file name suffix; files with another suffix are recognised by their content."""
TEXT_SUFFIXES = (".txt", ".md")
GZIP_MAGIC = b"\x1f\x8b"
MAX_GUNZIPPED_BYTES = 2_000_000_000
"""Refuse gzip inputs that expand beyond this (a compression bomb would exhaust memory)."""
PARQUET_MAGIC = b"PAR1"
SURROGATES = "[\udc80-\udcff]"
TEXT_LIKE = {"string", "mixed", "mixed-integer"}
SIMPLE_TYPES = {"boolean": "boolean", "integer": "Int64", "floating": "Float64",
                "mixed-integer-float": "Float64"}
"""pandas dtype for extra columns whose values are all of one simple kind."""
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
DATE_IN_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})")
RFC_2822 = r"^\s*(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s"
EPOCH = r"^\s*-?\d+(?:\.\d+)?\s*$"
BARE_YEAR = r"^\s*\d{4}\s*$"
"""A year alone ("2015"): placed on the run's `year_day` (epoch seconds that small would be 1970)."""
YEAR_DAY = "01-01"
"""Default month and day (MM-DD) of a bare year."""
COMPACT_DATE = r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
"""YYYYMMDD: read as a date, not as epoch seconds (which would fall in 1970-1973)."""
UTC_STAMP = "datetime64[us, UTC]"
EPOCH_MS_THRESHOLD = 1e11
"""Numbers at or above this are epoch milliseconds (1e11 s would be the year 5138)."""


class InputError(ValueError):
    """An input cannot be read; the message is one line: `<file>: <reason>`."""

    def __init__(self, source: str | Path, reason: str):
        one_line = " ".join(str(reason).split())
        super().__init__(f"{source}: {one_line}")


@dataclasses.dataclass(frozen=True)
class Fetched:
    """The body of an http(s) response fetched already (by ``pipeline.follow``), read as its URL would be."""

    url: str
    data: bytes = dataclasses.field(repr=False)

    def __str__(self) -> str:
        return self.url


def load_input(source: str | Path | Fetched, mapping: Mapping[str, str] | None = None, *, year_day: str = YEAR_DAY,
               author: str | None = None) -> pd.DataFrame:
    """Read one file, folder, http(s) URL or fetched response into the canonical article frame (see
    ``canonicalise``)."""
    if isinstance(source, Fetched):
        return canonicalise(_read_response(source.data, source.url), source.url, mapping, year_day, author)
    source_text = str(source)
    if re.match(r"^https?://", source_text, re.I):
        return canonicalise(_read_url(source_text), source_text, mapping, year_day, author)
    path = Path(source)
    if not path.exists():
        raise InputError(path, "no such file or directory")
    if path.is_dir():
        frames = [canonicalise(raw, name, mapping, year_day, author) for name, raw in _read_text_folder(path)]
        return pd.concat(frames, ignore_index=True)
    return canonicalise(_read_file(path), str(path), mapping, year_day, author)


def empty_articles() -> pd.DataFrame:
    """A canonical article frame with no rows."""
    frame = pd.DataFrame({column: pd.Series(dtype="str") for column in ARTICLES})
    frame["date"] = pd.Series(dtype=UTC_STAMP)
    frame["content_hash"] = pd.Series(dtype="str")
    frame["text_from_title"] = pd.Series(dtype=bool)
    frame["input_file"] = pd.Series(dtype="str")
    frame["input_row"] = pd.Series(dtype="int64")
    frame["date_raw"] = pd.Series(dtype="str")
    frame["undecodable"] = pd.Series(dtype=bool)
    return frame


# --- raw readers: each returns a frame of input columns indexed by 1-based row number -------

def _read_file(path: Path) -> pd.DataFrame:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(path, error.strerror or error) from None
    name = path.name.lower()
    if data.startswith(GZIP_MAGIC):
        try:
            data = gzip.GzipFile(fileobj=io.BytesIO(data)).read(MAX_GUNZIPPED_BYTES + 1)
        except (OSError, EOFError, zlib.error) as error:
            raise InputError(path, f"corrupt gzip: {error}") from None
        if len(data) > MAX_GUNZIPPED_BYTES:
            raise InputError(path, f"gzip expands beyond {MAX_GUNZIPPED_BYTES:,} bytes")
        name = name.removesuffix(".gz")
    elif name.endswith(".gz"):
        raise InputError(path, "corrupt gzip: not a gzip file")
    return _read_bytes(data, _detect_format(data, name, path), path)


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


def _read_bytes(data: bytes, kind: str, path: Path) -> pd.DataFrame:
    readers = {"csv": _read_csv, "json": _read_json, "jsonl": _read_jsonl,
               "parquet": _read_parquet, "feed": _read_feed, "html": _read_html,
               "text": _read_text_file}
    return readers[kind](data, path)


def _numbered(frame: pd.DataFrame, rows: Iterable[int] | None = None) -> pd.DataFrame:
    frame.index = pd.Index(list(rows) if rows is not None else range(1, len(frame) + 1),
                           dtype="int64")
    return frame


def _records_frame(records: list[dict], rows: Iterable[int] | None = None) -> pd.DataFrame:
    """Records as object columns (which, unlike Arrow strings, can hold undecodable bytes)."""
    return _numbered(pd.DataFrame(records, dtype=object), rows)


def _read_csv(data: bytes, path: Path) -> pd.DataFrame:
    sample = data[:65536].decode("utf-8", "replace")
    if len(data) > 65536 and "\n" in sample:
        sample = sample[:sample.rindex("\n")]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = "\t" if path.name.lower().removesuffix(".gz").endswith(".tsv") else ","
    try:
        frame = pd.read_csv(io.BytesIO(data), sep=delimiter, keep_default_na=False,
                            na_values=[""], encoding="utf-8-sig",
                            dtype="str" if _is_utf8(data) else object,  # object keeps bad bytes
                            encoding_errors="surrogateescape")
    except pd.errors.EmptyDataError:
        return _numbered(pd.DataFrame())
    except (pd.errors.ParserError, ValueError) as error:
        raise InputError(path, f"unreadable CSV: {error}") from None
    return _numbered(frame)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _read_json(data: bytes, path: Path) -> pd.DataFrame:
    try:
        items = json.loads(data.decode("utf-8-sig", "surrogateescape"))
    except json.JSONDecodeError as error:
        raise InputError(path, f"invalid JSON: {error}") from None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise InputError(path, "expected a JSON array of objects")
    return _records_frame(items)


def _read_jsonl(data: bytes, path: Path) -> pd.DataFrame:
    records, rows = [], []
    for number, line in enumerate(data.decode("utf-8-sig", "surrogateescape").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(path, f"line {number}: invalid JSON: {error}") from None
        if not isinstance(record, dict):
            raise InputError(path, f"line {number}: expected a JSON object")
        records.append(record)
        rows.append(number)
    return _records_frame(records, rows)


def _read_parquet(data: bytes, path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_parquet(io.BytesIO(data))
    except Exception as error:  # pyarrow raises several unrelated types for corrupt files
        raise InputError(path, f"corrupt parquet: {error}") from None
    return _numbered(frame.reset_index(drop=True))


def _read_feed(data: bytes, path: Path) -> pd.DataFrame:
    return _feed_frame(feedparser.parse(data), path)


def _feed_frame(feed: feedparser.FeedParserDict, path: Path | str) -> pd.DataFrame:
    if feed.bozo and not feed.entries:
        raise InputError(path, f"not a readable RSS/Atom feed: {feed.get('bozo_exception')}")
    feed_title = feed.feed.get("title", "")
    records = [{
        "id": entry.get("id"),
        "title": entry.get("title", ""),
        "content": _html_to_text(entry.content[0].value) if entry.get("content") else "",
        "summary": _html_to_text(entry.get("summary", "")),
        "link": entry.get("link", ""),
        "published": entry.get("published") or entry.get("updated"),
        "source": entry.get("source", {}).get("title") or feed_title,
    } for entry in feed.entries]
    return _records_frame(records)


def _html_to_text(fragment: str) -> str:
    if "<" not in fragment:
        return fragment.strip()
    return lxml.html.fromstring(f"<div>{fragment}</div>").text_content().strip()


def _read_html(data: bytes | str, path: Path | str, url: str | None = None) -> pd.DataFrame:
    extracted = trafilatura.bare_extraction(data, url=url, with_metadata=True)
    document = extracted.as_dict() if extracted else {}
    if not document.get("text"):
        raise InputError(path, "no article text found in the HTML page")
    record = {
        "title": document.get("title") or "",
        "text": document["text"],
        "date": document.get("date"),
        "url": document.get("url") or url or "",
        "source": document.get("sitename") or document.get("hostname") or "",
    }
    return _records_frame([record])


def _read_url(url: str) -> pd.DataFrame:
    """A feed or an HTML page over http(s), fetched once by trafilatura (which refuses
    private-network addresses)."""
    response = trafilatura.fetch_response(url)
    if response is None or response.status >= 400 or not response.data:
        status = f" (HTTP {response.status})" if response is not None else ""
        raise InputError(url, f"could not fetch the page{status}")
    return _read_response(response.data, url)


def _read_response(data: bytes, url: str) -> pd.DataFrame:
    """An http(s) response body: a feed's entries, or else the article of an HTML page."""
    feed = feedparser.parse(data)
    if feed.entries:
        return _feed_frame(feed, url)
    return _read_html(data, url, url=url)


def _read_text_folder(folder: Path) -> list[tuple[str, pd.DataFrame]]:
    files = sorted(path for path in folder.rglob("*")
                   if path.suffix.lower() in TEXT_SUFFIXES and path.is_file()
                   and not any(part.startswith(".") for part in path.relative_to(folder).parts))
    if not files:
        raise InputError(folder, "no .txt or .md files in the folder")
    return [(str(file), _read_text_file(file.read_bytes(), file)) for file in files]


def _read_text_file(data: bytes, path: Path) -> pd.DataFrame:
    """One article from a .txt/.md file: YAML front matter, date from the name, first heading."""
    content = data.decode("utf-8-sig", "surrogateescape")
    undecodable = re.search(SURROGATES, content) is not None
    content = re.sub(SURROGATES, "\ufffd", content)
    meta: dict = {}
    match = FRONT_MATTER.match(content)
    if match:
        try:
            meta = yaml.safe_load(match.group(1)) or {}
        except yaml.YAMLError as error:
            raise InputError(path, f"bad YAML front matter: {error}") from None
        if not isinstance(meta, dict):
            raise InputError(path, "bad YAML front matter: expected key: value pairs")
        content = content[match.end():]
    body = content.strip()
    if not meta.get("title"):
        first_line, _, rest = body.partition("\n")
        meta["title"] = first_line.lstrip("#").strip()
        if first_line.startswith("#"):
            body = rest.strip()
    if not meta.get("date"):
        name_date = DATE_IN_NAME.match(path.name)
        meta["date"] = name_date.group(1) if name_date else None
    record = {**{key: _scalar(value) for key, value in meta.items()}, "text": body,
              "undecodable": undecodable}
    return _records_frame([record])


def _scalar(value):
    """YAML values as table cells: dates as ISO text, lists/maps as JSON."""
    if isinstance(value, (list, dict)):
        return json.dumps(value, default=str)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


# --- canonicalisation ---------------------------------------------------------------------------

def canonicalise(raw: pd.DataFrame, input_file: str, mapping: Mapping[str, str] | None = None,
                 year_day: str = YEAR_DAY, author: str | None = None) -> pd.DataFrame:
    """Map input columns onto the canonical article columns (see the module docstring). A bare year
    as a date falls on `year_day` (MM-DD); `author`, when given, is every record's author (else the
    author column's). The author is kept as written: ``validate`` resolves it against the dictionary."""
    if raw.empty:
        return empty_articles()
    raw, undecodable = _replace_undecodable(raw)
    fields = _resolve_fields(raw.columns, mapping or {}, input_file)
    column = {field: _coalesce(raw, names) for field, names in fields.items()}
    blank = pd.Series("", index=raw.index, dtype="str")
    title = _as_text(column.get("title", blank))
    text = _as_text(column.get("text", blank))
    text_from_title = (text.str.strip() == "") & (title.str.strip() != "")
    text = text.where(~text_from_title, title)
    url = _as_text(column.get("url", blank)).str.strip()
    source = _as_text(column.get("source", blank)).str.strip()
    source = source.where(source != "", _domain(url))
    source = source.where(source != "", Path(input_file).name.split(".")[0])
    author = _as_text(column.get("author", blank) if author is None else blank + author).str.strip()
    date_raw = column.get("date", pd.Series(None, index=raw.index, dtype=object))
    folded_text = normalise_text(text)
    ids = _as_text(column.get("id", blank)).str.strip()
    ids = ids.where(ids != "", _stable_ids(url, folded_text))
    used = {name for names in fields.values() for name in names}
    extras = {name: _tidy_extra(raw[name]) for name in raw.columns
              if name not in used and name not in ARTICLES + DERIVED + BOOKKEEPING}
    frame = pd.DataFrame({
        "article_id": ids, "date": parse_dates(date_raw, year_day), "title": title, "text": text,
        "source": source, "url": url, "author_actor": author,
        "content_hash": _sha256(normalise_text(title) + "\n" + folded_text
                                + ("\n" + author.str.upper()).where(author != "", "")),
        "text_from_title": text_from_title, **extras,
        "input_file": input_file, "input_row": raw.index.to_numpy(),
        "date_raw": _as_text(date_raw),
        "undecodable": undecodable,
    })
    return frame.reset_index(drop=True)


def _resolve_fields(columns: pd.Index, mapping: Mapping[str, str], input_file: str,
                    ) -> dict[str, list[str]]:
    """Input column names per canonical field, preferred first (a mapping names exactly one)."""
    by_lower: dict[str, str] = {}
    for name in columns:
        by_lower.setdefault(str(name).lower(), name)
    fields = {}
    for field, candidates in FIELD_CANDIDATES.items():
        if field in mapping:
            wanted = mapping[field]
            if wanted not in columns and wanted.lower() not in by_lower:
                raise InputError(input_file, f"--map {field}={wanted}: no column '{wanted}' "
                                             f"(columns: {', '.join(map(str, columns))})")
            fields[field] = [wanted if wanted in columns else by_lower[wanted.lower()]]
        else:
            present = [by_lower[name] for name in candidates if name in by_lower]
            if present:
                fields[field] = present
    return fields


def _present(values: pd.Series) -> pd.Series:
    return values.notna() & (values.astype(str).str.strip() != "")


def _coalesce(raw: pd.DataFrame, names: list[str]) -> pd.Series:
    """Per row, the first non-empty value among the named columns."""
    result = raw[names[0]].astype(object)
    for name in names[1:]:
        result = result.where(_present(result), raw[name].astype(object))
    return result


def _as_text(values: pd.Series) -> pd.Series:
    """Values as str dtype, missing as ""."""
    if pd.api.types.is_string_dtype(values) and values.dtype != object:
        return values.fillna("")
    text = values.astype(object).where(values.notna(), "")
    if pd.api.types.infer_dtype(text, skipna=False) != "string":
        text = text.map(str)
    return text.astype("str")


def _tidy_extra(values: pd.Series) -> pd.Series:
    """Extra columns keep simple types (bool, int, float); nested values become JSON text and
    anything else text."""
    if values.dtype != object:
        return values
    def cell(value):
        if isinstance(value, np.ndarray):
            value = value.tolist()
        if isinstance(value, (list, dict)):
            return json.dumps(value, default=str, ensure_ascii=False)
        return value
    cells = values.map(cell)
    kind = pd.api.types.infer_dtype(cells, skipna=True)
    return cells.astype(SIMPLE_TYPES.get(kind, "str"))


def consistent_columns(articles: pd.DataFrame) -> pd.DataFrame:
    """Object columns of mixed types (an extra column typed differently by two inputs) as text,
    so that the table can be stored."""
    mixed = [name for name in articles.columns if articles[name].dtype == object
             and pd.api.types.infer_dtype(articles[name], skipna=True).startswith("mixed")]
    return articles.astype({name: "str" for name in mixed})


def _replace_undecodable(raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Flag rows with bytes that were not UTF-8 (surrogate-escaped) and replace them by U+FFFD.

    A reader may flag rows itself in an `undecodable` column (text files parse front matter
    from an already cleaned copy).
    """
    raw = raw.copy()
    flags = raw.pop("undecodable").astype(bool) if "undecodable" in raw else \
        pd.Series(False, index=raw.index)
    for name in raw.columns:
        if raw[name].dtype != object or \
                pd.api.types.infer_dtype(raw[name], skipna=True) not in TEXT_LIKE:
            continue  # Arrow strings are valid UTF-8 by construction
        hits = raw[name].str.contains(SURROGATES, regex=True, na=False).astype(bool)
        if hits.any():
            flags |= hits
            raw.loc[hits, name] = raw.loc[hits, name].str.replace(SURROGATES, "\ufffd",
                                                                   regex=True)
    return raw, flags


def _domain(url: pd.Series) -> pd.Series:
    host = url.str.extract(r"^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^/:?#]+)", expand=False)
    return host.fillna("").str.lower().astype("str")


def normalise_text(text: pd.Series) -> pd.Series:
    """Case-, whitespace- and punctuation-folded text, for duplicate detection and hashes."""
    strings = pa.array(text.astype("str"), type=pa.large_string(), from_pandas=True)
    folded = pc.replace_substring_regex(pc.utf8_lower(strings), r"[^\p{L}\p{N}]+", " ")
    return pd.Series(pc.utf8_trim_whitespace(folded), index=text.index, dtype="str")


def _sha256(values: pd.Series) -> pd.Series:
    return pd.Series([hashlib.sha256(value.encode("utf-8")).hexdigest()
                      for value in values.to_numpy(dtype=object)],
                     index=values.index, dtype="str")


def _stable_ids(url: pd.Series, folded_text: pd.Series) -> pd.Series:
    """Hash of the url, or of the normalised text when there is no url."""
    key = ("url:" + url).where(url != "", "text:" + folded_text)
    return _sha256(key).str.slice(0, 16)


# --- dates --------------------------------------------------------------------------------------

def parse_dates(values: pd.Series, year_day: str = YEAR_DAY) -> pd.Series:
    """Dates as tz-aware UTC timestamps (microseconds); NaT where missing or unparseable.

    Accepts datetimes, ISO 8601, RFC 2822, epoch seconds/milliseconds (numbers or digit strings)
    and a bare four-digit year (placed on `year_day`, MM-DD); a date without a zone is taken as UTC.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        stamps = values if values.dt.tz is not None else values.dt.tz_localize("UTC")
        return _microseconds(stamps.dt.tz_convert("UTC"))
    result = pd.Series(pd.NaT, index=values.index, dtype=UTC_STAMP)
    text = _as_text(values).str.strip()
    year = text.str.match(BARE_YEAR)
    if year.any():
        result[year] = _microseconds(pd.to_datetime(text[year] + "-" + year_day, utc=True, format="%Y-%m-%d",
                                                    errors="coerce"))
    epoch = text.str.match(EPOCH) & ~text.str.fullmatch(COMPACT_DATE) & ~year
    if epoch.any():
        result[epoch] = _from_epoch(pd.to_numeric(text[epoch], errors="coerce").astype(float))
    rest = ~epoch & ~year & (text != "")
    result[rest] = _microseconds(pd.to_datetime(text[rest], utc=True, format="ISO8601",
                                                errors="coerce"))
    rfc = rest & result.isna() & text.str.match(RFC_2822)
    if rfc.any():
        result[rfc] = pd.Series([_rfc_2822(value) for value in text[rfc]], index=text[rfc].index,
                                dtype=UTC_STAMP)
    other = rest & result.isna()
    if other.any():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result[other] = _microseconds(pd.to_datetime(text[other], utc=True, format="mixed",
                                                         errors="coerce"))
    return result


def _microseconds(stamps: pd.Series) -> pd.Series:
    """UTC timestamps at the store's resolution (finer digits are cut, not an error)."""
    return stamps.dt.floor("us").astype(UTC_STAMP)


def _from_epoch(numbers: pd.Series) -> pd.Series:
    seconds = numbers.where(numbers.abs() < EPOCH_MS_THRESHOLD, numbers / 1000)
    return _microseconds(pd.to_datetime(seconds, unit="s", utc=True, errors="coerce"))


def _rfc_2822(value: str):
    try:
        stamp = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return pd.NaT
    return pd.Timestamp(stamp).tz_localize("UTC") if stamp.tzinfo is None else \
        pd.Timestamp(stamp).tz_convert("UTC")
