"""Readers: every input format becomes the same canonical articles, with UTC dates."""

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline.load import InputError, load_input, parse_dates
from pipeline.schema import ARTICLES

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"

RECORDS = [
    {"id": "a1", "published": "2025-03-04T10:00:00+02:00", "headline": "Norway and Chile sign a pact",
     "body": "The two governments signed a fisheries pact on Tuesday, officials said.",
     "outlet": "Invented Wire", "link": "https://wire.example.org/a1", "desk": "north"},
    {"id": "a2", "published": "Wed, 05 Mar 2025 08:00:00 +0100",
     "headline": "Kenya; Ghana envoys meet",
     "body": "Envoys from Kenya and Ghana met in Accra; both called the talks \"useful\".",
     "outlet": "Invented Wire", "link": "https://wire.example.org/a2", "desk": "south"},
    {"id": "a3", "published": "1741168800", "headline": "Peru, Bolivia trade barbs",
     "body": "Peru criticised Bolivia over a border decision, calling it one-sided.",
     "outlet": "Other Desk", "link": "https://other.example.net/a3", "desk": "west"},
    {"id": "a4", "published": "1741046400000", "headline": "Iceland and Japan renew ties",
     "body": "Iceland and Japan renewed a research agreement.\tBoth sides welcomed it.",
     "outlet": "Other Desk", "link": "https://other.example.net/a4", "desk": "east"},
]
EXPECTED_DATES = pd.to_datetime(["2025-03-04 08:00", "2025-03-05 07:00", "2025-03-05 10:00",
                                 "2025-03-04 00:00"], utc=True)


def _write(frame_format: str, path: Path) -> Path:
    frame = pd.DataFrame(RECORDS)
    if frame_format == "csv":
        frame.to_csv(path, index=False)
    elif frame_format == "semicolon":
        frame.to_csv(path, index=False, sep=";")
    elif frame_format == "tsv":
        frame.to_csv(path, index=False, sep="\t")
    elif frame_format == "json":
        path.write_text(json.dumps(RECORDS), encoding="utf-8")
    elif frame_format == "jsonl":
        path.write_text("\n".join(json.dumps(record) for record in RECORDS) + "\n\n",
                        encoding="utf-8")
    elif frame_format == "parquet":
        frame.to_parquet(path)
    return path


SUFFIXES = {"csv": ".csv", "semicolon": ".csv", "tsv": ".tsv", "json": ".json",
            "jsonl": ".jsonl", "parquet": ".parquet"}


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gz"])
@pytest.mark.parametrize("frame_format", list(SUFFIXES))
def test_table_formats_give_the_same_canonical_articles(tmp_path, frame_format, compressed):
    path = _write(frame_format, tmp_path / f"articles{SUFFIXES[frame_format]}")
    if compressed:
        gz_path = path.with_name(path.name + ".gz")
        gz_path.write_bytes(gzip.compress(path.read_bytes()))
        path = gz_path
    articles = load_input(path)
    assert list(articles.columns[:len(ARTICLES)]) == ARTICLES
    assert articles["article_id"].tolist() == ["a1", "a2", "a3", "a4"]
    assert articles["date"].tolist() == EXPECTED_DATES.tolist()
    assert str(articles["date"].dtype).endswith("UTC]")
    assert articles["text"].tolist() == [record["body"] for record in RECORDS]
    assert articles["title"].tolist() == [record["headline"] for record in RECORDS]
    assert articles["source"].tolist() == [record["outlet"] for record in RECORDS]
    assert articles["url"].tolist() == [record["link"] for record in RECORDS]
    assert articles["desk"].tolist() == ["north", "south", "west", "east"]
    assert articles["input_row"].tolist() == [1, 2, 3, 4]
    assert set(articles["input_file"]) == {str(path)}


def test_jsonl_rows_are_line_numbers(tmp_path):
    path = tmp_path / "gappy.jsonl"
    path.write_text("\n" + json.dumps(RECORDS[0]) + "\n\n" + json.dumps(RECORDS[1]) + "\n")
    assert load_input(path)["input_row"].tolist() == [2, 4]


def test_gzip_is_detected_by_magic_bytes(tmp_path):
    path = tmp_path / "looks-plain.csv"
    path.write_bytes(gzip.compress(_write("csv", tmp_path / "x.csv").read_bytes()))
    assert load_input(path)["article_id"].tolist() == ["a1", "a2", "a3", "a4"]


def test_gzip_bombs_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("pipeline.load.limits.MAX_INPUT_BYTES", 1000)
    path = tmp_path / "bomb.csv.gz"
    path.write_bytes(gzip.compress(b"date,text\n" + b"2025-03-04,aaaa\n" * 1000))
    with pytest.raises(InputError, match="gzip expands beyond 1,000 bytes"):
        load_input(path)


def test_semicolon_file_with_commas_in_text_is_sniffed(tmp_path):
    path = tmp_path / "semi.csv"
    path.write_text("date;title;text\n2025-03-04;One, two;Alpha, beta, gamma, delta.\n"
                    "2025-03-05;Three;Epsilon, zeta.\n", encoding="utf-8")
    articles = load_input(path)
    assert articles["text"].tolist() == ["Alpha, beta, gamma, delta.", "Epsilon, zeta."]


def test_columns_map_case_insensitively_and_prefer_earlier_names(tmp_path):
    path = tmp_path / "mixed.csv"
    pd.DataFrame({
        "Summary": ["short one", "short two", ""],
        "BODY": ["long body one", "", ""],
        "Headline": ["First", "Second", "Third only"],
        "PubDate": ["2025-03-04", "2025-03-05", "2025-03-06"],
        "Link": ["https://a.example.org/1", "https://b.example.org/2", ""],
    }).to_csv(path, index=False)
    articles = load_input(path)
    assert articles["text"].tolist() == ["long body one", "short two", "Third only"]
    assert articles["text_from_title"].tolist() == [False, False, True]
    assert articles["source"].tolist() == ["a.example.org", "b.example.org", "mixed"]
    assert articles["date"].dt.day.tolist() == [4, 5, 6]


def test_map_overrides_the_automatic_choice(tmp_path):
    path = tmp_path / "override.csv"
    pd.DataFrame({"body": ["the body"], "summary": ["the summary"], "created": ["2025-03-04"],
                  "date": ["1999-01-01"]}).to_csv(path, index=False)
    articles = load_input(path, {"text": "summary", "date": "Created"})
    assert articles["text"].tolist() == ["the summary"]
    assert articles["date"].tolist() == [pd.Timestamp("2025-03-04", tz="UTC")]
    assert "body" in articles.columns  # unused candidates stay as extra columns


def test_map_to_a_missing_column_names_the_file(tmp_path):
    path = _write("csv", tmp_path / "a.csv")
    with pytest.raises(InputError, match=r"a\.csv: --map text=nope: no column 'nope'"):
        load_input(path, {"text": "nope"})


def test_ids_and_content_hashes_are_stable_and_normalised(tmp_path):
    path = tmp_path / "noid.csv"
    pd.DataFrame({"date": ["2025-03-04"] * 3, "title": ["T", "t", "T"],
                  "text": ["Hello, World!", "hello   world", "Different text"],
                  "url": ["", "", "https://x.example.org/3"]}).to_csv(path, index=False)
    first, second = load_input(path), load_input(path)
    assert first["article_id"].tolist() == second["article_id"].tolist()
    assert first["article_id"].nunique() == 2  # the first two texts normalise alike
    assert first["content_hash"][0] == first["content_hash"][1]
    assert first["content_hash"][0] != first["content_hash"][2]


def test_dates_in_every_supported_form_become_utc():
    values = pd.Series(["2025-03-04T10:00:00+02:00", "2025-03-04T08:00:00Z",
                        "2025-03-04 08:00:00", "Tue, 04 Mar 2025 03:00:00 -0500",
                        "Tue, 04 Mar 2025 03:00:00 EST", "1741075200", "1741075200000",
                        "2025-03-04T08:00:00.000000999Z", "2025-03-04T08:00:00+0000",
                        "32/13/2025", "2025-02-30", "1e9", "12345678901234567890", "", None],
                       dtype=object)
    parsed = parse_dates(values)
    assert parsed[:9].tolist() == [pd.Timestamp("2025-03-04 08:00", tz="UTC")] * 9
    assert parsed[9:].isna().all()
    assert parse_dates(pd.Series(["20250304", 20250304])).tolist() == \
        [pd.Timestamp("2025-03-04", tz="UTC")] * 2
    numeric = parse_dates(pd.Series([1741075200, 1741075200000]))
    assert numeric.tolist() == [pd.Timestamp("2025-03-04 08:00", tz="UTC")] * 2
    naive = parse_dates(pd.Series(pd.to_datetime(["2025-03-04 08:00"])))
    assert naive.tolist() == [pd.Timestamp("2025-03-04 08:00", tz="UTC")]


def test_json_mixes_numeric_and_text_dates(tmp_path):
    path = tmp_path / "numbers.json"
    path.write_text(json.dumps([{"timestamp": 1741075200, "text": "One."},
                                {"timestamp": "2025-03-04T08:00:00Z", "text": "Two."}]))
    assert load_input(path)["date"].tolist() == [pd.Timestamp("2025-03-04 08:00", tz="UTC")] * 2


def test_rss_feed():
    articles = load_input(FIXTURES / "feed.rss")
    assert articles["article_id"].tolist() == ["wire-1001", "wire-1002", "wire-1003"]
    assert articles["date"].tolist() == pd.to_datetime(
        ["2025-03-04 09:15", "2025-03-05 08:00", "2025-03-06 17:30"], utc=True).tolist()
    assert articles["text"][0] == "The two governments agreed on shared quotas for the southern waters."
    assert articles["text_from_title"].tolist() == [False, False, True]
    assert articles["text"][2] == articles["title"][2]
    assert set(articles["source"]) == {"Invented Wire"}
    assert articles["url"][1] == "https://wire.example.org/2025/03/trade-corridors"


def test_atom_feed_uses_updated_when_published_is_missing():
    articles = load_input(FIXTURES / "feed.atom")
    assert articles["date"].tolist() == pd.to_datetime(
        ["2025-03-07 07:00", "2025-03-08 23:45"], utc=True).tolist()
    assert articles["text"][1] == "A spokesperson called the decision regrettable and one-sided."
    assert set(articles["source"]) == {"Invented Atom Desk"}


def test_saved_html_page():
    [article] = load_input(FIXTURES / "page.html").to_dict("records")
    assert article["title"] == "Austria and Slovenia agree on a joint rail plan"
    assert article["source"] == "Invented Herald"
    assert article["url"] == "https://herald.example.com/world/2025/03/09/rail-plan"
    assert article["date"] == pd.Timestamp("2025-03-09", tz="UTC")
    assert "faster rail link between their capitals" in article["text"]
    assert "Home" not in article["text"] and "imaginary newspaper" not in article["text"]


def test_folder_of_markdown_with_front_matter_and_dated_names():
    articles = load_input(FIXTURES / "notes").set_index("title")
    named = articles.loc["Talks between Egypt and Ethiopia resume"]
    assert named["date"] == pd.Timestamp("2025-03-04", tz="UTC")
    assert named["text"].startswith("Negotiators from Egypt")  # the heading became the title
    assert named["source"] == "2025-03-04-talks-resume"
    fronted = articles.loc["Argentina and Uruguay hold a joint press briefing"]
    assert fronted["date"] == pd.Timestamp("2025-03-05 19:00", tz="UTC")
    assert fronted["source"] == "Invented River Post"
    assert fronted["url"] == "https://riverpost.example.com/briefing"
    assert articles["input_file"].str.endswith(".md").all()


def test_folder_skips_hidden_files_and_needs_some_text_files(tmp_path):
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "2025-03-04-old.md").write_text("# Stale copy\nIgnored text.")
    (tmp_path / "2025-03-05-kept.txt").write_text("Kept headline\nChile thanked Peru.")
    [article] = load_input(tmp_path).to_dict("records")
    assert article["title"] == "Kept headline"
    assert article["text"] == "Kept headline\nChile thanked Peru."  # only # headings move
    only_hidden = tmp_path / "drafts"
    only_hidden.mkdir()
    (only_hidden / ".draft.md").write_text("# Not ready\nNothing to read yet.")
    with pytest.raises(InputError, match="no .txt or .md files"):
        load_input(only_hidden)


def test_a_windows_1252_file_is_decoded_and_stray_bytes_in_utf8_are_flagged_per_row(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(b"date,text\n2025-03-04,clean text\n2025-03-05,caf\xe9 au lait\n"
                     b"2025-03-06,more clean text\n")
    articles = load_input(path)
    assert articles["text"].tolist() == ["clean text", "caf\u00e9 au lait", "more clean text"]
    assert not articles["undecodable"].any() and articles.attrs["encodings"] == {str(path): "windows-1252"}
    damaged = tmp_path / "damaged.csv"  # UTF-8 (Zürich, Genève) with one stray Latin-1 byte
    damaged.write_bytes("date,text\n2025-03-04,Z\u00fcrich talks\n2025-03-05,Gen\u00e8ve talks\n".encode()
                        + b"2025-03-05,caf\xe9 au lait\n2025-03-06,more clean text\n")
    articles = load_input(damaged)
    assert articles["undecodable"].tolist() == [False, False, True, False]
    assert articles["text"][2] == "caf\ufffd au lait" and articles["text"][0] == "Z\u00fcrich talks"
    lines = tmp_path / "damaged.jsonl"
    lines.write_bytes('{"date": "2025-03-04", "text": "Z\u00fcrich"}\n'.encode()
                      + b'{"date": "2025-03-05", "text": "caf\xe9"}\n')
    assert load_input(lines)["undecodable"].tolist() == [False, True]
    note = tmp_path / "note.md"
    note.write_bytes(b"---\ntitle: Caf\xe9 talks\ndate: 2025-03-04\n---\nFrance and Italy met.\n")
    [article] = load_input(note).to_dict("records")
    assert not article["undecodable"] and article["title"] == "Caf\u00e9 talks"


@pytest.mark.parametrize("name, content, reason", [
    ("absent.csv", None, "no such file"),
    ("notes.xyz", b"hello", "unknown format '.xyz'"),
    ("broken.csv.gz", b"\x1f\x8b\x08\x00garbage", "corrupt gzip"),
    ("fake.csv.gz", b"not gzip at all", "corrupt gzip"),
    ("broken.parquet", b"PAR1 this is not parquet PAR1", "corrupt parquet"),
    ("bad.jsonl", b'{"text": oops}\n[1, 2]\n', "no line is a JSON object (line 1: invalid JSON"),
    ("object.json", b'{"text": "not an array"}', "expected a JSON array of objects"),
    ("feed.rss", b"just some words, not a feed", "not a readable RSS/Atom feed"),
])
def test_unreadable_inputs_raise_one_line_input_errors(tmp_path, name, content, reason):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError) as error:
        load_input(path)
    message = str(error.value)
    assert message.startswith(f"{path}: ") and reason in message and "\n" not in message
    assert isinstance(error.value, ValueError)


def test_byte_order_marks_are_ignored(tmp_path):
    csv_path, json_path = tmp_path / "bom.csv", tmp_path / "bom.json"
    csv_path.write_bytes(b"\xef\xbb\xbfdate,text\n2025-03-04,Chile thanked Peru.\n")
    json_path.write_bytes(b'\xef\xbb\xbf[{"date": "2025-03-04", "text": "Chile thanked Peru."}]')
    for path in (csv_path, json_path):
        assert load_input(path)["date"].tolist() == [pd.Timestamp("2025-03-04", tz="UTC")]


def test_extra_columns_keep_simple_types_and_nested_values_become_json(tmp_path):
    path = tmp_path / "extra.json"
    path.write_text(json.dumps([
        {"date": "2025-03-04", "text": "One.", "page": 3, "flag": True, "tags": ["a", "b"]},
        {"date": "2025-03-05", "text": "Two.", "page": 4, "flag": False, "tags": {"k": 1}},
    ]))
    articles = load_input(path)
    assert articles["page"].dtype == "Int64" and articles["page"].tolist() == [3, 4]
    assert articles["flag"].tolist() == [True, False]
    assert articles["tags"].tolist() == ['["a", "b"]', '{"k": 1}']


def test_files_without_a_known_suffix_are_recognised_by_content(tmp_path):
    bare_json = tmp_path / "export.gz"
    bare_json.write_bytes(gzip.compress(json.dumps(RECORDS).encode("utf-8")))
    assert load_input(bare_json)["article_id"].tolist() == ["a1", "a2", "a3", "a4"]
    bare_feed = tmp_path / "latest"
    bare_feed.write_bytes((FIXTURES / "feed.rss").read_bytes())
    assert len(load_input(bare_feed)) == 3


def test_the_author_comes_from_the_preferred_author_column_or_the_mapping_or_one_for_all(tmp_path):
    path = tmp_path / "speeches.csv"
    path.write_text("year,country,country_iso3,speaker_country,text\n"
                    "2015,Chile,CHL,,We welcome the talks with Peru.\n"
                    "2015,Peru,,PER,Our delegation thanks Chile.\n"
                    "2015,,,,An unsigned text about Norway.\n", encoding="utf-8")
    assert load_input(path)["author_actor"].tolist() == ["CHL", "PER", ""]
    assert load_input(path, {"author": "country"})["author_actor"].tolist() == ["Chile", "Peru", ""]
    assert load_input(path, author=" NOR ")["author_actor"].tolist() == ["NOR"] * 3
    with pytest.raises(InputError, match="--map author=nation: no column 'nation'"):
        load_input(path, {"author": "nation"})


def test_a_journalist_author_column_is_no_author_actor(tmp_path):
    path = tmp_path / "news.csv"
    path.write_text("date,author,text\n2025-03-04,Jane Roe,Chile and Peru met.\n", encoding="utf-8")
    articles = load_input(path)
    assert articles["author_actor"].tolist() == [""] and articles["author"].tolist() == ["Jane Roe"]


def test_the_author_is_part_of_the_content_hash_only_when_there_is_one(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("date,text\n2025-03-04,Chile and Peru met.\n", encoding="utf-8")
    plain, authored = load_input(path), load_input(path, author="CHL")
    assert plain["content_hash"].iloc[0] != authored["content_hash"].iloc[0]
    assert plain["article_id"].iloc[0] == authored["article_id"].iloc[0]


def test_a_bare_year_is_a_date_on_the_year_day_not_epoch_seconds():
    years = pd.Series(["2015", 2016, " 2017 ", "1741075200"])
    assert parse_dates(years).tolist()[:3] == [pd.Timestamp(f"{y}-01-01", tz="UTC") for y in (2015, 2016, 2017)]
    assert parse_dates(years).iloc[3] == pd.Timestamp("2025-03-04 08:00", tz="UTC")  # still epoch seconds
    assert parse_dates(years, "09-15").iloc[0] == pd.Timestamp("2015-09-15", tz="UTC")
