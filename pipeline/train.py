"""Training command: ``python -m pipeline.train relations [--shared DIR] [--out PATH] [--corrections DATASET]``.

``relations`` fits the relation model (:mod:`pipeline.relations.model`) on DSE's train split under
``DIR/data/dse`` (default ``../shared``): a multinomial logistic regression with balanced class
weights over features hashed into HASH_BUCKETS rows. The regularisation C (from :data:`C_GRID`)
and per-class bias offsets (coordinate ascent over :data:`BIAS_GRID`) are those with the best
macro-F1 on valid; the test split is only reported. The bucket count (2^17 over 2^18) and the
balanced class weights (over square-root-balanced and none) were likewise chosen on valid.
Weights are centred per row, stored as float16 and written with fixed zip timestamps, so two runs
write the same bytes.

``--corrections DATASET`` (or ``--store DIR``) adds the dataset's analysts' corrections to the train
split as labelled examples (:mod:`pipeline.relations.feedback`); the model is then written to ``--out``,
which must be given, so that the shipped model stays as it is unless asked.
"""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from pipeline import datasets
from pipeline.corrections import CorrectionError
from pipeline.evaluation.directed_sentiment import SPLITS, DSEError, metrics, parse_examples, read_dse
from pipeline.relations.feedback import correction_examples
from pipeline.relations.model import (
    CLASSES,
    DEFAULT_MODEL,
    Example,
    hashed_features,
    load_model,
    write_model,
)
from pipeline.score import default_lexicon

DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared"
HASH_BUCKETS = 2 ** 17
C_GRID = (0.25, 0.5, 1.0)
BIAS_GRID = np.round(np.arange(-3.0, 3.01, 0.1), 1)
BIAS_ROUNDS = 3
MAX_ITERATIONS = 5000


def feature_matrix(examples: Sequence[Example], buckets: int = HASH_BUCKETS) -> sparse.csr_matrix:
    """Examples × hashed features (values of colliding features add up, as at inference)."""
    rows, columns, values = [], [], []
    for row, example in enumerate(examples):
        indices, example_values = hashed_features(example, buckets)
        rows.extend([row] * len(indices))
        columns.extend(indices)
        values.extend(example_values)
    return sparse.csr_matrix((values, (rows, columns)), shape=(len(examples), buckets), dtype=np.float64)


def fit(features: sparse.csr_matrix, labels: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray]:
    """Centred weights (features × classes) and intercepts of a balanced multinomial logistic regression."""
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=MAX_ITERATIONS)
    model.fit(features, labels)
    weights = np.zeros((features.shape[1], len(CLASSES)))
    weights[:, model.classes_] = model.coef_.T
    intercept = np.full(len(CLASSES), -np.inf)
    intercept[model.classes_] = model.intercept_
    weights -= weights.mean(axis=1, keepdims=True)
    return weights, intercept - intercept[np.isfinite(intercept)].mean()


def tune_bias(logits: np.ndarray, gold: np.ndarray) -> tuple[np.ndarray, float]:
    """Per-class offsets (none fixed at 0) maximising macro-F1, by coordinate ascent over BIAS_GRID."""
    bias = np.zeros(len(CLASSES))
    best = metrics(gold, logits.argmax(axis=1))["macro_f1"]
    for _ in range(BIAS_ROUNDS):
        for label in range(1, len(CLASSES)):
            for offset in BIAS_GRID:
                trial = bias.copy()
                trial[label] = offset
                macro_f1 = metrics(gold, (logits + trial).argmax(axis=1))["macro_f1"]
                if macro_f1 > best:
                    best, bias = macro_f1, trial
    return bias, best


def train_relation_weights(train: tuple[Sequence[Example], np.ndarray], valid: tuple[Sequence[Example], np.ndarray],
                           c_grid: Sequence[float] = C_GRID, buckets: int = HASH_BUCKETS) -> dict:
    """Fit on ``train`` for every C, choose C and the bias offsets on ``valid``: the weights, the
    bias and the valid macro-F1 of the choice."""
    train_features, valid_features = feature_matrix(train[0], buckets), feature_matrix(valid[0], buckets)
    best: dict = {"valid_macro_f1": -1.0}
    for c in c_grid:
        weights, intercept = fit(train_features, train[1], c)
        offsets, macro_f1 = tune_bias(valid_features @ weights + intercept, valid[1])
        print(f"C={c}: valid macro-F1 {macro_f1:.4f} with class offsets {offsets.tolist()}", flush=True)
        if macro_f1 > best["valid_macro_f1"]:
            best = {"c": c, "weights": weights, "bias": intercept + offsets, "valid_macro_f1": macro_f1}
    return best


def train_relations(dse_directory: Path, out: Path, corrections_store: Path | None = None,
                    c_grid: Sequence[float] = C_GRID) -> dict:
    """Train on DSE (plus the corrections of ``corrections_store`` in train), write the model to ``out``,
    and return its metrics on valid and test (and how many corrections it learnt from)."""
    frames = {split: read_dse(dse_directory, split) for split in SPLITS}
    print(f"parsing {sum(map(len, frames.values()))} DSE sentences", flush=True)
    examples = {split: parse_examples(frame) for split, frame in frames.items()}
    labels = {split: frame["label"].to_numpy() for split, frame in frames.items()}
    added = 0
    if corrections_store is not None:
        extra, extra_labels, skipped = correction_examples(corrections_store)
        examples["train"] = examples["train"] + extra
        labels["train"] = np.concatenate([labels["train"], extra_labels])
        added = len(extra)
        print(f"added {added} examples from the corrections of {corrections_store}; skipped {len(skipped)}"
              + "".join(f"\n    {row.correction_id}: {row.reason}" for row in skipped.itertuples()), flush=True)
    best = train_relation_weights((examples["train"], labels["train"]), (examples["valid"], labels["valid"]),
                                  c_grid)
    version = write_model(out, best["weights"], best["bias"], default_lexicon().version)
    model = load_model(out)
    results = {split: metrics(labels[split], model.predict(examples[split])) for split in ("valid", "test")}
    print(f"chose C={best['c']}; wrote {out} ({out.stat().st_size / 1e6:.2f} MB, {version})")
    for split, result in results.items():
        per_class = "  ".join(f"{label} {f1:.3f}" for label, f1 in result["f1"].items())
        print(f"DSE {split:5} macro-F1 {result['macro_f1']:.4f}  accuracy {result['accuracy']:.4f}  "
              f"(n={result['n']})  F1: {per_class}")
    return {"version": version, "c": best["c"], "corrections": added, **results}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.train", description=__doc__.splitlines()[0])
    parser.add_argument("model", choices=["relations"], help="what to train")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="folder holding data/dse")
    parser.add_argument("--out", type=Path, help=f"where to write the weights (default {DEFAULT_MODEL})")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--corrections", metavar="DATASET", help="add this dataset's corrections to train")
    source.add_argument("--store", type=Path, help="add the corrections of the store in DIR to train")
    args = parser.parse_args(argv)
    try:
        store = datasets.dataset_dir(args.corrections) if args.corrections else args.store
        if store is not None and args.out is None:
            parser.error("--out is required with --corrections or --store (the shipped model stays as it is)")
        train_relations(args.shared / "data" / "dse", args.out or DEFAULT_MODEL, store)
    except (CorrectionError, DSEError, FileNotFoundError, ValueError) as error:
        print(f"error: {str(error).splitlines()[0]}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
