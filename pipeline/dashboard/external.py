"""External event data (e.g. ICEWS) to show beside our series: reading ``data/events_external/``
(``queries.external_series`` aggregates it per pair and period).

Format: every ``*.csv``, ``*.csv.gz`` or ``*.parquet`` file in the folder holds one row per event
with the columns ``source`` and ``target`` (actor ids: ``RUS``, ``USA``), ``goldstein`` (the
event's Goldstein score, −10 … +10) and either ``date`` (ISO) or ``year``. ``python -m
pipeline.icews FILE`` writes this format from an ICEWS sample.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

EXTERNAL_COLUMNS = ["date", "source", "target", "goldstein"]
PATTERNS = ("*.csv", "*.csv.gz", "*.parquet")


def external_files(folder: Path) -> list[Path]:
    """The events files in ``folder`` (none when it does not exist), by name."""
    return sorted({path for pattern in PATTERNS for path in folder.glob(pattern) if path.is_file()})


def read_external(folder: Path) -> tuple[pd.DataFrame, str | None]:
    """All events of ``folder`` as EXTERNAL_COLUMNS (UTC dates), or no events and a one-line problem
    naming the file (and line) that cannot be used."""
    frames = []
    for path in external_files(folder):
        frame, problem = _read_one(path)
        if problem:
            return pd.DataFrame(columns=EXTERNAL_COLUMNS), f"{path.name}: {problem}"
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=EXTERNAL_COLUMNS), None
    return pd.concat(frames, ignore_index=True), None


def _read_one(path: Path) -> tuple[pd.DataFrame | None, str | None]:
    try:
        frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path, dtype=str,
                                                                                     keep_default_na=False)
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as error:
        return None, f"unreadable ({' '.join(str(error).split())[:200]})"
    when = "date" if "date" in frame.columns else "year"
    missing = [column for column in ("source", "target", "goldstein", when) if column not in frame.columns]
    if missing:
        return None, f"missing column(s) {', '.join(missing)} (expected date or year, source, target, goldstein)"
    text = frame[when].astype(str).str.strip()
    dates = pd.to_datetime(text + ("" if when == "date" else "-01-01"), utc=True, errors="coerce", format="mixed")
    scores = pd.to_numeric(frame["goldstein"], errors="coerce")
    bad = dates.isna() | scores.isna() | ~scores.between(-10, 10)
    if bad.any():
        line = int(bad.to_numpy().argmax())
        value = frame[when].iloc[line] if dates.isna().iloc[line] else frame["goldstein"].iloc[line]
        return None, f"line {line + 2}: unusable {when if dates.isna().iloc[line] else 'goldstein'} {value!r}"
    return pd.DataFrame({"date": dates, "source": frame["source"].astype(str).str.strip(),
                         "target": frame["target"].astype(str).str.strip(), "goldstein": scores.astype(float)}), None
