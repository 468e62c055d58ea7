"""Trends: one line per pair (mean per period, 95% CI band, volume) and the drill-down of a point."""

import streamlit as st

from app_pages.components import chart_svg_download, download, evidence_table, no_data, period_text
from pipeline.dashboard import figures, loaders, queries
from pipeline.dashboard import urlstate as url
from pipeline.export import markdown_escape

view: loaders.View = st.session_state["view"]
filters = view.filters


def select_point() -> None:
    """Keep the clicked point in the URL-bound session state (the chart's own selection resets)."""
    point = url.point_from_selection(st.session_state["trend_chart"].selection)
    if point:
        st.session_state[url.POINT] = point


series = view.query("trend_series", filters)
if series.empty:
    chosen = ", ".join(str(pair) for pair in filters.pairs) or "any pair"
    no_data(f"No items for {chosen} {period_text(filters)} with the chosen evidence kinds and outlets.")
    st.stop()

labels = list(series["pair"].unique())
line_names = {label: url.label_name(label, view.names) for label in labels}
events, events_problem = loaders.events()
if events_problem:
    st.warning(f"Events not shown: {markdown_escape(events_problem)}")
show_events = st.toggle("Show events", value=True, key=url.EVENTS, bind="query-params")
shown_events = queries.events_for(events, labels, filters.start, filters.end) if show_events else None

st.plotly_chart(
    figures.trend_figure(
        series, line_names, shown_events, (view.point.pair, view.point.period) if view.point else None
    ),
    key="trend_chart",
    on_select=select_point,
    selection_mode="points",
)
st.caption(
    f"Mean sentiment per {filters.granularity} (window of {filters.smoothing}) with its 95% confidence band; "
    f"grey points have fewer than {filters.min_count} items. Click a point for its quotes."
)
if shown_events is not None and not shown_events.empty:
    with st.expander(f"Events on the chart ({len(shown_events)})"):
        for number, event in enumerate(shown_events.itertuples(), start=1):
            st.markdown(f"**{number}** · {event.date:%Y-%m-%d} · {markdown_escape(event.title)}")
with st.container(horizontal=True):
    download(series, "entente_trends.csv", key="trend_csv")
    chart_svg_download(series, line_names, "Entente trends", "entente_trends.svg", key="trend_svg")

if view.point is None:
    st.stop()
point = view.point
st.subheader(f"{url.label_name(point.pair, view.names)} · {filters.granularity} of {point.period}")
if point.pair not in labels:
    st.warning(
        f"The selected point {point} is not on the chart: {point.pair} is not among the shown lines. "
        "Add the pair in the sidebar or clear the selected point."
    )
    st.stop()
if queries.period_start(point.period, filters.granularity) != point.period:
    st.warning(
        f"The selected point {point} is not on the chart: {point.period} does not start a {filters.granularity}. "
        "Click a point to choose another."
    )
    st.stop()
rows = view.query("evidence", filters, label=point.pair, period=point.period)
if rows.empty:
    no_data(
        f"No quotes for {point.pair} in the {filters.granularity} starting {point.period} ({period_text(filters)})."
    )
    st.stop()
st.metric("Mean score of these items", f"{rows['score'].mean():+.2f}", border=True)
evidence_table(rows, view, key="drill_table", file_name=f"entente_{point.pair.replace('>', '-')}_{point.period}.csv")
