"""Dates as UTC timestamps. Relative dates ("today", "2 hours ago") and ambiguous or unknown time-zone
abbreviations are never guessed: they parse to NaT and ``date_problems`` says why."""

from __future__ import annotations

import email.utils
import warnings

import pandas as pd

from pipeline.load.records import as_text

RFC_2822 = r"^\s*(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s"
EPOCH = r"^\s*-?\d+(?:\.\d+)?\s*$"
BARE_YEAR = r"^\s*\d{4}\s*$"
"""A year alone ("2015"): placed on the run's `year_day` (epoch seconds that small would be 1970)."""
YEAR_DAY = "01-01"
"""Default month and day (MM-DD) of a bare year."""
COMPACT_DATE = r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
"""YYYYMMDD: read as a date, not as epoch seconds (which would fall in 1970-1973)."""
MAX_DATE_CHARS = 100
"""Longer values are no date (and are never handed to a parser that reads them character by character)."""
UTC_STAMP = "datetime64[us, UTC]"
EPOCH_MS_THRESHOLD = 1e11
"""Numbers at or above this are epoch milliseconds (1e11 s would be the year 5138)."""
RELATIVE = (r"(?i)\b(?:today|now|yesterday|tomorrow|tonight|ago)\b|\b(?:last|next|this)\s+(?:week|month|year|night|"
            r"morning|evening|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b")
ZONE_AT_END = r"^(?P<stamp>.*\d(?:\s*[AaPp]\.?[Mm]\.?)?)\s*\(?(?P<zone>[A-Za-z]{2,5})\)?\s*$"
ZONE_HOURS = {
    "UT": 0, "UTC": 0, "GMT": 0, "WET": 0, "WEST": 1, "CET": 1, "CEST": 2, "MET": 1, "MEST": 2, "EET": 2,
    "EEST": 3, "MSK": 3, "EST": -5, "EDT": -4, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AKST": -9, "AKDT": -8, "HST": -10, "JST": 9, "KST": 9, "HKT": 8, "SGT": 8, "AEST": 10, "AEDT": 11,
    "ACST": 9.5, "ACDT": 10.5, "AWST": 8, "NZST": 12, "NZDT": 13, "PKT": 5, "WIB": 7, "SAST": 2, "EAT": 3,
    "WAT": 1, "CAT": 2, "BRT": -3, "ART": -3,
}
"""Time-zone abbreviations with one accepted meaning."""
AMBIGUOUS_ZONES = {"CST": "US Central or China", "IST": "India, Ireland or Israel", "BST": "British Summer or "
                   "Bangladesh", "AST": "Atlantic or Arabia", "GST": "Gulf or South Georgia", "SST": "Samoa or "
                   "Singapore", "ECT": "Ecuador or Eastern Caribbean"}
"""Abbreviations with several meanings: refused, never guessed."""
NOT_ZONES = {"AM", "PM", "TH", "ST", "ND", "RD", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "SEPT",
             "OCT", "NOV", "DEC", "MARCH", "APRIL", "JUNE", "JULY"}
"""Words a date may end with that are no time zone."""


def parse_dates(values: pd.Series, year_day: str = YEAR_DAY) -> pd.Series:
    """Dates as tz-aware UTC timestamps (microseconds); NaT where missing, unparseable or refused
    (see ``date_problems``).

    Accepts datetimes, ISO 8601, RFC 2822, epoch seconds/milliseconds (numbers or digit strings),
    a bare four-digit year (placed on `year_day`, MM-DD) and the time-zone abbreviations of
    `ZONE_HOURS`; a date without a zone is taken as UTC.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        stamps = values if values.dt.tz is not None else values.dt.tz_localize("UTC")
        return _microseconds(stamps.dt.tz_convert("UTC"))
    result = pd.Series(pd.NaT, index=values.index, dtype=UTC_STAMP)
    text = as_text(values).str.strip()
    text = _with_zone_offsets(text.where(text.str.len() <= MAX_DATE_CHARS, ""))
    year = text.str.match(BARE_YEAR)
    if year.any():
        result[year] = _microseconds(pd.to_datetime(text[year] + "-" + year_day, utc=True, format="%Y-%m-%d",
                                                    errors="coerce"))
    epoch = text.str.match(EPOCH) & ~text.str.fullmatch(COMPACT_DATE) & ~year
    if epoch.any():
        result[epoch] = _from_epoch(pd.to_numeric(text[epoch], errors="coerce").astype(float))
    refused = date_problems(values) != ""
    rest = ~epoch & ~year & (text != "") & ~refused
    result[rest] = _microseconds(pd.to_datetime(text[rest], utc=True, format="ISO8601", errors="coerce"))
    rfc = rest & result.isna() & text.str.match(RFC_2822)
    if rfc.any():
        result[rfc] = pd.Series([_rfc_2822(value) for value in text[rfc]], index=text[rfc].index, dtype=UTC_STAMP)
    other = rest & result.isna()
    if other.any():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result[other] = _microseconds(pd.to_datetime(text[other], utc=True, format="mixed", errors="coerce"))
    return result


def date_problems(values: pd.Series) -> pd.Series:
    """Per value, why it is refused as a date ("" when it is not): relative dates and time-zone
    abbreviations that are ambiguous or unknown."""
    text = as_text(values).str.strip()
    text = text.where(text.str.len() <= MAX_DATE_CHARS, "")
    problems = pd.Series("", index=values.index, dtype="str")
    if pd.api.types.is_datetime64_any_dtype(values) or not len(text):
        return problems
    shown = text.str.slice(0, 40).map(repr)
    relative = text.str.contains(RELATIVE, regex=True)
    problems[relative] = "relative date: " + shown[relative] + " depends on when it was read; give the calendar date"
    zone = text.str.extract(ZONE_AT_END)["zone"].fillna("").str.upper()
    ambiguous = ~relative & zone.isin(list(AMBIGUOUS_ZONES))
    problems[ambiguous] = ("ambiguous time zone: " + zone[ambiguous].map(repr) + " ("
                           + zone[ambiguous].map(AMBIGUOUS_ZONES) + "); give an offset such as +01:00")
    unknown = ~relative & (zone != "") & ~zone.isin([*ZONE_HOURS, *AMBIGUOUS_ZONES, *NOT_ZONES])
    problems[unknown] = "unknown time zone: " + zone[unknown].map(repr) + "; give an offset such as +01:00"
    return problems


def _with_zone_offsets(text: pd.Series) -> pd.Series:
    """Known zone abbreviations at the end of a date replaced by their UTC offset (+HHMM)."""
    parts = text.str.extract(ZONE_AT_END)
    zone = parts["zone"].fillna("").str.upper()
    known = zone.isin(list(ZONE_HOURS))
    if not known.any():
        return text
    offsets = zone[known].map(ZONE_HOURS).map(_offset)
    return text.where(~known, parts["stamp"].where(known, "") + " " + offsets.reindex(text.index, fill_value=""))


def _offset(hours: float) -> str:
    minutes = round(hours * 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


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
    return pd.Timestamp(stamp).tz_localize("UTC") if stamp.tzinfo is None else pd.Timestamp(stamp).tz_convert("UTC")
