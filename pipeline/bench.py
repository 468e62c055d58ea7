"""ETL benchmark: ``python -m pipeline.bench [INPUT] [--articles N] [--workers W]``, or
``python -m pipeline.bench --scale [--articles N] [--sample M] [--workers W]`` (``pipeline.bench_scale``).

Times the analysis chain stage by stage on a corpus (an input file, or the demo generator's
output of N articles) and, in the same run, a bare vaderSentiment loop over every sentence of the
same corpus. The goal is a ratio: the one-core chain, dependency parses of the relation stage
included, within ``RATIO_GOAL`` times that bare VADER loop, and the process's peak memory under
``PEAK_MEMORY_GOAL_MB``. With W > 1 the chain then runs again on W worker processes over the run's
article chunks, and its wall time is set against the same one-core VADER loop (goal
``WORKERS_RATIO_GOAL``). Ratios, not absolute times, are what to compare across these noisy machines.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one core: the parser's BLAS must not spread out

import argparse
import resource
import sys
import time

import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from pipeline.analyse import analyse, warm_up
from pipeline.demo import generate_corpus
from pipeline.load import load_input
from pipeline.run import CHUNK_ARTICLES, analyse_stored_tables
from pipeline.schema import ARTICLES
from pipeline.validate import validate

RATIO_GOAL = 5.0
PEAK_MEMORY_GOAL_MB = 2048
WORKERS_RATIO_GOAL = 1.0


def bare_vader_seconds(sentences: list[str]) -> float:
    """Seconds for one plain ``polarity_scores`` call per sentence."""
    analyzer = SentimentIntensityAnalyzer()
    began = time.perf_counter()
    for sentence in sentences:
        analyzer.polarity_scores(sentence)
    return time.perf_counter() - began


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench", description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="*", help="article files (default: a generated demo corpus)")
    parser.add_argument("--articles", type=int, default=2000, help="size of the generated corpus")
    parser.add_argument("--scale", action="store_true",
                        help="scale figures: workers ÷ one worker, incremental ÷ full run, end to end on "
                             "--articles generated articles with the memory of the process tree")
    parser.add_argument("--sample", type=int, default=1000,
                        help="--scale: generated articles for the chain and worker ratios (default 1000)")
    parser.add_argument("--workers", type=int, default=2,
                        help="worker processes for the parallel figures (default 2; 1 skips them without --scale)")
    args = parser.parse_args(argv)
    if min(args.articles, args.sample, args.workers) < 1:
        parser.error("--articles, --sample and --workers must be positive")
    if args.scale:
        if args.inputs:
            parser.error("--scale generates its corpora: give no INPUT")
        from pipeline.bench_scale import scale

        return scale(args.articles, args.sample, args.workers)

    if args.inputs:
        articles, _ = validate(pd.concat([load_input(path) for path in args.inputs], ignore_index=True))
    else:
        articles = generate_corpus(n_articles=args.articles)
    analyse(articles.head(20))  # warm caches (dictionary automaton, lexicons, parser, model) outside the timing
    timings: dict[str, float] = {}
    began = time.perf_counter()
    tables = analyse(articles, timings)
    chain = time.perf_counter() - began
    sentences = tables["sentences"]["text"].tolist()
    vader = bare_vader_seconds(sentences)

    n = len(sentences)
    print(f"corpus: {len(articles)} articles, {n} sentences, {articles['text'].str.len().sum() / 1e6:.2f} MB")
    for stage in ("segment", "actors", "quotes", "relations", "parse", "dyads+score"):
        seconds = timings.get(stage, 0.0)
        label = "  of which parse" if stage == "parse" else stage
        print(f"  {label:16} {seconds:7.2f} s  ({seconds / vader:5.2f}× bare VADER)")
    print(f"chain total      {chain:7.2f} s  {n / chain:9.0f} sentences/s"
          f"  ({len(tables['mentions'])} mentions, {len(tables['quotes'])} quotes, {len(tables['dyads'])} dyads)")
    print(f"bare VADER       {vader:7.2f} s  {n / vader:9.0f} sentences/s")
    print(f"ratio chain / bare VADER = {chain / vader:.2f}  (goal ≤ {RATIO_GOAL:.2f})")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory      {peak_mb:7.0f} MB  (goal < {PEAK_MEMORY_GOAL_MB} MB)")
    if args.workers > 1:
        seconds = parallel_chain_seconds(articles, args.workers)
        print(f"chain, {args.workers} workers {seconds:7.2f} s  ({args.workers} processes over chunks of "
              f"{CHUNK_ARTICLES} articles, started beforehand)")
        print(f"ratio chain on {args.workers} workers / one-core bare VADER = {seconds / vader:.2f}  "
              f"(goal ≤ {WORKERS_RATIO_GOAL:.2f})")
    return 0


def parallel_chain_seconds(articles: pd.DataFrame, workers: int) -> float:
    """Wall seconds of the analysis over the run's article chunks on ``workers`` processes that were
    started and warmed up beforehand."""
    from pipeline.bench_scale import start_workers
    from pipeline.engines.processes import ProcessEngine

    frame = articles.assign(author_actor=articles.get("author_actor", ""))[ARTICLES].reset_index(drop=True)
    chunks = [frame.iloc[start:start + CHUNK_ARTICLES] for start in range(0, len(frame), CHUNK_ARTICLES)]
    with ProcessEngine(workers, prepare=warm_up) as pool:
        start_workers(pool)
        began = time.perf_counter()
        for _ in pool.map(analyse_stored_tables, chunks):
            pass
        return time.perf_counter() - began


if __name__ == "__main__":
    sys.exit(main())
