"""RSS/Atom feeds (one record per item), saved HTML pages and http(s) URLs (fetched by trafilatura,
which refuses private-network addresses and stops downloading at 20 MB)."""

from __future__ import annotations

import dataclasses

import feedparser
import lxml.etree
import lxml.html
import pandas as pd
import trafilatura

from pipeline.load.limits import InputError
from pipeline.load.records import records_frame, unreadable


def read_feed(data: bytes, path) -> pd.DataFrame:
    return feed_frame(feedparser.parse(data), path)


def feed_frame(feed: feedparser.FeedParserDict, path) -> pd.DataFrame:
    if feed.bozo and not feed.entries:
        raise InputError(path, f"not a readable RSS/Atom feed: {feed.get('bozo_exception')}")
    feed_title = feed.feed.get("title", "")
    records = []
    for number, entry in enumerate(feed.entries, 1):
        try:
            records.append(_feed_record(entry, feed_title))
        except (ValueError, TypeError, AttributeError, lxml.etree.LxmlError) as error:
            records.append(unreadable(f"unreadable feed item {number}: {error}"))
    return records_frame(records)


def _feed_record(entry, feed_title: str) -> dict:
    source = entry.get("source", {})
    return {
        "id": entry.get("id"),
        "title": entry.get("title", ""),
        "content": _html_to_text(entry.content[0].value) if entry.get("content") else "",
        "summary": _html_to_text(entry.get("summary", "")),
        "link": entry.get("link", ""),
        "published": entry.get("published") or entry.get("updated"),
        "source": (source.get("title") if isinstance(source, dict) else None) or feed_title,
    }


def _html_to_text(fragment: str) -> str:
    if "<" not in fragment:
        return fragment.strip()
    return lxml.html.fromstring(f"<div>{fragment}</div>").text_content().strip()


def read_html(data: bytes | str, path, url: str | None = None) -> pd.DataFrame:
    extracted = trafilatura.bare_extraction(data, url=url, with_metadata=True)
    document = extracted.as_dict() if extracted else {}
    if not document.get("text"):
        raise InputError(path, "no article text found in the HTML page")
    record = {
        "title": document.get("title") or "",
        "text": document["text"],
        "date": document.get("date"),
        "url": document.get("url") or url or "",
        "source": document.get("sitename") or document.get("hostname") or "",
    }
    return records_frame([record])


def read_url(url: str) -> pd.DataFrame:
    """A feed or an HTML page over http(s), fetched once."""
    response = trafilatura.fetch_response(url)
    if response is None or response.status >= 400 or not response.data:
        status = f" (HTTP {response.status})" if response is not None else ""
        raise InputError(url, f"could not fetch the page{status}")
    return read_response(response.data, url)


@dataclasses.dataclass(frozen=True)
class Fetched:
    """The body of an http(s) response fetched already (by ``pipeline.follow``), read as its URL would be."""

    url: str
    data: bytes = dataclasses.field(repr=False)

    def __str__(self) -> str:
        return self.url


def read_response(data: bytes, url: str) -> pd.DataFrame:
    """An http(s) response body: a feed's entries, or else the article of an HTML page."""
    feed = feedparser.parse(data)
    if feed.entries:
        return feed_frame(feed, url)
    return read_html(data, url, url=url)
