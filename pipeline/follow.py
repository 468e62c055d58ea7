"""Following feeds: poll RSS/Atom feeds and HTML pages on a schedule and ingest what is new through ``run``.

Each feed's validators (ETag / Last-Modified) and back-off live in the store's `follow-state.json`.
Validators advance only once what a response held is stored, so a cycle whose run fails fetches the same
items again next time. A feed that fails (network, HTTP status, size cap, unreadable body) waits
`BACKOFF_BASE` seconds, doubling with each further failure up to `BACKOFF_CAP`; the other feeds go on.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from pipeline.fetch import MAX_BYTES, TIMEOUT_SECONDS, FetchError, fetch
from pipeline.load import Fetched, load_input
from pipeline.run import RunReport, run
from pipeline.store import current_version_dir, read_rejected

STATE_FILE = "follow-state.json"
BACKOFF_BASE = 60.0
BACKOFF_CAP = 6 * 3600.0
INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.I)
UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass
class FeedState:
    """What is remembered of a feed between polls."""

    etag: str = ""
    last_modified: str = ""
    failures: int = 0
    retry_at: float = 0.0
    """Epoch seconds before which the feed is not polled (after failures)."""


@dataclass(frozen=True)
class FetchLimits:
    timeout: float = TIMEOUT_SECONDS
    max_bytes: int = MAX_BYTES


@dataclass
class FeedResult:
    """One feed's outcome in one cycle: `status` is "200", "304", "error" or "waiting"."""

    url: str
    status: str
    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    error: str = ""
    retry_in: float = 0.0

    def line(self) -> str:
        if self.status == "200":
            return (f"{self.url}: 200 · read {self.read} = new {self.new} + updated {self.updated} + "
                    f"unchanged {self.unchanged} + rejected {self.rejected}")
        if self.status == "304":
            return f"{self.url}: 304 not modified"
        if self.status == "waiting":
            return f"{self.url}: backing off, next try in {self.retry_in:.0f}s"
        return f"{self.url}: error: {self.error} · next try in {self.retry_in:.0f}s"


@dataclass
class CycleReport:
    """A cycle: each feed's result and the run that ingested the responses (None when none had a body);
    `stored` says whether the run wrote a new store version (nothing new: it did not)."""

    number: int
    feeds: list[FeedResult]
    run: RunReport | None = None
    stored: bool = False
    error: str = ""
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def lines(self) -> list[str]:
        head = f"{self.started_at} cycle {self.number}"
        lines = [f"{head} {result.line()}" for result in self.feeds]
        if self.error:
            return [*lines, f"{head}: store error, nothing stored (fetched again next cycle): {self.error}"]
        if self.run is None:
            return [*lines, f"{head}: no new responses"]
        outcome = f"stored {self.run.version_dir.name}" if self.stored else "nothing new, store unchanged"
        return [*lines, f"{head}: {self.run.accounting_line()} · {outcome}"]


def read_feed_list(path: str | Path) -> list[str]:
    """The http(s) addresses in `path`, one a line; blank lines, `#` comment lines and ` # ` trailing
    comments are skipped.
    Raises ValueError naming the file and line of anything else."""
    feeds = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        address = re.split(r"\s#", line.strip(), maxsplit=1)[0].strip()
        if not address or address.startswith("#"):
            continue
        if not re.match(r"^https?://\S+$", address, re.I):
            raise ValueError(f"{path}:{number}: not an http(s) address: {address[:80]!r}")
        feeds.append(address)
    if not feeds:
        raise ValueError(f"{path}: no feed addresses (one http(s) address a line)")
    return list(dict.fromkeys(feeds))


def parse_interval(text: str) -> float:
    """Seconds in "90", "30s", "15m", "2h" or "1d"."""
    match = INTERVAL.match(text)
    if not match:
        raise ValueError(f"expected an interval such as 30s, 15m or 2h, got {text!r}")
    return float(match.group(1)) * UNIT_SECONDS[match.group(2).lower()]


def load_state(store_dir: str | Path) -> dict[str, FeedState]:
    path = Path(store_dir) / STATE_FILE
    if not path.is_file():
        return {}
    return {url: FeedState(**values) for url, values in json.loads(path.read_text(encoding="utf-8")).items()}


def save_state(store_dir: str | Path, states: dict[str, FeedState]) -> None:
    """Write the state file atomically (a fresh file renamed over the old one)."""
    store = Path(store_dir)
    store.mkdir(parents=True, exist_ok=True)
    temporary = store / f".{STATE_FILE}.{os.getpid()}"
    temporary.write_text(json.dumps({url: asdict(state) for url, state in states.items()}, indent=2),
                         encoding="utf-8")
    os.replace(temporary, store / STATE_FILE)


def poll_cycle(number: int, feeds: list[str], store_dir: str | Path, states: dict[str, FeedState], *,
               limits: FetchLimits = FetchLimits(), now: float | None = None,
               backoff: tuple[float, float] = (BACKOFF_BASE, BACKOFF_CAP)) -> CycleReport:
    """Poll every feed once, ingest the bodies received into `store_dir` and update `states`."""
    now = time.time() if now is None else now
    report = CycleReport(number, [])
    results: dict[str, FeedResult] = {}
    bodies: dict[str, tuple[Fetched, str, str]] = {}
    for url in feeds:
        state = states.setdefault(url, FeedState())
        if state.retry_at > now:
            results[url] = FeedResult(url, "waiting", retry_in=state.retry_at - now)
            continue
        try:
            response = fetch(url, etag=state.etag, last_modified=state.last_modified,
                             timeout=limits.timeout, max_bytes=limits.max_bytes)
            if response.status == 304:
                results[url] = FeedResult(url, "304")
                _succeeded(state, response.etag, response.last_modified)
                continue
            body = Fetched(url, response.data)
            load_input(body)  # an unreadable body fails this feed only, before the shared run
            bodies[url] = (body, response.etag, response.last_modified)
        except (FetchError, ValueError) as error:
            state.failures += 1
            delay = min(backoff[0] * 2 ** (state.failures - 1), backoff[1])
            state.retry_at = now + delay
            reason = " ".join(str(error).split()).removeprefix(f"{url}: ")
            results[url] = FeedResult(url, "error", error=reason, retry_in=delay)
    if bodies:
        try:
            report.run, report.stored = _ingest([body for body, _, _ in bodies.values()], store_dir)
        except (ValueError, OSError) as error:
            report.error = " ".join(str(error).split())
        else:
            for url, (_, etag, last_modified) in bodies.items():
                results[url] = _counts(url, report.run)
                _succeeded(states[url], etag, last_modified)
    report.feeds = [results.get(url) or FeedResult(url, "error", error="fetched, but the run failed") for url in feeds]
    return report


def follow(feeds_file: str | Path, store_dir: str | Path, *, every: float, cycles: int | None = None,
           limits: FetchLimits = FetchLimits(), log: Callable[[str], None] = print,
           sleep: Callable[[float], None] = time.sleep,
           backoff: tuple[float, float] = (BACKOFF_BASE, BACKOFF_CAP)) -> list[CycleReport]:
    """Poll the feeds listed in `feeds_file` every `every` seconds (`cycles` times, or until interrupted),
    logging one line per feed and one per cycle; returns the cycles' reports."""
    feeds = read_feed_list(feeds_file)
    states = load_state(store_dir)
    reports = []
    while cycles is None or len(reports) < cycles:
        started = time.monotonic()
        report = poll_cycle(len(reports) + 1, feeds, store_dir, states, limits=limits, backoff=backoff)
        save_state(store_dir, states)
        reports.append(report)
        for line in report.lines():
            log(line)
        if cycles is None or len(reports) < cycles:
            sleep(max(0.0, started + every - time.monotonic()))
    return reports


def _succeeded(state: FeedState, etag: str, last_modified: str) -> None:
    state.etag, state.last_modified, state.failures, state.retry_at = etag, last_modified, 0, 0.0


def _ingest(bodies: list[Fetched], store_dir: str | Path) -> tuple[RunReport, bool]:
    """Run the pipeline on the bodies; a new store version is written only when they hold new or
    updated articles or rejections the store has not listed yet."""
    preview = run(bodies, store_dir, dry_run=True)
    if not preview.new and not preview.updated and _all_listed(preview.rejections, store_dir):
        return preview, False
    return run(bodies, store_dir), True


def _all_listed(rejections: pd.DataFrame, store_dir: str | Path) -> bool:
    """Whether every rejection (file, reason, article) is already in the store's rejected list (feed rows
    shift as items are added, so the row number is left out)."""
    if rejections.empty:
        return True
    if current_version_dir(store_dir) is None:
        return False
    key = ["file", "reason", "article_id"]
    listed = set(read_rejected(store_dir)[key].astype(str).itertuples(index=False, name=None))
    return set(rejections[key].astype(str).itertuples(index=False, name=None)) <= listed


def _counts(url: str, report: RunReport) -> FeedResult:
    accepted = report.accepted_articles[report.accepted_articles["input_file"] == url]
    new = int((~accepted["unchanged"] & ~accepted["updated"]).sum())
    rejected = int((report.rejections["file"] == url).sum())
    return FeedResult(url, "200", read=len(accepted) + rejected, new=new, updated=int(accepted["updated"].sum()),
                      unchanged=int(accepted["unchanged"].sum()), rejected=rejected)
