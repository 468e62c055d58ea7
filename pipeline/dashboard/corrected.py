"""Analysts' corrections (``pipeline.corrections``) applied to a store version's dashboard database.

The active corrections are few, so they become three small tables beside the day totals, named by a tag
of the corrections (a new correction makes new tables; the version's own tables never change):

- ``corr_keys_<tag>``: the identities of the stored rows that a correction matches;
- ``corr_rows_<tag>``: those rows as corrected (direction swapped or score negated; dropped rows absent),
  with the correction's ``correction`` text and the row's ``month``;
- ``corr_days_<tag>``: day-total deltas (minus each matched row, plus its corrected version), in the
  columns and types of ``days``, so that any sum over ``days`` plus them is the corrected sum.

``pipeline.dashboard.queries`` reads them through :class:`~pipeline.dashboard.queries.StoreDB`'s ``corrected``.
:func:`record` and :func:`display` serve the pages that make and list corrections.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from pipeline import corrections
from pipeline.corrections import DROPPING, IDENTITY
from pipeline.dashboard.queries import StoreDB
from pipeline.store import Version

_KEYS = ", ".join(f'"{column}"' for column in IDENTITY)
_BUILDING = threading.Lock()


def apply(db: StoreDB, active: pd.DataFrame) -> StoreDB:
    """``db`` with the ``active`` corrections (``pipeline.corrections.active``) applied to every query;
    ``db`` itself when there are none."""
    if active.empty:
        return db
    tag = hashlib.sha1("|".join(sorted(active["correction_id"])).encode()).hexdigest()[:12]
    with _BUILDING:
        cursor = db.cursor()
        built = cursor.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?",
                               [f"corr_days_{tag}"]).fetchall()[0][0]
        if not built:
            _build(db, cursor, active, tag)
    return dataclasses.replace(db, corrected=tag)


def matched_ids(db: StoreDB) -> set[str]:
    """The ids of the corrections applied to ``db`` that match a row of its version."""
    if not db.corrected:
        return set()
    rows = db.cursor().execute(f"SELECT correction_id FROM corr_matched_{db.corrected}").fetchall()
    return {correction_id for (correction_id,) in rows}


def _build(db: StoreDB, cursor, active: pd.DataFrame, tag: str) -> None:
    months = sorted(set(active["date"].dt.strftime("%Y-%m")) & set(db.version.months("dyads")))
    files = [db.dyad_file(month) for month in months] or [str(path) for path in db.version.files("dyads", [])]
    cursor.register("active_corrections", active[[*IDENTITY, "correction_id", "verdict", "label"]])
    cursor.execute(
        f"CREATE TABLE corr_matched_{tag} AS SELECT d.*, c.correction_id, c.verdict, c.label AS correction, "
        f"strftime(d.date, '%Y-%m') AS month FROM read_parquet(?) AS d JOIN active_corrections AS c USING ({_KEYS})",
        [files],
    )
    cursor.unregister("active_corrections")
    cursor.execute(f"CREATE TABLE corr_keys_{tag} AS SELECT {_KEYS} FROM corr_matched_{tag}")
    dropping = ", ".join(f"'{verdict}'" for verdict in DROPPING)
    swap = "verdict = 'wrong_direction'"
    cursor.execute(
        f"CREATE TABLE corr_rows_{tag} AS SELECT * EXCLUDE (correction_id, verdict) REPLACE ("
        f"CASE WHEN {swap} THEN target_actor ELSE source_actor END AS source_actor, "
        f"CASE WHEN {swap} THEN source_actor ELSE target_actor END AS target_actor, "
        "CASE WHEN verdict = 'wrong_sign' THEN -score ELSE score END AS score) "
        f"FROM corr_matched_{tag} WHERE verdict NOT IN ({dropping})"
    )
    cursor.execute(f"CREATE TABLE corr_days_{tag} AS SELECT * FROM days LIMIT 0")
    signed = (f"SELECT source_actor, target_actor, date, kind, source, score, -1 AS sign FROM corr_matched_{tag} "
              f"UNION ALL SELECT source_actor, target_actor, date, kind, source, score, 1 FROM corr_rows_{tag}")
    cursor.execute(
        f"INSERT INTO corr_days_{tag} BY NAME SELECT source_actor, target_actor, "
        "CAST(CAST(date AS TIMESTAMP) AS DATE) AS day, kind, source, CAST(sign AS INTEGER) AS n, "
        "sign * score AS total, sign * score * score AS total_sq, source_actor || '>' || target_actor AS pair, "
        "least(source_actor, target_actor) || '<>' || greatest(source_actor, target_actor) AS undirected "
        f"FROM ({signed})"
    )


def record(store: Path, version: Version, row: Mapping, verdict: str, who: str, note: str = "") -> str:
    """Record an analyst's ``verdict`` on an evidence ``row`` as the dashboard shows it (corrected or raw):
    a corrected row is named by the identity of the stored row its correction matched. Returns the new
    correction's id; raises ``corrections.CorrectionError`` with a one-line reason."""
    identity = dict(row)
    if row.get("correction"):
        active = corrections.active(store)
        same_span = active[(active["article_id"] == row["article_id"]) & (active["start"] == int(row["start"]))
                           & (active["end"] == int(row["end"]))]
        actors = {row["source_actor"], row["target_actor"]}
        for _, earlier in same_span.iterrows():
            if {earlier["source_actor"], earlier["target_actor"]} == actors:
                identity |= {field: earlier[field] for field in IDENTITY}
    return corrections.correct(store, identity, verdict, who, note, corrections.stored_rows(version, identity))


def display(listed: pd.DataFrame) -> pd.DataFrame:
    """The corrections of ``loaders.correction_list`` as the Data page lists them."""
    return pd.DataFrame({
        "when": listed["when"].str.replace("T", " ").str[:16],
        "who": listed["who"],
        "verdict": listed["verdict"].map(corrections.VERDICTS),
        "pair": listed["source_actor"] + ">" + listed["target_actor"],
        "date": listed["date"].dt.strftime("%Y-%m-%d"),
        "evidence": listed["evidence"],
        "note": listed["note"],
        "status": listed["matches"].map({True: "applied", False: "no longer matches a row"}),
        "article": listed["article_id"],
    })
