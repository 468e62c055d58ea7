"""The load command, run small on a started server, over Streamlit's websocket protocol and in real browsers,
with its figures printed."""

import re
import subprocess
import sys

import pytest

from pipeline.dashboard.load import CHROMIUM
from pipeline.dashboard.server import free_port
from pipeline.dashboard.settings import ROOT

FIGURES = re.compile(r"^(navigation|interaction) → finished run: n=(\d+) p50 ([\d.]+) s p95 ([\d.]+) s", re.MULTILINE)


def load(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.dashboard.load", *args], cwd=ROOT, capture_output=True, text=True, timeout=900,
    )


@pytest.mark.parametrize("driver", ["protocol", "browser"])
def test_two_sessions_change_filters_without_errors_and_print_their_figures(demo_store, driver):
    if driver == "browser" and not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium package to run the browser tests")
    result = load("--sessions", "2", "--seconds", "5", "--store", str(demo_store), "--driver", driver)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^errors 0$", result.stdout, re.MULTILINE), result.stdout
    figures = {kind: (int(n), float(p50), float(p95)) for kind, n, p50, p95 in FIGURES.findall(result.stdout)}
    assert set(figures) == {"navigation", "interaction"}, result.stdout
    for n, p50, p95 in figures.values():
        assert n >= 2 and 0 < p50 <= p95, result.stdout
    assert "load average" in result.stdout
    assert f"2 {driver} sessions" in result.stdout


def test_a_url_without_a_server_is_one_line_and_exit_2():
    result = load("--sessions", "1", "--seconds", "1", "--url", f"http://127.0.0.1:{free_port()}")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()] and "no Streamlit server" in result.stderr


class _Recorded:
    """Serialized ForwardMsgs of one run, handed out as a websocket's ``recv`` would."""

    def __init__(self, messages):
        self.frames = [message.SerializeToString() for message in messages]

    async def recv(self) -> bytes:
        return self.frames.pop(0)


def test_a_run_with_an_exception_or_an_error_box_is_counted_as_an_error():
    import asyncio

    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    from pipeline.dashboard.load import Tally
    from pipeline.dashboard.load_protocol import ALERT_ERROR, ALERT_INFO, _finished_run

    def element(kind: str, **fields) -> ForwardMsg:
        message = ForwardMsg()
        target = getattr(message.delta.new_element, kind)
        for name, value in fields.items():
            setattr(target, name, value)
        return message

    finished = ForwardMsg(script_finished=ForwardMsg.FINISHED_SUCCESSFULLY)
    cases = {
        "exception": ([element("exception", message="boom"), finished], 1, 0),
        "error box": ([element("alert", body="cannot be read", format=ALERT_ERROR), finished], 1, 0),
        "no data": ([element("alert", body="No items", format=ALERT_INFO), finished], 0, 1),
        "clean": ([element("markdown", body="fine"), finished], 0, 0),
        "compile error": ([ForwardMsg(script_finished=ForwardMsg.FINISHED_WITH_COMPILE_ERROR)], 1, 0),
    }
    for name, (messages, errors, empty) in cases.items():
        tally = Tally()
        asyncio.run(_finished_run(_Recorded(messages), tally, "/"))
        assert (len(tally.errors), tally.empty_views) == (errors, empty), (name, tally)
