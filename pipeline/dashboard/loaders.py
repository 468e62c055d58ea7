"""Cached access to the store for the Streamlit app.

Every loader reads the store version it is given (never whichever is live), so a cache entry keyed on a
version always holds that version's data; loaders of figures also take the stamp of the analysts'
corrections they apply ("" for the raw figures), so that a new correction shows at once. Big objects
(the DuckDB database of a version's day totals) live in ``st.cache_resource`` and small query results in
``st.cache_data``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from pipeline import corrections
from pipeline.actors import ActorDictionary, DictionaryError, actor_name, load_dictionary
from pipeline.dashboard import corrected, external, queries
from pipeline.dashboard.settings import EVENTS_PATH, external_events_dir
from pipeline.dashboard.urlstate import Domain, Filters, Pair, Point
from pipeline.store import open_partitioned, read_rejected


@dataclass(frozen=True)
class View:
    """What a page needs: the store and its version, the data's domain, the filters, actor names,
    the selected point and the stamp of the corrections its figures apply ("" for the raw figures)."""

    store: Path
    version: str
    domain: Domain
    filters: Filters
    names: dict[str, str]
    point: Point | None
    corrections: str = ""

    def query(self, name: str, *args, **kwargs):
        """Cached ``queries.<name>`` on this store version (with its corrections)."""
        return query(self.store, self.version, self.corrections, name, *args, **kwargs)


@st.cache_resource(max_entries=2, show_spinner="Loading the store…")
def store_db(store: Path, version: str) -> queries.StoreDB:
    """The dashboard database of one store version (see ``queries.open_store``)."""
    return queries.open_store(open_partitioned(store, version))


@st.cache_resource(max_entries=4, show_spinner=False)
def corrected_db(store: Path, version: str, corrections_stamp: str) -> queries.StoreDB:
    """The database of one store version with the store's active corrections applied (none for stamp "")."""
    database = store_db(store, version)
    return corrected.apply(database, corrections.active(store)) if corrections_stamp else database


@st.cache_data(max_entries=512, show_spinner=False)
def query(store: Path, version: str, corrections_stamp: str, name: str, *args, **kwargs):
    """Result of ``queries.<name>(database, *args, **kwargs)``, cached per store version and corrections."""
    return getattr(queries, name)(corrected_db(store, version, corrections_stamp), *args, **kwargs)


@st.cache_data(max_entries=4, show_spinner=False)
def domain(store: Path, version: str, corrections_stamp: str) -> Domain:
    """Date bounds, pairs and outlets of the store (as corrected), for the filters and URL validation."""
    return Domain(*queries.domain_values(corrected_db(store, version, corrections_stamp)))


@st.cache_data(max_entries=8, show_spinner=False)
def correction_list(store: Path, version: str, corrections_stamp: str) -> pd.DataFrame:
    """The active corrections (``corrections.COLUMNS``) and whether each still matches a row of the version."""
    active = corrections.active(store)
    matched = corrected.matched_ids(corrected_db(store, version, corrections_stamp))
    return active.assign(matches=active["correction_id"].isin(matched))


@st.cache_data(max_entries=4, show_spinner=False)
def summary(store: Path, version: str) -> dict:
    """Counts and ranges of the store, the manifest, and whether it holds synthetic articles."""
    database = store_db(store, version)
    [articles] = database.version.files("articles")
    return {
        **queries.store_summary(database, articles),
        "synthetic": queries.has_synthetic(database, articles),
        "manifest": database.version.manifest(),
    }


@st.cache_data(max_entries=4, show_spinner=False)
def rejected(store: Path, version: str) -> pd.DataFrame:
    """The store's rejected input records."""
    return read_rejected(store, version)


@st.cache_data(max_entries=256, show_spinner=False)
def article_text(store: Path, version: str, article_id: str) -> str | None:
    """The text of one stored article."""
    database = store_db(store, version)
    return queries.article_text(database, database.version.files("articles")[0], article_id)


def dictionary() -> tuple[ActorDictionary | None, str | None]:
    """The actor dictionary (``load_dictionary`` caches it per file mtime), or None and the
    one-line reason it cannot be loaded."""
    try:
        return load_dictionary(), None
    except (DictionaryError, OSError) as error:
        return None, str(error).splitlines()[0]


@st.cache_data(max_entries=64, show_spinner=False)
def actor_names(codes: tuple[str, ...], dictionary_version: str) -> dict[str, str]:
    """Display names of actor codes ("Russia"); codes stand for themselves without a dictionary.
    ``dictionary_version`` (see :func:`names_version`) keys the cache."""
    loaded, _ = dictionary()
    return {code: actor_name(loaded, code) if loaded else code for code in codes}


def names_version() -> str:
    """The dictionary's version, or "" when it cannot be loaded (a cache key for names)."""
    loaded, _ = dictionary()
    return str(loaded.version) if loaded else ""


def events(path: Path = EVENTS_PATH) -> tuple[pd.DataFrame, str | None]:
    """The annotated events (see ``queries.read_events``), re-read when the file changes."""
    return _events(path, path.stat().st_mtime if path.exists() else 0.0)


@st.cache_data(max_entries=4, show_spinner=False)
def _events(path: Path, mtime: float) -> tuple[pd.DataFrame, str | None]:
    return queries.read_events(path)


def external_series(filters: Filters, pair: Pair) -> tuple[pd.DataFrame | None, str | None]:
    """Both directions of ``pair`` in the external events (``queries.external_series``); None when the
    folder (``settings.external_events_dir``) holds no events file, and a one-line problem when a file
    cannot be used."""
    folder = external_events_dir()
    files = external.external_files(folder)
    if not files:
        return None, None
    return _external_series(folder, tuple((file.name, file.stat().st_mtime) for file in files), filters, pair)


@st.cache_data(max_entries=64, show_spinner=False)
def _external_series(folder: Path, stamps: tuple, filters: Filters, pair: Pair) -> tuple[pd.DataFrame, str | None]:
    events, problem = _external_events(folder, stamps)
    return (events, problem) if problem else (queries.external_series(events, filters, pair), None)


@st.cache_resource(max_entries=2, show_spinner="Loading the external events…")
def _external_events(folder: Path, stamps: tuple) -> tuple[pd.DataFrame, str | None]:
    """The folder's events, read once per set of file names and modification times (never mutated)."""
    return external.read_external(folder)
