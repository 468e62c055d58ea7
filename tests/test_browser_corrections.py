"""Real-browser test of analysts' corrections: Debian Chromium driven by Playwright against ``streamlit run
app.py`` on a small dataset of our own (three Gulf articles). A correction made in the Trends drill-down
changes the plotted point and the CSV, survives a restart of the server and re-runs of the pipeline over
the same articles, and is undone from the Data page."""

import json
from contextlib import ExitStack
from pathlib import Path

import browser_support as b
import pytest
from playwright.sync_api import expect
from test_browser import browser, mean_traces, page  # noqa: F401  (the shared Chromium and fresh-context page)
from test_dashboard_datasets import GULF, gulf_articles

from pipeline import corrections
from pipeline.dashboard import urlstate as url
from pipeline.run import run
from pipeline.store import store_version

PAIR = "OMN>KWT"
POINT = f"{PAIR}@2025-03-01"
LOG = b.ARTIFACTS / "streamlit-browser-corrections.log"


@pytest.fixture(scope="module")
def gulf(tmp_path_factory) -> Path:
    """The folder of the Gulf articles, with their store built in ``store``."""
    folder = tmp_path_factory.mktemp("browser-corrections")
    assert run([gulf_articles(folder)], folder / "store").accepted == len(GULF)
    return folder


@pytest.fixture(scope="module")
def servers():
    """Starts the dashboard on a store (``start(store)`` → base URL); ``restart(store)`` stops it first."""
    with ExitStack() as running:
        def start(store: Path) -> str:
            running.close()
            return running.enter_context(b.streamlit_server(store, LOG))
        yield start


def drill_down(page, base: str) -> tuple[float, dict]:  # noqa: F811
    """Open the drill-down of POINT: the plotted mean of the point and the drill-down's CSV row."""
    b.open_app(page, f"{base}/?{url.PAIRS}={PAIR}&{url.POINT}={POINT}")
    [plotted] = mean_traces(b.traces(b.chart(page, "trend_chart")))[PAIR]["y"]
    [row] = b.download(page, "drill_table_csv")
    return plotted, row


def test_a_correction_changes_the_point_and_the_csv_survives_restart_and_rerun_and_is_undone(
        gulf, servers, page):  # noqa: F811
    store = gulf / "store"
    base = servers(store)
    plotted, row = drill_down(page, base)
    assert row["correction"] == "" and float(row["score"]) == pytest.approx(plotted) and plotted > 0

    b.select_row(page, "drill_table", 0)
    form = b.widget(page, "drill_table_correction")
    form.get_by_text("Wrong sign", exact=True).click()
    form.get_by_label("Note (optional)").fill("=HYPERLINK(\"http://x.invalid\") <b>ironic</b>")
    form.get_by_label("Your name").fill("ana")
    with b.rerun(page):
        form.get_by_role("button", name="Submit correction").click()
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("sign flipped")
    corrected_point, corrected_row = drill_down(page, base)
    assert corrected_point == pytest.approx(-plotted)
    assert float(corrected_row["score"]) == pytest.approx(-float(row["score"]))
    assert corrected_row["correction"].startswith("sign flipped by ana, ")
    b.screenshot(page, "corrections-applied")
    [event] = corrections.read_log(store).to_dict("records")
    assert event["note"] == "=HYPERLINK(\"http://x.invalid\") <b>ironic</b>" and event["verdict"] == "wrong_sign"

    b.open_app(page, f"{base}/?{url.PAIRS}={PAIR}&{url.POINT}={POINT}&{url.RAW}=true")  # the raw figures
    assert mean_traces(b.traces(b.chart(page, "trend_chart")))[PAIR]["y"] == [pytest.approx(plotted)]

    base = servers(store)  # a restart
    assert drill_down(page, base)[0] == pytest.approx(-plotted)

    version = store_version(store)
    run([gulf_articles(gulf)], store)  # the same articles again: a new version
    assert store_version(store) != version
    longer = gulf / "gulf-updated.jsonl"  # the article updated: re-analysed, its first sentence where it was
    rows = [json.loads(line) for line in gulf_articles(gulf).read_text().splitlines()]
    rows[1]["text"] += " The talks resume next week."
    longer.write_text("".join(json.dumps(row) + "\n" for row in rows))
    assert run([longer], store).accepted == len(GULF)
    assert drill_down(page, base)[0] == pytest.approx(-plotted)

    b.open_app(page, f"{base}/data")
    table = b.widget(page, "corrections_table")
    expect(table).to_be_visible()
    b.select_row(page, "corrections_table", 0)
    b.screenshot(page, "corrections-data-page")
    b.widget(page, "undo_who").get_by_role("textbox").fill("bo")
    with b.rerun(page):
        b.widget(page, "corrections_undo").get_by_role("button").click()
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Undone")
    [logged] = b.download(page, "corrections_csv")[1:]
    assert logged["action"] == "undo" and logged["who"] == "bo"
    b.assert_no_formula_cells(b.download(page, "corrections_csv"))
    point, row = drill_down(page, base)
    assert point == pytest.approx(plotted) and row["correction"] == ""
    assert corrections.active(store).empty
    b.screenshot(page, "corrections-undone")
