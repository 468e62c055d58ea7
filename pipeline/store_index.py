"""What the store builds from each month of dyads at write time, so that the dashboard never scans dyads
for a filter change and never scans evidence text for a search.

- ``dyad_days``: per (source actor, target actor, UTC day, kind, outlet) the count, sum and sum of squares
  of the scores — enough for every mean, confidence band, matrix cell and busiest-pair ranking.
- ``dyad_terms``: search postings, one row per (term, row) where ``row`` is the dyad's position in its
  month's file and a term is a lower-cased word (letters and digits) of its evidence or speaker.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa

TERM_SPLIT = r"[^\p{L}\p{N}]+"
"""What separates terms (RE2): anything but letters and digits."""
DAY_KEYS = ["source_actor", "target_actor", "day", "kind", "source"]


def _connection() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    return con


def day_totals(dyads: pd.DataFrame) -> pa.Table:
    """``DAY_KEYS`` with ``n``, ``total`` and ``total_sq`` of the scores, sorted by the keys."""
    con = _connection()
    con.register("month_dyads", dyads[["source_actor", "target_actor", "date", "kind", "source", "score"]])
    keys = ", ".join(DAY_KEYS)
    return con.sql(
        "SELECT source_actor, target_actor, CAST(CAST(date AS TIMESTAMP) AS DATE) AS day, kind, source, "
        "CAST(count(*) AS INTEGER) AS n, sum(score) AS total, sum(score * score) AS total_sq "
        f"FROM month_dyads GROUP BY {keys} ORDER BY {keys}"
    ).to_arrow_table()


def term_postings(dyads: pd.DataFrame) -> pa.Table:
    """``term``, ``row`` (position in ``dyads``) for every distinct term of each row's evidence and speaker,
    sorted by term then row."""
    con = _connection()
    texts = pd.DataFrame({
        "row": pd.RangeIndex(len(dyads), dtype="int32"),
        "text": dyads["evidence"].fillna("").to_numpy() + " " + dyads["speaker"].fillna("").to_numpy(),
    })
    con.register("texts", texts)
    return con.sql(
        "SELECT DISTINCT term, CAST(row AS INTEGER) AS row "
        "FROM (SELECT unnest(regexp_split_to_array(lower(text), $split)) AS term, row FROM texts) "
        "WHERE term <> '' ORDER BY term, row",
        params={"split": TERM_SPLIT},
    ).to_arrow_table()


def query_terms(text: str, con: duckdb.DuckDBPyConnection | None = None) -> list[str]:
    """The terms of a search text, split as ``term_postings`` splits evidence (in order, without repeats);
    ``con``: a DuckDB connection to use (a new one when None)."""
    terms = (con or _connection()).execute("SELECT regexp_split_to_array(lower(?), ?)", [text, TERM_SPLIT]).fetchone()
    return list(dict.fromkeys(term for term in terms[0] if term))
