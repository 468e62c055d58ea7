"""Validation: every loaded record is either accepted or rejected with one short, fixed reason.

A large input comes as chunks of rows (``pipeline.load.load_chunks``): the text is examined chunk by
chunk (length, visibility, a hash of its folded form for duplicates) and each chunk is filtered and let
go in turn, so that validation never holds a second copy of the texts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.actors import author_ids, load_dictionary
from pipeline.load import date_problems, empty_articles, normalise_text, text_keys, visible_text

MAX_CHARS = 1_000_000
EARLIEST = pd.Timestamp("1900-01-01", tz="UTC")
TITLE_CHARS = 120
TEXT_CHUNK_ROWS = 10_000
"""Rows whose texts are folded and hashed at a time."""
HAS_WORD = r"[\p{L}\p{N}]"


def validate(articles: pd.DataFrame, *, max_chars: int = MAX_CHARS,
             stored: pd.DataFrame | None = None, now: pd.Timestamp | None = None,
             authors: Mapping[str, str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split loaded `articles` into (accepted, rejected).

    Checks run in order and each rejected record gets the first reason that applies: the reader's
    (`read_error`: a broken line, item, row or file), undecodable bytes, no date, a relative date or an
    ambiguous or unknown time zone, unparseable date, impossible date (before 1900 or more than a
    day ahead of `now`), empty text (nothing visible), text too long (over `max_chars`), an author that `authors`
    (case-folded id, name or alias → actor id; default: the shipped dictionary's ``actors.author_ids``)
    does not know, then duplicates — of an
    earlier accepted record or of an article in `stored` (url, normalised text, article_id).
    A record stored before with the same `article_id` and `content_hash` is accepted with
    `unchanged=True`; one whose url is stored with other content (a correction republished at the
    same address) is accepted with `updated=True` and the stored article's id, which it replaces.
    `accepted` keeps the article columns (the author as an actor id) plus `input_file`, `input_row`,
    `unchanged` and `updated`.
    """
    fresh = articles.drop(columns="text_key", errors="ignore")  # keys of its texts as loaded: it may be edited since
    return validate_chunks([fresh], max_chars=max_chars, stored=stored, now=now, authors=authors)


def validate_chunks(chunks: list[pd.DataFrame], *, max_chars: int = MAX_CHARS,
                    stored: pd.DataFrame | None = None, now: pd.Timestamp | None = None,
                    authors: Mapping[str, str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``validate`` of the records of `chunks` in order, as ``load_chunks`` gave them (their ``text_key`` is taken
    as is). The list is emptied as its chunks are filtered, so that each chunk is released once its accepted rows
    are taken."""
    chunks = chunks if chunks else [empty_articles()]
    facts = pd.concat([_text_facts(chunk["text"].fillna(""), chunk.get("text_key")) for chunk in chunks],
                      ignore_index=True)
    articles = pd.concat([chunk.drop(columns="text") for chunk in chunks], ignore_index=True)
    now = pd.Timestamp.now(tz="UTC") if now is None else now
    reason = pd.Series(None, index=articles.index, dtype=object)

    def reject(mask: pd.Series, text: pd.Series | str | Callable[[pd.Series], pd.Series]) -> None:
        """Reject the `mask` rows not rejected yet, for `text` (or `text(rows)`: the reasons of those rows)."""
        fresh = mask & reason.isna()
        if fresh.any():
            reason[fresh] = text if isinstance(text, str) else text(fresh) if callable(text) else text[fresh]

    date_raw = articles["date_raw"].fillna("").str.strip()

    def shown_date(rows: pd.Series) -> pd.Series:
        return date_raw[rows].str.slice(0, 40).map(repr)
    read_error = articles["read_error"].fillna("") if "read_error" in articles else \
        pd.Series("", index=articles.index, dtype="str")
    reject(read_error != "", read_error)
    reject(articles["undecodable"], "undecodable bytes: invalid in this file's encoding")
    reject(date_raw == "", "no date")
    problem = date_problems(date_raw)
    reject(problem != "", problem)
    reject(articles["date"].isna(), lambda rows: "unparseable date: " + shown_date(rows))
    impossible = (articles["date"] < EARLIEST) | (articles["date"] > now + pd.Timedelta(days=1))
    reject(impossible.fillna(False), lambda rows: "impossible date: " + shown_date(rows))
    reject(facts["empty"], "empty text")
    length = facts["length"]
    reject(length > max_chars, lambda rows: "text too long: " + length[rows].astype(str) + f" chars > {max_chars}")
    author = articles["author_actor"].fillna("").str.strip()
    resolved = author.str.casefold().map(author_ids(load_dictionary()) if authors is None else authors)
    reject(author.ne("") & resolved.isna(), lambda rows: "unknown author: " + author[rows].str.slice(0, 40).map(repr)
           + " is not an actor id or name in the dictionary")
    author = resolved.fillna("").astype("str")

    stored = stored if stored is not None else chunks[0].iloc[:0]
    unchanged = pd.Series(False, index=articles.index)
    if len(stored):
        identity = articles["article_id"] + "|" + articles["content_hash"]
        unchanged = _is_in(identity, stored["article_id"] + "|" + stored["content_hash"]) & reason.isna()
    input_file, input_row = articles["input_file"], articles["input_row"]
    file_names = {name: Path(name).name for name in input_file.unique()}

    def where(rows: pd.Index) -> pd.Series:
        return input_file[rows].map(file_names) + ":" + input_row[rows].astype(str)

    keys = {"url": articles["url"].fillna(""), "text": facts["key"], "id": articles["article_id"]}
    for kind, values in keys.items():
        seen = values[reason.isna() & (values != "")]
        later = seen.duplicated(keep="first")
        if later.any():
            first_row = pd.Series(seen.index[~later], index=seen[~later].to_numpy())
            first = where(pd.Index(first_row.reindex(seen[later].to_numpy()).to_numpy()))
            message = pd.Series(f"duplicate {kind}: same as " + first.to_numpy(dtype=object), index=seen.index[later])
            reject(pd.Series(values.index.isin(message.index), index=values.index),
                   lambda rows, message=message: message.reindex(rows.index[rows]))

    replaced_id = _replaced_ids(articles, stored).where(reason.isna() & ~unchanged)
    updated = replaced_id.notna()
    keys["id"] = keys["id"].where(~updated, replaced_id).astype("str")
    replaced = _is_in(stored["article_id"], replaced_id)
    # an update takes its stored article's url and id; its text must differ from every other article's
    stored_keys = {"url": (lambda: stored["url"], updated), "id": (lambda: stored["article_id"], updated),
                   "text": (lambda: _text_keys(stored["text"][~replaced].fillna("")), False)}
    for kind, values in keys.items():
        stored_values, exempt = stored_keys[kind]
        candidates = reason.isna() & (values != "") & ~unchanged & ~exempt
        if candidates.any():  # a re-run of unchanged inputs folds none of the stored texts
            reject(candidates & _is_in(values, stored_values()), f"duplicate {kind}: already in the store")

    rejected_mask = reason.notna()
    bookkeeping = [name for name in ("date_raw", "undecodable", "read_error", "text_key") if name in articles]
    rejected = pd.DataFrame({
        "file": articles["input_file"], "row": articles["input_row"], "reason": reason,
        "article_id": articles["article_id"],
        "title": articles["title"].fillna("").str.slice(0, TITLE_CHARS),
    })[rejected_mask].reset_index(drop=True)
    read = len(articles)
    del articles, facts
    decided = pd.DataFrame({"author_actor": author, "article_id": keys["id"], "unchanged": unchanged,
                            "updated": updated, "keep": ~rejected_mask})
    parts, start = [], 0
    while chunks:
        chunk = chunks.pop(0).reset_index(drop=True)
        rows = decided.iloc[start:start + len(chunk)].reset_index(drop=True)
        start += len(chunk)
        part = chunk.assign(author_actor=rows["author_actor"], article_id=rows["article_id"]).drop(columns=bookkeeping)
        part = part.assign(unchanged=rows["unchanged"], updated=rows["updated"])
        parts.append(part if rows["keep"].all() else part[rows["keep"]])
        del chunk, part
        pa.default_memory_pool().release_unused()  # the chunk's memory, else kept by the allocator
    accepted = pd.concat(parts, ignore_index=True)
    if read != len(accepted) + len(rejected):
        raise AssertionError(f"validation lost records: {read} != {len(accepted)} + {len(rejected)}")
    return accepted, rejected.astype({"reason": "str"})


def _text_facts(text: pd.Series, keys: pd.Series | None = None) -> pd.DataFrame:
    """Per text: nothing visible in it (``visible_text`` is empty), its length and its key (``keys``, the
    ``text_key`` that ``canonicalise`` computed, or ``_text_keys``)."""
    empty = pd.Series(False, index=text.index)
    wordless = ~text.str.contains(HAS_WORD, regex=True)
    if wordless.any():
        empty[wordless] = visible_text(text[wordless]) == ""
    return pd.DataFrame({"empty": empty, "length": text.str.len(),
                         "key": _text_keys(text) if keys is None else keys.fillna("")})


def _text_keys(text: pd.Series) -> pd.Series:
    """What makes two texts duplicates: a hash of the folded text (``normalise_text``), "" when nothing is
    left; folded `TEXT_CHUNK_ROWS` texts at a time."""
    keys = [text_keys(normalise_text(text.iloc[start:start + TEXT_CHUNK_ROWS]))
            for start in range(0, len(text), TEXT_CHUNK_ROWS)]
    return pd.concat(keys) if keys else pd.Series(dtype="str", index=text.index)


def _replaced_ids(articles: pd.DataFrame, stored: pd.DataFrame) -> pd.Series:
    """Per record, the id of the stored article at the same (non-empty) url whose content differs
    (None where there is none)."""
    by_url = stored[stored["url"].fillna("") != ""].drop_duplicates("url").set_index("url")
    url = articles["url"].fillna("")
    stored_id = url.map(by_url["article_id"]).astype(object)
    changed = url.map(by_url["content_hash"]).ne(articles["content_hash"])
    return stored_id.where(stored_id.notna() & changed, None)


def _is_in(values: pd.Series, others: pd.Series) -> pd.Series:
    """`values.isin(others)` for text columns, computed by Arrow (pandas loops in Python)."""
    found = pc.is_in(pa.array(values.astype("str"), from_pandas=True),
                     value_set=pa.array(others.dropna().astype("str").unique(), type=pa.string()))
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)

