"""The drill-down says when an article's text was updated by a republished version."""

import pandas as pd
import pytest
from test_dashboard_app import start

from pipeline.dashboard import updates
from pipeline.run import run
from pipeline.store import store_version

ORIGINAL = "Chile praised Peru for the fisheries agreement, officials said on Monday."
CORRECTED = "Chile criticised Peru over the fisheries agreement, officials said on Monday."


@pytest.fixture(scope="module")
def updated_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("updated")
    rows = {"date": ["2025-03-03", "2025-03-04"], "title": ["Fisheries", "Trade"],
            "url": ["https://news.invalid/fish", "https://news.invalid/trade"],
            "text": [ORIGINAL, "Kenya welcomed Ghana's trade corridor, the ministry said."]}
    pd.DataFrame(rows).to_csv(folder / "first.csv", index=False)
    store = folder / "store"
    run([folder / "first.csv"], store)
    pd.DataFrame(rows | {"text": [CORRECTED, rows["text"][1]]}).to_csv(folder / "again.csv", index=False)
    assert run([folder / "again.csv"], store).updated == 1
    return store


def test_updated_articles_and_their_notices(updated_store):
    found = updates.updated_articles(updated_store, store_version(updated_store))
    assert len(found) == 1 and found["earlier"].item() == 1
    article_id = found.index[0]
    assert updates.article_notice(article_id, found).startswith("The text of this article was updated on ")
    assert updates.article_notice("another", found) is None
    ids = pd.Series([article_id, "another", article_id])
    assert updates.rows_notice(ids, found).startswith("2 of these items come from articles whose text was updated")
    assert updates.rows_notice(pd.Series(["another"]), found) is None


def test_the_evidence_table_says_the_text_was_updated(updated_store, monkeypatch):
    app = start(updated_store, monkeypatch, {"pairs": "CHL>PER"}, page="quotes")
    table = app.dataframe[0].value
    assert table["evidence"].str.contains("criticised").any() and not table["evidence"].str.contains("praised").any()
    assert any("whose text was updated" in caption.value for caption in app.caption)
