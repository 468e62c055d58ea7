"""ICEWS events as directed actor-pair events, and their conversion into the dashboard's external
events format (see ``pipeline.dashboard.external``).

``python -m pipeline.icews ICEWS_FILE [--out data/events_external/icews.csv.gz]`` reads an ICEWS
sample with ``date, source_country, target_country, goldstein`` columns (as in
``shared/data/icews_tkg_sample/icews_tkg_events_2005_2015_sample.csv.gz``), maps the country names to
dictionary ids and writes ``date, source, target, goldstein``, one row per event between two
different actors; the names that map to no actor are printed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from pipeline.actors import ActorDictionary, author_ids, load_dictionary

ICEWS_ALIASES = {"palestinian territory, occupied": "PSE", "congo": "COG"}
"""ICEWS country names that are neither a dictionary name nor an alias (case-folded) → actor id."""
EVENT_COLUMNS = ["date", "source", "target", "goldstein"]
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "data" / "events_external" / "icews.csv.gz"


def read_icews(path: Path, dictionary: ActorDictionary) -> tuple[pd.DataFrame, pd.Series]:
    """(events, unmapped): the events between two different mapped actors as EVENT_COLUMNS (UTC
    dates), and the country names that map to no actor with how often they occur."""
    events = pd.read_csv(path, usecols=["date", "source_country", "target_country", "goldstein"])
    ids = author_ids(dictionary) | ICEWS_ALIASES
    names = pd.concat([events["source_country"], events["target_country"]]).dropna()
    unmapped = names[~names.str.casefold().isin(ids)].value_counts()
    mapped = pd.DataFrame({
        "date": pd.to_datetime(events["date"], utc=True),
        "source": events["source_country"].str.casefold().map(ids),
        "target": events["target_country"].str.casefold().map(ids),
        "goldstein": events["goldstein"].astype(float),
    }).dropna()
    return mapped[mapped["source"] != mapped["target"]].reset_index(drop=True), unmapped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.icews", description=__doc__.splitlines()[0])
    parser.add_argument("icews_file", type=Path)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="default %(default)s")
    args = parser.parse_args(argv)
    try:
        events, unmapped = read_icews(args.icews_file, load_dictionary())
    except (OSError, ValueError) as error:  # missing file or columns, unparseable dates
        print(f"error: {args.icews_file}: {' '.join(str(error).split())}", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    events.assign(date=events["date"].dt.strftime("%Y-%m-%d")).to_csv(args.out, index=False)
    print(f"wrote {len(events)} events between {events['source'].nunique()} source actors to {args.out}")
    print(f"country names mapped to no actor ({len(unmapped)}): "
          + ", ".join(f"{name} {count}" for name, count in unmapped.head(20).items())
          + (" …" if len(unmapped) > 20 else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
