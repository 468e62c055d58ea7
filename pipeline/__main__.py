"""Command line: `python -m pipeline run|validate INPUT... (--dataset NAME | --store DIR) [--map field=column]
[--author ACTOR] [--year-day MM-DD]`; `run` also takes `[--workers N] [--engine local|dask] [--scheduler
ADDRESS|local]`; `python -m pipeline follow FEEDS.txt (--dataset NAME | --store DIR) [--every 15m] [--cycles N]`;
`python -m pipeline migrate (--dataset NAME | --store DIR)` rewrites a store of one file per table in the
partitioned layout."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import tempfile
from contextlib import nullcontext
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from pipeline import follow
from pipeline.analyse import versions, warm_up
from pipeline.datasets import check_name, dataset_dir, datasets_root
from pipeline.engines import ENGINES, Engine, default_workers, make_engine
from pipeline.fetch import MAX_BYTES, TIMEOUT_SECONDS
from pipeline.load import FIELD_CANDIDATES, YEAR_DAY
from pipeline.run import RunReport, run
from pipeline.store_migrate import migrate
from pipeline.validate import MAX_CHARS

TOP_REASONS = 10
EXAMPLES_PER_REASON = 3
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]")
"""Control, line-separator, zero-width and bidi characters: blanked in every line printed, so input text
can neither move the cursor nor reorder what the terminal shows."""


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


def dataset_name(text: str) -> str:
    """Parse `--dataset NAME` (a safe slug, see ``pipeline.datasets``)."""
    try:
        return check_name(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def interval(text: str) -> float:
    try:
        return follow.parse_interval(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_target(command: argparse.ArgumentParser) -> None:
    """`--dataset NAME` or `--store DIR`: the store a command writes to or checks against."""
    target = command.add_mutually_exclusive_group()
    target.add_argument("--dataset", type=dataset_name, metavar="NAME",
                        help=f"the dataset to create or extend, a folder of {datasets_root()} "
                             "(lowercase letters, digits, - and _; the demo is never extended)")
    target.add_argument("--store", type=Path, metavar="DIR", help="a store directory instead of a named dataset")


def target_store(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Path | None:
    """The store named by `--dataset` or `--store`; a run needs one, a dry run without one checks the
    inputs alone (None)."""
    if args.dataset:
        return dataset_dir(args.dataset)
    if args.store is None and args.command in ("run", "migrate", "follow"):
        parser.error(f"{args.command} needs the dataset to create or extend: --dataset NAME "
                     "(or a store directory: --store DIR)")
    return args.store


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m pipeline", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, help_text in (("run", "load, validate, analyse and store articles"),
                            ("validate", "dry run: report what would be accepted and rejected")):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("inputs", nargs="+", metavar="INPUT",
                             help="file, folder of .txt/.md, or http(s) URL of a feed/page")
        add_target(command)
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
    run_command = commands.choices["run"]
    run_command.add_argument("--workers", type=positive_int, default=default_workers(),
                             help="worker processes for the analysis (default: this machine's cores, "
                                  f"{default_workers()}; 1 analyses in this process)")
    run_command.add_argument("--engine", choices=ENGINES, default="local",
                             help="local: worker processes on this machine; dask: a Dask distributed cluster")
    run_command.add_argument("--scheduler", metavar="ADDRESS|local",
                             help="with --engine dask: the scheduler's address (e.g. tcp://10.0.0.5:8786), "
                                  "or local for a cluster of --workers processes on this machine (default)")
    command = commands.add_parser("migrate", help="rewrite a store of one file per table in the partitioned layout")
    add_target(command)
    command = commands.add_parser("follow", help="poll RSS/Atom feeds and pages, ingest new and updated items")
    command.add_argument("feeds", type=Path, metavar="FEEDS.txt",
                         help="http(s) addresses of feeds or pages, one a line (# starts a comment)")
    add_target(command)
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
    if args.command == "migrate":
        return _migrate(target_store(parser, args))
    if args.command == "follow":
        return follow_command(args, target_store(parser, args))
    mapping = dict(args.mapping)
    if args.author is not None and "author" in mapping:
        parser.error("--author and --map author=... both name the author: give one")
    dry_run = args.command == "validate"
    if not dry_run and args.scheduler is not None and args.engine != "dask":
        parser.error("--scheduler is for --engine dask")
    store = target_store(parser, args)
    bars: dict[str, tqdm] = {}

    def on_progress(done: int, total: int, stage: str) -> None:
        if stage not in bars:
            bars[stage] = tqdm(total=total, desc=stage, file=sys.stderr, leave=False,
                               disable=None, unit="article" if stage == "analyse" else "input")
        bars[stage].update(done - bars[stage].n)

    try:
        engine = Engine() if dry_run else make_engine(args.engine, args.workers, args.scheduler,
                                                       prepare=warm_up, same=versions)
        with engine, nullcontext(store) if store else tempfile.TemporaryDirectory() as target:
            report = run(args.inputs, target, mapping=mapping, max_chars=args.max_chars, on_progress=on_progress,
                         dry_run=dry_run, author=args.author, year_day=args.year_day, engine=engine)
    except Exception as error:  # noqa: BLE001 - whatever a bad input raises is one line, never a traceback
        _close(bars)
        known = isinstance(error, (ValueError, OSError))  # InputError, FileNotFoundError, ...
        message = " ".join(str(error).split()) or type(error).__name__
        print(_printable(f"error: {message if known else f'{type(error).__name__}: {message}'}"), file=sys.stderr)
        return 2
    _close(bars)
    print("\n".join(_printable(line) for line in summary(report, dry_run).split("\n")))
    return 0


def _migrate(store: Path) -> int:
    try:
        migrated = migrate(store)
    except (ValueError, OSError) as error:
        print(_printable(f"error: {' '.join(str(error).split())}"), file=sys.stderr)
        return 2
    print(f"migrated to {migrated}" if migrated else f"{store}: nothing to migrate (partitioned or empty)")
    return 0


def follow_command(args: argparse.Namespace, store: Path) -> int:
    """`follow`: poll until the cycles are done or the user interrupts; a bad feed list is a one-line error."""
    try:
        follow.follow(args.feeds, store, every=args.every, cycles=args.cycles,
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
    encodings = list(report.encodings.items())
    lines += [f"encoding: {file}: {label}" for file, label in encodings[:TOP_REASONS]]
    if len(encodings) > TOP_REASONS:
        lines.append(f"encoding: … and {len(encodings) - TOP_REASONS} more files not in UTF-8")
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
    """Input-derived text with `UNPRINTABLE` characters (terminal escapes, newlines, bidi controls) blanked."""
    return UNPRINTABLE.sub(" ", text)


if __name__ == "__main__":
    sys.exit(main())
