"""NewsMTSC benchmark of `pipeline.score.score_target`: macro-F1, accuracy and confusion matrix.

Reads `<dir>/original/<split>.jsonl` (one sentence a line, `sentence_normalized` and
`targets[{from, to, polarity}]`; polarity 2.0/4.0/6.0 = negative/neutral/positive per the dataset's
readme). `to` is exclusive: every mention equals `sentence[from:to]` in all three splits, although the
readme calls it the last character. Scope weights and thresholds are tuned on `train` only.

    python -m pipeline.evaluation.target_sentiment ../shared/data/newsmtsc          # all splits
    python -m pipeline.evaluation.target_sentiment ../shared/data/newsmtsc --tune   # scope, thresholds from train
    python -m pipeline.evaluation.target_sentiment ../shared/data/newsmtsc --speed  # sentences/s vs bare VADER
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from pipeline.evaluation.classification import class_metrics
from pipeline.score import (
    DEFAULT_SCOPE,
    NEGATIVE_THRESHOLD,
    POSITIVE_THRESHOLD,
    Scope,
    score_target,
    score_text,
)

CLASSES = ("negative", "neutral", "positive")
POLARITY_CLASSES = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}
SPLITS = ("train", "devtest_rw", "devtest_mt")
THRESHOLD_GRID = np.round(np.arange(0.0, 0.61, 0.01), 2)
SCOPE_GRID = [Scope(outside, speaker_outside)
              for outside in (0.2, 0.3, 0.4) for speaker_outside in (0.0, 0.05, 0.1, 0.15)]


class NewsMTSCError(ValueError):
    """A NewsMTSC file that is missing or does not follow the documented format."""


def read_targets(directory: Path | str, split: str) -> pd.DataFrame:
    """One row per target: sentence, start, end, gold class; errors name file and line."""
    path = Path(directory) / "original" / f"{split}.jsonl"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise NewsMTSCError(f"{path}: cannot read ({error.strerror})") from None
    rows = []
    for number, line in enumerate(lines, start=1):
        try:
            record = json.loads(line)
            sentence = record["sentence_normalized"]
            for target in record["targets"]:
                start, end = int(target["from"]), int(target["to"])
                if not 0 <= start < end <= len(sentence):
                    raise ValueError(f"target {start}:{end} outside the sentence")
                rows.append((sentence, start, end, POLARITY_CLASSES[float(target["polarity"])]))
        except json.JSONDecodeError as error:
            raise NewsMTSCError(f"{path}:{number}: not JSON ({error.msg})") from None
        except KeyError as error:
            raise NewsMTSCError(f"{path}:{number}: missing or unknown value {error}") from None
        except (TypeError, ValueError) as error:
            raise NewsMTSCError(f"{path}:{number}: {error}") from None
    return pd.DataFrame(rows, columns=["sentence", "start", "end", "gold"])


def score_targets(targets: pd.DataFrame, scope: Scope = DEFAULT_SCOPE) -> np.ndarray:
    """`score_target` of every row."""
    return np.array([score_target(sentence, start, end, scope=scope).score
                     for sentence, start, end in zip(targets["sentence"], targets["start"], targets["end"])])


def classify(scores: np.ndarray, negative_threshold: float, positive_threshold: float) -> np.ndarray:
    """Class index into CLASSES: ≤ negative_threshold negative, ≥ positive_threshold positive, else neutral."""
    return np.where(scores <= negative_threshold, 0, np.where(scores >= positive_threshold, 2, 1))


def metrics(gold: np.ndarray, predicted: np.ndarray) -> dict:
    """Macro-F1 over CLASSES, accuracy, per-class F1 and the gold × predicted confusion matrix."""
    figures = class_metrics(gold, predicted, CLASSES)
    return {"targets": figures.pop("n"), **figures}


def gold_classes(targets: pd.DataFrame) -> np.ndarray:
    """Gold class indices into CLASSES."""
    return pd.Categorical(targets["gold"], CLASSES).codes.astype(int)


def evaluate_newsmtsc(path_to_newsmtsc_dir: Path | str, split: str = "devtest_rw") -> dict:
    """Score every target of `split` with the tuned scope and thresholds of `pipeline.score`."""
    targets = read_targets(path_to_newsmtsc_dir, split)
    predicted = classify(score_targets(targets), NEGATIVE_THRESHOLD, POSITIVE_THRESHOLD)
    return {"split": split, **metrics(gold_classes(targets), predicted)}


def tune(path_to_newsmtsc_dir: Path | str) -> dict:
    """Scope from SCOPE_GRID and thresholds from THRESHOLD_GRID maximising macro-F1 on train.jsonl."""
    targets = read_targets(path_to_newsmtsc_dir, "train")
    gold = gold_classes(targets)
    best = {"macro_f1": -1.0}
    for scope in SCOPE_GRID:
        scores = score_targets(targets, scope)
        for negative in -THRESHOLD_GRID:
            for positive in THRESHOLD_GRID:
                macro_f1 = metrics(gold, classify(scores, negative, positive))["macro_f1"]
                if macro_f1 > best["macro_f1"]:
                    best = {"scope": scope, "negative_threshold": float(negative),
                            "positive_threshold": float(positive), "macro_f1": macro_f1}
    return best


def speed(path_to_newsmtsc_dir: Path | str, split: str = "train", repeats: int = 5) -> dict:
    """Sentences per CPU second of this process (best of `repeats` interleaved runs, so other load on
    the machine matters less): score_target per target, score_text and VADER's own
    `polarity_scores` (its lexicon only) per distinct sentence."""
    targets = read_targets(path_to_newsmtsc_dir, split)
    rows = list(zip(targets["sentence"], targets["start"], targets["end"]))
    sentences = targets["sentence"].drop_duplicates().tolist()
    analyzer = SentimentIntensityAnalyzer()
    runs = {
        "score_target": lambda: [score_target(sentence, start, end) for sentence, start, end in rows],
        "score_text": lambda: [score_text(sentence) for sentence in sentences],
        "vader_polarity_scores": lambda: [analyzer.polarity_scores(sentence) for sentence in sentences],
    }
    counts = {"score_target": len(rows), "score_text": len(sentences), "vader_polarity_scores": len(sentences)}
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            began = time.process_time()
            run()
            seconds[name].append(time.process_time() - began)
    return {name: round(counts[name] / min(times)) for name, times in seconds.items()}


def main(argv: list[str] | None = None) -> int:
    """Print the figures of every split, or what --tune finds on train, or --speed's rates."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path, help="NewsMTSC folder holding original/<split>.jsonl")
    parser.add_argument("--tune", action="store_true", help="search scope weights and class thresholds on train.jsonl")
    parser.add_argument("--speed", action="store_true", help="sentences per second on train.jsonl")
    args = parser.parse_args(argv)
    try:
        if args.tune:
            best = tune(args.directory)
            print(f"DEFAULT_SCOPE = {best['scope']}\nNEGATIVE_THRESHOLD = {best['negative_threshold']}\n"
                  f"POSITIVE_THRESHOLD = {best['positive_threshold']}\ntrain macro-F1 {best['macro_f1']:.4f}")
            return 0
        if args.speed:
            for name, rate in speed(args.directory).items():
                print(f"{name}: {rate} sentences/s")
            return 0
        for split in SPLITS:
            result = evaluate_newsmtsc(args.directory, split)
            print(f"{split}: macro-F1 {result['macro_f1']:.4f}  accuracy {result['accuracy']:.4f}  "
                  f"n={result['targets']}  F1 {result['f1']}  confusion (gold→predicted) {result['confusion']}")
    except NewsMTSCError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
