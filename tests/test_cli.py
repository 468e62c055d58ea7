"""`python -m pipeline`: summaries, dry runs, and one-line errors with exit code 2."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FEED = ROOT / "tests" / "fixtures" / "ingest" / "feed.rss"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def batch(tmp_path) -> Path:
    path = tmp_path / "batch.csv"
    path.write_text(
        "published,headline,body,link\n"
        "2025-03-04T09:00:00Z,Talks,Chile and Peru resumed talks on water rights.,https://e.example/1\n"
        "2025-03-05T09:00:00Z,Again,Chile and Peru resumed talks on water rights!,https://e.example/2\n"
        "13/13/2025,Bad,Norway praised Iceland for its fisheries policy.,https://e.example/3\n"
        ",Undated,Kenya thanked Ghana for the invitation.,https://e.example/4\n",
        encoding="utf-8")
    return path


def test_run_prints_accounting_reasons_tables_and_store(tmp_path, batch):
    store = tmp_path / "store"
    result = _cli("run", str(batch), str(FEED), "--store", str(store))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "read 7 = accepted 4 + rejected 3; accepted 4 = new 4 + unchanged 0" in out
    for reason in ("duplicate text", "unparseable date", "no date"):
        assert f"1  {reason}" in out
    for table in ("articles", "sentences", "mentions", "quotes", "dyads"):
        assert table in out
    assert "articles           4 rows" in out
    assert f"store: {store}/versions/" in out
    again = _cli("run", str(batch), str(FEED), "--store", str(store))
    assert "accepted 4 = new 0 + unchanged 4" in again.stdout
    assert "analysed 0 articles; tables written:" in again.stdout


def test_validate_is_a_dry_run_with_examples(tmp_path, batch):
    store = tmp_path / "store"
    result = _cli("validate", str(batch), "--store", str(store))
    assert result.returncode == 0, result.stderr
    assert "would accept: read 4 = accepted 1 + rejected 3" in result.stdout
    assert f"{batch}:3: unparseable date: '13/13/2025'" in result.stdout
    assert f"{batch}:2: duplicate text: same as batch.csv:1" in result.stdout
    assert not store.exists()


def test_map_option_changes_the_text_column(tmp_path, batch):
    result = _cli("validate", str(batch), "--map", "text=headline", "--store",
                  str(tmp_path / "s"))
    assert "accepted 2 + rejected 2" in result.stdout  # headlines differ, so no duplicate


@pytest.mark.parametrize("args, expected", [
    (["run", "{tmp}/absent.csv"], "{tmp}/absent.csv: no such file or directory"),
    (["run", "{tmp}/notes.xyz"], "{tmp}/notes.xyz: unknown format '.xyz'"),
    (["run", "{tmp}/broken.csv.gz"], "{tmp}/broken.csv.gz: corrupt gzip"),
    (["validate", "{batch}", "--map", "text"], "--map 'text': expected field=column"),
    (["validate", "{batch}", "--map", "colour=body"], "unknown field 'colour'"),
    (["validate", "{batch}", "--map", "text=nope"], "{batch}: --map text=nope: no column 'nope'"),
    (["run", "{batch}", "--max-chars", "0"], "expected a positive whole number"),
    (["run"], "the following arguments are required: INPUT"),
    (["frobnicate", "{batch}"], "invalid choice: 'frobnicate'"),
])
def test_usage_errors_and_unreadable_inputs_exit_2_with_one_line(tmp_path, batch, args,
                                                                   expected):
    (tmp_path / "notes.xyz").write_text("hello")
    (tmp_path / "broken.csv.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    fill = {"tmp": str(tmp_path), "batch": str(batch)}
    result = _cli(*[arg.format(**fill) for arg in args], "--store", str(tmp_path / "store"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected.format(**fill) in lines[0], result.stderr
    assert result.stdout == ""
    assert not (tmp_path / "store" / "current").exists()


def test_validate_previews_accepted_articles_without_terminal_escapes(tmp_path):
    path = tmp_path / "escapes.csv"
    path.write_text("date,title,text,source\n"
                    "2025-03-04T09:00:00Z,Clear\x1b[2J screen,Chile thanked Peru.,Wire\x07One\n",
                    encoding="utf-8")
    result = _cli("validate", str(path), "--store", str(tmp_path / "store"))
    assert result.returncode == 0, result.stderr
    assert "accepted dates: 2025-03-04 09:00 … 2025-03-04 09:00 UTC" in result.stdout
    assert "2025-03-04 09:00  Wire One  Clear [2J screen" in result.stdout
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout


def test_authors_from_a_column_or_for_the_whole_file(tmp_path):
    speeches = tmp_path / "speeches.csv"
    speeches.write_text("year,country_iso3,text\n"
                        "2015,CHL,We welcome the talks with Peru.\n"
                        "2015,XYZ,My country condemns nobody.\n", encoding="utf-8")
    result = _cli("validate", str(speeches), "--map", "date=year", "--year-day", "09-15",
                  "--store", str(tmp_path / "store"))
    assert "read 2 = accepted 1 + rejected 1" in result.stdout
    assert "accepted dates: 2015-09-15 00:00 … 2015-09-15 00:00 UTC" in result.stdout
    assert f"{speeches}:2: unknown author: 'XYZ' is not an actor id or name in the dictionary" in result.stdout
    whole = _cli("validate", str(speeches), "--map", "date=year", "--author", "Chile", "--store", str(tmp_path / "s"))
    assert "read 2 = accepted 2 + rejected 0" in whole.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--author", "XYZ"], "error: --author XYZ: not an actor id or name in the dictionary"),
    (["--author", "CHL", "--map", "author=country"], "--author and --map author=... both name the author"),
    (["--year-day", "13-01"], "expected a month and day MM-DD, got '13-01'"),
])
def test_author_and_year_day_errors_are_one_line(tmp_path, args, message):
    speeches = tmp_path / "speeches.csv"
    speeches.write_text("year,country,text\n2015,CHL,We welcome the talks with Peru.\n", encoding="utf-8")
    result = _cli("validate", str(speeches), *args, "--store", str(tmp_path / "store"))
    assert result.returncode == 2 and message in result.stderr and len(result.stderr.strip().splitlines()) == 1
