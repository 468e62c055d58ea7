"""Peak memory of reading one legitimate input, per format: `python -m pipeline.bench_memory --mb 100 400`.

For each format the loader accepts (CSV, CSV.gz, JSONL, JSON array, Parquet, a folder of .md files) it
writes a file of about the given size after decompression, made of realistic articles (title, a few KB
of text with some non-ASCII, date, outlet, url), and runs the reading stage exactly as the CLI does
(`python -m pipeline validate FILE`: load, canonicalise, validate; the analysis would start next) in a
subprocess, one at a time. It prints the subprocess's peak resident memory (ru_maxrss), its excess
over reading one tiny file, that excess per input byte, and the peak as a multiple of the input cap
(the promise: under 2). JSON arrays and RSS are parsed whole and capped at 64 MB: measure them with
`--mb 60`; larger sizes show the CLI's one-line refusal.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import escape

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.load.limits import MAX_INPUT_BYTES

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("csv", "csv.gz", "jsonl", "json", "parquet", "md-folder", "rss")
MB = 1_000_000
MIB = 2**20
PEAK_OF_CLI = """
import json, resource, sys
from pipeline.__main__ import main
code = main(["validate", sys.argv[1], "--store", sys.argv[2]])
print(json.dumps({"code": code, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
WORDS = ("the minister said talks with neighbours would continue after the summit in Geneva while "
         "officials in São Paulo, Zürich, Kraków and Malmö welcomed the agreement on trade and security "
         "— a step described as “historic” by Łukasz Wiśniewski; Москва and 北京 issued statements too").split()
OUTLETS = ("Daily Ledger", "Le Quotidien", "Der Bote", "El Observador", "Kurier Polski")
ARTICLE_CHARS = 3000
REPEAT_EVERY = 500


def articles(total_bytes: int, seed: int = 7) -> Iterator[dict]:
    """Articles until about `total_bytes` of text and titles have been produced; one in `REPEAT_EVERY`
    repeats the one before it (a duplicate that validation rejects, as in real feeds)."""
    pick = random.Random(seed)
    made, number, article = 0, 0, {}
    while made < total_bytes:
        number += 1
        if number % REPEAT_EVERY:
            words = pick.choices(WORDS, k=ARTICLE_CHARS // 7)
            text = f"Report {number}: " + " ".join(words).capitalize() + "."
            day = f"2025-{1 + number % 12:02d}-{1 + number % 28:02d}T{number % 24:02d}:00:00Z"
            article = {"title": f"Talks resume, report {number}", "text": text, "date": day,
                       "outlet": OUTLETS[number % len(OUTLETS)], "url": f"https://news.example/{number}"}
        made += len(article["text"].encode()) + 120
        yield article


def write_input(kind: str, folder: Path, total_bytes: int) -> tuple[Path, int]:
    """(the input written under `folder`, its size in bytes after decompression)."""
    if kind == "md-folder":
        target = folder / "articles"
        target.mkdir()
        size = 0
        for number, article in enumerate(articles(total_bytes)):
            body = (f"---\ntitle: \"{article['title']}\"\ndate: {article['date']}\noutlet: {article['outlet']}\n"
                    f"url: {article['url']}\n---\n{article['text']}\n").encode()
            (target / f"{number:07d}.md").write_bytes(body)  # a repeat has the same url and text
            size += len(body)
        return target, size
    if kind == "parquet":
        path = folder / "articles.parquet"
        batch: list[dict] = []
        with pq.ParquetWriter(path, pa.schema([(name, pa.string()) for name in
                                               ("title", "text", "date", "outlet", "url")])) as writer:
            for article in articles(total_bytes):
                batch.append(article)
                if len(batch) == 5000:
                    writer.write_table(pa.Table.from_pylist(batch))
                    batch = []
            if batch:
                writer.write_table(pa.Table.from_pylist(batch))
        metadata = pq.ParquetFile(path).metadata
        return path, sum(metadata.row_group(index).total_byte_size for index in range(metadata.num_row_groups))
    path = folder / f"articles.{kind}"
    opener = gzip.open if kind.endswith(".gz") else open
    size = 0
    with opener(path, "wb") as sink:
        def write(text: str) -> None:
            nonlocal size
            data = text.encode()
            sink.write(data)
            size += len(data)
        if kind.startswith("csv"):
            write("title,text,date,outlet,url\n")
        elif kind == "json":
            write("[\n")
        elif kind == "rss":
            write('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Wire</title>\n')
        for number, article in enumerate(articles(total_bytes)):
            if kind == "rss":
                write(f"<item><title>{escape(article['title'])}</title><link>{article['url']}</link><pubDate>"
                      f"{article['date']}</pubDate><description>{escape(article['text'])}</description></item>\n")
            elif kind.startswith("csv"):
                write(",".join('"' + value.replace('"', '""') + '"' for value in article.values()) + "\n")
            else:
                write(("" if number == 0 or kind == "jsonl" else ",\n") + json.dumps(article, ensure_ascii=False)
                      + ("\n" if kind == "jsonl" else ""))
        if kind == "json":
            write("\n]\n")
        elif kind == "rss":
            write("</channel></rss>\n")
    return path, size


def peak_of_reading(path: Path, store: Path) -> tuple[int, float, str]:
    """(exit code, peak resident MB, output) of `python -m pipeline validate path` in a fresh process."""
    result = subprocess.run([sys.executable, "-c", PEAK_OF_CLI, str(path), str(store)], cwd=ROOT,
                            capture_output=True, text=True, timeout=3600)
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    return outcome["code"], outcome["peak_mb"], result.stdout + result.stderr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench_memory", description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=int, nargs="+", default=[100], help="input sizes in MB after decompression")
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        tiny = Path(scratch) / "tiny.csv"
        tiny.write_text("date,text\n2025-03-04,Chile thanked Peru.\n")
        _, baseline, _ = peak_of_reading(tiny, Path(scratch) / "store")
    print(f"input cap {MAX_INPUT_BYTES / MB:.0f} MB; reading one tiny file peaks at {baseline:.0f} MiB")
    print("peak: ru_maxrss in MiB; excess/input: (peak - tiny) per input byte; peak/cap: peak bytes ÷ cap bytes")
    print(f"{'format':10} {'input MB':>9} {'peak MiB':>8} {'excess/input':>13} {'peak/cap':>9}  outcome")
    for size in args.mb:
        for kind in args.formats:
            with tempfile.TemporaryDirectory() as scratch:
                path, written = write_input(kind, Path(scratch), size * MB)
                code, peak, output = peak_of_reading(path, Path(scratch) / "store")
            outcome = output.strip().splitlines()[0] if code else "read"
            print(f"{kind:10} {written / MB:9.0f} {peak:8.0f} {(peak - baseline) * MIB / written:13.2f} "
                  f"{peak * MIB / MAX_INPUT_BYTES:9.2f}  {outcome[:60]}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
