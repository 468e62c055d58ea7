"""UI pieces several pages share (not a page itself)."""

import pandas as pd
import streamlit as st

from pipeline.dashboard import loaders, queries, svgchart, updates
from pipeline.dashboard.urlstate import Filters
from pipeline.export import markdown_escape, to_csv_bytes

WHY_HELP = (
    "What decided the direction: a parse rule, a quote rule or the learned model, with its confidence; "
    "co-mention when nothing did (— for stores written before this was recorded)."
)


def period_text(filters: Filters) -> str:
    """``between 2025-01-01 and 2025-03-31``."""
    return f"between {filters.start.isoformat()} and {filters.end.isoformat()}"


def download(frame: pd.DataFrame, file_name: str, key: str) -> None:
    """CSV download of ``frame`` (formula-like cells neutralised)."""
    st.download_button(
        "Download CSV",
        to_csv_bytes(frame),
        file_name=file_name,
        mime="text/csv",
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )


def chart_svg_download(series: pd.DataFrame, names: dict[str, str], title: str, file_name: str, key: str) -> None:
    """The trend chart of ``series`` as an SVG file (drawn server-side; PNG comes from the chart's toolbar)."""
    st.download_button(
        "Chart as SVG",
        svgchart.trend_svg(series, names, title=title),
        file_name=file_name,
        mime="image/svg+xml",
        key=key,
        icon=":material/image:",
        on_click="ignore",
    )


def evidence_table(rows: pd.DataFrame, view: loaders.View, key: str, file_name: str) -> None:
    """The evidence rows as a sortable table with a CSV download; selecting a row shows the
    surrounding paragraph of the article (as plain text)."""
    shown = queries.evidence_display(rows, view.names)
    updated = updates.updated_articles(view.store, view.version)
    if notice := updates.rows_notice(rows["article_id"], updated):
        st.caption(notice)
    selection = st.dataframe(
        shown,
        key=key,
        on_select="rerun",
        selection_mode="single-row",
        hide_index=True,
        column_config={
            "score": st.column_config.NumberColumn(format="%+.2f"),
            "article": st.column_config.LinkColumn(display_text="open"),
            "evidence": st.column_config.TextColumn(width="large"),
            "why": st.column_config.TextColumn(help=WHY_HELP),
        },
    )
    download(rows, file_name, key=f"{key}_csv")
    chosen = selection.selection.rows if selection else []
    if not chosen:
        st.caption("Select a row to read the surrounding paragraph.")
        return
    row = rows.iloc[chosen[0]]
    text = loaders.article_text(view.store, view.version, row["article_id"])
    if text is None:
        st.warning(f"Article {markdown_escape(row['article_id'])} is not in the store.")
        return
    st.markdown("**Paragraph around the selected evidence**")
    st.caption(
        f"{row['date'].date()} · {view.names.get(row['source_actor'], row['source_actor'])} → "
        f"{view.names.get(row['target_actor'], row['target_actor'])}"
    )
    st.text(queries.surrounding_paragraph(text, int(row["start"]), int(row["end"])))
    if notice := updates.article_notice(row["article_id"], updated):
        st.caption(notice)


def no_data(message: str) -> None:
    """An explanation instead of an empty chart."""
    st.info(message, icon=":material/search_off:")
