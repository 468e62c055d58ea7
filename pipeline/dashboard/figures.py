"""Plotly figures of the dashboard. Every text that reaches a figure is HTML-escaped first
(plotly renders a subset of HTML in labels and hover texts)."""

import datetime as dt
from html import escape

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from pipeline.dashboard.queries import HISTOGRAM_BINS

BELOW_MIN_COLOUR = "#b0b0b0"
PALETTE = qualitative.Plotly
SCORE_SCALE = "RdBu"


def _rgba(hex_colour: str, alpha: float) -> str:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def _line_traces(label: str, line: pd.DataFrame, name: str, colour: str) -> list[dict]:
    """CI band, mean line (markers of points under the minimum in grey, via a two-colour scale:
    numeric arrays validate far faster than per-point colour strings) and volume bars of one line."""
    periods = line["period"].to_numpy()
    customdata = np.column_stack(
        [
            np.full(len(line), label, dtype=object),
            line["period"].dt.strftime("%Y-%m-%d").to_numpy(dtype=object),
            line["period_n"].to_numpy(dtype=object),
        ]
    )
    hover = f"{name}<br>%{{customdata[1]}}<br>mean %{{y:.2f}}<br>%{{customdata[2]}} items<extra></extra>"
    low = line["below_min"].to_numpy()
    common = {"legendgroup": label, "customdata": customdata}
    return [
        {
            "type": "scatter",
            "x": np.concatenate([periods, periods[::-1]]),
            "y": np.concatenate([line["hi"].to_numpy(), line["lo"].to_numpy()[::-1]]),
            "mode": "lines",
            "fill": "toself",
            "fillcolor": _rgba(colour, 0.15),
            "line": {"width": 0},
            "hoverinfo": "skip",
            "showlegend": False,
            "legendgroup": label,
            "name": f"{name} 95% CI",
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": periods,
            "y": line["mean"].to_numpy(),
            "name": name,
            "line": {"color": colour},
            "marker": {
                "color": low.astype(int),
                "colorscale": [[0, colour], [0.5, colour], [0.5, BELOW_MIN_COLOUR], [1, BELOW_MIN_COLOUR]],
                "cmin": 0,
                "cmax": 1,
                "size": 8,
            },
            "hovertemplate": hover,
            **common,
        },
        {
            "type": "bar",
            "x": periods,
            "y": line["period_n"].to_numpy(),
            "name": name,
            "showlegend": False,
            "xaxis": "x",
            "yaxis": "y2",
            "marker": {"color": colour, "opacity": np.where(low, 0.3, 1.0)},
            "hovertemplate": f"{name}<br>%{{customdata[1]}}<br>%{{y}} items<extra></extra>",
            **common,
        },
    ]


def trend_figure(
    series: pd.DataFrame,
    names: dict[str, str],
    events: pd.DataFrame | None = None,
    selected: tuple[str, dt.date] | None = None,
) -> go.Figure:
    """Mean score per period with its 95% CI band (top) and the evidence count (bottom, faded
    under the minimum), one colour per line; points under the minimum count are grey. Each point
    and bar carries ``customdata`` = [line label, period start ISO date, count] so a click
    identifies it.

    ``names`` maps a line label to its display name (lines are drawn in its order, then the
    rest); ``events`` has ``date, title, description``; ``selected`` (line label, period start)
    is ringed. Built as one dict (validated once) because incremental plotly calls cost far more.
    """
    order = {label: rank for rank, label in enumerate(names)}
    series = series.sort_values("pair", key=lambda labels: labels.map(order).fillna(len(order)), kind="stable")
    traces = [
        trace
        for index, (label, line) in enumerate(series.groupby("pair", sort=False))
        for trace in _line_traces(label, line, escape(names.get(label, label)), PALETTE[index % len(PALETTE)])
    ]
    if selected is not None:
        point = series[(series["pair"] == selected[0]) & (series["period"] == pd.Timestamp(selected[1]))]
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": point["period"].to_numpy(),
                "y": point["mean"].to_numpy(),
                "name": "selected",
                "showlegend": False,
                "hoverinfo": "skip",
                "marker": {"symbol": "circle-open", "size": 18, "color": "#222", "line": {"width": 2}},
            }
        )
    events = events if events is not None else pd.DataFrame(columns=["date", "title", "description"])
    layout = {
        "xaxis": {"anchor": "y2"},
        "yaxis": {"domain": [0.3, 1.0], "range": [-1.05, 1.05], "title": {"text": "mean sentiment"}},
        "yaxis2": {"domain": [0.0, 0.24], "title": {"text": "items"}},
        "barmode": "group",
        "hovermode": "closest",
        "margin": {"t": 40},
        "legend": {"orientation": "h", "y": 1.12},
        "shapes": [
            {
                "type": "line",
                "x0": day,
                "x1": day,
                "xref": "x",
                "y0": 0,
                "y1": 1,
                "yref": "paper",
                "line": {"dash": "dot", "color": "#888", "width": 1},
            }
            for day in events["date"]
        ],
        # Events are numbered flags along the top; their titles and descriptions show on hover, so
        # that dense months do not pile rotated labels over the lines.
        "annotations": [
            {
                "x": event.date,
                "y": 1,
                "yref": "paper",
                "text": f"<b>{number}</b>",
                "hovertext": f"{escape(event.title)}<br>{escape(event.description)}",
                "showarrow": False,
                "yanchor": "bottom",
                "font": {"size": 10, "color": "#555"},
                "bgcolor": "#f1f1f1",
            }
            for number, event in enumerate(events.itertuples(), start=1)
        ],
    }
    return go.Figure({"data": traces, "layout": layout})


def distribution_figure(histogram: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Overlaid score histograms (``direction, bin_start, n``) per direction, in the order (and
    colours) of ``names``."""
    width = 2 / HISTOGRAM_BINS
    traces = [
        {
            "type": "bar",
            "x": bins["bin_start"].to_numpy() + width / 2,
            "y": bins["n"].to_numpy(),
            "width": width,
            "name": escape(name),
            "opacity": 0.6,
            "marker": {"color": PALETTE[index % len(PALETTE)]},
            "hovertemplate": f"{escape(name)}<br>score %{{x:.2f}} ± {width / 2:.2f}<br>%{{y}} items<extra></extra>",
        }
        for index, (direction, name) in enumerate(names.items())
        for bins in [histogram[histogram["direction"] == direction]]
    ]
    layout = {
        "barmode": "overlay",
        "xaxis": {"title": {"text": "score"}, "range": [-1, 1]},
        "yaxis": {"title": {"text": "items"}},
        "margin": {"t": 30},
    }
    return go.Figure({"data": traces, "layout": layout})


GOLDSTEIN_RANGE = (-10.5, 10.5)


def external_figure(series: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Mean Goldstein score per period (``pair, period, mean, n``) of external events, one line per
    direction in the order (and colours) of ``names``, as on the pair's trend chart."""
    traces = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": line["period"].to_numpy(),
            "y": line["mean"].to_numpy(),
            "customdata": line["n"].to_numpy(),
            "name": escape(name),
            "line": {"color": PALETTE[index % len(PALETTE)], "dash": "dot"},
            "hovertemplate": f"{escape(name)}<br>%{{x|%Y-%m-%d}}<br>mean Goldstein %{{y:.1f}}"
            "<br>%{customdata} events<extra></extra>",
        }
        for index, (direction, name) in enumerate(names.items())
        for line in [series[series["pair"] == direction]]
        if not line.empty
    ]
    layout = {
        "yaxis": {"range": list(GOLDSTEIN_RANGE), "title": {"text": "mean Goldstein"}},
        "legend": {"orientation": "h", "y": 1.12},
        "margin": {"t": 40},
        "height": 320,
    }
    return go.Figure({"data": traces, "layout": layout})


MATRIX_ROW_PX = 44
"""Height of one matrix row; cells are drawn a little smaller so that neighbours never overlap."""


def matrix_figure(cells: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Source × target grid of mean sentiment as square markers (selectable, unlike a heatmap);
    hover shows the count; ``customdata`` = [pair, count]."""
    sources = sorted(cells["source_actor"].unique())
    targets = sorted(cells["target_actor"].unique())
    figure = go.Figure(
        go.Scatter(
            x=cells["target_actor"],
            y=cells["source_actor"],
            mode="markers",
            marker={
                "symbol": "square",
                "size": max(10, min(MATRIX_ROW_PX - 8, 900 // max(len(targets), 1))),
                "color": cells["mean"],
                "colorscale": SCORE_SCALE,
                "cmin": -1,
                "cmax": 1,
                "colorbar": {"title": {"text": "mean"}},
            },
            customdata=list(zip(cells["source_actor"] + ">" + cells["target_actor"], cells["n"])),
            text=[
                escape(f"{names.get(s, s)} → {names.get(t, t)}")
                for s, t in zip(cells["source_actor"], cells["target_actor"])
            ],
            hovertemplate="%{text}<br>mean %{marker.color:.2f}<br>%{customdata[1]} items<extra></extra>",
        )
    )
    figure.update_xaxes(
        title_text="target",
        categoryorder="array",
        categoryarray=targets,
        side="top",
        tickangle=-30,
        tickvals=targets,
        ticktext=[escape(f"{names.get(code, code)} ({code})") for code in targets],
    )
    figure.update_yaxes(
        title_text="source",
        categoryorder="array",
        categoryarray=sources[::-1],
        tickvals=sources,
        ticktext=[escape(f"{names.get(code, code)} ({code})") for code in sources],
    )
    figure.update_layout(height=max(320, MATRIX_ROW_PX * len(sources) + 200), margin={"t": 140}, plot_bgcolor="white")
    return figure
