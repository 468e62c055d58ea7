"""A self-contained HTML brief of the Pair page's view: the chart as a static SVG and as an interactive
plotly chart (plotly.js inlined), the figures, the shifts and the most positive and negative quotes.

It opens offline: nothing is loaded from elsewhere (a Content-Security-Policy forbids it), every
untrusted text (quotes, speakers, outlets, names) is escaped, and links are kept only when they are http(s).
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape

import pandas as pd
import plotly.io as pio

from pipeline.dashboard import figures, svgchart
from pipeline.dashboard.queries import evidence_display

HTTP_URL = re.compile(r"(?i)^https?://[^\s\"'<>]+$")
CSP = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
       "img-src data: blob:; font-src data:")
"""Inline scripts and styles only: the brief can fetch nothing, whatever its data holds."""
QUOTE_COLUMNS = ["date", "outlet", "speaker", "source actor", "target actor", "score", "evidence"]
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1000px; color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
.meta { color: #555; } .synthetic { background: #fff3e0; border: 1px solid #f0a050; padding: .5rem; }
.figures { display: flex; gap: 1rem; } .figure { border: 1px solid #ddd; border-radius: 6px; padding: .6rem 1rem; }
.figure b { display: block; font-size: 1.4rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { border-bottom: 1px solid #e5e5e5; padding: .3rem .5rem; text-align: left; vertical-align: top; }
"""


@dataclass(frozen=True)
class BriefData:
    """What the Pair page shows: its `title`, `directions` (["RUS>USA", "USA>RUS"]), display `names` of the directions,
    a description of the filters, the `share_url` of the view, whether the data is synthetic, the
    trend `series`, the `means` per direction (``queries.direction_means``), the `shifts`
    (``queries.change_points``) and the evidence rows of the most positive and negative items."""

    title: str
    directions: list[str]
    names: dict[str, str]
    filters_text: str
    share_url: str
    synthetic: bool
    series: pd.DataFrame
    means: pd.DataFrame
    shifts: pd.DataFrame
    most_positive: pd.DataFrame
    most_negative: pd.DataFrame
    actor_names: dict[str, str] = field(default_factory=dict)
    """Actor code → display name, for the quotes' actors."""


def build(data: BriefData) -> bytes:
    """The brief as UTF-8 HTML."""
    title = data.title
    svg = svgchart.trend_svg(data.series, data.names, title=title)
    interactive = pio.to_html(figures.trend_figure(data.series, data.names), full_html=False,
                              include_plotlyjs=True, config={"displaylogo": False})
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = [
        f"<h1>Entente brief: {escape(title)}</h1>",
        f'<p class="meta">{escape(data.filters_text)} · generated {generated}'
        + (f' · <a href="{escape(data.share_url)}">open this view in Entente</a>' if _is_http(data.share_url) else "")
        + "</p>",
        '<p class="synthetic">Synthetic demo data: invented articles, not real reporting.</p>' if data.synthetic
        else "",
        "<h2>Figures</h2>", _figures(data),
        "<h2>Chart</h2>", f'<figure id="static-chart">{svg}</figure>',
        f'<p><a download="entente_chart.svg" href="data:image/svg+xml;base64,'
        f'{base64.b64encode(svg.encode()).decode()}">Download the chart as SVG</a> · the interactive chart '
        "below exports PNG from its toolbar (camera icon).</p>",
        f'<div id="interactive-chart">{interactive}</div>',
        "<h2>Shifts</h2>", _shifts(data),
        "<h2>Most positive</h2>", _quotes(data.most_positive, data.actor_names),
        "<h2>Most negative</h2>", _quotes(data.most_negative, data.actor_names),
    ]
    page = (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            f"<title>Entente brief: {escape(title)}</title><style>{STYLE}</style></head>"
            f"<body>{''.join(body)}</body></html>")
    return page.encode("utf-8")


def _is_http(link: str) -> bool:
    return bool(HTTP_URL.match(link or ""))


def _figures(data: BriefData) -> str:
    cells = []
    for direction in data.directions:
        name = escape(data.names.get(direction, direction))
        if direction in data.means.index:
            stats = data.means.loc[direction]
            cells.append(f'<div class="figure">{name}<b>{stats["mean"]:+.2f}</b>{int(stats["n"])} items</div>')
        else:
            cells.append(f'<div class="figure">{name}<b>no items</b></div>')
    if set(data.directions) <= set(data.means.index) and len(data.directions) == 2:
        asymmetry = data.means.loc[data.directions[0], "mean"] - data.means.loc[data.directions[1], "mean"]
        cells.append(f'<div class="figure">Asymmetry (A→B minus B→A)<b>{asymmetry:+.2f}</b></div>')
    return f'<div class="figures">{"".join(cells)}</div>'


def _shifts(data: BriefData) -> str:
    if data.shifts.empty:
        return ("<p>No shifts found: a direction needs at least 4 periods with data and a change larger "
                "than its noise.</p>")
    rows = "".join(
        f"<tr><td>{escape(data.names.get(shift.pair, shift.pair))}</td><td>{shift.period:%Y-%m-%d}</td>"
        f"<td>{shift.before_mean:+.2f} → {shift.after_mean:+.2f}</td><td>{shift.change:+.2f}</td>"
        f"<td>{shift.before_n} / {shift.after_n}</td></tr>"
        for shift in data.shifts.itertuples())
    return ("<table><tr><th>direction</th><th>from</th><th>mean before → after</th><th>change</th>"
            f"<th>items before / after</th></tr>{rows}</table>")


def _quotes(rows: pd.DataFrame, actor_names: dict[str, str]) -> str:
    if rows.empty:
        return "<p>No items.</p>"
    shown = evidence_display(rows, actor_names)
    head = "".join(f"<th>{escape(column)}</th>" for column in [*QUOTE_COLUMNS, "article"])
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(_cell(row[column]))}</td>" for column in QUOTE_COLUMNS)
        + f"<td>{_link(row['article'])}</td></tr>"
        for _, row in shown.iterrows())
    return f'<table class="quotes"><tr>{head}</tr>{body}</table>'


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:+.2f}"
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _link(url) -> str:
    if not isinstance(url, str) or not _is_http(url):
        return ""
    return f'<a href="{escape(url)}" rel="noopener noreferrer">open</a>'
