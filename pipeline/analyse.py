"""The analysis chain on canonical articles: segment → actors → quotes → relations → dyads (scored).

Loading, validation and storage are the run's business (``pipeline.run``); this module only wires
the pure stages together so that the CLI, the dashboard's "Try text" page and the evaluations
share one path.
"""

import gc
import time
from contextlib import contextmanager

import pandas as pd

from pipeline.actors import find_mentions
from pipeline.authors import with_author_titles
from pipeline.dyads import build_dyads
from pipeline.quotes import find_quotes
from pipeline.relations.stage import find_relations
from pipeline.resources import Resources, default_resources
from pipeline.segment import split_sentences


def warm_up() -> None:
    """Load everything the chain uses (dictionary, lexicons, model, parser, rule tables) into this
    process by analysing one invented article, so that the first real batch does not pay for it."""
    analyse(pd.DataFrame({
        "article_id": ["warm-up"], "date": [pd.Timestamp("2024-01-01", tz="UTC")],
        "title": ["France and Germany"], "source": [""], "url": [""], "author_actor": [""],
        "text": ['"We welcome the talks," the French foreign minister said of Germany on Monday.']}))


def versions(resources: Resources | None = None) -> dict[str, str]:
    """Versions of the data the analysis depends on; a change means re-analysis."""
    return (resources or default_resources()).versions()


GC_YOUNG_THRESHOLD = 10_000
"""Allocations between collections of the youngest generation while the chain runs (Python's default: 700)."""


@contextmanager
def _collecting_less():
    """The chain allocates millions of small containers (mentions, rows, tokens), most of them short-lived;
    with Python's default threshold the cyclic collector scans the survivors over and over. Collecting
    the youngest generation less often changes no output and saves that time."""
    thresholds = gc.get_threshold()
    gc.set_threshold(max(GC_YOUNG_THRESHOLD, thresholds[0]), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


@contextmanager
def _timed(timings: dict[str, float], stage: str):
    began = time.perf_counter()
    yield
    timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - began


def analyse(articles: pd.DataFrame, timings: dict[str, float] | None = None,
            resources: Resources | None = None) -> dict[str, pd.DataFrame]:
    """Sentences, mentions, quotes, relations and dyads for ``articles`` (``ARTICLES`` columns).

    When ``timings`` is given, the seconds spent in each stage are added to it ("parse": the part of
    "relations" spent in the dependency parser).
    """
    timings = {} if timings is None else timings
    resources = resources or default_resources()
    with _collecting_less():
        with _timed(timings, "segment"):
            sentences = split_sentences(articles)
        with _timed(timings, "actors"):
            dates = articles.set_index("article_id")["date"]
            mentions = with_author_titles(articles, sentences, find_mentions(sentences, dates, resources.dictionary),
                                          resources.dictionary)
        with _timed(timings, "quotes"):
            quotes = find_quotes(articles, sentences, mentions)
        with _timed(timings, "relations"):
            relations = find_relations(articles, sentences, mentions, quotes, resources, timings)
        with _timed(timings, "dyads+score"):
            dyads = build_dyads(articles, sentences, relations, resources.lexicon)
    return {"sentences": sentences, "mentions": mentions, "quotes": quotes, "relations": relations,
            "dyads": dyads}
