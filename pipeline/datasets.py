"""Named datasets: stores side by side under one root (``data/stores/NAME/``), the synthetic demo being ``demo``.

A name is a safe slug (lowercase letters, digits, ``-`` and ``_``; no dots or slashes), so it can never
leave the root. The demo dataset is built from the shipped corpus and never extended by a user's run.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from pipeline.store import current_version_dir

ROOT = Path(__file__).resolve().parents[1]
DATASETS_ENV = "ENTENTE_DATASETS"
DEFAULT_ROOT = ROOT / "data" / "stores"
DEMO = "demo"
RAW = "raw"
"""The folder of a dataset that keeps its uploaded files, unchanged."""
MAX_NAME = 40
_NAME = re.compile(rf"[a-z0-9][a-z0-9_-]{{0,{MAX_NAME - 1}}}")
DEMO_REFUSAL = (
    f"the '{DEMO}' dataset is the synthetic demo and is never extended; "
    "start a dataset of your own with --dataset NAME (e.g. --dataset my-desk)"
)


def datasets_root() -> Path:
    """Where the datasets live: ``$ENTENTE_DATASETS`` or ``data/stores``."""
    return Path(os.environ.get(DATASETS_ENV) or DEFAULT_ROOT)


def valid_name(name: str) -> bool:
    """Whether ``name`` is a dataset name: 1–40 lowercase letters, digits, ``-`` or ``_``, not starting with
    ``-`` or ``_``."""
    return bool(_NAME.fullmatch(name))


def check_name(name: str) -> str:
    """``name`` when valid; ValueError with a one-line reason otherwise."""
    if not valid_name(name):
        shown = name.encode("unicode_escape").decode()[:MAX_NAME + 10]
        raise ValueError(f"dataset name {shown!r}: use 1–{MAX_NAME} lowercase letters, digits, '-' or '_' "
                         "(starting with a letter or digit)")
    return name


def dataset_dir(name: str, root: Path | None = None) -> Path:
    """The store directory of dataset ``name`` (validated) under ``root`` (default :func:`datasets_root`)."""
    return (root or datasets_root()) / check_name(name)


def available(root: Path | None = None) -> list[str]:
    """The datasets one can open: the demo first (built on first use), then every folder of the root
    with a valid name and a live store version, by name."""
    folder = root or datasets_root()
    names = sorted(
        entry.name for entry in (folder.iterdir() if folder.is_dir() else ())
        if entry.name != DEMO and valid_name(entry.name) and current_version_dir(entry) is not None
    )
    return [DEMO, *names]


def is_demo(store: Path, root: Path | None = None) -> bool:
    """Whether ``store`` is the demo dataset's directory."""
    return Path(store).resolve() == ((root or datasets_root()) / DEMO).resolve()


def refuse_demo(store: Path) -> None:
    """ValueError (:data:`DEMO_REFUSAL`) when a run would extend the demo dataset."""
    if is_demo(store):
        raise ValueError(DEMO_REFUSAL)
