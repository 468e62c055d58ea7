"""A hostile corpus, generated here: every case is written to tmp_path and run through the real CLI
entry point (`pipeline.__main__.main`, a dry run unless it says otherwise). Each asserts what a careful
user expects: the accounting line, the reason and the file:row of each rejection, the exit code, one
line for an error, never a traceback, and no good record lost because of a bad neighbour."""

from __future__ import annotations

import codecs
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.__main__ import main
from pipeline.store import read_table

ROOT = Path(__file__).resolve().parents[1]
NOBODY = 65534
GOOD_DATE = "2025-03-04T09:00:00Z"


def good(number: int) -> dict:
    """A valid record; numbers make every text distinct."""
    return {
        "date": GOOD_DATE,
        "title": f"Talks {number}",
        "text": f"Chile and Peru resumed talks on water rights, round {number}.",
    }


def jsonl(*lines: str) -> bytes:
    return "\n".join(lines).encode("utf-8") + b"\n"


def good_line(number: int) -> str:
    return json.dumps(good(number))


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8", header=("date", "title", "text")) -> bytes:
    lines = [",".join(header)] + [",".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


def good_row(number: int) -> list[str]:
    record = good(number)
    return [record["date"], record["title"], f'"{record["text"]}"']


def markdown(title: str, body: str, date: str = "2025-03-04", extra: str = "") -> bytes:
    return f"---\ntitle: {title}\ndate: {date}\n{extra}---\n{body}\n".encode()


@dataclass
class Case:
    """Files to write (name → bytes, or a callable that makes the input), what to expect."""

    files: dict[str, bytes | Callable[[Path], None]]
    counts: tuple[int, int, int] | None = None  # read, accepted, rejected
    out: list[str] = field(default_factory=list)  # substrings of stdout ({dir} = the case's folder)
    code: int = 0
    err: str = ""  # substring of the one stderr line when code == 2
    inputs: list[str] | None = None  # default: every file written, relative to the case folder
    args: list[str] = field(default_factory=list)
    command: str = "validate"


def _alias_bomb(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels):
        previous, name = chr(ord("a") + level - 1), chr(ord("a") + level)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _folder(entries: dict[str, bytes]) -> Callable[[Path], None]:
    def make(base: Path) -> None:
        for name, data in entries.items():
            path = base / "notes" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)

    return make


def _symlink(name: str, target: str) -> Callable[[Path], None]:
    def make(base: Path) -> None:
        (base / name).symlink_to(target)

    return make


def _folder_with_link(link: str, target: str) -> Callable[[Path], None]:
    def make(base: Path) -> None:
        _folder({"2025-03-04-a.md": markdown("One", "Chile thanked Peru.")})(base)
        (base / "notes" / link).symlink_to(target)

    return make


def _parquet_with_bytes(base: Path) -> None:
    table = pa.table(
        {
            "date": [GOOD_DATE, GOOD_DATE],
            "title": [b"Caf\xe9 talks", b"Clean title"],
            "text": [b"Caf\xe9 diplomacy in Paris.", b"Chile and Peru met in Lima."],
        }
    )
    pq.write_table(table, base / "bytes.parquet")


def _parquet_with_invalid_strings(base: Path) -> None:
    text = pa.array([b"Caf\xe9 diplomacy in Paris.", b"Chile and Peru met in Lima."]).view(pa.string())
    pq.write_table(pa.table({"date": [GOOD_DATE, GOOD_DATE], "title": ["A", "B"], "text": text}), base / "bad.parquet")


def _gzip_of(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=1)


DEEP = "[" * 10_000 + "]" * 10_000
NFD_TEXT = unicodedata.normalize("NFD", "Les ministres se sont réunis à Genève pour négocier.")
NFC_TEXT = unicodedata.normalize("NFC", NFD_TEXT)
CP1252_TEXT = "“Señor Pérez” said the naïve plan costs €5 – or more."

CASES = {
    # JSON Lines: one line, one record
    "jsonl-broken-line": Case(
        {"a.jsonl": jsonl(good_line(1), '{"date": oops}', good_line(3))},
        (3, 2, 1),
        ["{dir}/a.jsonl:2: line 2: invalid JSON"],
    ),
    "jsonl-array-line": Case(
        {"a.jsonl": jsonl(good_line(1), "[1, 2]", good_line(3))},
        (3, 2, 1),
        ["a.jsonl:2: line 2: not a JSON object: an array"],
    ),
    "jsonl-null-line": Case(
        {"a.jsonl": jsonl("null", good_line(2))}, (2, 1, 1), ["a.jsonl:1: line 1: not a JSON object: null"]
    ),
    "jsonl-string-line": Case(
        {"a.jsonl": jsonl(good_line(1), '"just words"')}, (2, 1, 1), ["not a JSON object: a string"]
    ),
    "jsonl-u2028-in-string": Case(
        {
            "a.jsonl": jsonl(
                json.dumps(good(1) | {"text": "Chile\u2028and Peru met."}, ensure_ascii=False), good_line(2)
            )
        },
        (2, 2, 0),
    ),
    "jsonl-u2029-and-nel": Case(
        {
            "a.jsonl": jsonl(
                json.dumps(good(1) | {"text": "Chile\u2029and\x85Peru met."}, ensure_ascii=False), good_line(2)
            )
        },
        (2, 2, 0),
    ),
    "jsonl-crlf": Case({"a.jsonl": (good_line(1) + "\r\n" + good_line(2) + "\r\n").encode()}, (2, 2, 0)),
    "jsonl-deep-line": Case(
        {"a.jsonl": jsonl(good_line(1), '{"x": ' + DEEP + "}", good_line(3))},
        (3, 2, 1),
        ["a.jsonl:2: line 2: invalid JSON: nested deeper than 100 levels"],
    ),
    "jsonl-nested-150": Case(
        {"a.jsonl": jsonl(good_line(1), json.dumps(good(2) | {"x": json.loads("[" * 150 + "]" * 150)}))},
        (2, 1, 1),
        ["nested deeper than 100 levels"],
    ),
    "jsonl-trailing-garbage": Case(
        {"a.jsonl": jsonl(good_line(1) + " trailing", good_line(2))},
        (2, 1, 1),
        ["a.jsonl:1: line 1: invalid JSON: Extra data"],
    ),
    "jsonl-nothing-readable": Case(
        {"a.jsonl": b"\x00\x01 binary\n\xff\xfe junk\n"}, code=2, err="no line is a JSON object"
    ),
    "jsonl-empty-file": Case({"a.jsonl": b""}, (0, 0, 0)),
    "jsonl-blank-lines": Case({"a.jsonl": b"\n\n" + jsonl(good_line(1)) + b"\n   \n"}, (1, 1, 0)),
    # JSON arrays: one item, one record
    "json-non-object-item": Case(
        {"a.json": json.dumps([good(1), 42, good(3)]).encode()},
        (3, 2, 1),
        ["a.json:2: item 2: not a JSON object: a number"],
    ),
    "json-broken-item": Case(
        {"a.json": ("[" + good_line(1) + ', {"date": oops}, ' + good_line(3) + ", " + good_line(4) + "]").encode()},
        (4, 3, 1),
        ["a.json:2: item 2: invalid JSON"],
    ),
    "json-deep-item": Case(
        {"a.json": ("[" + good_line(1) + ', {"x": ' + DEEP + "}, " + good_line(3) + "]").encode()},
        (3, 2, 1),
        ["item 2: invalid JSON: nested deeper than 100 levels"],
    ),
    "json-deep-whole-file": Case({"a.json": DEEP.encode()}, code=2, err="a.json: not a JSON array of objects"),
    "json-deep-object-file": Case(
        {"a.json": ('{"a": ' + DEEP + "}").encode()}, code=2, err="nested deeper than 100 levels"
    ),
    "json-top-level-object": Case({"a.json": b'{"articles": 3}'}, code=2, err="expected a JSON array of objects"),
    "json-missing-comma": Case(
        {"a.json": ("[" + good_line(1) + " " + good_line(2) + ", " + good_line(3) + "]").encode()},
        (3, 2, 1),
        ["item 2: invalid JSON: expected ',' or ']' after item 1"],
    ),
    "json-empty-array": Case({"a.json": b"[]"}, (0, 0, 0)),
    "json-concatenated-objects": Case({"a.json": jsonl(good_line(1), good_line(2))}, (2, 2, 0)),
    "json-utf8-bom": Case({"a.json": codecs.BOM_UTF8 + json.dumps([good(1)]).encode()}, (1, 1, 0)),
    "json-utf16-bom": Case(
        {
            "a.json": json.dumps([good(1) | {"text": "Genève hosted Chile and Peru."}], ensure_ascii=False).encode(
                "utf-16"
            )
        },
        (1, 1, 0),
        ["encoding: {dir}/a.json: utf-16 (with BOM)"],
    ),
    "json-truncated": Case(
        {"a.json": ("[" + good_line(1) + ", " + good_line(2)[:20]).encode()},
        (2, 1, 1),
        ["item 2: invalid JSON", "nothing after it could be read"],
    ),
    # CSV: one row, one record
    "csv-ragged-row": Case(
        {"a.csv": csv_bytes([good_row(1), good_row(2) + ["extra"], good_row(3)])},
        (3, 2, 1),
        ["a.csv:2: ragged row: 4 fields where the header has 3 (line 3)"],
    ),
    "csv-two-ragged-rows": Case(
        {"a.csv": csv_bytes([good_row(1) + ["x", "y"], good_row(2), good_row(3) + ["z"]])},
        (3, 1, 2),
        ["a.csv:1: ragged row", "a.csv:3: ragged row"],
    ),
    "csv-short-row": Case(
        {"a.csv": csv_bytes([good_row(1), [GOOD_DATE], good_row(3)])}, (3, 2, 1), ["a.csv:2: empty text"]
    ),
    "csv-multiline-field": Case(
        {"a.csv": csv_bytes([[GOOD_DATE, "T", '"Chile and Peru\nmet again."'], good_row(2)])}, (2, 2, 0)
    ),
    "csv-nul-bytes": Case({"a.csv": csv_bytes([[GOOD_DATE, "T", "Chile\x00and Peru met."], good_row(2)])}, (2, 2, 0)),
    "csv-windows-1252": Case(
        {"a.csv": csv_bytes([[GOOD_DATE, "Quotes", f'"{CP1252_TEXT}"'], good_row(2)], "cp1252")},
        (2, 2, 0),
        ["encoding: {dir}/a.csv: windows-1252"],
    ),
    "csv-latin-1": Case(
        {"a.csv": csv_bytes([[GOOD_DATE, "Genf", "Le ministre français a salué Genève."], good_row(2)], "latin-1")},
        (2, 2, 0),
        ["a.csv: windows-1252"],
    ),
    "csv-utf16-le-bom": Case(
        {"a.csv": csv_bytes([[GOOD_DATE, "Zürich", "Talks in Zürich."], good_row(2)], "utf-16")},
        (2, 2, 0),
        ["a.csv: utf-16 (with BOM)"],
    ),
    "csv-utf32-bom": Case(
        {"a.csv": csv_bytes([[GOOD_DATE, "Zürich", "Talks in Zürich."]], "utf-32")},
        (1, 1, 0),
        ["a.csv: utf-32 (with BOM)"],
    ),
    "csv-utf8-bom": Case({"a.csv": codecs.BOM_UTF8 + csv_bytes([good_row(1)])}, (1, 1, 0)),
    "csv-damaged-utf8": Case(
        {
            "a.csv": csv_bytes([[GOOD_DATE, "Zürich", "Talks in Zürich."], good_row(2)])
            + f"{GOOD_DATE},Caf\xe9,Caf\xe9 talks.\n".encode("latin-1")
        },
        (3, 2, 1),
        ["a.csv:3: undecodable bytes"],
    ),
    "csv-header-only": Case({"a.csv": b"date,title,text\n"}, (0, 0, 0)),
    "csv-empty-file": Case({"a.csv": b""}, (0, 0, 0)),
    "csv-impossible-day": Case(
        {"a.csv": csv_bytes([good_row(1), ["2025-02-30", "Feb", "Chile met Peru."]])},
        (2, 1, 1),
        ["a.csv:2: unparseable date: '2025-02-30'"],
    ),
    # folders of .md/.txt: one file, one record
    "folder-bad-yaml": Case(
        {
            "notes": _folder(
                {
                    "2025-03-04-a.md": markdown("One", "Chile thanked Peru."),
                    "2025-03-05-b.md": b"---\ntitle: [unclosed\n---\nBody.\n",
                    "2025-03-06-c.md": markdown("Three", "Peru thanked Chile."),
                }
            )
        },
        (3, 2, 1),
        ["{dir}/notes/2025-03-05-b.md:1: bad YAML front matter"],
    ),
    "folder-feb-30": Case(
        {
            "notes": _folder(
                {
                    "a.md": markdown("One", "Chile thanked Peru.", "2025-02-30"),
                    "b.md": markdown("Two", "Peru thanked Chile."),
                }
            )
        },
        (2, 1, 1),
        ["{dir}/notes/a.md:1: unparseable date: '2025-02-30'"],
    ),
    "folder-alias-bomb": Case(
        {
            "notes": _folder(
                {
                    "a.md": (
                        "---\ntitle: Bomb\ndate: 2025-03-04\n" + _alias_bomb() + "---\nChile thanked Peru.\n"
                    ).encode(),
                    "b.md": markdown("Two", "Peru thanked Chile."),
                }
            )
        },
        (2, 1, 1),
        ["notes/a.md:1: bad YAML front matter: aliases (*name) are not allowed"],
    ),
    "folder-front-matter-list": Case(
        {
            "notes": _folder(
                {
                    "a.md": b"---\n- one\n- two\n---\nChile thanked Peru.\n",
                    "b.md": markdown("Two", "Peru thanked Chile."),
                }
            )
        },
        (2, 1, 1),
        ["bad YAML front matter: expected key: value pairs"],
    ),
    "folder-python-tag": Case(
        {
            "notes": _folder(
                {
                    "a.md": markdown("One", "Chile met Peru.", extra="x: !!python/object/apply:os.system [id]\n"),
                    "b.md": markdown("Two", "Peru thanked Chile."),
                }
            )
        },
        (2, 1, 1),
        ["notes/a.md:1: bad YAML front matter"],
    ),
    "folder-zero-width-only": Case(
        {
            "notes": _folder(
                {
                    "a.md": markdown("Blank", "\u200b\u200d\u2060\u202e\ufeff"),
                    "b.md": markdown("Two", "Peru thanked Chile."),
                }
            )
        },
        (2, 1, 1),
        ["notes/a.md:1: empty text"],
    ),
    "folder-windows-1252-file": Case(
        {"notes": _folder({"a.md": f"---\ntitle: Plan\ndate: 2025-03-04\n---\n{CP1252_TEXT}\n".encode("cp1252")})},
        (1, 1, 0),
        ["encoding: {dir}/notes/a.md: windows-1252"],
    ),
    "folder-utf16-file": Case(
        {"notes": _folder({"a.md": markdown("Zürich", "Talks in Zürich.").decode().encode("utf-16")})},
        (1, 1, 0),
        ["notes/a.md: utf-16 (with BOM)"],
    ),
    "folder-broken-link": Case(
        {"notes": _folder_with_link("gone.md", "/nonexistent/target.md")},
        (2, 1, 1),
        ["notes/gone.md:1: unreadable file: No such file or directory"],
    ),
    "folder-device-link": Case(
        {"notes": _folder_with_link("zero.md", "/dev/zero")},
        (2, 1, 1),
        ["notes/zero.md:1: unreadable file: not a regular file"],
    ),
    "folder-only-hidden": Case(
        {"notes": _folder({".draft.md": markdown("Hidden", "Not read.")})},
        code=2,
        err="no .txt or .md files in the folder",
    ),
    "folder-relative-date": Case(
        {
            "notes": _folder(
                {
                    "a.md": markdown("One", "Chile thanked Peru.", "today"),
                    "b.md": markdown("Two", "Peru thanked Chile."),
                }
            )
        },
        (2, 1, 1),
        ["notes/a.md:1: relative date: 'today'"],
    ),
    # bounded resources (the byte cap is exercised at its real size by the memory test below)
    "device-symlink-csv": Case({"zero.csv": _symlink("zero.csv", "/dev/zero")}, code=2, err="zero.csv: is a device"),
    "gzip-truncated": Case({"a.csv.gz": _gzip_of(csv_bytes([good_row(1)] * 50))[:-30]}, code=2, err="corrupt gzip"),
    "gzip-multi-member": Case({"a.jsonl.gz": _gzip_of(jsonl(good_line(1))) + _gzip_of(jsonl(good_line(2)))}, (2, 2, 0)),
    "gzip-not-gzip": Case({"a.csv.gz": b"date,text\n"}, code=2, err="corrupt gzip: not a gzip file"),
    "single-md-alias-bomb": Case(
        {"a.md": ("---\n" + _alias_bomb() + "---\nChile thanked Peru.\n").encode()},
        (1, 0, 1),
        ["a.md:1: bad YAML front matter: aliases"],
    ),
    "missing-input": Case({}, code=2, err="absent.csv: no such file or directory", inputs=["absent.csv"]),
    # dates
    "relative-dates": Case(
        {
            "a.csv": csv_bytes(
                [
                    ["today", "A", "Chile met Peru one."],
                    ["now", "B", "Chile met Peru two."],
                    ["yesterday", "C", "Chile met Peru three."],
                    ["2 hours ago", "D", "Chile met Peru four."],
                    good_row(5),
                ]
            )
        },
        (5, 1, 4),
        ["a.csv:1: relative date: 'today'", "a.csv:3: relative date: 'yesterday'", "4  relative date"],
    ),
    "zone-cet-est": Case(
        {
            "a.csv": csv_bytes(
                [
                    ["2025-03-04 10:00 CET", "A", "Chile met Peru one."],
                    ["2025-03-04 04:00 EST", "B", "Chile met Peru two."],
                    ['"Tue, 04 Mar 2025 10:00:00 CET"', "C", "Chile met Peru three."],
                ]
            )
        },
        (3, 3, 0),
        ["accepted dates: 2025-03-04 09:00 … 2025-03-04 09:00 UTC"],
    ),
    "zone-ambiguous": Case(
        {
            "a.csv": csv_bytes(
                [
                    ["2025-03-04 10:00 CST", "A", "Chile met Peru one."],
                    ["2025-03-04 10:00 IST", "B", "Chile met Peru two."],
                    good_row(3),
                ]
            )
        },
        (3, 1, 2),
        ["a.csv:1: ambiguous time zone: 'CST'", "a.csv:2: ambiguous time zone: 'IST'"],
    ),
    "zone-unknown": Case(
        {"a.csv": csv_bytes([["2025-03-04 10:00 XYZ", "A", "Chile met Peru one."], good_row(2)])},
        (2, 1, 1),
        ["a.csv:1: unknown time zone: 'XYZ'"],
    ),
    # identity
    "zero-width-duplicate": Case(
        {
            "a.csv": csv_bytes(
                [good_row(1), [GOOD_DATE, "Talks 1", '"Chile and Peru resumed\u200b talks on water rights, round 1."']]
            )
        },
        (2, 1, 1),
        ["a.csv:2: duplicate text: same as a.csv:1"],
    ),
    "nfd-duplicate": Case(
        {"a.csv": csv_bytes([[GOOD_DATE, "A", NFC_TEXT], [GOOD_DATE, "A", NFD_TEXT]])},
        (2, 1, 1),
        ["a.csv:2: duplicate text"],
    ),
    "emoji-only-texts": Case(
        {"a.csv": csv_bytes([[GOOD_DATE, "", "🇨🇱🤝🇵🇪"], [GOOD_DATE, "", "🇨🇱🔥🇵🇪"], [GOOD_DATE, "", "🇨🇱🔥🇵🇪"]])},
        (3, 2, 1),
        ["a.csv:3: duplicate id: same as a.csv:2"],
    ),
    "bidi-only-text": Case(
        {"a.csv": csv_bytes([[GOOD_DATE, "", "\u202e\u2067\u200f"], good_row(2)])}, (2, 1, 1), ["a.csv:1: empty text"]
    ),
    # parquet
    "parquet-non-utf8-bytes": Case(
        {"bytes.parquet": _parquet_with_bytes}, (2, 1, 1), ["{dir}/bytes.parquet:1: undecodable bytes"]
    ),
    "parquet-invalid-utf8-strings": Case(
        {"bad.parquet": _parquet_with_invalid_strings}, (2, 1, 1), ["{dir}/bad.parquet:1: undecodable bytes"]
    ),
    "parquet-corrupt": Case({"c.parquet": b"PAR1 not really parquet PAR1"}, code=2, err="c.parquet: corrupt parquet"),
    # feeds
    "feed-item-without-date": Case(
        {
            "f.rss": b"""<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>
        <item><title>One</title><description>Chile thanked Peru.</description>
        <pubDate>Tue, 04 Mar 2025 09:00:00 GMT</pubDate></item>
        <item><title>Two</title><description>Peru thanked Chile.</description></item>
        </channel></rss>"""
        },
        (2, 1, 1),
        ["f.rss:2: no date"],
    ),
    # what the terminal shows
    "bidi-and-escapes-in-output": Case(
        {
            "a.csv": csv_bytes(
                [[GOOD_DATE, "Evil\u202eTitle\x1b[2J\u2067", "Chile met Peru."]], header=("date", "title", "text")
            )
        },
        (1, 1, 0),
        ["Evil Title [2J "],
    ),
    "newline-in-file-name": Case({"bad\nname.xyz": b"hello"}, code=2, err="unknown format '.xyz'"),
    "store-run-keeps-neighbours": Case(
        {"a.jsonl": jsonl(good_line(1), "{broken", good_line(3))},
        (3, 2, 1),
        ["articles           2 rows"],
        command="run",
    ),
}


def _write(case: Case, base: Path) -> list[str]:
    for name, content in case.files.items():
        if callable(content):
            content(base)
        else:
            (base / name).write_bytes(content)
    names = case.inputs if case.inputs is not None else list(case.files)
    return [str(base / name) for name in names]


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_input(name, tmp_path, capsys):
    case = CASES[name]
    base = tmp_path / "in"
    base.mkdir()
    inputs = _write(case, base)
    code = main([case.command, *inputs, "--store", str(tmp_path / "store"), *case.args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert code == case.code, err or out
    if case.code == 2:
        assert out == "" and len(err.strip().splitlines()) == 1 and case.err in err, err
        assert not (tmp_path / "store" / "current").exists()
        return
    read, accepted, rejected = case.counts
    assert f"read {read} = accepted {accepted} + rejected {rejected}" in out, out
    for expected in case.out:
        assert expected.format(dir=base) in out, out
    for character in "\u202e\u2067\u200f\x1b\x07":
        assert character not in out + err


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 60


def test_stored_text_keeps_what_is_meaningful(tmp_path):
    """Identity ignores invisible characters, the stored text keeps them (emoji joiners, U+2028)."""
    path = tmp_path / "a.jsonl"
    family = "Chile and Peru 👨\u200d👩\u200d👧 met\u2028again."
    path.write_bytes(jsonl(json.dumps(good(1) | {"text": family}, ensure_ascii=False), good_line(2)))
    assert main(["run", str(path), "--store", str(tmp_path / "store")]) == 0
    texts = read_table(tmp_path / "store", "articles").set_index("title")["text"]
    assert texts["Talks 1"] == family


def test_a_windows_1252_file_is_never_mojibake(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes([[GOOD_DATE, "Plan", f'"{CP1252_TEXT}"']], "cp1252"))
    assert main(["run", str(path), "--store", str(tmp_path / "store")]) == 0
    assert read_table(tmp_path / "store", "articles")["text"].tolist() == [CP1252_TEXT]


def test_unreadable_sub_folder_is_reported_and_an_unreadable_folder_refused(tmp_path_factory):
    """Run as an unprivileged user (root reads every folder): `nobody` when the tests run as root."""
    base = Path(tempfile.mkdtemp(prefix="entente-perm-"))
    try:
        base.chmod(0o777)
        notes = base / "notes"
        (notes / "locked").mkdir(parents=True)
        (notes / "2025-03-04-a.md").write_bytes(markdown("One", "Chile thanked Peru."))
        (notes / "locked" / "b.md").write_bytes(markdown("Two", "Peru thanked Chile."))
        notes.chmod(0o755)
        (notes / "locked").chmod(0)
        result = _cli_as_unprivileged("validate", str(notes), "--store", str(base / "store"))
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
        assert "read 2 = accepted 1 + rejected 1" in result.stdout, result.stdout
        assert f"{notes}/locked:1: unreadable folder: Permission denied" in result.stdout
        notes.chmod(0)
        refused = _cli_as_unprivileged("validate", str(notes), "--store", str(base / "store"))
        assert refused.returncode == 2 and "Traceback" not in refused.stderr
        assert refused.stderr.strip() == f"error: {notes}: cannot list the folder: Permission denied"
    finally:
        for folder in (base / "notes", base / "notes" / "locked"):
            folder.chmod(0o755)
        shutil.rmtree(base)


def _cli_as_unprivileged(*args: str) -> subprocess.CompletedProcess:
    user = {"user": NOBODY} if os.geteuid() == 0 else {}
    try:
        return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=600, **user)
    except PermissionError:
        pytest.skip(f"{sys.executable} cannot be run by an unprivileged user here")


def test_a_sub_folder_that_cannot_be_listed_is_reported_even_for_root(tmp_path, capsys):
    """A sub-folder whose path is longer than the system allows (made with relative mkdirs) cannot be
    listed by anyone: it is reported as a rejected record, the rest of the folder is read."""
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "2025-03-04-a.md").write_bytes(markdown("One", "Chile thanked Peru."))
    descriptor = os.open(notes, os.O_RDONLY | os.O_DIRECTORY)
    for _ in range(20):  # 20 x 250 characters: beyond PATH_MAX (4096)
        os.mkdir("d" * 250, dir_fd=descriptor)
        deeper = os.open("d" * 250, os.O_RDONLY | os.O_DIRECTORY, dir_fd=descriptor)
        os.close(descriptor)
        descriptor = deeper
    with open(os.open("2025-03-05-deep.md", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=descriptor), "wb") as deep:
        deep.write(markdown("Deep", "Peru thanked Chile."))
    os.close(descriptor)
    assert main(["validate", str(notes), "--store", str(tmp_path / "store")]) == 0
    out = capsys.readouterr().out
    assert "read 2 = accepted 1 + rejected 1" in out, out
    assert "1  unreadable folder" in out and "File name too long; its files were not read" in out, out


def test_many_small_markdown_files_are_read_in_one_pass(tmp_path):
    """Every file of a folder is one record of one canonical frame (no per-file frames)."""
    from pipeline.load import load_input

    notes = tmp_path / "notes"
    notes.mkdir()
    for number in range(300):
        (notes / f"2025-03-{1 + number % 28:02d}-n{number}.md").write_bytes(markdown(f"N{number}", f"Text {number}."))
    articles = load_input(notes)
    assert len(articles) == 300 and articles["input_file"].nunique() == 300
    assert (articles["input_row"] == 1).all() and articles["read_error"].eq("").all()
    assert pd.Series(articles["title"]).str.startswith("N").all()
