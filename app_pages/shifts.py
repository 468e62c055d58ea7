"""Shifts: the biggest changes in each pair's sentiment (change points) with the quotes around them."""

import dataclasses

import streamlit as st

from app_pages.components import download, evidence_table, no_data, period_text
from pipeline.dashboard import loaders, queries
from pipeline.dashboard import urlstate as url

SHOWN_SHIFTS = 5

view: loaders.View = st.session_state["view"]
filters = view.filters


def open_shift() -> None:
    """Open Trends at the clicked change: its pair and period go into the URL-bound state."""
    rows = st.session_state["shifts_table"].selection.rows
    if not rows:
        return
    shift = shifts.iloc[rows[0]]
    source, target = url.label_codes(shift["pair"])
    directed = f"{source}>{target}" if f"{source}>{target}" in view.domain.pairs else f"{target}>{source}"
    st.session_state[url.PAIRS] = [directed]
    st.session_state[url.EITHER] = "<>" in shift["pair"]
    st.session_state[url.POINT] = f"{shift['pair']}@{shift['period'].date().isoformat()}"
    st.session_state["goto"] = "trends"


sensitivity = st.slider(
    "Sensitivity",
    *url.SENSITIVITY_RANGE[:2],
    url.DEFAULT_SENSITIVITY,
    url.SENSITIVITY_RANGE[2],
    key=url.SENSITIVITY,
    bind="query-params",
    help="Penalty scale of the change-point search: lower finds more, smaller shifts.",
)
series = view.query("trend_series", dataclasses.replace(filters, smoothing=1))
shifts = queries.change_points(series, penalty_scale=sensitivity)
if shifts.empty:
    no_data(
        f"No shifts found {period_text(filters)} at this sensitivity: a pair needs at least 4 "
        f"{filters.granularity}s with data and a change larger than its noise."
    )
    st.stop()

shown = shifts.assign(
    pair=shifts["pair"].map(lambda label: url.label_name(label, view.names)),
    period=shifts["period"].dt.strftime("%Y-%m-%d"),
)
st.caption(
    f"Change points in the unsmoothed mean per {filters.granularity}, biggest change first. "
    "Select a row to open Trends at that moment."
)
st.dataframe(
    shown,
    key="shifts_table",
    on_select=open_shift,
    selection_mode="single-row",
    hide_index=True,
    column_config={
        name: st.column_config.NumberColumn(format="%+.2f") for name in ("before_mean", "after_mean", "change")
    },
)
download(shifts, "entente_shifts.csv", key="shifts_csv")

for shift in shifts.head(SHOWN_SHIFTS).itertuples():
    change = f"{shift.before_mean:+.2f} → {shift.after_mean:+.2f}"
    title = f"{url.label_name(shift.pair, view.names)} · {shift.period.date()} · {change}"
    with st.expander(title, key=f"shift_{shift.Index}"):
        around = view.query("evidence", filters, label=shift.pair, period=shift.period.date(), periods_around=1)
        st.caption(f"Items from one {filters.granularity} before to one after the change ({len(around)}).")
        evidence_table(around, view, key=f"shift_quotes_{shift.Index}", file_name=f"entente_shift_{shift.Index}.csv")
