"""Pair: A→B beside B→A — asymmetry over time, score distribution, speakers, extreme quotes."""

import dataclasses
import functools

import streamlit as st

from app_pages.components import chart_svg_download, download, evidence_table, no_data, period_text
from pipeline.dashboard import brief, figures, loaders, queries
from pipeline.dashboard import urlstate as url
from pipeline.export import markdown_escape

view: loaders.View = st.session_state["view"]
filters = view.filters
chosen = [str(pair) for pair in filters.pairs] or list(view.domain.pairs)
if not chosen:
    no_data("The store holds no actor pairs yet.")
    st.stop()
label = st.selectbox(
    "Pair",
    chosen,
    key=url.PAIR,
    bind="query-params",
    help="The pairs chosen in the sidebar (all pairs when none is chosen); A>B is what A says about B.",
)
st.caption(url.label_name(label, view.names))
pair = url.parse_pair(label)
both = dataclasses.replace(filters, pairs=(pair, pair.reversed()), either=False)
series = view.query("trend_series", both)
if series.empty:
    no_data(f"No items for {pair} or {pair.reversed()} {period_text(filters)}.")
    st.stop()

directions = [str(pair), str(pair.reversed())]
means = view.query("direction_means", filters, pair)
columns = st.columns(3)
for column, direction in zip(columns, directions):
    stats = means.loc[direction] if direction in means.index else None
    column.metric(
        url.label_name(direction, view.names),
        f"{stats['mean']:+.2f}" if stats is not None else "no items",
        f"{int(stats['n'])} items" if stats is not None else None,
        delta_color="off",
        delta_arrow="off",
        border=True,
    )
if set(directions) <= set(means.index):
    columns[2].metric(
        "Asymmetry (A→B minus B→A)",
        f"{means.loc[directions[0], 'mean'] - means.loc[directions[1], 'mean']:+.2f}",
        border=True,
    )

names = {direction: url.label_name(direction, view.names) for direction in directions}
st.plotly_chart(figures.trend_figure(series, names), key="pair_chart")
most_positive, most_negative = view.query("extreme_quotes", filters, pair)
brief_data = brief.BriefData(
    title=url.label_name(f"{pair.source}<>{pair.target}", view.names),
    directions=directions,
    names=names,
    filters_text=f"{period_text(filters)}, per {filters.granularity}, smoothing {filters.smoothing}",
    share_url=st.session_state.get("share_url", ""),
    synthetic=st.session_state.get("synthetic", False),
    series=series,
    means=means,
    shifts=queries.change_points(view.query("trend_series", dataclasses.replace(both, smoothing=1))),
    most_positive=most_positive,
    most_negative=most_negative,
    actor_names=view.names,
)
file_stem = f"entente_pair_{pair.source}-{pair.target}"
with st.container(horizontal=True):
    download(series, f"{file_stem}.csv", key="pair_series_csv")
    chart_svg_download(series, names, brief_data.title, f"{file_stem}.svg", key="pair_svg")
    st.download_button(
        "Brief (HTML)",
        functools.partial(brief.build, brief_data),
        file_name=f"{file_stem}_brief.html",
        mime="text/html",
        key="pair_brief",
        icon=":material/description:",
        on_click="ignore",
        help="A self-contained page of this view (chart, figures, shifts, quotes) that opens offline.",
    )

external_series, external_problem = loaders.external_series(both, pair)
if external_problem:
    st.warning(f"External events not shown: {markdown_escape(external_problem)}")
elif external_series is None:
    st.caption("No external events file in data/events_external/ (the README says how to add ICEWS).")
elif external_series.empty:
    st.caption(f"The external events hold nothing for {pair} or {pair.reversed()} {period_text(filters)}.")
else:
    st.markdown("**External events: mean Goldstein score per period** (−10 conflict … +10 cooperation)")
    st.plotly_chart(figures.external_figure(external_series, names), key="pair_external")
    download(external_series, f"entente_external_{pair.source}-{pair.target}.csv", key="pair_external_csv")

left, right = st.columns(2)
with left:
    st.markdown("**Distribution of scores**")
    histogram = view.query("score_histogram", filters, pair)
    st.plotly_chart(figures.distribution_figure(histogram, names), key="pair_distribution")
    download(histogram, f"entente_scores_{pair.source}-{pair.target}.csv", key="pair_scores_csv")
with right:
    st.markdown("**Speakers who drive each direction**")
    speakers = view.query("speakers", filters, pair)
    if speakers.empty:
        st.caption("No attributed speakers for this pair.")
    else:
        st.dataframe(speakers, hide_index=True, column_config={"mean": st.column_config.NumberColumn(format="%+.2f")})
        download(speakers, f"entente_speakers_{pair.source}-{pair.target}.csv", key="pair_speakers_csv")

st.markdown("**Most positive**")
evidence_table(most_positive, view, key="pair_positive", file_name="entente_most_positive.csv")
st.markdown("**Most negative**")
evidence_table(most_negative, view, key="pair_negative", file_name="entente_most_negative.csv")
