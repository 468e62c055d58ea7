"""External validity: what states say about each other in the UN General Debate against what ICEWS
says they did.

Our side: the UN General Debate speeches of 2005–2015 (``shared/data/un_general_debates``, author =
``country_iso3``, dated 15 September of the session's year) are run through the whole chain into a
store cached outside the repository (see :func:`ungd_store`); each (author, target, year) gets the
mean score of the directed rows whose source is the speech's author. ICEWS side: the mean Goldstein
score of the same directed country-year in ``shared/data/icews_tkg_sample`` (country names mapped to
dictionary ids by ``pipeline.icews``). The two are compared by Spearman's rank correlation over the dyad-years both
sides cover, and the dyad-years whose ranks differ most are listed with our evidence.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

import pipeline
from pipeline.resources import default_resources
from pipeline.run import RunReport, run
from pipeline.store import current_version_dir, read_table

UNGD_FILES = ("ungdc_2005_2013.csv.gz", "ungdc_2014_2024.csv.gz")
ICEWS_FILE = "icews_tkg_events_2005_2015_sample.csv.gz"
YEARS = (2005, 2015)
SESSION_DAY = "09-15"
"""The General Debate opens in the second half of September."""
MIN_EVENTS = 10
MIN_ROWS = 2
DIRECTED_KINDS = ("quote", "statement", "author")
CACHE_ENV = "ENTENTE_CACHE"
NOT_ANALYSIS = ("dashboard", "evaluation")
"""Subpackages whose code cannot change the rows (every other module's hash keys the cache)."""


def default_cache() -> Path:
    """``$ENTENTE_CACHE``, else ``$XDG_CACHE_HOME/entente`` (``~/.cache/entente``)."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "entente"


def analysis_key() -> str:
    """12 hex digits over the package's code (but NOT_ANALYSIS) and the resources' version: a changed
    chain, a new store."""
    package = Path(pipeline.__file__).parent
    digest = hashlib.sha256(default_resources().version.encode())
    for file in sorted(package.rglob("*.py")):
        if file.relative_to(package).parts[0] not in NOT_ANALYSIS:
            digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


def ungd_store(ungd_dir: Path, cache: Path, years: tuple[int, int] = YEARS) -> tuple[Path, RunReport | None]:
    """The store of the speeches of ``years`` analysed by the current chain, built on first use under
    ``cache`` (the run report then, None when it was there already)."""
    folder = cache / f"ungd-{years[0]}-{years[1]}-{analysis_key()}"
    store = folder / "store"
    if current_version_dir(store) is not None:
        return store, None
    folder.mkdir(parents=True, exist_ok=True)
    speeches = pd.concat([pd.read_csv(ungd_dir / name, dtype={"year": "int64"}) for name in UNGD_FILES])
    subset = folder / f"ungd_{years[0]}_{years[1]}.parquet"
    speeches[speeches["year"].between(*years)].to_parquet(subset, index=False)
    report = run([subset], store, mapping={"date": "year", "author": "country_iso3"}, year_day=SESSION_DAY)
    return store, report


def ours(store: Path, kinds: tuple[str, ...] = DIRECTED_KINDS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(dyad-years, rows): per (source, target, year) our mean score and row count over the rows of
    ``kinds`` whose source is the article's author; and those rows (with evidence)."""
    dyads = read_table(store, "dyads")
    authors = read_table(store, "articles", ["article_id", "author_actor"]).set_index("article_id")["author_actor"]
    rows = dyads[dyads["kind"].isin(kinds) & (dyads["source_actor"] == dyads["article_id"].map(authors))]
    rows = rows.assign(year=rows["date"].dt.year)
    means = rows.groupby(["source_actor", "target_actor", "year"])["score"].agg(ours="mean", rows="size")
    return means.reset_index(), rows


def icews_years(events: pd.DataFrame) -> pd.DataFrame:
    """Per directed (source, target, year) of ``read_icews`` events: mean Goldstein score and count."""
    keyed = events.assign(year=events["date"].dt.year).rename(columns={"source": "source_actor",
                                                                       "target": "target_actor"})
    means = keyed.groupby(["source_actor", "target_actor", "year"])["goldstein"].agg(icews="mean", events="size")
    return means.reset_index()


def named_in_speeches(store: Path, icews_years: pd.DataFrame, min_events: int = MIN_EVENTS) -> pd.Series:
    """For each ICEWS dyad-year with ``min_events`` events, how often the source's speeches of that year
    name the target: the most rows any reading of the speeches can give it."""
    articles = read_table(store, "articles", ["article_id", "author_actor", "date"])
    mentions = read_table(store, "mentions", ["article_id", "actor"]).merge(articles, on="article_id")
    counts = mentions.assign(year=mentions["date"].dt.year).groupby(["author_actor", "actor", "year"]).size()
    busy = icews_years[icews_years["events"] >= min_events]
    keys = zip(busy["source_actor"], busy["target_actor"], busy["year"])
    return pd.Series([int(counts.get(key, 0)) for key in keys], index=busy.index, dtype="int64")


def spearman(left: pd.Series, right: pd.Series) -> float:
    """Spearman's rho: Pearson's correlation of the average ranks (NaN under three pairs)."""
    if len(left) < 3:
        return float("nan")
    return float(np.corrcoef(left.rank().to_numpy(), right.rank().to_numpy())[0, 1])


@dataclass
class Comparison:
    """The dyad-years both sides cover and their rank agreement."""

    dyad_years: pd.DataFrame
    """source_actor, target_actor, year, ours, rows, icews, events, rank_gap (difference of the
    fractional ranks, 0–1), largest gap first."""
    rho: float


def compare(our_years: pd.DataFrame, icews_years: pd.DataFrame, min_rows: int = MIN_ROWS,
            min_events: int = MIN_EVENTS) -> Comparison:
    """Join the dyad-years with at least ``min_rows`` of our rows and ``min_events`` ICEWS events."""
    joined = our_years[our_years["rows"] >= min_rows].merge(
        icews_years[icews_years["events"] >= min_events], on=["source_actor", "target_actor", "year"])
    gap = (joined["ours"].rank(pct=True) - joined["icews"].rank(pct=True)).abs()
    joined = joined.assign(rank_gap=gap).sort_values("rank_gap", ascending=False, ignore_index=True)
    return Comparison(joined, spearman(joined["ours"], joined["icews"]))


def evidence(rows: pd.DataFrame, dyad_year, limit: int = 3) -> pd.DataFrame:
    """Our rows of one dyad-year that pull its mean most (strongest scores of the mean's sign)."""
    mine = rows[(rows["source_actor"] == dyad_year.source_actor) & (rows["target_actor"] == dyad_year.target_actor)
                & (rows["year"] == dyad_year.year)]
    sign = 1 if dyad_year.ours >= 0 else -1
    return mine.sort_values("score", key=lambda score: -sign * score).head(limit)
