"""Real-browser tests of the dashboard: Debian Chromium driven by Playwright against
``streamlit run app.py`` on a store built from the demo corpus. Every page is also screenshotted
into ``test-artifacts/screenshots/`` for a human to look at."""

import json
import re
import shutil
from urllib.parse import quote

import browser_support as b
import pandas as pd
import pytest
from playwright.sync_api import expect, sync_playwright

from pipeline.dashboard import urlstate as url
from pipeline.run import run

PAIR = "RUS>USA"
REVERSE = "USA>RUS"
START, END = "2024-01-01", "2025-12-31"
QUARTER = pd.DateOffset(months=3)
PAGE_PATHS = {"trends": "/", "pair": "/pair", "matrix": "/matrix", "quotes": "/quotes",
              "shifts": "/shifts", "try_text": "/try_text", "data": "/data"}
TRY_TEXT = ('"We welcome the resumption of the talks," the Kremlin spokesman Dmitry Peskov said of Washington. '
            "The Chinese foreign ministry criticised the new tariffs announced by the United States.")
FORMULA_OUTLET = "=SUM(1,2) Wire"
FORMULA_ARTICLE = {
    "article_id": "browser-test-formula-outlet",
    "date": "2025-02-10T12:00:00Z",
    "title": "An outlet named like a formula",
    "text": '"We welcome the proposal from Washington," the Kremlin spokesman Dmitry Peskov said on Monday.',
    "source": FORMULA_OUTLET, "url": "https://example.invalid/formula-outlet",
}
"""Our own article whose outlet name a spreadsheet would run as a formula (a RUS>USA quote in February 2025)."""


@pytest.fixture(scope="module")
def store(demo_store, tmp_path_factory):
    """A copy of the demo store plus FORMULA_ARTICLE (the shared demo store stays untouched)."""
    copy = tmp_path_factory.mktemp("browser") / "store"
    shutil.copytree(demo_store, copy, symlinks=True)
    extra = copy.parent / "formula_outlet.jsonl"
    extra.write_text(json.dumps(FORMULA_ARTICLE) + "\n", encoding="utf-8")
    report = run([extra], copy)
    assert report.rejected == 0, report.rejections.to_string()
    return copy


@pytest.fixture(scope="module")
def app(store) -> str:
    """Base URL of the dashboard serving ``store`` (the server stops after the module)."""
    with b.streamlit_server(store, b.ARTIFACTS / "streamlit-browser-tests.log") as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    if not b.CHROMIUM.exists():
        pytest.skip(f"{b.CHROMIUM} is absent: install Debian's chromium package to run the browser tests")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(b.CHROMIUM), args=b.CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request):
    """A page in a fresh browser context; its last state is screenshotted to
    ``test-artifacts/final/<test>.png`` (to see what a failing test saw)."""
    context = b.new_context(browser)
    tab = context.new_page()
    yield tab
    b.screenshot(tab, request.node.name, b.ARTIFACTS / "final")
    context.close()


def query_string(**values) -> str:
    """``?pairs=RUS%3EUSA&gran=quarter`` from keyword lists (repeated keys for lists)."""
    return url.share_url("", {name: value for name, value in values.items()})


def mean_traces(traces: list[dict]) -> dict[str, dict]:
    """The clickable mean lines of a trend figure by line label (their customdata is [label, period, count])."""
    return {trace["customdata"][0][0]: trace for trace in traces if trace["type"] == "scatter" and trace["customdata"]}


def assert_healthy(page) -> None:
    """No exception box and no error alert on the page."""
    assert page.get_by_test_id("stException").count() == 0, page.get_by_test_id("stException").all_inner_texts()
    assert b.alerts(page, "Error") == []


def drill_heading(page) -> str:
    """The drill-down title (``RUS>USA · Russia → United States · quarter of 2024-07-01``)."""
    heading = page.get_by_test_id("stHeading").filter(has_text=" of ")
    heading.wait_for()
    return heading.inner_text().strip()


def test_shared_link_reopens_the_same_filters_point_and_quotes(app, browser, page):
    b.open_app(page, app)
    b.choose_pairs(page, [PAIR])
    b.choose_granularity(page, "quarter")
    b.set_date_range(page, START, END)
    assert b.params(page.url) == {url.PAIRS: [PAIR], url.GRANULARITY: ["quarter"], url.DATES: [START, END]}

    figure = b.chart(page, "trend_chart")
    line = mean_traces(b.traces(figure))[PAIR]
    assert len(line["x"]) == 8, [row[1] for row in line["customdata"]]
    label, period, count = line["customdata"][2]
    expected_point = f"{label}@{period}"
    b.click_point(page, figure, line["uid"], 2)
    b.wait_for_params(page, lambda query: query.get(url.POINT) == [expected_point])
    b.expect_filters(page, [PAIR], "quarter", (START, END), expected_point)
    heading = drill_heading(page)
    assert heading.endswith(f"quarter of {period}"), heading
    rows = b.download(page, "drill_table_csv")
    assert len(rows) == count
    first = pd.Timestamp(period, tz="UTC")
    for row in rows:
        assert (row["source_actor"], row["target_actor"]) == tuple(PAIR.split(">"))
        assert first <= pd.Timestamp(row["date"]) < first + QUARTER, row["date"]
    mean = page.get_by_test_id("stMetricValue").inner_text()

    link = b.shared_link(page)
    assert (b.path(link) or "/", b.params(link)) == (b.path(page.url), b.params(page.url))

    other = b.new_context(browser)
    try:
        fresh = other.new_page()
        b.open_app(fresh, link)
        b.expect_filters(fresh, [PAIR], "quarter", (START, END), expected_point)
        assert drill_heading(fresh) == heading
        (ring,) = [trace for trace in b.traces(b.chart(fresh, "trend_chart")) if trace["name"] == "selected"]
        assert [day[:10] for day in ring["x"]] == [period]
        assert fresh.get_by_test_id("stMetricValue").inner_text() == mean
        assert b.download(fresh, "drill_table_csv") == rows
    finally:
        other.close()


FILTER_KEYS = {url.DATES, url.PAIRS, url.EITHER, url.GRANULARITY, url.SMOOTHING, url.KINDS, url.OUTLETS, url.MIN_COUNT,
               url.POINT}
SIDEBAR_FILTERS = {
    "Trends": FILTER_KEYS, "Pair": FILTER_KEYS - {url.EITHER, url.POINT}, "Matrix": {url.DATES, url.KINDS, url.OUTLETS},
    "Quotes": {url.DATES, url.PAIRS, url.EITHER, url.KINDS, url.OUTLETS},
    "Shifts": {url.DATES, url.PAIRS, url.EITHER, url.GRANULARITY, url.KINDS, url.OUTLETS},
    "Try text": set(), "Data": set(),
}
"""The filters the sidebar shows on each page: those that act on it."""


def test_page_switch_keeps_the_filters(app, page):
    b.open_app(page, f"{app}/{query_string(pairs=[PAIR, REVERSE], dates=[START, END])}")
    b.choose_granularity(page, "week")
    before = b.params(page.url)
    assert before == {url.PAIRS: [PAIR, REVERSE], url.DATES: [START, END], url.GRANULARITY: ["week"]}

    for title, page_path in (("Pair", "/pair"), ("Quotes", "/quotes"), ("Try text", "/try_text"), ("Matrix", "/matrix"),
                             ("Data", "/data"), ("Shifts", "/shifts"), ("Trends", "/")):
        with b.rerun(page):
            page.get_by_test_id("stTopNavLink").filter(has_text=title).click()
        page.wait_for_url(lambda address, page_path=page_path: b.path(address) == page_path)
        assert b.params(page.url) == before, title
        b.expect_filters(page, [PAIR, REVERSE], "week", (START, END))  # hidden filters keep their values
        shown = {key for key in FILTER_KEYS if b.widget(page, key).is_visible()}
        assert shown == SIDEBAR_FILTERS[title], title
        if page_path == "/pair":
            expect(b.widget(page, url.PAIR).get_by_role("combobox")).to_have_value(re.compile(f"^{PAIR}"))
    assert sorted(mean_traces(b.traces(b.chart(page, "trend_chart")))) == sorted([PAIR, REVERSE])


def test_matrix_cell_click_opens_its_trend(app, page):
    b.open_app(page, f"{app}/matrix{query_string(gran=['quarter'], dates=[START, END])}")
    figure = b.chart(page, "matrix_chart")
    (cells,) = [trace for trace in b.traces(figure) if trace["customdata"]]
    busiest_other = max(
        range(len(cells["customdata"])), key=lambda i: (cells["customdata"][i][0] != PAIR, cells["customdata"][i][1])
    )
    pair = cells["customdata"][busiest_other][0]

    b.click_point(page, figure, cells["uid"], busiest_other)
    page.wait_for_url(lambda address: b.path(address) == "/" and b.params(address).get(url.PAIRS) == [pair])
    b.settle(page)
    assert b.params(page.url) == {url.PAIRS: [pair], url.GRANULARITY: ["quarter"], url.DATES: [START, END]}
    b.expect_filters(page, [pair], "quarter", (START, END))
    assert list(mean_traces(b.traces(b.chart(page, "trend_chart")))) == [pair]


def test_shift_row_selection_opens_trends_at_that_change(app, page):
    b.open_app(page, f"{app}/shifts")
    biggest = b.download(page, "shifts_csv")[0]
    pair, period = biggest["pair"], biggest["period"][:10]
    assert ">" in pair and "<>" not in pair, pair

    point = f"{pair}@{period}"
    b.select_row(page, "shifts_table", 0)
    page.wait_for_url(lambda address: b.path(address) == "/" and b.params(address).get(url.POINT) == [point])
    b.settle(page)
    b.expect_filters(page, [pair], url.DEFAULT_GRANULARITY, point=point)
    assert drill_heading(page).endswith(f"{url.DEFAULT_GRANULARITY} of {period}")


def test_trend_csv_holds_the_plotted_points(app, page):
    b.open_app(page, f"{app}/{query_string(pairs=[PAIR, REVERSE], gran=['quarter'], dates=[START, END])}")
    plotted = {
        (label, period, round(mean, 9), count)
        for label, trace in mean_traces(b.traces(b.chart(page, "trend_chart"))).items()
        for (_, period, count), mean in zip(trace["customdata"], trace["y"])
    }
    rows = b.download(page, "trend_csv")
    downloaded = {
        (row["pair"], row["period"][:10], round(float(row["mean"]), 9), int(row["period_n"])) for row in rows
    }
    assert len(rows) == len(plotted) == 16
    assert downloaded == plotted
    b.assert_no_formula_cells(rows)


def test_drill_down_csv_neutralises_formula_cells(app, page):
    b.open_app(page, f"{app}/{query_string(pairs=[PAIR], point=[f'{PAIR}@2025-02-01'])}")
    rows = b.download(page, "drill_table_csv")
    outlets = [row["source"] for row in rows if row["article_id"] == FORMULA_ARTICLE["article_id"]]
    assert outlets == [f"'{FORMULA_OUTLET}"]
    b.assert_no_formula_cells(rows)


def test_selected_evidence_row_shows_its_paragraph_as_text(app, page):
    b.open_app(page, f"{app}/{query_string(pairs=[PAIR], point=[f'{PAIR}@2025-02-01'])}")
    newest = b.download(page, "drill_table_csv")[0]
    b.select_row(page, "drill_table", 0)
    paragraph = page.get_by_test_id("stText").inner_text()
    assert newest["evidence"].removeprefix("'") in paragraph
    expect(page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").filter(has_text=" → ")).to_contain_text(
        newest["date"][:10]
    )


def test_invalid_url_params_warn_and_the_page_still_renders(app, page):
    b.open_app(page, f"{app}/{query_string(pairs=['XXX>YYY'], gran=['fortnight'], smooth=['0'], min_n=['5'])}")
    b.wait_for_params(page, lambda query: query == {url.MIN_COUNT: ["5"]})
    warnings = b.alerts(page, "Warning")
    for shown in ("pairs=XXX>YYY", "gran=fortnight", "smooth=0"):
        assert sum(shown in text for text in warnings) == 1, (shown, warnings)
    assert not any("min_n" in text for text in warnings), warnings
    assert_healthy(page)
    b.expect_filters(page, [], url.DEFAULT_GRANULARITY)
    expect(b.widget(page, url.MIN_COUNT).locator("input")).to_have_value("5")
    assert len(mean_traces(b.traces(b.chart(page, "trend_chart")))) == url.DEFAULT_PAIR_COUNT


def test_markup_in_url_params_is_shown_as_text(app, page):
    markup = '<img src=x onerror="document.title=1"><b>bold</b>'
    b.open_app(page, f"{app}/?{url.OUTLETS}={quote(markup)}")
    warning = page.get_by_test_id("stAlertContentWarning").filter(has_text="outlets=")
    assert markup in warning.inner_text()
    assert warning.locator("img, b").count() == 0
    assert page.title() != "1"


def prepare_trends(page) -> None:
    """Two directions of one pair, with a point's drill-down open."""
    figure = b.chart(page, "trend_chart")
    line = mean_traces(b.traces(figure))[PAIR]
    index = len(line["x"]) // 2
    b.click_point(page, figure, line["uid"], index)
    b.wait_for_params(page, lambda query: url.POINT in query)
    drill_heading(page)
    b.widget(page, "drill_table").get_by_test_id("stDataFrame").wait_for()


def prepare_try_text(page) -> None:
    """Analyse a short text of our own."""
    b.widget(page, "try_text").locator("textarea").fill(TRY_TEXT)
    with b.rerun(page):
        page.get_by_role("button", name="Analyse").click()
    labels = page.get_by_test_id("stMetricLabel").all_inner_texts()
    counts = dict(zip(labels, page.get_by_test_id("stMetricValue").all_inner_texts()))
    assert int(counts["Quotes"]) >= 1 and int(counts["Relations"]) >= 1 and int(counts["Dyads"]) >= 1, counts


PREPARE = {"trends": prepare_trends, "try_text": prepare_try_text}
PAGE_QUERY = {"trends": query_string(pairs=[PAIR, REVERSE], dates=["2024-07-01", END])}


@pytest.mark.parametrize("name", list(PAGE_PATHS))
def test_every_page_renders_without_errors_and_is_screenshotted(app, page, name):
    b.open_app(page, f"{app}{PAGE_PATHS[name]}{PAGE_QUERY.get(name, '')}")
    page.get_by_test_id("stMainBlockContainer").wait_for()
    if name in PREPARE:
        PREPARE[name](page)
    assert_healthy(page)
    link = page.get_by_test_id("stTopNavLink").and_(page.locator("[aria-current='page']")).inner_text().strip()
    title = link.splitlines()[-1]  # after the icon's name
    assert page.get_by_test_id("stHeading").first.inner_text().strip() == title  # each page says what it is
    assert page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").first.inner_text().strip()
    shot = b.screenshot(page, name)
    assert shot.stat().st_size > 10_000


def test_the_author_kind_is_a_pill_of_its_own_and_an_old_link_keeps_its_kinds(app, page):
    b.open_app(page, f"{app}/{query_string(kinds=['quote', 'statement'], gran=['year'])}")
    assert b.params(page.url) == {url.KINDS: ["quote", "statement"], url.GRANULARITY: ["year"]}
    assert not b.alerts(page, "Warning")
    with b.rerun(page):
        b.widget(page, url.KINDS).get_by_role("button", name="author", exact=True).click()
    b.wait_for_params(page, lambda query: sorted(query.get(url.KINDS, [])) == ["author", "quote", "statement"])
    with b.rerun(page):
        b.widget(page, url.KINDS).get_by_role("button", name="statement", exact=True).click()
    b.wait_for_params(page, lambda query: sorted(query.get(url.KINDS, [])) == ["author", "quote"])
    assert b.params(page.url)[url.GRANULARITY] == ["year"]


def test_a_brief_downloads_from_the_pair_page_and_opens_offline(app, browser, page, tmp_path):
    b.open_app(page, f"{app}/pair{query_string(pairs=[PAIR], gran=['quarter'])}")
    b.chart(page, "pair_chart")
    with page.expect_download() as event:
        b.widget(page, "pair_brief").get_by_role("button").click()
    saved = tmp_path / event.value.suggested_filename
    event.value.save_as(saved)
    assert saved.name == "entente_pair_RUS-USA_brief.html"
    quotes = b.widget(page, "pair_positive").get_by_test_id("stDataFrame")
    quotes.wait_for()

    offline = b.new_context(browser)
    requested = []
    offline.route(re.compile(r"^(?!file:)"), lambda route: (requested.append(route.request.url), route.abort()))
    offline.set_offline(True)
    brief = offline.new_page()
    brief.goto(saved.as_uri())
    brief.locator("#interactive-chart .js-plotly-plot .main-svg").first.wait_for()
    legend = brief.locator("#interactive-chart .legendtext").evaluate_all("texts => texts.map(t => t.textContent)")
    assert {f"{PAIR} · Russia → United States", f"{REVERSE} · United States → Russia"} <= set(legend)
    assert brief.locator("#interactive-chart .scatterlayer path.point").count() > 8
    expect(brief.locator("#static-chart svg polyline")).to_have_count(2)
    tables = brief.locator("table.quotes")
    expect(tables).to_have_count(2)
    assert tables.first.locator("tr").count() > 1
    links = tables.first.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert links and all(link.startswith(("http://", "https://")) for link in links)
    assert requested == [] and brief.locator("script[src]").count() == 0
    b.screenshot(brief, "brief_offline")
    offline.close()
