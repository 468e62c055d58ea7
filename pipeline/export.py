"""Safe output of untrusted text: CSV that spreadsheets cannot mistake for formulas, and Markdown
with its syntax escaped."""

import re

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def neutralise(value: object) -> object:
    """Prefix ``'`` to a text cell that a spreadsheet would read as a formula; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and column names) are neutralised; numbers stay numbers."""
    safe = frame.copy()
    for column in safe.columns:
        if not (pd.api.types.is_numeric_dtype(safe[column]) or pd.api.types.is_datetime64_any_dtype(safe[column])):
            safe[column] = safe[column].map(neutralise)
    safe.columns = [neutralise(str(column)) for column in safe.columns]
    return safe


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV of ``frame`` with formula-like text cells neutralised."""
    return safe_frame(frame).to_csv(index=False).encode("utf-8")


def markdown_escape(text: object) -> str:
    """``text`` with every Markdown/HTML special character backslash-escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
