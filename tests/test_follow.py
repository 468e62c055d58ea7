"""Following feeds against a local HTTP server: new, updated, not-modified, timed-out and garbage feeds."""

import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pipeline.fetch import FetchError, fetch
from pipeline.follow import FetchLimits, follow, load_state, parse_interval, read_feed_list
from pipeline.store import read_optional_table, read_rejected, read_table, store_version

ROOT = Path(__file__).resolve().parents[1]
SLOW_SECONDS = 3.0
LIMITS = FetchLimits(timeout=1.0, max_bytes=200_000)
STORY = {
    "a": "Norway and Chile signed a fisheries pact on Tuesday, the ministers said in Oslo.",
    "a2": "Correction: Norway and Chile postponed the fisheries pact on Tuesday, the ministers said.",
    "b": "Kenya praised Ghana for opening a trade corridor across the region this spring.",
    "c": "Canada criticised Mexico over a dispute about steel tariffs at the border.",
}


def _rss(items: list[tuple[str, str, str | None]]) -> bytes:
    """An RSS 2.0 feed of (link, text, RFC 2822 date or None) items."""
    entries = "".join(
        f"<item><title>{text[:30]}</title><link>{link}</link><guid>{link}</guid>"
        + (f"<pubDate>{date}</pubDate>" if date else "") + f"<description>{text}</description></item>"
        for link, text, date in items)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Invented Wire</title>{entries}'
            "</channel></rss>").encode()


def _news(version: int) -> bytes:
    """The changing feed: version 2 adds an item, version 3 corrects the first one; an undated item throughout."""
    first = STORY["a2"] if version >= 3 else STORY["a"]
    items = [("https://wire.example.org/a", first, "Tue, 04 Mar 2025 10:00:00 GMT"),
             ("https://wire.example.org/b", STORY["b"], "Wed, 05 Mar 2025 10:00:00 GMT"),
             ("https://wire.example.org/undated", "An invented item that carries no date at all.", None)]
    if version >= 2:
        items.append(("https://wire.example.org/c", STORY["c"], "Thu, 06 Mar 2025 10:00:00 GMT"))
    return _rss(items)


STATIC_ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Invented Gazette</title><id>urn:gazette</id>
<updated>2025-03-05T00:00:00Z</updated>
<entry><id>urn:gazette:1</id><title>Talks</title><link href="https://gazette.example.org/1"/>
<updated>2025-03-05T08:00:00Z</updated><summary>Peru welcomed Bolivia's offer of water talks.</summary></entry>
<entry><id>urn:gazette:2</id><title>Visit</title><link href="https://gazette.example.org/2"/>
<updated>2025-03-05T09:00:00Z</updated><summary>Vietnam thanked Laos for a state visit to Hanoi.</summary></entry>
</feed>"""
PAGE = ("<!doctype html><html><head><title>Invented Daily: Estonia and Latvia</title>"
        '<meta property="article:published_time" content="2025-03-07T12:00:00Z"></head><body><article>'
        "<h1>Estonia and Latvia agree on a rail link</h1>"
        + "".join(f"<p>Estonia and Latvia agreed on section {n} of a shared rail link, officials in "
                  f"Tallinn and Riga said on Friday, calling it a step for the region number {n}.</p>"
                  for n in range(6))
        + "</article></body></html>").encode()
PAGE_MODIFIED = "Fri, 07 Mar 2025 12:00:00 GMT"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        hits = self.server.hits
        hits[self.path] = hits.get(self.path, 0) + 1
        if self.path == "/news.rss":  # each poll a new ETag; the content stops changing at version 3
            self._send(_news(min(hits[self.path], 3)), {"ETag": f'"v{hits[self.path]}"'})
        elif self.path == "/static.atom":
            if self.headers.get("If-None-Match") == '"static-1"':
                self._send_status(304)
            else:
                self._send(STATIC_ATOM, {"ETag": '"static-1"'})
        elif self.path == "/page.html":
            if self.headers.get("If-Modified-Since") == PAGE_MODIFIED:
                self._send_status(304)
            else:
                self._send(PAGE, {"Last-Modified": PAGE_MODIFIED}, "text/html")
        elif self.path == "/slow.rss":
            time.sleep(SLOW_SECONDS)
            try:
                self._send(_news(1), {})
            except BrokenPipeError:  # the client gave up long ago, as it should
                pass
        elif self.path == "/garbage.xml":
            self._send(b"\x00\x9f\xff<<not a feed>> \x00" * 40, {})
        elif self.path == "/huge.rss":
            self._send(b"<rss>" + b" " * 300_000 + b"</rss>", {})
        else:
            self._send_status(404)

    def _send(self, body: bytes, headers: dict, content_type: str = "application/rss+xml"):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _send_status(self, status: int):
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    httpd.hits = {}
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _feeds_file(tmp_path: Path, base: str, names: list[str]) -> Path:
    path = tmp_path / "feeds.txt"
    path.write_text("# followed feeds\n\n" + "".join(f"{base}/{name}  # {name}\n" for name in names))
    return path


def test_three_cycles_ingest_exactly_the_new_items(tmp_path, server):
    httpd, base = server
    feeds = _feeds_file(tmp_path, base, ["news.rss", "static.atom", "page.html", "slow.rss", "garbage.xml"])
    store, lines = tmp_path / "store", []
    reports = follow(feeds, store, every=0, cycles=3, limits=LIMITS, log=lines.append, sleep=lambda _: None)

    by_feed = [{result.url.rsplit("/", 1)[1]: result for result in report.feeds} for report in reports]
    news = [cycle["news.rss"] for cycle in by_feed]
    assert [(r.read, r.new, r.updated, r.unchanged, r.rejected) for r in news] == \
        [(3, 2, 0, 0, 1), (4, 1, 0, 2, 1), (4, 0, 1, 2, 1)]
    assert [cycle["static.atom"].status for cycle in by_feed] == ["200", "304", "304"]
    assert by_feed[0]["static.atom"].new == 2
    assert [cycle["page.html"].status for cycle in by_feed] == ["200", "304", "304"]
    assert by_feed[0]["page.html"].new == 1
    for failing in ("slow.rss", "garbage.xml"):  # fails once, then backs off; the others go on
        assert [cycle[failing].status for cycle in by_feed] == ["error", "waiting", "waiting"]
    assert "timed out" in by_feed[0]["slow.rss"].error
    assert by_feed[0]["garbage.xml"].error == "no article text found in the HTML page"
    assert httpd.hits["/slow.rss"] == 1 and httpd.hits["/garbage.xml"] == 1

    runs = [report.run for report in reports]
    assert all(run.read == run.accepted + run.rejected for run in runs)
    assert all(run.accepted == run.new + run.updated + run.unchanged for run in runs)
    assert [(run.read, run.new, run.updated, run.rejected) for run in runs] == [(6, 5, 0, 1), (4, 1, 0, 1),
                                                                              (4, 0, 1, 1)]
    assert all(report.stored for report in reports)
    articles = read_table(store, "articles")
    assert len(articles) == sum(run.new for run in runs) == 6
    assert articles.set_index("url").loc["https://wire.example.org/a", "text"] == STORY["a2"]
    history = read_optional_table(store, "history")
    assert history["url"].tolist() == ["https://wire.example.org/a"] and history["text"].item() == STORY["a"]
    assert read_rejected(store)["reason"].tolist() == ["no date"]

    assert sum(line.count(" cycle ") for line in lines) == 3 * 6  # a line per feed and one per cycle
    assert any("slow.rss: error: timed out · next try in 60s" in line for line in lines)
    assert any("garbage.xml: backing off" in line for line in lines)
    assert any("accepted 3 = new 0 + updated 1 + unchanged 2" in line for line in lines)

    # A later run resumes from the saved validators; a 200 with nothing new leaves the store as it is.
    version = store_version(store)
    assert load_state(store)[f"{base}/static.atom"].etag == '"static-1"'
    again = follow(feeds, store, every=0, cycles=1, limits=LIMITS, log=lines.append)[0]
    results = {result.url.rsplit("/", 1)[1]: result for result in again.feeds}
    assert results["news.rss"].status == "200" and (results["news.rss"].new, results["news.rss"].unchanged) == (0, 3)
    assert results["static.atom"].status == "304" and not again.stored and store_version(store) == version
    assert "nothing new, store unchanged" in lines[-1]


def test_fetch_sends_validators_and_caps_size_and_time(server):
    _, base = server
    first = fetch(f"{base}/static.atom")
    assert (first.status, first.etag) == (200, '"static-1"') and first.data == STATIC_ATOM
    assert fetch(f"{base}/static.atom", etag=first.etag).status == 304
    assert fetch(f"{base}/page.html", last_modified=PAGE_MODIFIED).status == 304
    with pytest.raises(FetchError, match="exceeds the cap"):
        fetch(f"{base}/huge.rss", max_bytes=100_000)
    with pytest.raises(FetchError, match="timed out"):
        fetch(f"{base}/slow.rss", timeout=0.5)
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(f"{base}/missing")
    with pytest.raises(FetchError, match="not an http"):
        fetch("file:///etc/passwd")


def test_feed_list_and_interval_errors_name_the_line(tmp_path):
    path = tmp_path / "feeds.txt"
    path.write_text("# comment\nhttps://a.example.org/feed#top  # fragment kept\n\nftp://b.example.org/x\n")
    with pytest.raises(ValueError, match=r"feeds.txt:4: not an http\(s\) address: 'ftp://b.example.org/x'"):
        read_feed_list(path)
    path.write_text("https://a.example.org/feed#top  # fragment kept\nhttps://a.example.org/feed#top\n")
    assert read_feed_list(path) == ["https://a.example.org/feed#top"]
    assert [parse_interval(text) for text in ("90", "30s", "15m", "2h", "1d")] == [90, 30, 900, 7200, 86400]
    with pytest.raises(ValueError, match="15 minutes"):
        parse_interval("15 minutes")


def test_follow_command(tmp_path, server):
    _, base = server
    feeds = _feeds_file(tmp_path, base, ["static.atom", "garbage.xml"])
    command = [sys.executable, "-m", "pipeline", "follow", str(feeds), "--store", str(tmp_path / "store"),
               "--every", "0s", "--cycles", "2", "--timeout", "2s"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 6 and "static.atom: 200 · read 2 = new 2" in lines[0]
    assert "garbage.xml: error: " in lines[1] and "static.atom: 304 not modified" in lines[3]
    bad = tmp_path / "bad.txt"
    bad.write_text("not a url\n")
    result = subprocess.run([*command[:4], str(bad), *command[5:7]], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2 and result.stderr.strip() == f"error: {bad}:1: not an http(s) address: 'not a url'"
    result = subprocess.run([*command[:4], str(feeds)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "follow needs the dataset" in result.stderr  # no store named
