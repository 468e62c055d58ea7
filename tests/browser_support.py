"""Helpers of the real-browser tests: the Streamlit server, Debian Chromium through Playwright,
waiting for the app, reading and setting the sidebar filters, clicking plotly points, downloads."""

from __future__ import annotations

import csv
import io
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pandas as pd
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from pipeline.dashboard import urlstate as url
from pipeline.dashboard.load import BASE_PATH_PROBE, CHROMIUM, CHROMIUM_ARGS, POLL_SECONDS, VIEWPORT, RunCounter  # noqa: F401 (for the tests)
from pipeline.dashboard.server import streamlit_server  # noqa: F401 (the tests start the app with it)
from pipeline.export import FORMULA_PREFIXES

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
TIMEOUT_MS = 90_000
"""For loads and runs: generous, since CI has two cores and a page's first run fills the caches."""
EXPECT_TIMEOUT_MS = 30_000
"""For a widget to show a value once the run that sets it has finished."""
GRID_ROW_PX = 35
"""Height of a header or body row of st.dataframe at the default row height."""
expect.set_options(timeout=EXPECT_TIMEOUT_MS)


def new_context(browser: Browser) -> BrowserContext:
    """A fresh browser profile (no cookies, no session) with downloads enabled."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    context.on("page", _track)
    return context


def settle(page: Page) -> None:
    """Wait until the app is connected and its script has finished running."""
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']")
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
    page.wait_for_selector("[data-testid='stSkeleton']", state="detached")


_COUNTERS: weakref.WeakKeyDictionary[Page, RunCounter] = weakref.WeakKeyDictionary()
"""The run counter of every page opened in a context of :func:`new_context`."""


def _track(page: Page) -> None:
    _COUNTERS[page] = RunCounter(page)


@contextmanager
def rerun(page: Page) -> Iterator[None]:
    """Wrap an interaction that reruns the script: wait until the server has finished a run *after*
    it (the script state may still read ``notRunning`` from the previous run right after a click)."""
    counter = _COUNTERS[page]
    finished = counter.finished
    yield
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while counter.finished <= finished:
        if time.monotonic() > deadline:
            raise TimeoutError(f"no run of the script finished within {TIMEOUT_MS} ms of the interaction "
                               f"({counter.finished} runs in all; the page at {page.url} shows {app_state(page)})")
        page.wait_for_timeout(POLL_SECONDS * 1000)
    settle(page)


def app_state(page: Page) -> dict[str, str | None]:
    """The script and connection state the page shows (for failure messages)."""
    app = page.get_by_test_id("stApp")
    return {name: app.get_attribute(f"data-test-{name}-state", timeout=EXPECT_TIMEOUT_MS)
            for name in ("script", "connection")}


def open_app(page: Page, address: str) -> None:
    """Load ``address`` and wait for the first run to finish."""
    page.goto(address)
    settle(page)


def params(page_url: str) -> dict[str, list[str]]:
    """The query parameters of a URL (repeated keys as lists)."""
    return parse_qs(urlparse(page_url).query)


def path(page_url: str) -> str:
    return urlparse(page_url).path


def wait_for_params(page: Page, check) -> None:
    """Wait until ``check(params)`` holds for the page's URL, then for the run to finish."""
    page.wait_for_url(lambda address: check(params(address)))
    settle(page)


def widget(page: Page, key: str) -> Locator:
    """The container of the widget with ``key`` (Streamlit tags it with the class ``st-key-<key>``)."""
    return page.locator(f".st-key-{key}")


def choose_pairs(page: Page, pairs: list[str]) -> None:
    """Type each pair into the sidebar's pair multiselect and pick it."""
    box = widget(page, url.PAIRS).get_by_role("combobox")
    for pair in pairs:
        box.fill(pair)
        with rerun(page):
            box.press("Enter")
        wait_for_params(page, lambda query, pair=pair: pair in query.get(url.PAIRS, []))
    box.press("Escape")


def choose_granularity(page: Page, granularity: str) -> None:
    with rerun(page):
        widget(page, url.GRANULARITY).get_by_role("radio", name=granularity, exact=True).click()
    wait_for_params(page, lambda query: query.get(url.GRANULARITY, [url.DEFAULT_GRANULARITY]) == [granularity])


def set_date_range(page: Page, start: str, end: str) -> None:
    """Type ``YYYY-MM-DD`` dates into the range's segments; the widget commits when focus leaves it."""
    dates = widget(page, url.DATES)
    for edge, day in (("start", start), ("end", end)):
        dates.get_by_role("spinbutton", name=f"year, Date range {edge} date").click()
        page.keyboard.type(day.replace("-", ""))
    with rerun(page):
        page.get_by_test_id("stSidebar").get_by_text("Evidence", exact=True).click()
    wait_for_params(page, lambda query: query.get(url.DATES) == [start, end])


def expect_filters(
    page: Page, pairs: list[str], granularity: str, dates: tuple[str, str] | None = None, point: str = ""
) -> None:
    """The sidebar shows these filters (waiting for the widgets to get there); ``dates`` None: any."""
    expect(widget(page, url.PAIRS).locator("[data-tag]")).to_have_text(pairs)
    expect(widget(page, url.GRANULARITY).locator("[role='radio'][aria-checked='true']")).to_have_text(granularity)
    fields = widget(page, url.DATES).locator("input[type='date']")
    expect(fields).to_have_count(2)
    for field, day in zip(fields.all(), dates or ()):
        expect(field).to_have_value(day)
    expect(widget(page, url.POINT).locator("input")).to_have_value(point)


def chart(page: Page, key: str) -> Locator:
    """The plotly chart with ``key``, once plotly has drawn it."""
    figure = widget(page, key).locator(".js-plotly-plot")
    figure.locator(".main-svg").first.wait_for()
    return figure


def traces(figure: Locator) -> list[dict]:
    """Every trace as plotly holds it after drawing: uid, type, name, x, y, customdata (lists)."""
    return figure.evaluate(
        """el => el._fullData.map(t => ({
            uid: t.uid, type: t.type, name: t.name,
            x: t.x ? Array.from(t.x) : [], y: t.y ? Array.from(t.y) : [],
            customdata: t.customdata ? Array.from(t.customdata, row => Array.from(row)) : null,
        }))"""
    )


def click_point(page: Page, figure: Locator, uid: str, index: int) -> None:
    """Click marker ``index`` of the scatter trace ``uid``: hover first, then mouse down and up
    (plotly's drag layer covers the markers, so the mouse is moved to the marker's centre)."""
    marker = figure.locator(f".scatterlayer .trace{uid} .points path.point").nth(index)
    marker.wait_for()
    box = marker.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    figure.locator(".hoverlayer .hovertext").first.wait_for()
    with rerun(page):
        page.mouse.down()
        page.mouse.up()


def select_row(page: Page, key: str, row: int) -> None:
    """Tick row ``row`` of the selectable dataframe with ``key``. The grid is drawn on a canvas under
    a scroller, so the mouse clicks the row-selection column, one header row and ``row`` rows down."""
    grid = widget(page, key).get_by_test_id("data-grid-canvas")
    grid.wait_for()
    grid.scroll_into_view_if_needed()  # the mouse clicks in the viewport
    box = grid.bounding_box()
    with rerun(page):
        page.mouse.click(box["x"] + 16, box["y"] + GRID_ROW_PX * (row + 1.5))


def download(page: Page, key: str) -> list[dict[str, str]]:
    """Click the download button with ``key`` and return the CSV it delivers as rows."""
    with page.expect_download() as event:
        widget(page, key).get_by_role("button").click()
    return list(csv.DictReader(io.StringIO(Path(event.value.path()).read_text(encoding="utf-8"))))


def assert_no_formula_cells(rows: list[dict[str, str]]) -> None:
    """Every text cell that a spreadsheet would take for a formula carries the ``'`` prefix
    (plain numbers such as ``-0.35`` are numbers, not formulas)."""
    for row in rows:
        for column, cell in row.items():
            assert not column.startswith(FORMULA_PREFIXES), column
            if cell.startswith(FORMULA_PREFIXES):
                assert pd.to_numeric(cell, errors="coerce") == pd.to_numeric(cell, errors="coerce"), (column, cell)


def shared_link(page: Page) -> str:
    """The URL shown in the sidebar's "Copy link" popover."""
    page.get_by_role("button", name="Copy link").click()
    link = page.get_by_test_id("stPopoverBody").get_by_test_id("stCode").inner_text().strip()
    page.keyboard.press("Escape")
    return link


def alerts(page: Page, kind: str) -> list[str]:
    """Texts of the visible alerts of ``kind`` (Error, Warning, Info, Success)."""
    return page.get_by_test_id(f"stAlertContent{kind}").all_inner_texts()


def screenshot(page: Page, name: str, folder: Path = SCREENSHOTS) -> Path:
    """A screenshot of the whole app in ``<folder>/<name>.png``: Streamlit scrolls inside its main
    and sidebar panes, not the document, so the viewport is stretched to their content first."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.png"
    height = page.evaluate(
        """() => Math.max(window.innerHeight, ...Array.from(
            document.querySelectorAll("[data-testid='stMain'], [data-testid='stSidebarContent']"),
            pane => pane.scrollHeight))"""
    )
    page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    page.screenshot(path=target)
    page.set_viewport_size(VIEWPORT)
    return target
