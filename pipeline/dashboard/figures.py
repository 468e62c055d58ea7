"""Plotly figures of the dashboard. Every text that reaches a figure is HTML-escaped first
(plotly renders a subset of HTML in labels and hover texts)."""

from html import escape

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

BELOW_MIN_COLOUR = "#b0b0b0"
PALETTE = qualitative.Plotly
SCORE_SCALE = "RdBu"


def _rgba(hex_colour: str, alpha: float) -> str:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def trend_figure(series: pd.DataFrame, names: dict[str, str], events: pd.DataFrame | None = None) -> go.Figure:
    """Mean score per period with its 95% CI band (top) and the evidence count (bottom), one colour
    per line; points under the minimum count are grey. Each point carries ``customdata`` =
    [line label, period start ISO date, count] so a click identifies it.

    ``names`` maps a line label to its display name; ``events`` has ``date, title, description``.
    """
    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.72, 0.28], vertical_spacing=0.04)
    for index, (label, line) in enumerate(series.groupby("pair", sort=False)):
        colour = PALETTE[index % len(PALETTE)]
        name = escape(names.get(label, label))
        customdata = list(zip([label] * len(line), line["period"].dt.strftime("%Y-%m-%d"), line["period_n"]))
        figure.add_trace(
            go.Scatter(
                x=pd.concat([line["period"], line["period"][::-1]]),
                y=pd.concat([line["hi"], line["lo"][::-1]]),
                fill="toself", fillcolor=_rgba(colour, 0.15), line={"width": 0},
                hoverinfo="skip", showlegend=False, legendgroup=label, name=f"{name} 95% CI",
            ),
            row=1, col=1,
        )
        figure.add_trace(
            go.Scatter(
                x=line["period"], y=line["mean"], mode="lines+markers", name=name, legendgroup=label,
                line={"color": colour},
                marker={"color": [BELOW_MIN_COLOUR if low else colour for low in line["below_min"]], "size": 8},
                customdata=customdata,
                hovertemplate=f"{name}<br>%{{customdata[1]}}<br>mean %{{y:.2f}}<br>%{{customdata[2]}} items<extra></extra>",
            ),
            row=1, col=1,
        )
        figure.add_trace(
            go.Bar(
                x=line["period"], y=line["period_n"], name=name, legendgroup=label, showlegend=False,
                marker={"color": [BELOW_MIN_COLOUR if low else colour for low in line["below_min"]]},
                customdata=customdata,
                hovertemplate=f"{name}<br>%{{customdata[1]}}<br>%{{y}} items<extra></extra>",
            ),
            row=2, col=1,
        )
    for event in (events if events is not None else pd.DataFrame()).itertuples():
        figure.add_vline(x=event.date, line={"dash": "dot", "color": "#888"})
        figure.add_annotation(
            x=event.date, y=1, yref="paper", text=escape(event.title), hovertext=escape(event.description),
            showarrow=False, textangle=-90, xanchor="right", yanchor="top", font={"size": 10},
        )
    figure.update_yaxes(title_text="mean sentiment", range=[-1.05, 1.05], row=1, col=1)
    figure.update_yaxes(title_text="items", row=2, col=1)
    figure.update_layout(barmode="group", hovermode="closest", legend={"orientation": "h", "y": 1.08}, margin={"t": 40})
    return figure


def distribution_figure(scores: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Overlaid histograms of the scores per direction."""
    figure = go.Figure()
    for index, (direction, group) in enumerate(scores.groupby("direction", sort=True)):
        figure.add_trace(
            go.Histogram(
                x=group["score"], name=escape(names.get(direction, direction)), opacity=0.6,
                xbins={"start": -1, "end": 1, "size": 0.1}, marker={"color": PALETTE[index % len(PALETTE)]},
            )
        )
    figure.update_layout(barmode="overlay", xaxis_title="score", yaxis_title="items", margin={"t": 30})
    return figure


def matrix_figure(cells: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Source × target grid of mean sentiment as square markers (selectable, unlike a heatmap);
    hover shows the count; ``customdata`` = [pair, count]."""
    sources = sorted(cells["source_actor"].unique())
    targets = sorted(cells["target_actor"].unique())
    figure = go.Figure(
        go.Scatter(
            x=cells["target_actor"], y=cells["source_actor"], mode="markers",
            marker={
                "symbol": "square", "size": max(12, min(40, 600 // max(len(sources), len(targets), 1))),
                "color": cells["mean"], "colorscale": SCORE_SCALE, "cmin": -1, "cmax": 1,
                "colorbar": {"title": {"text": "mean"}},
            },
            customdata=list(zip(cells["source_actor"] + ">" + cells["target_actor"], cells["n"])),
            text=[escape(f"{names.get(s, s)} → {names.get(t, t)}") for s, t in zip(cells["source_actor"], cells["target_actor"])],
            hovertemplate="%{text}<br>mean %{marker.color:.2f}<br>%{customdata[1]} items<extra></extra>",
        )
    )
    figure.update_xaxes(title_text="target", categoryorder="array", categoryarray=targets, side="top")
    figure.update_yaxes(title_text="source", categoryorder="array", categoryarray=sources[::-1])
    figure.update_layout(height=max(320, 30 * len(sources) + 120), margin={"t": 60}, plot_bgcolor="white")
    return figure
