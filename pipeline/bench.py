"""ETL benchmark: ``python -m pipeline.bench [INPUT] [--articles N]``, or
``python -m pipeline.bench --scale [--articles N] [--sample M] [--workers W]`` (``pipeline.bench_scale``).

Times the analysis chain stage by stage on a corpus (an input file, or the demo generator's
output of N articles) and, in the same run, a bare vaderSentiment loop over every sentence of the
same corpus. The goal is a ratio: the one-core chain, dependency parses of the relation stage
included, within ``RATIO_GOAL`` times that bare VADER loop, and the process's peak memory under
``PEAK_MEMORY_GOAL_MB``. Ratios, not absolute times, are what to compare across these noisy machines.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one core: the parser's BLAS must not spread out

import argparse
import resource
import sys
import time

import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from pipeline.analyse import analyse
from pipeline.demo import generate_corpus
from pipeline.load import load_input
from pipeline.validate import validate

RATIO_GOAL = 5.0
PEAK_MEMORY_GOAL_MB = 2048


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
    parser.add_argument("--workers", type=int, default=2, help="--scale: worker processes (default 2)")
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
