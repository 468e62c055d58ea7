"""Matrix: source × target mean sentiment for the chosen period; a click opens that pair's trend."""

import streamlit as st

from app_pages.components import download, no_data, period_text
from pipeline.dashboard import figures, loaders
from pipeline.dashboard import urlstate as url

view: loaders.View = st.session_state["view"]
filters = view.filters


def open_cell() -> None:
    """Show the clicked pair on Trends, keeping every other filter (they are URL-bound)."""
    values = url.clicked_customdata(st.session_state["matrix_chart"].selection)
    if values and url.parse_pair(str(values[0])):
        st.session_state[url.PAIRS] = [str(values[0])]
        st.session_state[url.EITHER] = False
        st.session_state[url.POINT] = ""
        st.session_state["goto"] = "trends"


cells = view.query("matrix", filters)
if cells.empty:
    no_data(f"No items {period_text(filters)} with the chosen evidence kinds and outlets.")
    st.stop()
st.caption(
    f"Mean sentiment of what each source actor says about each target, {period_text(filters)}. "
    "Click a cell to open its trend."
)
st.plotly_chart(
    figures.matrix_figure(cells, view.names),
    key="matrix_chart",
    on_select=open_cell,
    selection_mode="points",
)
download(cells, "entente_matrix.csv", key="matrix_csv")
