"""Analysts' corrections of dyad rows: an append-only log per dataset, kept beside the store's versions.

A correction names a row by what survives re-analysis of the same articles — article id, evidence span
(``start``, ``end``) and directed pair — and a verdict (:data:`VERDICTS`): ``wrong_direction`` (the row
counts as target → source, same score), ``wrong_sign`` (its score is negated), ``not_relation`` and
``wrong_speaker`` (the row leaves every figure). An undo names the correction it withdraws; a later
correction of the same row supersedes an earlier one.

The log is the folder ``<store>/corrections/``: one small JSON file per event, never rewritten, each
written to a temporary name, fsynced and renamed into place (a crash leaves either the whole event or
none). Versions come and go (``pipeline.store``); the log stays, so corrections apply to the next run's
rows as well.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

LOG_DIR = "corrections"
VERDICTS = {
    "wrong_direction": "direction reversed",
    "wrong_sign": "sign flipped",
    "not_relation": "not a relation",
    "wrong_speaker": "wrong speaker",
}
"""Verdict → how the dashboard describes its effect."""
DROPPING = ("not_relation", "wrong_speaker")
"""Verdicts that take the row out of every figure."""
IDENTITY = ["article_id", "start", "end", "source_actor", "target_actor"]
"""What names a row across re-runs of the pipeline over the same articles."""
ROW_FIELDS = [*IDENTITY, "kind", "date"]
"""What a correction records of its row (kind and date also say where the row is stored)."""
COLUMNS = ["correction_id", "when", "who", "verdict", *ROW_FIELDS, "evidence", "note", "label"]
"""Columns of :func:`active`: ``label`` is the dashboard's text ("sign flipped by ana, 2026-12-03")."""
LOG_COLUMNS = ["correction_id", "action", "when", "who", "verdict", *ROW_FIELDS, "evidence", "note", "undoes"]
MAX_NOTE = 500
MAX_WHO = 80
MAX_EVIDENCE = 300
"""The log keeps this many characters of the row's evidence, for the Data page and the CSV."""
_ACTOR = re.compile(r"[A-Z][A-Z0-9]{1,9}")


class CorrectionError(ValueError):
    """A correction or undo that cannot be recorded (its message is one line)."""


def log_dir(store_dir: str | Path) -> Path:
    return Path(store_dir) / LOG_DIR


def stamp(store_dir: str | Path) -> str:
    """Changes with every event of the log ("" when it has none): a cache key for corrected figures."""
    folder = log_dir(store_dir)
    names = sorted(path.name for path in folder.glob("*.json")) if folder.is_dir() else []
    return f"{len(names)}:{names[-1]}" if names else ""


def read_log(store_dir: str | Path) -> pd.DataFrame:
    """Every event in the order it was written (LOG_COLUMNS); a damaged file raises CorrectionError naming it."""
    folder = log_dir(store_dir)
    events = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            event = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CorrectionError(f"{path}: unreadable correction ({str(error).splitlines()[0]})") from None
        events.append({column: event.get(column) for column in LOG_COLUMNS})
    return pd.DataFrame(events, columns=LOG_COLUMNS)


def active(store_dir: str | Path) -> pd.DataFrame:
    """The corrections in force (COLUMNS): not undone, and the latest of each row identity."""
    log = read_log(store_dir)
    undone = set(log.loc[log["action"] == "undo", "undoes"])
    corrections = log[(log["action"] == "correct") & ~log["correction_id"].isin(undone)]
    latest = corrections.drop_duplicates(IDENTITY, keep="last")
    frame = latest.assign(
        start=latest["start"].astype("int64"),
        end=latest["end"].astype("int64"),
        date=pd.to_datetime(latest["date"], utc=True),
        note=latest["note"].fillna(""),
        label=[f"{VERDICTS[verdict]} by {who}, {when[:10]}"
               for verdict, who, when in zip(latest["verdict"], latest["who"], latest["when"])],
    )
    return frame[COLUMNS].reset_index(drop=True)


def correct(store_dir: str | Path, row: Mapping, verdict: str, who: str, note: str = "",
            rows: pd.DataFrame | None = None) -> str:
    """Record ``verdict`` on the dyad ``row`` (a mapping with ROW_FIELDS and ``evidence``) and return the
    new correction's id. ``rows``: the stored rows with that identity (see :func:`stored_rows`); the
    row must be among them. Raises CorrectionError with a one-line reason."""
    if verdict not in VERDICTS:
        raise CorrectionError(f"unknown verdict {str(verdict)[:40]!r} (verdicts: {', '.join(VERDICTS)})")
    who = _checked_text("your name", who, MAX_WHO, required=True)
    note = _checked_text("the note", note, MAX_NOTE)
    for field in ("source_actor", "target_actor"):
        if not isinstance(row.get(field), str) or not _ACTOR.fullmatch(row[field]):
            raise CorrectionError(f"{field} {str(row.get(field))[:20]!r} is not an actor id (e.g. RUS)")
    if row["source_actor"] == row["target_actor"]:
        raise CorrectionError("source and target actor are the same")
    identity = {field: row[field] for field in IDENTITY}
    if rows is None or not _holds(rows, identity):
        raise CorrectionError(
            f"no stored row of article {str(row['article_id'])[:60]!r} at {row['start']}–{row['end']} for "
            f"{row['source_actor']}>{row['target_actor']}: nothing to correct")
    correction_id = f"c-{secrets.token_hex(6)}"
    _append(store_dir, {
        "correction_id": correction_id, "action": "correct", "who": who, "verdict": verdict,
        **{field: _plain(row[field]) for field in ROW_FIELDS},
        "evidence": str(row.get("evidence") or "")[:MAX_EVIDENCE], "note": note, "undoes": None,
    })
    return correction_id


def undo(store_dir: str | Path, correction_id: str, who: str) -> str:
    """Withdraw the active correction ``correction_id`` (the row's earlier correction, if any, does not
    come back); returns the undo event's id. Raises CorrectionError when no such correction is active."""
    who = _checked_text("your name", who, MAX_WHO, required=True)
    if correction_id not in set(active(store_dir)["correction_id"]):
        raise CorrectionError(f"no active correction {str(correction_id)[:40]!r} to undo")
    undo_id = f"u-{secrets.token_hex(6)}"
    _append(store_dir, {"correction_id": undo_id, "action": "undo", "who": who, "undoes": correction_id})
    return undo_id


def stored_rows(version, identity: Mapping) -> pd.DataFrame:
    """The rows of store ``version`` (a ``pipeline.store.Version``) with ``identity``'s IDENTITY, read
    from the month of its ``date``."""
    month = f"{pd.Timestamp(identity['date']):%Y-%m}"
    if month not in version.months("dyads"):
        return pd.DataFrame(columns=IDENTITY)
    frame = pd.read_parquet(version.month_file("dyads", month), columns=IDENTITY,
                            filters=[("article_id", "==", str(identity["article_id"]))])
    return frame[_matching(frame, identity)]


def _holds(rows: pd.DataFrame, identity: Mapping) -> bool:
    return bool(_matching(rows, identity).any())


def _matching(rows: pd.DataFrame, identity: Mapping) -> pd.Series:
    mask = pd.Series(True, index=rows.index)
    for field in IDENTITY:
        mask &= rows[field].astype(str) == str(identity[field])
    return mask


def _checked_text(what: str, text, limit: int, required: bool = False) -> str:
    text = " ".join(str(text or "").split())
    if required and not text:
        raise CorrectionError(f"{what} is required")
    if len(text) > limit:
        raise CorrectionError(f"{what} is {len(text)} characters long; at most {limit}")
    return text


def _plain(value):
    """A JSON-ready copy of a row value (timestamps as UTC ISO text, numpy numbers as Python's)."""
    if isinstance(value, (pd.Timestamp, datetime)):
        moment = pd.Timestamp(value)
        return (moment.tz_convert("UTC") if moment.tzinfo else moment.tz_localize("UTC")).isoformat()
    return value.item() if hasattr(value, "item") else value


def _append(store_dir: str | Path, event: dict) -> None:
    """Write one event as its own file: temporary name, fsync, rename, fsync of the folder."""
    folder = log_dir(store_dir)
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    event = {"when": now.isoformat(timespec="seconds"), **event}
    name = f"{now:%Y%m%dT%H%M%S%fZ}-{event['correction_id']}.json"
    temporary = folder / f".{name}.tmp"
    with open(temporary, "wb") as sink:
        sink.write(json.dumps(event, ensure_ascii=False).encode("utf-8"))
        sink.flush()
        os.fsync(sink.fileno())
    os.replace(temporary, folder / name)
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
