"""Evaluation command: ``python -m pipeline.evaluate [--shared DIR] [--only PART] [--errors]``.

Prints the seed-article checks, NewsMTSC macro-F1 (3 classes), PolNeAR speaker accuracy on direct
quotes, the whole chain on the dyads_dev development set (actor, directed-pair and dyad-with-sign
F1, quote speakers; ``--errors`` lists the items it gets wrong) and the face validity of a year of
headlines (monthly means of USA→UKR, RUS→UKR, UKR→RUS; several minutes), each from the data
under ``DIR`` (default ``../shared``); parts whose data is absent are skipped with the reason.
"""

import argparse
import sys
from pathlib import Path

from pipeline.evaluation import face_validity
from pipeline.evaluation.directed_dyads import evaluate_dyads_dev
from pipeline.evaluation.directed_sentiment import evaluate_dse
from pipeline.evaluation.quote_speakers import evaluate_polnear
from pipeline.evaluation.seed import evaluate_seed
from pipeline.evaluation.target_sentiment import evaluate_newsmtsc

DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared"


def _seed(shared: Path) -> None:
    result = evaluate_seed(shared / "seed")
    print(f"seed mentions found      {result['mentions_found']}/{result['mentions_total']}"
          f"  missed: {result['mentions_missed'] or '-'}")
    print(f"seed look-alikes as actor {len(result['lookalikes_resolved'])}  {result['lookalikes_resolved'] or ''}")
    print(f"seed quote speakers right {result['quotes_right']}/{result['quotes_total']}")
    for wrong in result["quotes_wrong"]:
        print(f"    wrong: {wrong}")
    print(f"seed dyad signs right     {result['dyad_signs_right']}/{result['dyad_signs_total']}")
    for d in result["dyad_signs"]:
        print(f"    {d['pair']:9} expected {d['expected']}  mean {d['mean']}  {'ok' if d['right'] else 'WRONG'}")


def _newsmtsc(shared: Path) -> None:
    for split in ("devtest_rw", "devtest_mt"):
        result = evaluate_newsmtsc(shared / "data" / "newsmtsc", split)
        print(f"NewsMTSC {split:10} macro-F1 {result['macro_f1']:.3f}  accuracy {result['accuracy']:.3f}"
              f"  (n={result['targets']})")


def _polnear(shared: Path) -> None:
    for split in ("dev", "test"):
        result = evaluate_polnear(shared / "data" / "polnear", split)
        print(f"PolNeAR {split:4} speaker accuracy (direct quotes) {result['speaker_accuracy']:.3f}"
              f"  quote recall {result['quote_recall']:.3f}  precision {result['quote_precision']:.3f}"
              f"  (gold direct quotes={result['gold_direct_quotes']})")


def _dev(shared: Path, errors: bool = False) -> None:
    result = evaluate_dyads_dev(shared / "data" / "dyads_dev")
    print(f"dyads_dev ({result['items']} items)")
    for name in ("actors", "directed_pairs", "dyad_sign"):
        figures = result[name]
        print(f"    {name:15} F1 {figures['f1']:.3f}  precision {figures['precision']:.3f}"
              f"  recall {figures['recall']:.3f}")
    speakers = result["quote_speakers"]
    print(f"    quote speakers  {speakers['right']}/{speakers['total']}")
    for error in result["errors"] if errors else []:
        print(f"  {error['id']}: {error['text'][:160]!r}")
        print(f"      gold  {', '.join(error['gold']) or '-'}")
        print(f"      found {', '.join(error['found']) or '-'}")
        for label in ("actors_missed", "actors_extra", "speakers_missed"):
            if error[label]:
                print(f"      {label.replace('_', ' ')}: {error[label]}")


def _rss(shared: Path) -> None:
    path = shared / "data" / "rss_news_headlines" / "rss_news_2023_international.csv.gz"
    table = face_validity.monthly_means(face_validity.directed_dyads(path), face_validity.DEFAULT_PAIRS)
    print("RSS 2023 monthly means of directed dyads (co-mentions left out)")
    for pair in face_validity.DEFAULT_PAIRS:
        if ("mean", pair) not in table:
            print(f"    {pair}: no rows")
            continue
        means = table[("mean", pair)].dropna()
        shown = " ".join(f"{m:+.2f}" for m in means)
        print(f"    {pair:8} {int((means > 0).sum()):2} months positive, {int((means < 0).sum()):2} negative"
              f" ({int(table[('count', pair)].sum())} rows): {shown}")


def _dse(shared: Path) -> None:
    for split in ("valid", "test"):
        result = evaluate_dse(shared / "data" / "dse", split)
        per_class = "  ".join(f"{label} {f1:.3f}" for label, f1 in result["f1"].items())
        print(f"DSE {split:5} macro-F1 {result['macro_f1']:.3f}  accuracy {result['accuracy']:.3f}  (n={result['n']})"
              f"  F1: {per_class}")


SECTIONS = {"seed": (_seed, "seed/gold.json"), "newsmtsc": (_newsmtsc, "data/newsmtsc/original/devtest_rw.jsonl"),
            "polnear": (_polnear, "data/polnear/polnear_attributions.jsonl.gz"),
            "dev": (_dev, "data/dyads_dev/dev.jsonl"),
            "rss": (_rss, "data/rss_news_headlines/rss_news_2023_international.csv.gz"),
            "dse": (_dse, "data/dse/original/test.tsv")}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="folder holding seed/ and data/")
    parser.add_argument("--only", choices=sorted(SECTIONS), action="append", help="run only these parts")
    parser.add_argument("--errors", action="store_true", help="list the dev items the chain gets wrong")
    args = parser.parse_args(argv)
    for name in args.only or SECTIONS:
        run, needed = SECTIONS[name]
        if not (args.shared / needed).exists():
            print(f"{name}: skipped — {args.shared / needed} is absent")
            continue
        run(args.shared, args.errors) if name == "dev" else run(args.shared)
    return 0


if __name__ == "__main__":
    sys.exit(main())
