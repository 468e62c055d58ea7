"""Cached access to the store for the Streamlit app.

Big objects (the DuckDB database of dyads) live in ``st.cache_resource`` and small query results
in ``st.cache_data``; both key on ``store_version`` so that a new store version means new entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from pipeline.actors import ActorDictionary, DictionaryError, actor_name, load_dictionary
from pipeline.dashboard import queries
from pipeline.dashboard.settings import EVENTS_PATH
from pipeline.dashboard.urlstate import Domain, Filters, Point
from pipeline.store import read_manifest, read_rejected, table_path

EVENT_COLUMNS = ["date", "title", "pairs", "description"]


@dataclass(frozen=True)
class View:
    """What a page needs: the store and its version, the data's domain, the filters, actor names
    and the selected point."""

    store: Path
    version: str
    domain: Domain
    filters: Filters
    names: dict[str, str]
    point: Point | None

    def query(self, name: str, *args, **kwargs):
        """Cached ``queries.<name>`` on this store version."""
        return query(self.store, self.version, name, *args, **kwargs)


@st.cache_resource(max_entries=2, show_spinner="Loading the store…")
def dyads_connection(store: Path, version: str) -> duckdb.DuckDBPyConnection:
    """The DuckDB database of the store's dyads (one per store version; use a cursor per query)."""
    return queries.open_dyads(table_path(store, "dyads"))


@st.cache_data(max_entries=512, show_spinner=False)
def query(store: Path, version: str, name: str, *args, **kwargs):
    """Result of ``queries.<name>(connection, *args, **kwargs)``, cached per store version."""
    return getattr(queries, name)(dyads_connection(store, version), *args, **kwargs)


@st.cache_data(max_entries=4, show_spinner=False)
def domain(store: Path, version: str) -> Domain:
    """Date bounds, pairs and outlets of the store, for the filters and URL validation."""
    return Domain(*queries.domain_values(dyads_connection(store, version)))


@st.cache_data(max_entries=4, show_spinner=False)
def summary(store: Path, version: str) -> dict:
    """Counts and ranges of the store, the manifest, and whether it holds synthetic articles."""
    articles = table_path(store, "articles")
    return {
        **queries.store_summary(dyads_connection(store, version), articles),
        "synthetic": queries.has_synthetic(dyads_connection(store, version), articles),
        "manifest": read_manifest(store),
    }


@st.cache_data(max_entries=4, show_spinner=False)
def rejected(store: Path, version: str) -> pd.DataFrame:
    """The store's rejected input records."""
    return read_rejected(store)


@st.cache_data(max_entries=256, show_spinner=False)
def article_text(store: Path, version: str, article_id: str) -> str | None:
    """The text of one stored article."""
    return queries.article_text(dyads_connection(store, version), table_path(store, "articles"), article_id)


@st.cache_resource(show_spinner=False)
def dictionary() -> tuple[ActorDictionary | None, str | None]:
    """The actor dictionary, or None and the one-line reason it cannot be loaded."""
    try:
        return load_dictionary(), None
    except (DictionaryError, OSError) as error:
        return None, str(error).splitlines()[0]


@st.cache_data(max_entries=64, show_spinner=False)
def actor_names(codes: tuple[str, ...]) -> dict[str, str]:
    """Display names of actor codes ("Russia"); codes stand for themselves without a dictionary."""
    loaded, _ = dictionary()
    return {code: actor_name(loaded, code) if loaded else code for code in codes}


@st.cache_data(show_spinner=False)
def events(path: Path = EVENTS_PATH) -> tuple[pd.DataFrame, str | None]:
    """The annotated events (``date`` as UTC timestamps) and a one-line problem, if any."""
    empty = pd.DataFrame(columns=EVENT_COLUMNS)
    if not path.exists():
        return empty, None
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        return empty, f"{path.name}: unreadable ({str(error).splitlines()[0]})"
    missing = [column for column in EVENT_COLUMNS if column not in frame.columns]
    if missing:
        return empty, f"{path.name}: missing column(s) {', '.join(missing)}"
    dates = pd.to_datetime(frame["date"], utc=True, errors="coerce", format="mixed")
    if dates.isna().any():
        row = int(dates.isna().to_numpy().argmax()) + 2
        return empty, f"{path.name}, line {row}: unparseable date {frame['date'].iloc[row - 2]!r}"
    return frame.assign(date=dates)[EVENT_COLUMNS], None
