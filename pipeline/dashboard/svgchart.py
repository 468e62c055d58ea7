"""A static SVG of the trend chart, drawn from the series itself (no browser or image library needed):
one line of period means per pair with its 95% confidence band, points under the minimum count in grey."""

from __future__ import annotations

from html import escape

import numpy as np
import pandas as pd

from pipeline.dashboard.figures import BELOW_MIN_COLOUR, PALETTE

WIDTH, HEIGHT = 900, 420
MARGIN = {"left": 56, "right": 48, "top": 48, "bottom": 40}
LEGEND_COLUMNS, LEGEND_WIDTH, LEGEND_ROW = 3, 270, 16
Y_TICKS = (-1.0, -0.5, 0.0, 0.5, 1.0)
X_TICKS = 6


def trend_svg(series: pd.DataFrame, names: dict[str, str], title: str = "") -> str:
    """The series (``queries.trend_series`` columns) as a standalone SVG document; every text is escaped."""
    plot_left, plot_right = MARGIN["left"], WIDTH - MARGIN["right"]
    lines = series["pair"].nunique()
    plot_top = MARGIN["top"] + LEGEND_ROW * -(-lines // LEGEND_COLUMNS)  # room for the legend's rows
    plot_bottom = HEIGHT - MARGIN["bottom"]
    stamps = _seconds(series["period"]) if len(series) else np.array([0])
    first, last = int(stamps.min()), int(stamps.max())

    def x(values) -> np.ndarray:
        span = (last - first) or 1
        return plot_left + (np.asarray(values, dtype="int64") - first) / span * (plot_right - plot_left)

    def y(values) -> np.ndarray:
        return plot_bottom - (np.clip(np.asarray(values, dtype=float), -1, 1) + 1) / 2 * (plot_bottom - plot_top)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">',
             f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>']
    if title:
        parts.append(f'<text x="{plot_left}" y="20" font-size="15" font-weight="bold">{escape(title)}</text>')
    for tick in Y_TICKS:
        level = y([tick])[0]
        parts.append(f'<line x1="{plot_left}" x2="{plot_right}" y1="{level:.1f}" y2="{level:.1f}" '
                     f'stroke="{"#888" if tick == 0 else "#e5e5e5"}"/>')
        parts.append(f'<text x="{plot_left - 8}" y="{level + 4:.1f}" text-anchor="end">{tick:+.1f}</text>')
    for stamp in np.unique(np.linspace(first, last, X_TICKS).astype("int64")):
        parts.append(f'<text x="{x([stamp])[0]:.1f}" y="{plot_bottom + 18}" text-anchor="middle">'
                     f'{pd.Timestamp(stamp, unit="s"):%Y-%m-%d}</text>')
    order = {label: rank for rank, label in enumerate(names)}
    labels = sorted(series["pair"].unique(), key=lambda label: order.get(label, len(order)))
    for index, label in enumerate(labels):
        colour = PALETTE[index % len(PALETTE)]
        line = series[series["pair"] == label].sort_values("period")
        xs = x(_seconds(line["period"]))
        band = [*zip(xs, y(line["hi"])), *zip(xs[::-1], y(line["lo"])[::-1])]
        parts.append(f'<polygon points="{_points(band)}" fill="{colour}" fill-opacity="0.15" stroke="none"/>')
        parts.append(f'<polyline points="{_points(zip(xs, y(line["mean"])))}" fill="none" stroke="{colour}" '
                     'stroke-width="2"/>')
        for cx, cy, low in zip(xs, y(line["mean"]), line["below_min"]):
            parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3.5" fill="{BELOW_MIN_COLOUR if low else colour}"/>')
        legend_x = plot_left + index % LEGEND_COLUMNS * LEGEND_WIDTH
        legend_y = MARGIN["top"] - 10 + index // LEGEND_COLUMNS * LEGEND_ROW
        parts.append(f'<rect x="{legend_x}" y="{legend_y - 6}" width="14" height="4" fill="{colour}"/>'
                     f'<text x="{legend_x + 20}" y="{legend_y}">{escape(names.get(label, label))}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _seconds(periods: pd.Series) -> np.ndarray:
    """Epoch seconds of timestamps, whatever their unit."""
    return periods.to_numpy(dtype="datetime64[s]").astype("int64")


def _points(pairs) -> str:
    return " ".join(f"{px:.1f},{py:.1f}" for px, py in pairs)
