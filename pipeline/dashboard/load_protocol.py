"""Concurrent users over Streamlit's own websocket protocol: what the server does for each, without browsers.

Each session opens ``/_stcore/stream`` as the dashboard's page does, asks for a run of a page with a
shareable URL's query string (a ``rerun_script`` BackMsg), and reads the ForwardMsgs until the run's
``script_finished``; then it changes the filters in the same session (a rerun with another granularity)
and waits again. Headless browsers on the same machine spend far more CPU drawing the pages than the
server spends making them (measured on 2 cores: 2–7 CPU seconds of Chromium per page load against 0.3–2
of the server's), so ``--driver browser`` measures the clients' drawing and this driver the server.
"""

from __future__ import annotations

import asyncio
import random
import time

from pipeline.dashboard import urlstate as url
from pipeline.dashboard.load import ACTION_TIMEOUT_MS, GRANULARITY_PAGES, PAGES, Tally, random_query

ALERT_ERROR, ALERT_INFO = 1, 3
"""``Alert.format`` values of an error box and of an info box (the pages' "no data" note)."""


def _stream(base: str) -> str:
    """The websocket address of the dashboard at ``base``."""
    return base.replace("http://", "ws://", 1).replace("https://", "wss://", 1) + "/_stcore/stream"


def _rerun(query: dict[str, list[str]], path: str) -> bytes:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    message = BackMsg()
    message.rerun_script.query_string = url.share_url("", query).lstrip("?")
    message.rerun_script.page_name = path.strip("/")
    return message.SerializeToString()


async def _run_messages(socket):
    """(kind, new element or None, message) of each ForwardMsg of one run, up to its ``script_finished``."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    while True:
        message = ForwardMsg()
        message.ParseFromString(await socket.recv())
        kind = message.WhichOneof("type")
        new = kind == "delta" and message.delta.WhichOneof("type") == "new_element"
        yield kind, message.delta.new_element if new else None, message
        if kind == "script_finished":
            return


async def _finished_run(socket, tally: Tally, where: str) -> None:
    """Read a run to its end; an exception, an error box or an unsuccessful end is an error."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    no_data = False
    async for kind, element, message in _run_messages(socket):
        shown = element.WhichOneof("type") if element is not None else None
        if shown == "exception" or (shown == "alert" and element.alert.format == ALERT_ERROR):
            tally.errors.append(f"{where}: {shown}: {str(element)[:200]}")
        no_data = no_data or (shown == "alert" and element.alert.format == ALERT_INFO)
        if kind == "page_not_found":
            tally.errors.append(f"{where}: page not found")
        elif kind == "script_finished":
            if message.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                tally.errors.append(f"{where}: run ended with status {message.script_finished}")
            tally.empty_views += no_data


async def _timed(socket, payload: bytes, tally: Tally, kind: str, where: str) -> None:
    began = time.perf_counter()
    await socket.send(payload)
    await asyncio.wait_for(_finished_run(socket, tally, where), ACTION_TIMEOUT_MS / 1000)
    tally.seconds[kind].append(time.perf_counter() - began)


async def session(base: str, pairs: list[str], deadline: float, seed: int, tally: Tally) -> None:
    """One user until ``deadline``: open a random shareable view in a new connection (navigation), then change
    its granularity in the same session (interaction), and again."""
    import websockets

    rng = random.Random(seed)
    stream = _stream(base)
    while True:
        path = rng.choice(list(PAGES))
        query = random_query(rng, pairs)
        where = f"{path}?{url.share_url('', query).lstrip('?')}"
        try:
            async with websockets.connect(stream, subprotocols=["streamlit"], max_size=None,
                                          open_timeout=ACTION_TIMEOUT_MS / 1000) as socket:
                await _timed(socket, _rerun(query, path), tally, "navigation", where)
                if path in GRANULARITY_PAGES:
                    current = query[url.GRANULARITY][0]
                    query[url.GRANULARITY] = [rng.choice([g for g in ("week", "month", "quarter", "year")
                                                          if g != current])]
                    await _timed(socket, _rerun(query, path), tally, "interaction", where)
        except Exception as error:  # noqa: BLE001 - any failure of a user's action is a counted error
            reason = (str(error).splitlines() or [""])[0][:200]
            tally.errors.append(f"{where}: {type(error).__name__}: {reason}")
        if time.monotonic() >= deadline:
            return


async def discover_pairs(base: str) -> list[str]:
    """The pairs the sidebar offers (every pair with data), read from a first run of the default page."""
    import websockets

    async with websockets.connect(_stream(base), subprotocols=["streamlit"], max_size=None) as socket:
        await socket.send(_rerun({}, "/"))
        async for _, element, _ in _run_messages(socket):
            if element is not None and element.WhichOneof("type") == "multiselect" and (
                    element.multiselect.id.endswith(url.PAIRS)):
                return list(element.multiselect.options)
    return []


async def drive(base: str, sessions: int, seconds: float, seed: int) -> tuple[Tally, int]:
    """Run ``sessions`` protocol users against ``base`` for ``seconds``; the tally and the number of pairs used."""
    pairs = await discover_pairs(base)
    if not pairs:
        raise ValueError(f"{base} offers no actor pairs: nothing to filter on")
    tally = Tally()
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(session(base, pairs, deadline, seed + n, tally) for n in range(sessions)))
    return tally, len(pairs)
