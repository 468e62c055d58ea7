"""Canonicalisation: raw records (see ``pipeline.load.records``) → the canonical article frame.

Identity (duplicates, ids, content hashes) is computed on text folded by ``normalise_text``: NFC,
without zero-width and bidi control characters, case- and punctuation-folded; a text with no letter
or digit (emoji only) is identified by its visible characters. The stored text is kept as written.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.load.dates import UTC_STAMP, YEAR_DAY, parse_dates
from pipeline.load.limits import InputError
from pipeline.load.records import ENCODING, FILE, READ_ERROR, as_text
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

BOOKKEEPING = ["input_file", "input_row", "date_raw", "undecodable", "read_error", "text_key"]
DERIVED = ["content_hash", "text_from_title"]
INTERNAL = [READ_ERROR, FILE, ENCODING]
SURROGATES = "[\udc80-\udcff]"
INVISIBLE = "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
"""Zero-width and bidi control characters: invisible, so no part of a text's identity."""
TEXT_LIKE = {"string", "mixed", "mixed-integer"}
SIMPLE_TYPES = {"boolean": "boolean", "integer": "Int64", "floating": "Float64",
                "mixed-integer-float": "Float64"}
"""pandas dtype for extra columns whose values are all of one simple kind."""


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
    frame["read_error"] = pd.Series(dtype="str")
    frame["text_key"] = pd.Series(dtype="str")
    return frame


def canonicalise(raw: pd.DataFrame, input_file: str, mapping: Mapping[str, str] | None = None,
                 year_day: str = YEAR_DAY, author: str | None = None) -> pd.DataFrame:
    """Map input columns onto the canonical article columns (see ``pipeline.load``). A bare year
    as a date falls on `year_day` (MM-DD); `author`, when given, is every record's author (else the
    author column's). The author is kept as written: ``validate`` resolves it against the dictionary.
    Records a reader could not read keep their reason in `read_error` (empty cells otherwise)."""
    if raw.empty:
        return empty_articles()
    raw, undecodable = _replace_undecodable(raw)
    read_error = as_text(raw.pop(READ_ERROR)) if READ_ERROR in raw else pd.Series("", index=raw.index, dtype="str")
    files = as_text(raw.pop(FILE)).where(lambda names: names != "", input_file) if FILE in raw else \
        pd.Series(input_file, index=raw.index, dtype="str")
    raw = raw.drop(columns=[name for name in INTERNAL if name in raw])
    fields = _resolve_fields(raw.columns, mapping or {}, input_file)
    column = {field: _coalesce(raw, names) for field, names in fields.items()}
    blank = pd.Series("", index=raw.index, dtype="str")
    title = as_text(column.get("title", blank))
    text = as_text(column.get("text", blank))
    text_from_title = (text.str.strip() == "") & (title.str.strip() != "")
    text = text.where(~text_from_title, title)
    url = as_text(column.get("url", blank)).str.strip()
    source = as_text(column.get("source", blank)).str.strip()
    source = source.where(source != "", _domain(url))
    source = source.where(source != "", files.str.rsplit("/", n=1).str[-1].str.split(".").str[0])
    author = as_text(column.get("author", blank) if author is None else blank + author).str.strip()
    date_raw = column.get("date", pd.Series(None, index=raw.index, dtype=object))
    identity = identity_text(text)
    ids = as_text(column.get("id", blank)).str.strip()
    ids = ids.where(ids != "", _stable_ids(url, identity))
    used = {name for names in fields.values() for name in names}
    extras = {name: _tidy_extra(raw[name]) for name in raw.columns
              if name not in used and name not in ARTICLES + DERIVED + BOOKKEEPING}
    frame = pd.DataFrame({
        "article_id": ids, "date": parse_dates(date_raw, year_day), "title": title, "text": text,
        "source": source, "url": url, "author_actor": author,
        "content_hash": _sha256(normalise_text(title) + "\n" + identity
                                + ("\n" + author.str.upper()).where(author != "", "")),
        "text_from_title": text_from_title, "text_key": text_keys(identity.where(~identity.str.startswith("raw:"), "")),
        **extras,
        "input_file": files, "input_row": raw.index.to_numpy(),
        "date_raw": as_text(date_raw), "undecodable": undecodable, "read_error": read_error,
    })
    return frame.reset_index(drop=True)


def encodings(raw: pd.DataFrame, input_file: str) -> dict[str, str]:
    """{file: encoding label} of the raw records' files that were not plain UTF-8."""
    if ENCODING not in raw:
        return {}
    files = raw[FILE] if FILE in raw else pd.Series(input_file, index=raw.index)
    labels = pd.DataFrame({"file": files, "label": raw[ENCODING]}).dropna().drop_duplicates("file")
    labels = labels[~labels["label"].isin(["utf-8", "utf-8 (with BOM)"])]
    return dict(zip(labels["file"], labels["label"]))


def _resolve_fields(columns: pd.Index, mapping: Mapping[str, str], input_file: str) -> dict[str, list[str]]:
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
    raw = raw.copy(deep=False)
    flags = raw.pop("undecodable").fillna(False).astype(bool) if "undecodable" in raw else \
        pd.Series(False, index=raw.index)
    for name in raw.columns:
        if raw[name].dtype != object or pd.api.types.infer_dtype(raw[name], skipna=True) not in TEXT_LIKE:
            continue  # Arrow strings are valid UTF-8 by construction
        hits = raw[name].str.contains(SURROGATES, regex=True, na=False).astype(bool)
        if hits.any():
            flags |= hits
            raw.loc[hits, name] = raw.loc[hits, name].str.replace(SURROGATES, "\ufffd", regex=True)
    return raw, flags


def _domain(url: pd.Series) -> pd.Series:
    host = url.str.extract(r"^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^/:?#]+)", expand=False)
    return host.fillna("").str.lower().astype("str")


def visible_text(text: pd.Series) -> pd.Series:
    """NFC text without zero-width and bidi control characters, stripped."""
    strings = pa.array(text.astype("str"), type=pa.large_string(), from_pandas=True)
    return pd.Series(pc.utf8_trim_whitespace(_without_invisible(_nfc(strings))), index=text.index, dtype="str")


def _nfc(strings: pa.Array) -> pa.Array:
    """NFC forms, computed only for the strings not already in NFC (Arrow's ``utf8_normalize`` takes several
    times longer, as it rewrites every string)."""
    return pa.array([value if value is None or value.isascii() or unicodedata.is_normalized("NFC", value)
                     else unicodedata.normalize("NFC", value) for value in strings.to_pylist()], type=strings.type)


def _without_invisible(strings: pa.Array) -> pa.Array:
    """``strings`` without ``INVISIBLE`` characters, replaced only in the strings that hold one."""
    holding = pc.fill_null(pc.match_substring_regex(strings, INVISIBLE), False)
    if not pc.any(holding).as_py():
        return strings
    return pc.replace_with_mask(strings, holding,
                                pc.replace_substring_regex(strings.filter(holding), INVISIBLE, ""))


def normalise_text(text: pd.Series) -> pd.Series:
    """Visible text (``visible_text``) case-, whitespace- and punctuation-folded: for duplicates and hashes."""
    strings = pa.array(visible_text(text), type=pa.large_string(), from_pandas=True)
    # a-z and 0-9 are letters and digits too: named, they let RE2 skip the Unicode tables for ASCII text
    folded = pc.replace_substring_regex(pc.utf8_lower(strings), r"[^a-z0-9\p{L}\p{N}]+", " ")
    return pd.Series(pc.utf8_trim_whitespace(folded), index=text.index, dtype="str")


def identity_text(text: pd.Series) -> pd.Series:
    """What identifies a text: its folded form, or its visible characters when it has no letter or digit."""
    folded = normalise_text(text)
    wordless = folded == ""
    return folded.where(~wordless, "raw:" + visible_text(text[wordless])) if wordless.any() else folded


def text_keys(folded: pd.Series) -> pd.Series:
    """What makes two texts duplicates: a hash of each folded text (``normalise_text``), "" for an empty one."""
    return pd.Series([hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest() if value
                      else "" for value in folded.to_numpy(dtype=object)], index=folded.index, dtype="str")


def _sha256(values: pd.Series) -> pd.Series:
    return pd.Series([hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
                      for value in values.to_numpy(dtype=object)], index=values.index, dtype="str")


def _stable_ids(url: pd.Series, identity: pd.Series) -> pd.Series:
    """Hash of the url, or of the text's identity when there is no url."""
    key = ("url:" + url).where(url != "", "text:" + identity)
    return _sha256(key).str.slice(0, 16)
