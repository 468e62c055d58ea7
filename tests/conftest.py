"""Shared fixtures: the project root, ../shared (optional) and a store built from the demo corpus."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEMO_CORPUS = ROOT / "data" / "demo" / "articles.jsonl.gz"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` (seed article and datasets); tests needing it skip where it is absent."""
    if not (SHARED / "seed" / "gold.json").exists():
        pytest.skip(f"{SHARED} is absent: the seed article and datasets are not on this machine")
    return SHARED


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory) -> Path:
    """A store built by the real pipeline from the shipped demo corpus (once per test session)."""
    from pipeline.run import run

    store = tmp_path_factory.mktemp("demo") / "store"
    report = run([DEMO_CORPUS], store)
    assert report.rejected == 0, report.rejections.head().to_string()
    return store


@pytest.fixture(scope="session")
def tiny_peak_mb(tmp_path_factory) -> float:
    """Peak memory (MiB) of the real CLI reading one tiny CSV in a fresh process: the baseline of the memory tests."""
    from pipeline.bench_memory import peak_of_reading

    folder = tmp_path_factory.mktemp("tiny-input")
    tiny = folder / "tiny.csv"
    tiny.write_text("date,text\n2025-03-04,Chile thanked Peru.\n")
    code, peak, output = peak_of_reading(tiny, folder / "store")
    assert code == 0, output
    return peak
