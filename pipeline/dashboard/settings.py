"""Where the dashboard finds its store, the demo corpus and the events (no Streamlit import)."""

import os
from pathlib import Path

from pipeline.datasets import DEMO, dataset_dir

ROOT = Path(__file__).resolve().parents[2]
STORE_ENV = "ENTENTE_STORE"
DEMO_CORPUS = ROOT / "data" / "demo" / "articles.jsonl.gz"
EVENTS_PATH = ROOT / "data" / "events.csv"
EXTERNAL_ENV = "ENTENTE_EVENTS_EXTERNAL"
DEFAULT_EXTERNAL_DIR = ROOT / "data" / "events_external"


def single_store() -> Path | None:
    """``$ENTENTE_STORE`` when set: the one store the dashboard shows (no dataset picker then)."""
    return Path(os.environ[STORE_ENV]) if os.environ.get(STORE_ENV) else None


def store_dir() -> Path:
    """The default store: ``$ENTENTE_STORE`` or the demo dataset (``data/stores/demo``)."""
    return single_store() or dataset_dir(DEMO)


def external_events_dir() -> Path:
    """The optional folder of event data (e.g. ICEWS) shown beside our series on the Pair page (see
    ``dashboard.external``): ``$ENTENTE_EVENTS_EXTERNAL`` or ``data/events_external``."""
    return Path(os.environ.get(EXTERNAL_ENV) or DEFAULT_EXTERNAL_DIR)
