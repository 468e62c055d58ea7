"""Concurrent users: real browser sessions changing filters on one dashboard server.

``python -m pipeline.dashboard.load --sessions 20 --seconds 60 [--url URL | --store DIR] [--seed N]``
starts ``streamlit run app.py`` on the store (or attaches to the server at ``--url``), opens
``--sessions`` browser contexts in one headless Chromium (Debian's ``/usr/bin/chromium`` through
Playwright, a development dependency) and lets each, until ``--seconds`` have passed, alternate
between opening a shareable URL with random filters (page, pairs, granularity, evidence kinds,
either direction, smoothing) and clicking another granularity in the sidebar. It prints the number
of actions, every error (an exception or error box in the app, a console or page error, a failed
request or navigation, a run that does not finish) and p50/p95 of the time from navigation or
click to a finished run: Streamlit's running indicator gone and the page's chart or table drawn
(or its "no data" note). The exit code is 1 when there was any error.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import sys
import tempfile
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from pipeline.dashboard import urlstate as url
from pipeline.dashboard.server import healthy, streamlit_server
from pipeline.dashboard.settings import DEMO_CORPUS, STORE_ENV, store_dir
from pipeline.run import ensure_store
from pipeline.schema import DYAD_KINDS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 1000}
ACTION_TIMEOUT_MS = 120_000
"""A navigation or run slower than this counts as an error (the machine may be busy)."""
PAGES = {"/": "trend_chart", "/pair": "pair_chart", "/matrix": "matrix_chart", "/quotes": "quotes_table",
         "/shifts": "shifts_table"}
"""Each page the sessions visit, with the key of the chart or table that shows its run has finished."""
GRANULARITY_PAGES = ["/", "/pair", "/shifts"]
"""The pages whose sidebar shows the granularity (on the others it is hidden: it does not act there)."""
BASE_PATH_PROBE = re.compile(r"^/[^/]+/_stcore/(health|host-config)$")
"""Opened at ``/pair``, Streamlit's client first looks for its server under ``/pair/_stcore/`` (a 404)
and then under ``/_stcore/``: those 404s are the framework's, not errors."""
POLL_SECONDS = 0.025
"""How often a wait for the end of a run looks at the :class:`RunCounter` (Playwright delivers the
websocket's frames meanwhile)."""


class RunCounter:
    """Counts the script runs the server has finished for one page, from the ``script_finished``
    ForwardMsgs on its websocket (works for sync and async Playwright pages). The page's
    ``data-test-script-state`` is no count: when the browser takes a quick run's messages in one
    task, React draws only the last state and the attribute never leaves ``notRunning``."""

    def __init__(self, page) -> None:
        self.finished = 0
        page.on("websocket", lambda socket: socket.on("framereceived", self._count))

    def _count(self, payload: bytes | str) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        if isinstance(payload, bytes):
            message = ForwardMsg()
            message.ParseFromString(payload)
            self.finished += message.WhichOneof("type") == "script_finished"


@dataclass
class Tally:
    """What all sessions measured: seconds per action kind, and every error."""

    seconds: dict[str, list[float]] = field(default_factory=lambda: {"navigation": [], "interaction": []})
    errors: list[str] = field(default_factory=list)
    empty_views: int = 0


def random_query(rng: random.Random, pairs: list[str]) -> dict[str, list[str]]:
    """Random sidebar filters in URL form (values the app accepts; defaults are left out)."""
    query = {url.PAIRS: rng.sample(pairs, rng.randint(1, min(3, len(pairs)))),
             url.GRANULARITY: [rng.choice(["week", "month", "quarter", "year"])]}
    if rng.random() < 0.3:
        query[url.KINDS] = rng.sample(list(DYAD_KINDS), rng.randint(1, len(DYAD_KINDS)))
    if rng.random() < 0.3:
        query[url.EITHER] = ["true"]
    if rng.random() < 0.3:
        query[url.SMOOTHING] = [str(rng.randint(2, 4))]
    return query


async def finished(page, key: str, tally: Tally) -> None:
    """Wait until the app is connected, its script has finished and the page shows ``key``'s chart or
    table, or its "no data" note; an exception or error box is an error."""
    await page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']")
    await page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
    await page.wait_for_selector("[data-testid='stSkeleton']", state="detached")
    shown = page.locator(
        f".st-key-{key} .js-plotly-plot .main-svg, .st-key-{key} [data-testid='stDataFrame'], "
        "[data-testid='stAlertContentInfo'], [data-testid='stException'], [data-testid='stAlertContentError']"
    ).first
    await shown.wait_for()
    failures = page.locator("[data-testid='stException'], [data-testid='stAlertContentError']")
    if await failures.count():
        tally.errors.append(f"{page.url}: {(await failures.first.inner_text())[:200]}")
    elif not await page.locator(f".st-key-{key}").count():
        tally.empty_views += 1


async def navigate(page, base: str, path: str, query: dict, tally: Tally) -> None:
    """Open a shareable URL and time it to the finished run."""
    began = time.perf_counter()
    await page.goto(f"{base}{path}{url.share_url('', query)}")
    await finished(page, PAGES[path], tally)
    tally.seconds["navigation"].append(time.perf_counter() - began)


async def _run_after(counter: RunCounter, runs: int) -> None:
    while counter.finished <= runs:
        await asyncio.sleep(POLL_SECONDS)


async def change_granularity(page, counter: RunCounter, path: str, rng: random.Random, tally: Tally) -> None:
    """Click another granularity in the sidebar and time it to the finished run."""
    chosen = page.locator(f".st-key-{url.GRANULARITY} [role='radio'][aria-checked='true']")
    current = (await chosen.inner_text()).strip() if await chosen.count() else url.DEFAULT_GRANULARITY
    other = rng.choice([name for name in ("week", "month", "quarter", "year") if name != current])
    runs = counter.finished
    began = time.perf_counter()
    await page.locator(f".st-key-{url.GRANULARITY}").get_by_role("radio", name=other, exact=True).click()
    await asyncio.wait_for(_run_after(counter, runs), ACTION_TIMEOUT_MS / 1000)
    await finished(page, PAGES[path], tally)
    tally.seconds["interaction"].append(time.perf_counter() - began)


def watch(page, origin: str, tally: Tally) -> None:
    """Count console errors, uncaught page errors and failed requests of ``page`` as errors."""
    def response(answer) -> None:
        if answer.status >= 400 and not BASE_PATH_PROBE.search(urlparse(answer.url).path):
            tally.errors.append(f"HTTP {answer.status} {answer.url}")

    def console(message) -> None:
        if message.type == "error" and not BASE_PATH_PROBE.search(urlparse(message.location.get("url", "")).path):
            tally.errors.append(f"console: {message.text[:200]}")

    page.on("response", response)
    page.on("console", console)
    page.on("pageerror", lambda error: tally.errors.append(f"page error: {str(error)[:200]}"))
    page.on("requestfailed", lambda request: urlparse(request.url).netloc == origin and tally.errors.append(
        f"request failed: {request.url} ({request.failure})"))


async def session(browser, base: str, pairs: list[str], deadline: float, seed: int, tally: Tally) -> None:
    """One user until ``deadline``: open a random view, then click another granularity where the page shows
    it, and again (at least once, on a page with a granularity, so that a short run measures both)."""
    rng = random.Random(seed)
    context = await browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = await context.new_page()
    watch(page, urlparse(base).netloc, tally)
    counter = RunCounter(page)
    try:
        choices = GRANULARITY_PAGES  # the first view is one whose granularity can be clicked
        while True:
            path = rng.choice(choices)
            choices = list(PAGES)
            try:
                await navigate(page, base, path, random_query(rng, pairs), tally)
                if path in GRANULARITY_PAGES:
                    await change_granularity(page, counter, path, rng, tally)
            except Exception as error:  # noqa: BLE001 - any failure of a user's action is a counted error
                tally.errors.append(f"{path}: {type(error).__name__}: {str(error).splitlines()[0][:200]}")
            if time.monotonic() >= deadline:
                break
    finally:
        await context.close()


async def discover_pairs(browser, base: str) -> list[str]:
    """The pairs the Matrix page draws (every pair with data under the default filters)."""
    context = await browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    try:
        page = await context.new_page()
        await page.goto(f"{base}/matrix")
        await finished(page, PAGES["/matrix"], Tally())
        figure = page.locator(f".st-key-{PAGES['/matrix']} .js-plotly-plot")
        if not await figure.count():
            return []
        return await figure.evaluate(
            "el => el._fullData.flatMap(t => t.customdata ? Array.from(t.customdata, row => String(row[0])) : [])"
        )
    finally:
        await context.close()


async def drive(base: str, sessions: int, seconds: float, seed: int) -> tuple[Tally, int]:
    """Run ``sessions`` users against ``base`` for ``seconds``; the tally and the number of pairs used."""
    from playwright.async_api import async_playwright

    tally = Tally()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            pairs = await discover_pairs(browser, base)
            if not pairs:
                raise ValueError(f"{base}/matrix shows no actor pairs: nothing to filter on")
            deadline = time.monotonic() + seconds
            await asyncio.gather(*(session(browser, base, pairs, deadline, seed + n, tally) for n in range(sessions)))
        finally:
            await browser.close()
    return tally, len(pairs)


def summary(tally: Tally) -> list[str]:
    """The report lines: errors, then p50/p95 per action kind."""
    lines = [f"errors {len(tally.errors)}"] + [f"  {error}" for error in tally.errors[:20]]
    for kind, seconds in tally.seconds.items():
        if seconds:
            p50, p95 = np.percentile(seconds, [50, 95])
            lines.append(
                f"{kind} → finished run: n={len(seconds)} p50 {p50:.2f} s p95 {p95:.2f} s max {max(seconds):.2f} s"
            )
        else:
            lines.append(f"{kind} → finished run: n=0")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.dashboard.load", description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20, help="concurrent browser sessions")
    parser.add_argument("--seconds", type=float, default=60, help="how long the sessions change filters")
    parser.add_argument("--url", help="attach to the dashboard at this URL instead of starting one")
    parser.add_argument("--store", type=Path, help=f"store of the started server (default ${STORE_ENV} or the demo)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sessions' random choices")
    parser.add_argument("--driver", choices=("protocol", "browser"), default="protocol",
                        help="protocol: Streamlit's websocket protocol, what the server does (default); browser: "
                             "headless Chromium sessions, whose drawing competes with the server for the cores")
    args = parser.parse_args(argv)
    if args.sessions < 1 or args.seconds <= 0:
        parser.error("--sessions must be at least 1 and --seconds positive")
    if args.driver == "browser" and not CHROMIUM.exists():
        print(f"load: {CHROMIUM} is absent: install Debian's chromium package", file=sys.stderr)
        return 2
    try:
        import playwright  # noqa: F401
    except ImportError:
        if args.driver == "browser":
            print("load: playwright is not installed: pip install -r requirements-dev.txt", file=sys.stderr)
            return 2
    if args.url and not healthy(args.url.rstrip("/")):
        print(f"load: no Streamlit server answers at {args.url}", file=sys.stderr)
        return 2
    store = args.store or store_dir()
    if args.url is None:
        ensure_store(store, DEMO_CORPUS)
    log = Path(tempfile.gettempdir()) / f"entente-load-{os.getpid()}.log"
    try:
        with nullcontext(args.url.rstrip("/")) if args.url else streamlit_server(store, log) as base:
            began = time.monotonic()
            if args.driver == "browser":
                tally, pair_count = asyncio.run(drive(base, args.sessions, args.seconds, args.seed))
            else:
                from pipeline.dashboard import load_protocol

                tally, pair_count = asyncio.run(load_protocol.drive(base, args.sessions, args.seconds, args.seed))
            elapsed = time.monotonic() - began
    except (RuntimeError, ValueError, OSError) as error:
        print(f"load: {(str(error).splitlines() or [type(error).__name__])[0]}", file=sys.stderr)
        return 2
    actions = sum(len(seconds) for seconds in tally.seconds.values())
    print(f"{args.sessions} {args.driver} sessions for {args.seconds:g} s on {base} "
          f"({pair_count} pairs to choose from): {actions} actions in {elapsed:.0f} s, "
          f"{tally.empty_views} views without data")
    print("\n".join(summary(tally)))
    load1, load5, _ = os.getloadavg()
    print(f"load average {load1:.1f} (1 min), {load5:.1f} (5 min) on {os.cpu_count()} cores")
    return 1 if tally.errors else 0


if __name__ == "__main__":
    sys.exit(main())
