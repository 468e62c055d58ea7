"""Quotes: full-text search over the evidence under every filter, as a sortable table with CSV export."""

import streamlit as st

from app_pages.components import evidence_table, no_data, period_text
from pipeline.dashboard import loaders
from pipeline.dashboard import urlstate as url
from pipeline.export import markdown_escape

ROW_LIMIT = 5000

view: loaders.View = st.session_state["view"]
filters = view.filters
search = st.text_input(
    "Search the evidence",
    key=url.SEARCH,
    bind="query-params",
    placeholder="words in the quote or the speaker's name",
)
rows = view.query("evidence", filters, search=search, limit=ROW_LIMIT)
scope = ", ".join(str(pair) for pair in filters.pairs) or "any pair"
if rows.empty:
    matching = f" matching “{markdown_escape(search.strip())}”" if search.strip() else ""
    no_data(f"No quotes{matching} for {scope} {period_text(filters)} with the chosen evidence kinds and outlets.")
    st.stop()
st.caption(
    f"{len(rows)} items for {scope} {period_text(filters)}"
    + (f" (the newest {ROW_LIMIT} shown)" if len(rows) == ROW_LIMIT else "")
    + ". Click a column header to sort."
)
evidence_table(rows, view, key="quotes_table", file_name="entente_quotes.csv")
