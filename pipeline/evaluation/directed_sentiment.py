"""DSE benchmark of the relation model: 5-class macro-F1 of who is positive or negative toward whom.

DSE (Park, Pan & Joo, Findings of ACL 2021) has one sentence a row with its two entities in square
brackets, tab-separated with no header: ``sentence, p, q, label`` in ``original/<split>.tsv``.
Labels are the indices of :data:`pipeline.relations.model.CLASSES`. The shipped weights were fitted
on train with every choice made on valid (``python -m pipeline.train relations``).

    python -m pipeline.evaluation.directed_sentiment ../shared/data/dse              # test
    python -m pipeline.evaluation.directed_sentiment ../shared/data/dse --split valid
    python -m pipeline.evaluation.directed_sentiment ../shared/data/dse --speed   # pairs/s, parse excluded
"""

import argparse
import csv
import json
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.evaluation.classification import class_metrics
from pipeline.relations.events import load_event_lexicon
from pipeline.relations.model import CLASSES, Example, RelationModel, load_model
from pipeline.relations.parse import parse_pairs

SPLITS = ("train", "valid", "test")
_BRACKETED = re.compile(r"\[([^\[\]]*)\]")


class DSEError(ValueError):
    """A DSE file that is missing or does not follow the documented format."""


def unbracket(sentence: str) -> tuple[str, tuple[int, int], tuple[int, int]]:
    """The sentence without the two entities' brackets, and the entities' character spans in it."""
    matches = list(_BRACKETED.finditer(sentence))
    if len(matches) != 2:
        raise ValueError(f"{len(matches)} bracketed entities instead of 2")
    pieces, spans, previous_end = [], [], 0
    for match in matches:
        pieces.append(sentence[previous_end:match.start()])
        start = sum(map(len, pieces))
        pieces.append(match.group(1))
        spans.append((start, start + len(match.group(1))))
        previous_end = match.end()
    pieces.append(sentence[previous_end:])
    return "".join(pieces), spans[0], spans[1]


def read_dse(directory: Path | str, split: str) -> pd.DataFrame:
    """One row per sentence: text (brackets removed), p and q spans, label; errors name file and line."""
    path = Path(directory) / "original" / f"{split}.tsv"
    try:
        raw = pd.read_csv(path, sep="\t", header=None, quoting=csv.QUOTE_NONE, dtype=str, keep_default_na=False,
                          names=["sentence", "p", "q", "label"])
    except OSError as error:
        raise DSEError(f"{path}: cannot read ({error.strerror})") from None
    rows = []
    for number, (sentence, label) in enumerate(zip(raw["sentence"], raw["label"]), start=1):
        try:
            text, p, q = unbracket(sentence)
            label = int(label)
            if not 0 <= label < len(CLASSES):
                raise ValueError(f"label {label} is not one of 0–{len(CLASSES) - 1}")
        except ValueError as error:
            raise DSEError(f"{path}:{number}: {error}") from None
        rows.append((text, *p, *q, label))
    return pd.DataFrame(rows, columns=["text", "p_start", "p_end", "q_start", "q_end", "label"])


def parse_examples(frame: pd.DataFrame) -> list[Example]:
    """Parse every row of :func:`read_dse` (headline casing fixed outside the entities) into examples."""
    spans = [((p0, p1), (q0, q1)) for p0, p1, q0, q1 in
             zip(frame["p_start"], frame["p_end"], frame["q_start"], frame["q_end"])]
    return parse_pairs(frame["text"].tolist(), spans, load_event_lexicon())


def metrics(gold: np.ndarray, predicted: np.ndarray) -> dict:
    """Macro-F1 over CLASSES, accuracy, per-class F1 and the gold × predicted confusion matrix."""
    return class_metrics(gold, predicted, CLASSES)


def evaluate_dse(directory: Path | str, split: str = "test", model: RelationModel | None = None) -> dict:
    """Metrics of the shipped relation model (or ``model``) on one DSE split."""
    model = model or load_model()
    frame = read_dse(directory, split)
    predicted = model.predict(parse_examples(frame))
    return {"split": split, "model": model.version, **metrics(frame["label"].to_numpy(), predicted)}


def speed(directory: Path | str, split: str = "test", repeats: int = 3) -> dict:
    """Pairs per CPU second of ``predict_proba`` on already parsed examples (best of ``repeats``)."""
    model = load_model()
    examples = parse_examples(read_dse(directory, split))
    seconds = []
    for _ in range(repeats):
        began = time.process_time()
        model.predict_proba(examples)
        seconds.append(time.process_time() - began)
    return {"split": split, "pairs": len(examples), "pairs_per_second": round(len(examples) / min(seconds))}


def main(argv: list[str] | None = None) -> int:
    """Print the metrics of one split (or the inference speed) as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path, nargs="?", default=Path(__file__).resolve().parents[3]
                        / "shared" / "data" / "dse", help="DSE folder holding original/<split>.tsv")
    parser.add_argument("--split", choices=SPLITS, default="test")
    parser.add_argument("--speed", action="store_true", help="pairs per second of inference, parse excluded")
    args = parser.parse_args(argv)
    try:
        result = speed(args.directory, args.split) if args.speed else evaluate_dse(args.directory, args.split)
        print(json.dumps(result, indent=2, ensure_ascii=False))
    except DSEError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
