"""The real dashboard process under a headless browser: ``streamlit run app.py`` on a store, driven by
Playwright with Debian's Chromium, its memory (the process and its children) sampled with psutil."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import psutil

from pipeline.dashboard.server import free_port, healthy
from pipeline.dashboard.settings import ROOT, STORE_ENV

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run"]
TIMEOUT_MS = 300_000
DONE = "[data-testid='stApp'][data-test-script-state='notRunning']"


class PeakMemory:
    """The highest resident memory of a process and its children, sampled every ``interval`` seconds."""

    def __init__(self, pid: int, interval: float = 0.05):
        self.process, self.interval, self.peak = psutil.Process(pid), interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            try:
                tree = [self.process, *self.process.children(recursive=True)]
                self.peak = max(self.peak, sum(member.memory_info().rss for member in tree))
            except psutil.Error:
                pass
            time.sleep(self.interval)

    def cpu(self) -> float:
        """CPU seconds (user and system) the process and its living children have used so far."""
        tree = [self.process, *self.process.children(recursive=True)]
        return sum(sum(member.cpu_times()[:2]) for member in tree)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


@contextmanager
def _server(store: Path, log: Path):
    """``streamlit run app.py`` on ``store``: yields (process, base URL) once it started."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port",
               str(port), "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, STORE_ENV: str(store)}, stdout=sink,
                                   stderr=subprocess.STDOUT)
    try:
        yield process, f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def measure_app(store: Path, visits: dict[str, tuple[str, str]], log: Path) -> dict[str, float]:
    """Seconds from starting the app to its first chart (``start``), seconds of each visit (name → (path
    with query, CSS selector that shows the result), a fresh session each), the app process's CPU seconds
    for each (``<name> cpu``: what the app itself spent, whatever else the machine runs), and its peak
    memory in bytes (``peak``). Raises RuntimeError when Chromium or the app is not usable."""
    from playwright.sync_api import Error, sync_playwright

    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is absent (apt-get install chromium)")
    figures: dict[str, float] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            began = time.perf_counter()
            with _server(store, log) as (process, base):
                memory = PeakMemory(process.pid)
                try:
                    while not healthy(base):
                        if process.poll() is not None or time.perf_counter() - began > TIMEOUT_MS / 1000:
                            raise RuntimeError(f"the app did not start (see {log})")
                        time.sleep(0.05)
                    page = browser.new_page(viewport={"width": 1400, "height": 1000})
                    page.set_default_timeout(TIMEOUT_MS)
                    page.goto(base)
                    page.wait_for_selector(".st-key-trend_chart .js-plotly-plot .main-svg")
                    figures["start"] = time.perf_counter() - began
                    figures["start cpu"] = memory.cpu()
                    page.close()
                    for name, (path, selector) in visits.items():
                        page = browser.new_page(viewport={"width": 1400, "height": 1000})
                        page.set_default_timeout(TIMEOUT_MS)
                        opened, opened_cpu = time.perf_counter(), memory.cpu()
                        page.goto(base + path)
                        page.wait_for_selector(selector)
                        page.wait_for_selector(DONE)
                        figures[name] = time.perf_counter() - opened
                        figures[f"{name} cpu"] = memory.cpu() - opened_cpu
                        page.close()
                except Error as error:
                    raise RuntimeError(f"browser: {str(error).splitlines()[0]} (see {log})") from None
                finally:
                    figures["peak"] = memory.stop()
        finally:
            browser.close()
    return figures
