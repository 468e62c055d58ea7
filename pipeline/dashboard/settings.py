"""Where the dashboard finds its store, the demo corpus and the events (no Streamlit import)."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STORE_ENV = "ENTENTE_STORE"
DEFAULT_STORE = ROOT / "data" / "store"
DEMO_CORPUS = ROOT / "data" / "demo" / "articles.jsonl.gz"
EVENTS_PATH = ROOT / "data" / "events.csv"


def store_dir() -> Path:
    """The store the dashboard shows: ``$ENTENTE_STORE`` or ``data/store``."""
    return Path(os.environ.get(STORE_ENV) or DEFAULT_STORE)
