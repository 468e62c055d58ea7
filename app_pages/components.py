"""UI pieces several pages share (not a page itself)."""

import pandas as pd
import streamlit as st

from pipeline import corrections
from pipeline.dashboard import corrected, loaders, queries, svgchart, updates
from pipeline.dashboard.urlstate import Filters
from pipeline.export import markdown_escape, to_csv_bytes
from pipeline.store import open_partitioned

WHY_HELP = (
    "What decided the direction: a parse rule, a quote rule or the learned model, with its confidence; "
    "co-mention when nothing did (— for stores written before this was recorded)."
)
VERDICT_CHOICES = {
    "wrong_direction": "Wrong direction",
    "wrong_sign": "Wrong sign",
    "not_relation": "Not a relation between these actors",
    "wrong_speaker": "Wrong speaker",
}
ANALYST = "analyst_name"
"""Session key remembering the name an analyst gave last."""


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
    correction_form(row, view, key)


def correction_form(row: pd.Series, view: loaders.View, key: str) -> None:
    """A form to mark the selected evidence row wrong (an analyst's correction; undone on the Data page)."""
    if recorded := st.session_state.pop(f"{key}_recorded", None):
        st.success(recorded, icon=":material/task_alt:")
    with st.container(key=f"{key}_correction"), st.form(key=f"{key}_correct"):
        st.markdown("**Correct this row**")
        if row.get("correction"):
            st.caption("Corrected already:")
            st.text(row["correction"])
        verdict = st.radio("What is wrong", list(VERDICT_CHOICES), format_func=VERDICT_CHOICES.get, horizontal=True,
                           key=f"{key}_verdict")
        note = st.text_input("Note (optional)", max_chars=corrections.MAX_NOTE, key=f"{key}_note")
        who = st.text_input("Your name", value=st.session_state.get(ANALYST, ""), max_chars=corrections.MAX_WHO,
                            key=f"{key}_who")
        submitted = st.form_submit_button("Submit correction", icon=":material/edit:")
    if not submitted:
        return
    st.session_state[ANALYST] = who
    try:
        correction_id = corrected.record(view.store, open_partitioned(view.store, view.version), row.to_dict(),
                                         verdict, who, note)
    except corrections.CorrectionError as error:
        st.error(markdown_escape(error))
        return
    st.session_state[f"{key}_recorded"] = (
        f"Recorded ({corrections.VERDICTS[verdict]}, {correction_id}): every figure now applies it; "
        "undo it on the Data page."
    )
    st.rerun()


def no_data(message: str) -> None:
    """An explanation instead of an empty chart."""
    st.info(message, icon=":material/search_off:")
