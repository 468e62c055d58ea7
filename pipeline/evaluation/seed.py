"""Checks of the whole analysis chain against the hand-annotated seed article (``shared/seed``).

The article's text and annotation stay in ``shared/``; this module only reads them.
"""

import json
from pathlib import Path

import pandas as pd

from pipeline.analyse import analyse


def load_seed(seed_dir: Path | str) -> tuple[pd.DataFrame, dict]:
    """The seed article as a one-row canonical article table, and its gold annotation."""
    seed_dir = Path(seed_dir)
    gold = json.loads((seed_dir / "gold.json").read_text(encoding="utf-8"))
    meta = gold["article"]
    articles = pd.DataFrame({
        "article_id": [meta["id"]], "date": [pd.Timestamp(meta["date"], tz="UTC")], "title": [meta["title"]],
        "text": [(seed_dir / "article.txt").read_text(encoding="utf-8")], "source": [meta["source"]],
        "url": [meta["url"]],
    })
    return articles, gold


def _occurrences(text: str, surface: str) -> list[tuple[int, int]]:
    spans, at = [], text.find(surface)
    while at >= 0:
        spans.append((at, at + len(surface)))
        at = text.find(surface, at + 1)
    return spans


def _overlapping(frame: pd.DataFrame, start: int, end: int, start_col="start", end_col="end") -> pd.DataFrame:
    return frame[(frame[start_col] < end) & (frame[end_col] > start)]


def check_mentions(text: str, mentions: pd.DataFrame, gold: dict) -> dict:
    """Gold mentions found with the right actor (any occurrence), and look-alikes wrongly resolved."""
    def found(m: dict) -> bool:
        spans = _occurrences(text, m["surface"])
        return any((_overlapping(mentions, s, e)["actor"] == m["actor"]).any() for s, e in spans)

    missed = [m["surface"] for m in gold["mentions"] if not found(m)]
    required = [n for n in gold["not_actors"] if "tolerated" not in n["why"]]
    inside = [
        n["surface"] for n in required for s, e in _occurrences(text, n["surface"])
        if mentions[(mentions["start"] >= s) & (mentions["end"] <= e)]["actor"].notna().any()
    ]
    false_actors = list(dict.fromkeys(inside))
    return {"mentions_found": len(gold["mentions"]) - len(missed), "mentions_total": len(gold["mentions"]),
            "mentions_missed": missed, "lookalikes_resolved": false_actors}


def check_quotes(text: str, quotes: pd.DataFrame, gold: dict) -> dict:
    """Gold quotes whose covering quote has the gold speaker actor."""
    wrong = []
    for q in gold["quotes"]:
        start = text.find(q["text"])
        found = _overlapping(quotes, start, start + len(q["text"]))
        if found.empty or found["speaker_actor"].iloc[0] != q["speaker_actor"]:
            got = "no quote" if found.empty else f"{found['speaker'].iloc[0]!r} → {found['speaker_actor'].iloc[0]}"
            wrong.append(f"{q['text'][:40]!r}: {got}")
    return {"quotes_right": len(gold["quotes"]) - len(wrong), "quotes_total": len(gold["quotes"]),
            "quotes_wrong": wrong}


def check_dyad_signs(dyads: pd.DataFrame, gold: dict) -> dict:
    """Sign of each gold directed pair's mean score in the article."""
    means = dyads.groupby(["source_actor", "target_actor"])["score"].mean()
    results = []
    for d in gold["dyad_signs"]:
        mean = means.get((d["source"], d["target"]))
        right = mean is not None and ((mean > 0) if d["sign"] == "+" else (mean < 0))
        results.append({"pair": f"{d['source']}→{d['target']}", "expected": d["sign"],
                        "mean": None if mean is None else round(float(mean), 3), "right": bool(right)})
    return {"dyad_signs_right": sum(r["right"] for r in results), "dyad_signs_total": len(results),
            "dyad_signs": results}


def evaluate_seed(seed_dir: Path | str) -> dict:
    """All seed-article checks on one run of the analysis chain."""
    articles, gold = load_seed(seed_dir)
    tables = analyse(articles)
    text = articles["text"].iloc[0]
    return {**check_mentions(text, tables["mentions"], gold), **check_quotes(text, tables["quotes"], gold),
            **check_dyad_signs(tables["dyads"], gold)}
