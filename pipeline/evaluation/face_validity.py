"""Face validity on a year of real headlines: do the monthly means of well-known pairs have the sign
an analyst expects? (``shared/data/rss_news_headlines``, 2023 file by default.)

The file is read and validated as ``python -m pipeline run`` would, analysed in chunks, and the
directed dyads (co-mentions left out) of each pair are averaged per calendar month.

``python -m pipeline.evaluation.face_validity [FILE] [--pairs USA>UKR RUS>UKR] [--sample N]``
"""

import argparse
import sys
from pathlib import Path

import pandas as pd

from pipeline.analyse import analyse
from pipeline.load import load_input
from pipeline.validate import validate

DEFAULT_FILE = (Path(__file__).resolve().parents[2].parent / "shared" / "data" / "rss_news_headlines"
                / "rss_news_2023_international.csv.gz")
DEFAULT_PAIRS = ("USA>UKR", "RUS>UKR", "UKR>RUS")
CHUNK = 5000


def directed_dyads(path: Path | str, sample: int | None = None) -> pd.DataFrame:
    """The directed dyads of every valid article of ``path`` (a random ``sample`` of them if given)."""
    articles, _ = validate(load_input(path))
    if sample:
        articles = articles.sample(min(sample, len(articles)), random_state=7)
    parts = [analyse(articles.iloc[i:i + CHUNK])["dyads"] for i in range(0, len(articles), CHUNK)]
    dyads = pd.concat(parts, ignore_index=True)
    return dyads[dyads["kind"] != "comention"]


def monthly_means(dyads: pd.DataFrame, pairs: tuple[str, ...]) -> pd.DataFrame:
    """Mean score and row count per month (rows) for each ``SRC>TGT`` pair (columns)."""
    month = dyads["date"].dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("M")
    label = dyads["source_actor"] + ">" + dyads["target_actor"]
    wanted = label.isin(pairs)
    table = dyads[wanted].assign(month=month[wanted], pair=label[wanted])
    return table.groupby(["month", "pair"])["score"].agg(["mean", "count"]).unstack("pair")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.evaluation.face_validity",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--pairs", nargs="+", default=list(DEFAULT_PAIRS))
    parser.add_argument("--sample", type=int, help="analyse only this many random articles")
    args = parser.parse_args(argv)
    table = monthly_means(directed_dyads(args.file, args.sample), tuple(args.pairs))
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.round(3).to_string())
    for pair in args.pairs:
        if ("mean", pair) not in table:
            print(f"{pair}: no rows")
            continue
        means = table[("mean", pair)].dropna()
        print(f"{pair}: {int((means > 0).sum())} months positive, {int((means < 0).sum())} negative"
              f" of {len(means)}; {int(table[('count', pair)].sum())} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
