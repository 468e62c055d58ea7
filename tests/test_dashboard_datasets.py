"""AppTest tests of named datasets in the dashboard: the URL-bound picker, the synthetic badge, the
warning for an unknown name, and an upload on the demo starting a dataset of its own."""

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from pipeline import datasets
from pipeline.dashboard import urlstate as url
from pipeline.run import run
from pipeline.store import current_version_dir, read_table

APP = str(Path(__file__).resolve().parents[1] / "app.py")
GULF = [
    {"article_id": "gulf-1", "date": "2025-02-10T12:00:00Z", "title": "Doha welcomes Riyadh's offer",
     "text": '"We welcome the proposal from Riyadh," a spokesman for the Qatari foreign ministry said on Monday.'},
    {"article_id": "gulf-2", "date": "2025-03-12T12:00:00Z", "title": "Oman praises Kuwait",
     "text": "Oman praised Kuwait for its mediation in the dispute."},
    {"article_id": "gulf-3", "date": "2025-04-02T12:00:00Z", "title": "Emirates criticise Iran",
     "text": "The United Arab Emirates condemned Iran for the seizure of the tanker."},
]
"""Our own three articles of a 'gulf' dataset (QAT>SAU, OMN>KWT, ARE>IRN)."""
BADGE = "Synthetic demo data"


def gulf_articles(folder: Path) -> Path:
    """GULF as a JSONL file in ``folder``."""
    path = folder / "gulf.jsonl"
    rows = [{**row, "source": "Gulf Desk Wire", "url": f"https://example.invalid/{row['article_id']}"} for row in GULF]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def datasets_root(demo_store: Path, folder: Path) -> Path:
    """A datasets root holding a copy of the demo store as ``demo`` and the three GULF articles as ``gulf``."""
    root = folder / "stores"
    shutil.copytree(demo_store, root / datasets.DEMO, symlinks=True)
    assert current_version_dir(root / datasets.DEMO).is_relative_to((root / datasets.DEMO).resolve())
    assert run([gulf_articles(folder)], root / "gulf").accepted == len(GULF)
    return root


@pytest.fixture(scope="module")
def root(demo_store, tmp_path_factory) -> Path:
    return datasets_root(demo_store, tmp_path_factory.mktemp("datasets"))


def start(root: Path, monkeypatch, params: dict | None = None, page: str | None = None) -> AppTest:
    """Run the app on the datasets under ``root`` (no ``ENTENTE_STORE``) with ``params`` in the URL."""
    monkeypatch.delenv("ENTENTE_STORE", raising=False)
    monkeypatch.setenv(datasets.DATASETS_ENV, str(root))
    app = AppTest.from_file(APP, default_timeout=120)
    for name, value in (params or {}).items():
        app.query_params[name] = value
    app.run()
    if page:
        app.switch_page(f"app_pages/{page}.py").run()
    assert not app.exception, app.exception
    return app


def badges(app: AppTest) -> list[str]:
    return [element.value for element in app.sidebar.markdown if BADGE in element.value]


def test_the_url_opens_the_named_dataset_and_the_badge_marks_only_the_demo(root, monkeypatch):
    demo = start(root, monkeypatch)
    assert demo.sidebar.selectbox(key=url.DATASET).value == "demo"
    assert demo.sidebar.selectbox(key=url.DATASET).options == ["demo", "gulf"]
    assert badges(demo)
    assert [element.value for element in demo.get("code")] == [""]  # the default stays out of the link
    gulf = start(root, monkeypatch, {url.DATASET: "gulf", url.GRANULARITY: "quarter"})
    assert gulf.sidebar.selectbox(key=url.DATASET).value == "gulf"
    assert not badges(gulf) and not gulf.sidebar.warning
    assert gulf.sidebar.multiselect(key=url.PAIRS).options == ["ARE>IRN", "OMN>KWT", "QAT>SAU"]
    assert [element.value for element in gulf.get("code")] == ["?dataset=gulf&gran=quarter"]
    data = start(root, monkeypatch, {url.DATASET: "gulf"}, page="data")
    assert data.metric[0].value == str(len(GULF))


def test_an_unknown_dataset_warns_and_shows_the_demo(root, monkeypatch):
    app = start(root, monkeypatch, {url.DATASET: "../gulf"})
    assert app.sidebar.selectbox(key=url.DATASET).value == "demo"
    [warning] = [element.value for element in app.sidebar.warning]
    assert "`dataset=../gulf`" in warning and "showing 'demo'" in warning
    assert badges(app)


def test_an_upload_on_the_demo_starts_a_dataset_of_its_own_and_opens_it(demo_store, monkeypatch, tmp_path):
    root = datasets_root(demo_store, tmp_path)
    demo_articles = len(read_table(root / datasets.DEMO, "articles"))
    app = start(root, monkeypatch, page="data")
    upload = pd.DataFrame(GULF).assign(source="Upload Wire").to_csv(index=False).encode()
    app.file_uploader(key="upload_files").upload("desk.csv", upload)
    app.run()
    assert app.button(key="upload_run").disabled  # the demo is never extended: a name is needed
    app.text_input(key="upload_dataset").input("../Desk").run()
    assert any("lowercase letters" in element.value for element in app.warning)
    assert app.button(key="upload_run").disabled
    app.text_input(key="upload_dataset").input("desk").run()
    app.button(key="upload_run").click().run()
    assert not app.exception and not app.error
    assert any("read 3 = accepted 3 + rejected 0" in element.value for element in app.success)
    assert app.sidebar.selectbox(key=url.DATASET).value == "desk" and not badges(app)
    assert app.metric[0].value == "3"
    assert len(read_table(root / datasets.DEMO, "articles")) == demo_articles
    assert (root / "desk" / datasets.RAW / "desk.csv").read_bytes() == upload
