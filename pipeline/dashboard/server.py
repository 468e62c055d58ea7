"""Start ``streamlit run app.py`` on a store and a free port, for browser tests and the load command."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.dashboard.settings import ROOT, STORE_ENV

START_TIMEOUT_S = 120


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def healthy(base: str) -> bool:
    """Whether the Streamlit server at ``base`` answers ``ok`` on ``/_stcore/health``."""
    try:
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
            return response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def streamlit_server(store: Path | None, log_path: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run ``streamlit run app.py`` on ``store`` (``ENTENTE_STORE``; None: on the named datasets) with the
    extra environment ``env`` on a free port, its output in ``log_path``, and yield its base URL once
    healthy; the server is stopped on exit, also on failure."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
        "--server.port", str(port), "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=_environment(store, env or {}), stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not healthy(base):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"streamlit did not become healthy on {base} (exit code {process.poll()}):\n{tail}")
            time.sleep(0.25)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _environment(store: Path | None, extra: dict[str, str]) -> dict[str, str]:
    """This process's environment plus ``extra``, with ``ENTENTE_STORE`` set to ``store`` (or unset)."""
    variables = {name: value for name, value in os.environ.items() if name != STORE_ENV} | extra
    return variables | ({STORE_ENV: str(store)} if store else {})
