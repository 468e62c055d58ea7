"""Labelled examples of the relation model from analysts' corrections (``pipeline.corrections``).

Each active correction names a stored dyad row; its example is the first sentence of the row's evidence
that names both actors (their mentions in the store), with the earlier mention as p, labelled with what
the analyst says holds: the corrected direction and sign for ``wrong_direction`` and ``wrong_sign``,
``none`` for ``not_relation``. A ``wrong_speaker`` correction says who did not speak, not who did, and a
co-mention has no direction to correct: both are skipped with their reason, as is a correction whose row
or sentence the store no longer holds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipeline import corrections
from pipeline.relations.events import load_event_lexicon
from pipeline.relations.model import CLASSES, Example
from pipeline.relations.parse import parse_pairs
from pipeline.store import open_partitioned

SKIPPED_COLUMNS = ["correction_id", "reason"]


def correction_examples(store_dir: str | Path) -> tuple[list[Example], np.ndarray, pd.DataFrame]:
    """The examples and labels (indices of CLASSES) of the store's active corrections, and the corrections
    skipped (SKIPPED_COLUMNS)."""
    active = corrections.active(store_dir)
    version = open_partitioned(store_dir)
    months = sorted(set(active["date"].dt.strftime("%Y-%m")))
    rows = version.read("dyads", [*corrections.IDENTITY, "kind", "score"], months).merge(
        active[[*corrections.IDENTITY, "correction_id", "verdict"]], on=corrections.IDENTITY)
    sentences = version.read("sentences", ["article_id", "start", "end", "text"], months)
    mentions = version.read("mentions", ["article_id", "start", "end", "actor"], months)
    texts, spans, labels, skipped = [], [], [], []
    for correction_id in active["correction_id"]:
        found = rows[rows["correction_id"] == correction_id]
        if found.empty:
            skipped.append((correction_id, "no longer matches a stored row"))
            continue
        row = found.iloc[0]
        label, reason = _label(row)
        example = _sentence(row, sentences, mentions) if reason is None else None
        if example is None:
            skipped.append((correction_id, reason or "no sentence of the evidence names both actors"))
            continue
        text, p, q, p_is_source = example
        texts.append(text)
        spans.append((p, q))
        labels.append(_class(label, p_is_source))
    examples: list[Example] = parse_pairs(texts, spans, load_event_lexicon())
    return examples, np.array(labels, dtype=np.int64), pd.DataFrame(skipped, columns=SKIPPED_COLUMNS)


def _label(row: pd.Series) -> tuple[tuple[str, str] | None, str | None]:
    """(direction "source→target" or "target→source", sign) or None for ``none``; or the reason to skip."""
    verdict = row["verdict"]
    if verdict == "not_relation":
        return None, None
    if verdict == "wrong_speaker":
        return None, "a wrong speaker does not say who spoke"
    if row["kind"] == "comention":
        return None, "a co-mention has no direction to correct"
    score = -row["score"] if verdict == "wrong_sign" else row["score"]
    if score == 0:
        return None, "the corrected score has no sign"
    direction = "target→source" if verdict == "wrong_direction" else "source→target"
    return (direction, "positive" if score > 0 else "negative"), None


def _sentence(row: pd.Series, sentences: pd.DataFrame, mentions: pd.DataFrame,
              ) -> tuple[str, tuple[int, int], tuple[int, int], bool] | None:
    """The first sentence overlapping the row's evidence that names both actors: its text, the spans (in it)
    of the earlier mention p and the later q, and whether p is the source actor."""
    inside = sentences[(sentences["article_id"] == row["article_id"]) & (sentences["start"] < row["end"])
                       & (sentences["end"] > row["start"])].sort_values("start")
    named = mentions[mentions["article_id"] == row["article_id"]]
    for sentence in inside.itertuples():
        within = named[(named["start"] >= sentence.start) & (named["end"] <= sentence.end)].sort_values("start")
        source = within[within["actor"] == row["source_actor"]]
        target = within[within["actor"] == row["target_actor"]]
        if source.empty or target.empty:
            continue
        first_source, first_target = source.iloc[0], target.iloc[0]
        p, q = sorted([first_source, first_target], key=lambda mention: mention["start"])
        spans = [(int(m["start"]) - sentence.start, int(m["end"]) - sentence.start) for m in (p, q)]
        return sentence.text, spans[0], spans[1], p["actor"] == row["source_actor"]
    return None


def _class(label: tuple[str, str] | None, p_is_source: bool) -> int:
    if label is None:
        return CLASSES.index("none")
    direction, sign = label
    arrow = "p→q" if (direction == "source→target") == p_is_source else "q→p"
    return CLASSES.index(f"{arrow} {sign}")
