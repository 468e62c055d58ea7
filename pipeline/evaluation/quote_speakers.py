"""Quote attribution (``pipeline.quotes.find_quotes``) against PolNeAR's gold attributions.

Data: ``polnear_attributions.jsonl.gz`` in the PolNeAR folder (one record per article ×
annotator, full text with character spans). Articles annotated by several annotators count once,
with the annotation that comes first in the file. Rules were tuned on ``train`` only.

Definitions (spans overlap when they share at least one character):

* gold direct quote — a gold attribution whose first content span begins with a quote mark
  (“ " ' ‘ `` '');
* ``quote_recall`` — share of gold direct quotes overlapped by at least one of our quotes;
* ``quote_precision`` — share of our quotes overlapping the content of some gold attribution
  (direct or not: a quote inside a paraphrase is still an attributed quote);
  ``attributed_quote_precision`` — the same among our quotes that have a speaker (the ones that
  become dyads);
* ``speaker_accuracy`` — among gold direct quotes that have a source span, the share for which
  one of our quotes overlapping the content has a speaker span overlapping the gold source;
* ``speaker_accuracy_found`` — the same, among those whose content we found.

``python -m pipeline.evaluation.quote_speakers [DIR] [--split test]`` prints these figures as JSON,
with the throughput of ``find_quotes`` (its CPU time alone, segmentation excluded).
"""

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

import pandas as pd

from pipeline.quotes import find_quotes
from pipeline.schema import MENTIONS
from pipeline.segment import split_sentences

DEFAULT_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "polnear"
SPLITS = ("train", "dev", "test")
_QUOTE_OPENINGS = ("“", '"', "'", "‘", "``")


def load_split(polnear_dir: Path, split: str) -> list[dict]:
    """One record per distinct article of ``split`` (the first annotation in the file)."""
    if split not in SPLITS:
        raise ValueError(f"split {split!r} is not one of {', '.join(SPLITS)}")
    path = Path(polnear_dir) / "polnear_attributions.jsonl.gz"
    if not path.is_file():
        raise ValueError(f"{path}: not found (expected PolNeAR's polnear_attributions.jsonl.gz)")
    records: dict[str, dict] = {}
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line_no, line in enumerate(lines, start=1):
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{line_no}: not JSON ({error.msg})") from None
            if record.get("split") == split:
                records.setdefault(record["article"], record)
    return list(records.values())


def _spans(part: dict | None) -> list[tuple[int, int]]:
    return [tuple(span) for span in (part or {}).get("spans", [])]


def _overlaps(a: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a[0] < end and start < a[1] for start, end in spans)


def score_article(text: str, attributions: list[dict], quotes: pd.DataFrame) -> dict[str, int]:
    """Counts for one article: gold direct quotes found / with source / speaker right, our quotes."""
    ours = list(zip(zip(quotes["start"], quotes["end"]), zip(quotes["speaker_start"], quotes["speaker_end"])))
    contents = [_spans(a.get("content")) for a in attributions]
    counts = dict(gold=0, found=0, with_source=0, found_with_source=0, speaker_right=0,
                  ours=len(ours), ours_in_gold=0, ours_attributed=0, ours_attributed_in_gold=0)
    all_content = [span for spans in contents for span in spans]
    for span, speaker in ours:
        in_gold = _overlaps(span, all_content)
        counts["ours_in_gold"] += in_gold
        counts["ours_attributed"] += speaker[0] >= 0
        counts["ours_attributed_in_gold"] += in_gold and speaker[0] >= 0
    for attribution, content in zip(attributions, contents):
        if not content or not text[content[0][0]:].startswith(_QUOTE_OPENINGS):
            continue
        counts["gold"] += 1
        matching = [speaker for span, speaker in ours if _overlaps(span, content)]
        counts["found"] += bool(matching)
        source = _spans(attribution.get("source"))
        if source:
            counts["with_source"] += 1
            counts["found_with_source"] += bool(matching)
            counts["speaker_right"] += any(_overlaps(speaker, source) for speaker in matching)
    return counts


def evaluate_polnear(path_to_polnear_dir=DEFAULT_DIR, split: str = "test") -> dict:
    """Quote recall/precision and speaker accuracy of ``find_quotes`` on a PolNeAR split."""
    records = load_split(Path(path_to_polnear_dir), split)
    articles = pd.DataFrame({"article_id": [r["article"] for r in records], "text": [r["text"] for r in records]})
    sentences = split_sentences(articles)
    began = time.process_time()
    quotes = find_quotes(articles, sentences, pd.DataFrame(columns=MENTIONS))
    seconds = time.process_time() - began
    by_article = dict(tuple(quotes.groupby("article_id")))
    empty = quotes.iloc[0:0]
    totals: dict[str, int] = {}
    for record in records:
        counts = score_article(record["text"], record["attributions"], by_article.get(record["article"], empty))
        for key, value in counts.items():
            totals[key] = totals.get(key, 0) + value
    return {
        "split": split,
        "articles": len(records),
        "gold_direct_quotes": totals["gold"],
        "our_quotes": totals["ours"],
        "quote_recall": round(totals["found"] / max(totals["gold"], 1), 4),
        "quote_precision": round(totals["ours_in_gold"] / max(totals["ours"], 1), 4),
        "attributed_quote_precision": round(totals["ours_attributed_in_gold"] / max(totals["ours_attributed"], 1), 4),
        "gold_direct_quotes_with_source": totals["with_source"],
        "speaker_accuracy": round(totals["speaker_right"] / max(totals["with_source"], 1), 4),
        "speaker_accuracy_found": round(totals["speaker_right"] / max(totals["found_with_source"], 1), 4),
        "find_quotes_cpu_seconds": round(seconds, 3),
        "articles_per_s": round(len(records) / seconds),
        "quotes_per_s": round(len(quotes) / seconds),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("polnear_dir", nargs="?", default=DEFAULT_DIR, type=Path)
    parser.add_argument("--split", default="test", choices=SPLITS)
    args = parser.parse_args(argv)
    try:
        result = evaluate_polnear(args.polnear_dir, args.split)
    except (OSError, ValueError, EOFError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
