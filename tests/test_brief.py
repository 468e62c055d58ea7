"""The Pair page's HTML brief and the static SVG chart: self-contained, escaped, http(s) links only."""

import dataclasses
import re
import xml.etree.ElementTree as ElementTree

import pytest

from pipeline.dashboard import brief, queries, svgchart
from pipeline.dashboard import urlstate as url
from pipeline.store import open_partitioned

PAIR = url.parse_pair("RUS>USA")
HOSTILE = '<script>alert("quote")</script> & <img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def data(demo_store) -> brief.BriefData:
    """The Pair page's data for RUS>USA on the demo store, with a hostile quote, speaker and links."""
    con = queries.open_store(open_partitioned(demo_store))
    domain = url.Domain(*queries.domain_values(con))
    filters = url.filters_from_widgets((domain.first, domain.last), [], False, "quarter", 1,
                                       list(url.KIND_LABELS), [], 3, domain)
    both = dataclasses.replace(filters, pairs=(PAIR, PAIR.reversed()), either=False)
    series = queries.trend_series(con, both)
    positive, negative = queries.extreme_quotes(con, filters, PAIR)
    positive.loc[0, ["evidence", "speaker"]] = [HOSTILE, "</td><b>speaker</b>"]
    positive.loc[1, "url"] = "javascript:alert(1)"
    negative.loc[0, "url"] = 'https://example.org/a"onmouseover="alert(1)'
    directions = [str(PAIR), str(PAIR.reversed())]
    return brief.BriefData(
        title="RUS<>USA · Russia ↔ United States <i>", directions=directions,
        names={d: url.label_name(d, {"RUS": "Russia", "USA": "United States"}) for d in directions},
        filters_text="between 2023-01-01 and 2026-10-31", share_url="http://127.0.0.1:8501/pair?pairs=RUS%3EUSA",
        synthetic=True, series=series, means=queries.direction_means(con, filters, PAIR),
        shifts=queries.change_points(series), most_positive=positive, most_negative=negative,
        actor_names={"RUS": "Russia", "USA": "United States"})


def test_the_brief_is_self_contained_escaped_and_links_only_http(data):
    page = brief.build(data).decode("utf-8")
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)  # plotly.js is inlined, nothing is fetched
    assert "Plotly.newPlot" in page and "default-src 'none'" in page
    assert "&lt;script&gt;alert(&quot;quote&quot;)&lt;/script&gt;" in page and 'alert("quote")' not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "&lt;/td&gt;&lt;b&gt;speaker&lt;/b&gt;" in page
    assert "Russia ↔ United States &lt;i&gt;" in page
    markup = re.sub(r"<script\b.*?</script>", "", page, flags=re.S)  # the brief's own markup, not plotly.js
    links = re.findall(r'<a\b[^>]*\bhref="([^"]*)"', markup)
    downloads = [link for link in links if link.startswith("data:image/svg+xml;base64,")]
    assert len(downloads) == 1 and links.count(data.share_url) == 1
    articles = [link for link in links if link not in downloads and link != data.share_url]
    assert articles and all(re.match(r"https?://", link) for link in articles)
    assert "javascript:" not in markup and "onmouseover=" not in markup.replace("&quot;onmouseover=&quot;", "")
    for column in ("Most positive", "Most negative", "Shifts", "Figures", "Synthetic demo data"):
        assert column in page
    assert f"{data.means.loc['RUS>USA', 'mean']:+.2f}" in page
    first_shift = data.shifts.iloc[0]
    assert f"{first_shift['before_mean']:+.2f} → {first_shift['after_mean']:+.2f}" in page


def test_the_svg_chart_draws_each_line_with_its_band(data):
    svg = svgchart.trend_svg(data.series, data.names, title=data.title)
    root = ElementTree.fromstring(svg)  # well-formed: every text was escaped
    namespace = "{http://www.w3.org/2000/svg}"
    lines = root.findall(f"{namespace}polyline")
    assert len(lines) == data.series["pair"].nunique() == 2
    assert len(root.findall(f"{namespace}polygon")) == 2
    assert len(root.findall(f"{namespace}circle")) == len(data.series)
    points = [tuple(map(float, pair.split(","))) for pair in lines[0].get("points").split()]
    first_line = data.series[data.series["pair"] == data.directions[0]].sort_values("period")
    assert len(points) == len(first_line)
    heights = [y for _, y in points]  # higher means are drawn higher (smaller y)
    order = first_line["mean"].rank(method="first").to_numpy()
    assert sorted(range(len(heights)), key=lambda i: -heights[i]) == sorted(range(len(order)), key=lambda i: order[i])
    texts = [text.text for text in root.iter(f"{namespace}text")]
    assert data.title in texts
    assert f"{data.series['period'].min():%Y-%m-%d}" in texts and f"{data.series['period'].max():%Y-%m-%d}" in texts
