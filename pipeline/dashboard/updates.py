"""Articles whose text was replaced by a version republished at the same address (the store's `history`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from pipeline.store import open_version

UPDATE_COLUMNS = ["article_id", "replaced_at"]


@st.cache_data(max_entries=4, show_spinner=False)
def updated_articles(store: Path, version: str) -> pd.DataFrame:
    """Per updated article (index `article_id`): `updated_at` (the latest replacement, UTC) and `earlier`
    (how many earlier versions the history keeps); empty when no article was updated."""
    history = open_version(store, version).optional("history")
    if history is None:
        history = pd.DataFrame({column: pd.Series(dtype="str") for column in UPDATE_COLUMNS})
    grouped = history.groupby("article_id")["replaced_at"]
    return pd.DataFrame({"updated_at": pd.to_datetime(grouped.max(), utc=True), "earlier": grouped.size()})


def rows_notice(article_ids: pd.Series, updates: pd.DataFrame) -> str | None:
    """A line saying how many of the evidence rows come from updated articles (None when none do)."""
    hit = article_ids[article_ids.isin(updates.index)]
    if hit.empty:
        return None
    latest = updates.loc[hit.unique(), "updated_at"].max()
    return (f"{len(hit)} of these items come from articles whose text was updated after publication "
            f"(latest update {latest:%Y-%m-%d %H:%M} UTC); they are scored on the current text, and the "
            "earlier texts are kept in the store's history.")


def article_notice(article_id: str, updates: pd.DataFrame) -> str | None:
    """A line saying when the article's text was updated (None when it never was)."""
    if article_id not in updates.index:
        return None
    update = updates.loc[article_id]
    versions = "1 earlier version" if update["earlier"] == 1 else f"{update['earlier']} earlier versions"
    return f"The text of this article was updated on {update['updated_at']:%Y-%m-%d %H:%M} UTC ({versions} kept)."
