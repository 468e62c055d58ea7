"""Where the dashboard finds its store, the demo corpus and the events (no Streamlit import)."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STORE_ENV = "ENTENTE_STORE"
DEFAULT_STORE = ROOT / "data" / "store"
DEMO_CORPUS = ROOT / "data" / "demo" / "articles.jsonl.gz"
EVENTS_PATH = ROOT / "data" / "events.csv"
EXTERNAL_ENV = "ENTENTE_EVENTS_EXTERNAL"
DEFAULT_EXTERNAL_DIR = ROOT / "data" / "events_external"


def store_dir() -> Path:
    """The store the dashboard shows: ``$ENTENTE_STORE`` or ``data/store``."""
    return Path(os.environ.get(STORE_ENV) or DEFAULT_STORE)


def external_events_dir() -> Path:
    """The optional folder of event data (e.g. ICEWS) shown beside our series on the Pair page (see
    ``dashboard.external``): ``$ENTENTE_EVENTS_EXTERNAL`` or ``data/events_external``."""
    return Path(os.environ.get(EXTERNAL_ENV) or DEFAULT_EXTERNAL_DIR)
