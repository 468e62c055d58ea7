"""Real-browser tests of named datasets: Debian Chromium driven by Playwright against ``streamlit run
app.py`` serving a datasets root (a copy of the demo store as ``demo`` and three articles of our own
as ``gulf``). A link with ``dataset=`` opens that dataset in a fresh browser context."""

import browser_support as b
import pytest
from playwright.sync_api import expect
from test_browser import browser, page  # noqa: F401  (the shared Chromium and fresh-context page fixtures)
from test_dashboard_datasets import BADGE, GULF, datasets_root

from pipeline import datasets
from pipeline.dashboard import urlstate as url

GULF_PAIRS = ["ARE>IRN", "OMN>KWT", "QAT>SAU"]


@pytest.fixture(scope="module")
def app(demo_store, tmp_path_factory) -> str:
    """Base URL of the dashboard on a datasets root (no ``ENTENTE_STORE``); stops after the module."""
    root = datasets_root(demo_store, tmp_path_factory.mktemp("browser-datasets"))
    log = b.ARTIFACTS / "streamlit-browser-datasets.log"
    with b.streamlit_server(None, log, env={datasets.DATASETS_ENV: str(root)}) as base:
        yield base


def expect_dataset(tab, name: str) -> None:
    """The picker shows ``name`` and the synthetic badge is there exactly when it is the demo."""
    expect(b.widget(tab, url.DATASET).get_by_role("combobox")).to_have_value(name)
    expect(tab.get_by_test_id("stSidebar").get_by_text(BADGE)).to_have_count(1 if name == datasets.DEMO else 0)


def test_a_link_with_dataset_opens_that_dataset_in_a_fresh_context(app, browser, page):  # noqa: F811
    b.open_app(page, f"{app}/data?{url.DATASET}=gulf&{url.GRANULARITY}=quarter")
    expect_dataset(page, "gulf")
    expect(page.get_by_test_id("stMetricValue").first).to_have_text(str(len(GULF)))
    link = b.shared_link(page)
    assert b.params(link) == {url.DATASET: ["gulf"], url.GRANULARITY: ["quarter"]} and b.path(link) == "/data"

    context = b.new_context(browser)  # someone else opens the shared link
    try:
        other = context.new_page()
        b.open_app(other, link)
        expect_dataset(other, "gulf")
        expect(other.get_by_test_id("stMetricValue").first).to_have_text(str(len(GULF)))
        b.open_app(other, f"{app}/?{url.DATASET}=gulf")
        expect_dataset(other, "gulf")
        box = b.widget(other, url.PAIRS).get_by_role("combobox")
        box.click()
        expect(other.get_by_role("option").filter(has_text=">")).to_have_text(GULF_PAIRS)
        box.press("Escape")
    finally:
        context.close()


def test_the_picker_switches_datasets_and_clears_the_values_of_the_old_one(app, page):  # noqa: F811
    b.open_app(page, f"{app}/?{url.DATASET}=gulf")
    b.choose_pairs(page, ["OMN>KWT"])
    b.choose_granularity(page, "quarter")
    with b.rerun(page):
        b.widget(page, url.DATASET).click()
        page.get_by_role("option", name=datasets.DEMO, exact=True).click()
    b.wait_for_params(page, lambda query: url.DATASET not in query and url.PAIRS not in query)
    expect_dataset(page, datasets.DEMO)
    assert b.params(page.url) == {url.GRANULARITY: ["quarter"]}  # a filter of every dataset is kept
    assert not b.alerts(page, "Error") and not b.alerts(page, "Warning")


def test_an_unknown_dataset_warns_and_the_demo_is_shown(app, page):  # noqa: F811
    b.open_app(page, f"{app}/?{url.DATASET}=ukraine")
    expect_dataset(page, datasets.DEMO)
    [warning] = b.alerts(page, "Warning")
    assert "dataset=ukraine" in warning and "showing 'demo'" in warning
    b.open_app(page, app)
    expect_dataset(page, datasets.DEMO)
