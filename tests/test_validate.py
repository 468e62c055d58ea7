"""Validation: each record accepted or rejected with one fixed reason; nothing is lost."""

import gzip
from pathlib import Path

import pandas as pd
import pytest

from pipeline.load import load_input
from pipeline.validate import validate

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"
NOW = pd.Timestamp("2025-03-10 12:00", tz="UTC")

GOOD = "Norway and Chile signed a fisheries pact on Tuesday."
ROWS = [  # (date, title, text, url, expected reason prefix or None)
    ("2025-03-04", "Good one", GOOD, "https://x.example.org/1", None),
    ("", "No date", "Some invented text about talks.", "https://x.example.org/2", "no date"),
    ("32/13/2025", "Bad date", "Text with an impossible calendar day.", "https://x.example.org/3",
     "unparseable date: '32/13/2025'"),
    ("1850-01-01", "Too old", "A very old invented dispatch.", "https://x.example.org/4",
     "impossible date: '1850-01-01'"),
    ("2025-03-12", "Too new", "A dispatch from the future.", "https://x.example.org/5",
     "impossible date: '2025-03-12'"),
    ("2025-03-11", "Tomorrow is fine", "Time zones put this a few hours ahead.",
     "https://x.example.org/6", None),
    ("2025-03-04", "", "   ", "https://x.example.org/7", "empty text"),
    ("2025-03-04", "Too long", "x" * 301, "https://x.example.org/8",
     "text too long: 301 chars > 300"),
    ("2025-03-05", "Same url", "Another text on another day.", "https://x.example.org/1",
     "duplicate url: same as rows.csv:1"),
    ("2025-03-05", "Same text", "NORWAY and Chile signed a fisheries pact on Tuesday!!",
     "https://x.example.org/9", "duplicate text: same as rows.csv:1"),
    ("2025-03-06", "Good two", "Kenya and Ghana opened a trade corridor.", "", None),
]


@pytest.fixture
def loaded(tmp_path) -> pd.DataFrame:
    path = tmp_path / "rows.csv"
    frame = pd.DataFrame([row[:4] for row in ROWS], columns=["date", "title", "text", "url"])
    data = frame.to_csv(index=False).encode("utf-8")
    data += "2025-03-07,Z\u00fcrich,Talks in Z\u00fcrich.,https://x.example.org/11\n".encode("utf-8")
    data += b'2025-03-07,Broken bytes,Caf\xe9 diplomacy in Paris.,https://x.example.org/10\n'
    path.write_bytes(data)
    return load_input(path)


def test_every_reason_and_the_first_occurrence_kept(loaded):
    accepted, rejected = validate(loaded, max_chars=300, now=NOW)
    expected = {row: reason for row, (*_, reason) in enumerate(ROWS, 1) if reason}
    expected[len(ROWS) + 2] = "undecodable bytes"  # a stray byte in a UTF-8 file
    got = dict(zip(rejected["row"], rejected["reason"]))
    assert sorted(got) == sorted(expected)
    for row, reason in expected.items():
        assert got[row].startswith(reason), (row, got[row])
    assert accepted["input_row"].tolist() == [1, 6, 11, 12]
    assert not accepted["unchanged"].any()
    assert {"date_raw", "undecodable"}.isdisjoint(accepted.columns)
    assert list(rejected.columns) == ["file", "row", "reason", "article_id", "title"]
    assert rejected["file"].str.endswith("rows.csv").all()


def test_max_chars_default_allows_long_texts(loaded):
    _, rejected = validate(loaded, now=NOW)
    assert not rejected["reason"].str.startswith("text too long").any()


def test_duplicates_against_the_store(loaded):
    first_accepted, _ = validate(loaded, max_chars=300, now=NOW)
    again, rejected = validate(loaded, max_chars=300, now=NOW, stored=first_accepted)
    assert again["unchanged"].all() and len(again) == len(first_accepted)

    edited = loaded.copy()
    edited.loc[0, ["text", "content_hash"]] = ["An edited text of the first article.", "changed"]
    edited_accepted, edited_rejected = validate(edited, max_chars=300, now=NOW,
                                                stored=first_accepted)
    reasons = dict(zip(edited_rejected["row"], edited_rejected["reason"]))
    assert 1 not in reasons and reasons[9] == "duplicate url: same as rows.csv:1"
    by_row = edited_accepted.set_index("input_row")
    assert by_row.loc[1, "updated"] and not by_row.loc[1, "unchanged"]  # republished with new text
    assert by_row.loc[1, "article_id"] == first_accepted.set_index("input_row").loc[1, "article_id"]
    assert by_row.loc[[6, 11], "unchanged"].all() and not by_row.loc[[6, 11], "updated"].any()
    # the replaced text leaves the live store, so its twin at another address is no longer a duplicate
    assert not by_row.loc[10, "updated"] and 10 not in reasons


def test_a_changed_url_and_unchanged_content_stay_duplicates(loaded):
    first_accepted, _ = validate(loaded, max_chars=300, now=NOW)
    moved = loaded.copy()
    moved.loc[0, "article_id"] = "another-id"  # same url, same content, new guid
    accepted, rejected = validate(moved, max_chars=300, now=NOW, stored=first_accepted)
    assert dict(zip(rejected["row"], rejected["reason"]))[1] == "duplicate url: already in the store"
    assert not accepted["updated"].any()


def _every_fixture(tmp_path):
    yield from sorted(FIXTURES.iterdir())
    plain = tmp_path / "plain.csv"
    plain.write_text("date,text\n2025-03-04,One.\n2025-03-04,one\n,Three.\n")
    yield plain
    zipped = tmp_path / "plain.csv.gz"
    zipped.write_bytes(gzip.compress(plain.read_bytes()))
    yield zipped


def test_accounting_invariant_on_every_fixture(tmp_path):
    checked = 0
    for path in _every_fixture(tmp_path):
        articles = load_input(path)
        accepted, rejected = validate(articles, now=NOW)
        assert len(articles) == len(accepted) + len(rejected), path
        checked += 1
    assert checked >= 6


def test_empty_input_gives_empty_outputs(tmp_path):
    path = tmp_path / "header_only.csv"
    path.write_text("date,text\n")
    accepted, rejected = validate(load_input(path), now=NOW)
    assert accepted.empty and rejected.empty


def test_an_author_is_resolved_to_its_actor_id_or_rejected_naming_the_value(tmp_path):
    path = tmp_path / "speeches.csv"
    path.write_text("date,author_actor,text\n"
                    "2015-09-15,chl,We welcome the talks with Peru.\n"
                    "2015-09-15,Peru,Our delegation thanks Chile.\n"
                    "2015-09-15,XYZ,My country condemns nobody.\n"
                    "2015-09-15,,An unsigned text about Norway.\n", encoding="utf-8")
    authors = {"chl": "CHL", "chile": "CHL", "per": "PER", "peru": "PER"}
    accepted, rejected = validate(load_input(path), now=NOW.replace(year=2016), authors=authors)
    assert accepted["author_actor"].tolist() == ["CHL", "PER", ""]
    assert rejected[["row", "reason"]].values.tolist() == [
        [3, "unknown author: 'XYZ' is not an actor id or name in the dictionary"]]
    shipped, rejected_by_default = validate(load_input(path), now=NOW.replace(year=2016))  # the shipped dictionary
    assert shipped["author_actor"].tolist() == ["CHL", "PER", ""] and rejected_by_default["row"].tolist() == [3]
