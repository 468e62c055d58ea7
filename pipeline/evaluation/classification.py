"""Macro-F1, accuracy, per-class F1 and confusion matrix of class predictions (shared by the evaluations)."""

import numpy as np


def class_metrics(gold: np.ndarray, predicted: np.ndarray, classes: tuple[str, ...]) -> dict:
    """Figures for two arrays of indices into ``classes``; ``n`` is the number of examples."""
    size = len(classes)
    confusion = np.bincount(np.asarray(gold) * size + np.asarray(predicted), minlength=size * size).reshape(size, size)
    true_positives = np.diag(confusion)
    denominators = confusion.sum(axis=0) + confusion.sum(axis=1)
    f1 = np.divide(2 * true_positives, denominators, out=np.zeros(size), where=denominators > 0)
    return {
        "n": int(confusion.sum()),
        "macro_f1": round(float(f1.mean()), 4),
        "accuracy": round(float(true_positives.sum() / max(confusion.sum(), 1)), 4),
        "f1": {label: round(float(value), 4) for label, value in zip(classes, f1)},
        "confusion": {label: dict(zip(classes, map(int, row))) for label, row in zip(classes, confusion)},
    }
