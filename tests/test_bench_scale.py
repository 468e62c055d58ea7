"""The scale benchmark runs at a tiny size and prints every figure (no timing assertions)."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURES = [
    r"^machine: \d+ cores, [\d.]+ GB RAM, .+; load average [\d.]+ [\d.]+ [\d.]+$",
    r"^ratio chain / bare VADER = [\d.]+  \(CPU seconds: [\d.]+\)$",
    r"^ratio 2 workers / 1 worker throughput = [\d.]+ ",
    r"^ratio CPU seconds 2 workers / 1 worker = [\d.]+ ",
    r"^end to end, 2 workers: 24 articles in [\d.]+ s .*; \d+ dyads; [\d.]+ CPU s in the process tree$",
    r"^peak memory of the process tree [1-9]\d* MB ",
    r"^extrapolated \(linear, not measured\) to 100000 articles: \d+ s ",
    r"^incremental re-run \(unchanged corpus, 0 analysed\) [\d.]+ s; ratio incremental / full run = [\d.]+ ",
    r"^dashboard at 10M dyads: measured by `python -m pipeline.dashboard.bench --rows 10000000`",
]


def test_scale_bench_prints_every_figure():
    done = subprocess.run([sys.executable, "-m", "pipeline.bench", "--scale", "--articles", "24", "--sample", "16"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    for figure in FIGURES:
        assert re.search(figure, done.stdout, re.MULTILINE), f"missing {figure!r} in:\n{done.stdout}"


def test_scale_bench_refuses_inputs():
    done = subprocess.run([sys.executable, "-m", "pipeline.bench", "--scale", "some.csv"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "--scale generates its corpora" in done.stderr


def test_chain_bench_prints_the_one_core_and_the_workers_ratio():
    done = subprocess.run([sys.executable, "-m", "pipeline.bench", "--articles", "520", "--workers", "2"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    for figure in (r"^corpus: 520 articles, [1-9]\d* sentences",
                   r"^    of which parse +[\d.]+ s",
                   r"^ratio chain / bare VADER = [\d.]+  \(goal ≤ 5.00\)$",
                   r"^chain, 2 workers +[\d.]+ s  \(2 processes over chunks of 500 articles",
                   r"^ratio chain on 2 workers / one-core bare VADER = [\d.]+  \(goal ≤ 1.00\)$"):
        assert re.search(figure, done.stdout, re.MULTILINE), f"missing {figure!r} in:\n{done.stdout}"
