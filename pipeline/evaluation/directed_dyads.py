"""The whole chain against ``dyads_dev``, the labelled in-domain development set (``shared/data/dyads_dev``).

Metrics follow the set's SOURCE.md, which is also how the held-out set is scored:

* actors — per item, the set of actors in the mentions table vs the gold ``actors``; micro P/R/F1;
* directed pairs — the (source, target) pairs with at least one directed dyad row (any kind but
  ``comention``) vs the gold pairs; micro F1;
* dyad + sign — per pair, the mean score of its rows, "+" above 0.05, "-" below -0.05, else "0",
  vs the gold (source, target, sign); micro F1;
* quote speakers — gold quotes with a ``speaker_actor``, right when a found quote whose normalised
  text contains (or is contained in) the gold text has that speaker actor.

``python -m pipeline.evaluation.directed_dyads [DIR] [--errors]`` prints the figures (and, with
``--errors``, every item whose pairs, signs or speakers differ from the gold).
"""

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

import pandas as pd

from pipeline.analyse import analyse

DEFAULT_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "dyads_dev"
SIGN_THRESHOLD = 0.05
_QUOTE_CHARS = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "`": "'"})
_SPACES = re.compile(r"\s+")
AUTHORS = {"kremlin": "RUS", "zelenskyy": "UKR"}
"""The releasing presidency of the press-release items: their author (as ``--author`` gives it on ingest)."""


def load_items(directory: Path | str = DEFAULT_DIR) -> tuple[pd.DataFrame, dict[str, dict]]:
    """The items as a canonical article table, and the gold labels by item id."""
    directory = Path(directory)
    gold = {}
    with open(directory / "dev.jsonl", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            gold[record["id"]] = record
    rows = []
    with open(directory / "texts.jsonl", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            rows.append({"article_id": record["id"], "date": pd.Timestamp(record["date"], tz="UTC"), "title": "",
                         "text": record["text"], "source": record["dataset"], "url": "",
                         "author_actor": AUTHORS.get(record["dataset"])})
    return pd.DataFrame(rows), gold


def sign_of(score: float) -> str:
    return "+" if score > SIGN_THRESHOLD else "-" if score < -SIGN_THRESHOLD else "0"


def _normalised(text: str) -> str:
    return _SPACES.sub(" ", text.translate(_QUOTE_CHARS)).strip().strip("\"'").strip().lower()


def _f1(found: int, predicted: int, expected: int) -> dict:
    precision = found / predicted if predicted else 0.0
    recall = found / expected if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def predicted_by_item(tables: dict[str, pd.DataFrame]) -> dict[str, dict]:
    """Per item: actors, directed pairs with their mean-score sign, and quotes with speaker actors."""
    out: dict[str, dict] = {}
    mentions = tables["mentions"].dropna(subset=["actor"])
    for item, actor in zip(mentions["article_id"], mentions["actor"]):
        out.setdefault(item, {}).setdefault("actors", set()).add(actor)
    dyads = tables["dyads"][tables["dyads"]["kind"] != "comention"]
    means = dyads.groupby(["article_id", "source_actor", "target_actor"])["score"].mean()
    for (item, source, target), score in means.items():
        out.setdefault(item, {}).setdefault("signs", {})[(source, target)] = sign_of(score)
    quotes = tables["quotes"]
    for item, text, actor in zip(quotes["article_id"], quotes["text"], quotes["speaker_actor"]):
        out.setdefault(item, {}).setdefault("quotes", []).append((_normalised(text), actor))
    return out


def _speaker_right(gold_quote: dict, found: list[tuple[str, object]]) -> bool:
    wanted = _normalised(gold_quote["text"])
    return any(actor == gold_quote["speaker_actor"] and (wanted in text or text in wanted)
               for text, actor in found if text)


def score_items(gold: dict[str, dict], predicted: dict[str, dict]) -> dict:
    """Micro figures over all items, and the per-item differences."""
    counts: Counter = Counter()
    errors = []
    for item, labels in gold.items():
        mine = predicted.get(item, {})
        gold_actors, my_actors = set(labels["actors"]), mine.get("actors", set())
        gold_signs = {}
        for dyad in labels["dyads"]:
            gold_signs.setdefault((dyad["source"], dyad["target"]), set()).add(dyad["sign"])
        my_signs = mine.get("signs", {})
        gold_triples = {(pair, sign) for pair, signs in gold_signs.items() for sign in signs}
        my_triples = set(my_signs.items())
        counts.update({
            "actor_tp": len(gold_actors & my_actors), "actor_pred": len(my_actors), "actor_gold": len(gold_actors),
            "pair_tp": len(gold_signs.keys() & my_signs.keys()), "pair_pred": len(my_signs),
            "pair_gold": len(gold_signs),
            "sign_tp": len(gold_triples & my_triples), "sign_pred": len(my_triples), "sign_gold": len(gold_triples),
        })
        speakers = [q for q in labels["quotes"] if q.get("speaker_actor")]
        right = [q for q in speakers if _speaker_right(q, mine.get("quotes", []))]
        counts.update({"speakers_right": len(right), "speakers": len(speakers)})
        if gold_triples != my_triples or len(right) < len(speakers) or gold_actors != my_actors:
            errors.append({
                "id": item, "actors_missed": sorted(gold_actors - my_actors),
                "actors_extra": sorted(my_actors - gold_actors),
                "gold": sorted(f"{s}→{t} {sign}" for (s, t), sign in gold_triples),
                "found": sorted(f"{s}→{t} {sign}" for (s, t), sign in my_triples),
                "speakers_missed": [(q["text"][:60], q["speaker_actor"]) for q in speakers if q not in right],
            })
    return {
        "items": len(gold),
        "actors": _f1(counts["actor_tp"], counts["actor_pred"], counts["actor_gold"]),
        "directed_pairs": _f1(counts["pair_tp"], counts["pair_pred"], counts["pair_gold"]),
        "dyad_sign": _f1(counts["sign_tp"], counts["sign_pred"], counts["sign_gold"]),
        "quote_speakers": {"right": counts["speakers_right"], "total": counts["speakers"]},
        "errors": errors,
    }


def evaluate_dyads_dev(directory: Path | str = DEFAULT_DIR) -> dict:
    """Run the chain on every item and score it against the gold labels."""
    articles, gold = load_items(directory)
    tables = analyse(articles)
    result = score_items(gold, predicted_by_item(tables))
    texts = dict(zip(articles["article_id"], articles["text"]))
    for error in result["errors"]:
        error["text"] = texts[error["id"]]
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.evaluation.directed_dyads",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--errors", action="store_true", help="also list the items that differ from the gold")
    args = parser.parse_args(argv)
    result = evaluate_dyads_dev(args.directory)
    errors = result.pop("errors")
    print(json.dumps(result, indent=1))
    if args.errors:
        for error in errors:
            print(json.dumps(error, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
