"""HTTP(S) fetches for followed feeds: conditional (ETag / Last-Modified), with a timeout and a size cap."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

import pipeline

TIMEOUT_SECONDS = 20.0
MAX_BYTES = 10_000_000
CHUNK_BYTES = 65_536
USER_AGENT = f"Entente/{pipeline.__version__} (feed follower)"


class FetchError(Exception):
    """A fetch failed; the message is one line."""


@dataclass(frozen=True)
class Response:
    """A fetched feed or page: `status` 200 with the body, or 304 (not modified) without one. `etag` and
    `last_modified` are the validators to send next time (the previous ones when the server sent none)."""

    status: int
    data: bytes = field(repr=False)
    etag: str
    last_modified: str


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are followed only to http(s) addresses."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not newurl.lower().startswith(("http://", "https://")):
            raise FetchError(f"redirect to a non-http(s) address: {newurl[:80]}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_HttpOnlyRedirects)


def fetch(url: str, *, etag: str = "", last_modified: str = "", timeout: float = TIMEOUT_SECONDS,
          max_bytes: int = MAX_BYTES) -> Response:
    """GET `url` with `If-None-Match: etag` / `If-Modified-Since: last_modified` when given.

    The whole fetch (connect, headers and body) must finish within `timeout` seconds and the body
    must not exceed `max_bytes`; otherwise, and on any HTTP status other than 200 and 304, raises
    FetchError.
    """
    if not url.lower().startswith(("http://", "https://")):
        raise FetchError("not an http(s) address")
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = time.monotonic() + timeout
    try:
        with _OPENER.open(urllib.request.Request(url, headers=headers), timeout=timeout) as response:
            declared = int(response.headers.get("Content-Length") or 0)
            if declared > max_bytes:
                raise FetchError(f"body of {declared:,} bytes exceeds the cap of {max_bytes:,}")
            data = _read_capped(response, max_bytes, deadline)
            return Response(response.status, data, response.headers.get("ETag") or etag,
                            response.headers.get("Last-Modified") or last_modified)
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return Response(304, b"", error.headers.get("ETag") or etag,
                            error.headers.get("Last-Modified") or last_modified)
        raise FetchError(f"HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise FetchError("timed out" if isinstance(error.reason, TimeoutError) else
                         f"cannot connect: {error.reason}") from None
    except TimeoutError:
        raise FetchError("timed out") from None
    except (OSError, ValueError) as error:
        raise FetchError(f"{type(error).__name__}: {error}" if str(error) else type(error).__name__) from None


def _read_capped(response, max_bytes: int, deadline: float) -> bytes:
    chunks, size = [], 0
    while chunk := response.read(CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"body exceeds the cap of {max_bytes:,} bytes")
        if time.monotonic() > deadline:
            raise FetchError("timed out reading the body")
        chunks.append(chunk)
    return b"".join(chunks)
