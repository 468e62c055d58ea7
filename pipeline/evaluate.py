"""Evaluation command: ``python -m pipeline.evaluate [--shared DIR]``.

Prints the seed-article checks, NewsMTSC macro-F1 (3 classes) and PolNeAR speaker accuracy on
direct quotes, each from the data under ``DIR`` (default ``../shared``); parts whose data is absent
are skipped with the reason.
"""

import argparse
import sys
from pathlib import Path

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


SECTIONS = {"seed": (_seed, "seed/gold.json"), "newsmtsc": (_newsmtsc, "data/newsmtsc/original/devtest_rw.jsonl"),
            "polnear": (_polnear, "data/polnear/polnear_attributions.jsonl.gz")}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="folder holding seed/ and data/")
    parser.add_argument("--only", choices=sorted(SECTIONS), action="append", help="run only these parts")
    args = parser.parse_args(argv)
    for name in args.only or SECTIONS:
        run, needed = SECTIONS[name]
        if not (args.shared / needed).exists():
            print(f"{name}: skipped — {args.shared / needed} is absent")
            continue
        run(args.shared)
    return 0


if __name__ == "__main__":
    sys.exit(main())
