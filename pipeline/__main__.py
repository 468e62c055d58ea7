"""Command line: `python -m pipeline run|validate INPUT... [--store DIR] [--map field=column] [--author ACTOR]
[--year-day MM-DD]` and `python -m pipeline follow FEEDS.txt [--store DIR] [--every 15m] [--cycles N]`."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from pipeline import follow
from pipeline.fetch import MAX_BYTES, TIMEOUT_SECONDS
from pipeline.load import FIELD_CANDIDATES, YEAR_DAY
from pipeline.run import RunReport, run
from pipeline.validate import MAX_CHARS

DEFAULT_STORE = Path(__file__).resolve().parents[1] / "data" / "store"
TOP_REASONS = 10
EXAMPLES_PER_REASON = 3
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class _Parser(argparse.ArgumentParser):
    """argparse with one-line usage errors and exit code 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def field_mapping(spec: str) -> tuple[str, str]:
    """Parse one `--map field=column`."""
    field, sep, column = spec.partition("=")
    field, column = field.strip().lower(), column.strip()
    if not sep or not field or not column:
        raise argparse.ArgumentTypeError(f"--map {spec!r}: expected field=column")
    if field not in FIELD_CANDIDATES:
        raise argparse.ArgumentTypeError(
            f"--map {spec!r}: unknown field {field!r} (fields: {', '.join(FIELD_CANDIDATES)})")
    return field, column


def positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return int(text)


def month_day(text: str) -> str:
    """Parse `--year-day MM-DD` (any day a leap year has)."""
    try:
        dt.date.fromisoformat(f"2000-{text}")
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a month and day MM-DD, got {text!r}") from None
    return text


def interval(text: str) -> float:
    try:
        return follow.parse_interval(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m pipeline", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, help_text in (("run", "load, validate, analyse and store articles"),
                            ("validate", "dry run: report what would be accepted and rejected")):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("inputs", nargs="+", metavar="INPUT",
                             help="file, folder of .txt/.md, or http(s) URL of a feed/page")
        command.add_argument("--store", type=Path, default=DEFAULT_STORE,
                             help=f"store directory (default {DEFAULT_STORE})")
        command.add_argument("--map", dest="mapping", action="append", type=field_mapping,
                             default=[], metavar="FIELD=COLUMN",
                             help="take a field from this input column, e.g. text=body")
        command.add_argument("--max-chars", type=positive_int, default=MAX_CHARS,
                             help=f"reject texts longer than this (default {MAX_CHARS})")
        command.add_argument("--author", metavar="ACTOR",
                             help="the author of every record (actor id or name, e.g. RUS), for a file of one "
                                  "author's statements; replaces any author column")
        command.add_argument("--year-day", type=month_day, default=YEAR_DAY, metavar="MM-DD",
                             help=f"the day a date given as a bare year falls on (default {YEAR_DAY})")
    command = commands.add_parser("follow", help="poll RSS/Atom feeds and pages, ingest new and updated items")
    command.add_argument("feeds", type=Path, metavar="FEEDS.txt",
                         help="http(s) addresses of feeds or pages, one a line (# starts a comment)")
    command.add_argument("--store", type=Path, default=DEFAULT_STORE, help=f"store directory (default {DEFAULT_STORE})")
    command.add_argument("--every", type=interval, default=follow.parse_interval("15m"), metavar="INTERVAL",
                         help="time between cycles, e.g. 30s, 15m, 2h (default 15m)")
    command.add_argument("--cycles", type=positive_int, help="stop after this many cycles (default: run until stopped)")
    command.add_argument("--timeout", type=interval, default=TIMEOUT_SECONDS, metavar="INTERVAL",
                         help=f"give up a fetch after this long (default {TIMEOUT_SECONDS:.0f}s)")
    command.add_argument("--max-bytes", type=positive_int, default=MAX_BYTES,
                         help=f"refuse responses larger than this (default {MAX_BYTES:,})")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "follow":
        return follow_command(args)
    mapping = dict(args.mapping)
    if args.author is not None and "author" in mapping:
        parser.error("--author and --map author=... both name the author: give one")
    dry_run = args.command == "validate"
    bars: dict[str, tqdm] = {}

    def on_progress(done: int, total: int, stage: str) -> None:
        if stage not in bars:
            bars[stage] = tqdm(total=total, desc=stage, file=sys.stderr, leave=False,
                               disable=None, unit="article" if stage == "analyse" else "input")
        bars[stage].update(done - bars[stage].n)

    try:
        report = run(args.inputs, args.store, mapping=mapping, max_chars=args.max_chars,
                     on_progress=on_progress, dry_run=dry_run, author=args.author, year_day=args.year_day)
    except (ValueError, OSError) as error:  # InputError, FileNotFoundError, ... from loading
        _close(bars)
        print(_printable(f"error: {' '.join(str(error).split())}"), file=sys.stderr)
        return 2
    _close(bars)
    print(summary(report, dry_run))
    return 0


def follow_command(args: argparse.Namespace) -> int:
    """`follow`: poll until the cycles are done or the user interrupts; a bad feed list is a one-line error."""
    try:
        follow.follow(args.feeds, args.store, every=args.every, cycles=args.cycles,
                      limits=follow.FetchLimits(args.timeout, args.max_bytes),
                      log=lambda line: print(_printable(line), flush=True))
    except (ValueError, OSError) as error:
        print(_printable(f"error: {' '.join(str(error).split())}"), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    return 0


def _close(bars: dict[str, tqdm]) -> None:
    for bar in bars.values():
        bar.close()


def summary(report: RunReport, dry_run: bool) -> str:
    """The human-readable outcome of a run or a dry run."""
    lines = [("would accept: " if dry_run else "") + report.accounting_line()]
    if dry_run and report.accepted:
        lines += _accepted_preview(report.accepted_articles)
    reasons = report.rejections["reason"].str.split(":", n=1).str[0]
    if len(reasons):
        lines.append("rejections by reason:")
        for reason, count in reasons.value_counts().head(TOP_REASONS).items():
            lines.append(f"  {count:>7}  {reason}")
            if dry_run:
                examples = report.rejections[reasons == reason].head(EXAMPLES_PER_REASON)
                lines += [_printable(f"           {row.file}:{row.row}: {row.reason}")
                          for row in examples.itertuples()]
    if not dry_run:
        why = " (dictionary or lexicon changed: everything re-analysed)" \
            if report.analysed > report.new else ""
        lines.append(f"analysed {report.analysed} articles{why}; tables written:")
        lines += [f"  {name:<10} {count:>9} rows" for name, count in report.counts.items()]
        lines.append(f"store: {report.version_dir}")
    lines.append("timings: " + ", ".join(f"{stage} {seconds:.2f}s"
                                         for stage, seconds in report.timings.items()))
    return "\n".join(lines)


def _accepted_preview(articles: pd.DataFrame) -> list[str]:
    """Date range, biggest sources and the first accepted articles."""
    lines = [f"accepted dates: {articles['date'].min():%Y-%m-%d %H:%M} … "
             f"{articles['date'].max():%Y-%m-%d %H:%M} UTC", "accepted by source:"]
    lines += [_printable(f"  {count:>7}  {source}") for source, count in
              articles["source"].value_counts().head(EXAMPLES_PER_REASON).items()]
    lines.append("first accepted:")
    lines += [_printable(f"  {row.date:%Y-%m-%d %H:%M}  {row.source[:30]}  {row.title[:80]}")
              for row in articles.head(EXAMPLES_PER_REASON).itertuples()]
    return lines


def _printable(text: str) -> str:
    """Input-derived text with control characters (terminal escapes, newlines) blanked."""
    return CONTROL_CHARACTERS.sub(" ", text)


if __name__ == "__main__":
    sys.exit(main())
