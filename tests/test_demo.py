"""The synthetic demo corpus: determinism, size, span, planted pairs and tone shifts, true titles,
demo-only URLs, the CLI and the events file."""

import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

import blingfire
import pandas as pd
import pytest

from pipeline.demo import (
    ACTORS,
    COLUMNS,
    DEMO_CORPUS,
    DEMO_URL,
    EVENTS,
    OFFICES,
    OUTLETS,
    PAIR_IDS,
    article_plan,
    generate_corpus,
    load_events,
    main,
)

ROOT = Path(__file__).resolve().parents[1]


def _read_jsonl(path: Path) -> pd.DataFrame:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        frame = pd.DataFrame([json.loads(line) for line in lines])
    return frame.assign(date=pd.to_datetime(frame["date"], utc=True))


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return _read_jsonl(DEMO_CORPUS)


@pytest.fixture(scope="module")
def dictionary():
    """The real actor dictionary, or a skip when it does not load or lacks the demo's people."""
    from pipeline.actors import DictionaryError, load_dictionary

    try:
        loaded = load_dictionary()
    except (DictionaryError, OSError) as error:
        pytest.skip(f"actor dictionary not loadable: {error}")
    if "Vladimir Putin" not in loaded.people:
        pytest.skip("actor dictionary lacks the demo's people")
    return loaded


def _directed_pair(title: str) -> str | None:
    """The directed pair a title announces: it opens with the source and names the target."""
    for pair in PAIR_IDS:
        source, target = (ACTORS[a] for a in pair.split(">"))
        if title.startswith(source.subjects) and any(form in title for form in target.objects):
            return pair
    return None


def test_same_arguments_give_identical_frames_and_seeds_differ():
    first = generate_corpus(n_articles=300, seed=3)
    pd.testing.assert_frame_equal(first, generate_corpus(n_articles=300, seed=3))
    other = generate_corpus(n_articles=300, seed=4)
    assert not first["text"].equals(other["text"])


def test_generated_frame_shape_and_dates():
    corpus = generate_corpus(n_articles=500, start="2024-03-01", months=5, seed=11)
    assert list(corpus.columns) == COLUMNS and len(corpus) == 500
    assert str(corpus["date"].dt.tz) == "UTC"
    assert corpus["date"].min() >= pd.Timestamp("2024-03-01", tz="UTC")
    assert corpus["date"].max() < pd.Timestamp("2024-08-01", tz="UTC")
    assert corpus["date"].is_monotonic_increasing and corpus["article_id"].is_unique


def test_shipped_corpus_size_span_and_volume(shipped):
    assert len(shipped) >= 2000
    months = shipped["date"].dt.strftime("%Y-%m").value_counts()
    assert len(months) >= 36 and months.index.min() == "2023-01"
    assert 45 <= months.median() <= 65, months.median()
    assert months.max() >= 1.4 * months.median(), "expected bursts around events"
    assert DEMO_CORPUS.stat().st_size < 2_000_000


def test_shipped_corpus_is_marked_synthetic_everywhere(shipped):
    assert shipped["synthetic"].eq(True).all()
    assert shipped["url"].str.startswith(DEMO_URL).all() and shipped["url"].is_unique
    assert set(shipped["source"]) == set(OUTLETS) and 6 <= len(OUTLETS) <= 8
    assert shipped["article_id"].is_unique


def test_articles_have_4_to_10_sentences_in_2_to_4_paragraphs(shipped):
    paragraphs = shipped["text"].str.split("\n\n")
    assert paragraphs.map(len).between(2, 4).all()
    sentences = paragraphs.map(lambda ps: sum(len(blingfire.text_to_sentences(p).split("\n")) for p in ps))
    assert sentences.between(4, 10).all(), sentences.describe()
    assert sentences.nunique() >= 4


def test_at_least_12_directed_pairs_with_both_actors_named(shipped):
    pairs = shipped["title"].map(_directed_pair)
    assert pairs.notna().all(), shipped.loc[pairs.isna(), "title"].head().tolist()
    counts = pairs.value_counts()
    for pair in counts.index:
        source, target = (ACTORS[a] for a in pair.split(">"))
        texts = shipped.loc[pairs == pair, "text"]
        named = texts.map(lambda t, s=source, g=target: any(f in t for f in s.subjects + s.objects + (s.officials,))
                          and any(f in t for f in g.objects))
        assert named.all(), pair
    assert (counts >= 40).sum() >= 12, counts


def test_plan_tone_follows_the_dated_events():
    plan = article_plan(n_articles=20000)

    def mean_tone(pair, start, end):
        rows = plan[(plan["pair"] == pair) & (plan["date"] >= start) & (plan["date"] < end)]
        assert len(rows) >= 20, (pair, start, end)
        return rows["tone"].mean()

    assert mean_tone("RUS>USA", "2025-02-13", "2025-08-01") > mean_tone("RUS>USA", "2024-01-01", "2025-01-01") + 0.5
    assert mean_tone("USA>UKR", "2025-03-01", "2025-03-11") < mean_tone("USA>UKR", "2024-01-01", "2025-01-01") - 0.6
    assert mean_tone("CHN>USA", "2025-04-10", "2025-05-10") < mean_tone("CHN>USA", "2024-01-01", "2025-01-01") - 0.4
    assert mean_tone("IND>PAK", "2025-04-23", "2025-05-10") < mean_tone("IND>PAK", "2024-01-01", "2025-01-01") - 0.3
    assert mean_tone("ISR>IRN", "2025-06-13", "2025-06-25") < mean_tone("ISR>IRN", "2024-01-01", "2024-04-01") - 0.2
    assert mean_tone("EUR>RUS", "2023-01-01", "2026-11-01") < -0.5


def test_event_bursts_raise_volume():
    plan = article_plan(n_articles=20000)
    india = plan[plan["pair"] == "IND>PAK"]
    in_crisis = india["date"].between("2025-04-22", "2025-05-21").sum()
    a_quiet_month = india["date"].between("2024-04-22", "2024-05-21").sum()
    assert in_crisis > 3 * a_quiet_month


def test_shipped_text_carries_the_tone_shift(shipped):
    """Hostile headline verbs are common in RUS→USA before the 2025-02-12 call and rare after it."""
    pairs = shipped["title"].map(_directed_pair)
    titles = shipped[pairs == "RUS>USA"].set_index("date")["title"]
    hostile = titles.str.contains(r"\b(?:condemns|accuses|criticises|warns)\b")
    assert hostile[:"2025-01-19"].mean() > 0.6
    assert hostile["2025-02-13":"2025-08-14"].mean() < 0.3


def _named_people(text: str, names: list[str]) -> set[str]:
    return {name for name in names if name in text}


def test_every_named_person_holds_the_stated_title_that_day(shipped, dictionary):
    """Appositive descriptions ("Dmitry Peskov, the Kremlin spokesman,") and honorifics ("President
    Joe Biden") are true on the article's date, and every named person is in office that day."""
    holders = sorted({name for office in OFFICES for name, _ in office.holders if name in dictionary.people})
    assert holders, "no demo speaker is in the dictionary"
    names = "|".join(map(re.escape, holders))
    claims = [(re.compile(rf"({names}), {re.escape(o.description)},"), [o]) for o in OFFICES]
    for honorific in sorted({o.honorific for o in OFFICES if o.honorific}):
        offices = [o for o in OFFICES if o.honorific == honorific]
        claims.append((re.compile(rf"\b{re.escape(honorific)} ({names})\b"), offices))
    checked = 0
    for when, text in zip(shipped["date"], shipped["text"], strict=True):
        in_office = {h.person.name for h in dictionary.people_at(when)}
        assert _named_people(text, holders) <= in_office, (when, text)
        for pattern, offices in claims:
            for name in pattern.findall(text):
                titled = {h.person.name for o in offices for h in dictionary.people_at(when, o.actor)
                          if h.role.title in o.titles}
                assert name in titled, (when.date(), name, pattern.pattern[-60:])
                checked += 1
    assert checked > 1000


@pytest.mark.parametrize(("start", "outgoing", "incoming", "handover", "description"), [
    ("2024-11-01", "Antony Blinken", "Marco Rubio", "2025-01-20", "the U.S. secretary of state"),
    ("2024-07-01", "Dmytro Kuleba", "Andrii Sybiha", "2024-09-05", "Ukraine's foreign minister"),
    ("2016-11-01", "Barack Obama", "Donald Trump", "2017-01-20", "the U.S. president"),
])
def test_speakers_switch_on_the_handover_day(dictionary, start, outgoing, incoming, handover, description):
    """The outgoing office-holder speaks with the title before the handover and is not named after
    it; the incoming one only after it."""
    corpus = generate_corpus(n_articles=6000, start=start, months=4, seed=5, dictionary=dictionary)
    before = corpus[corpus["date"] < handover]["text"]
    after = corpus[corpus["date"] >= pd.Timestamp(handover, tz="UTC") + pd.Timedelta(days=1)]["text"]
    assert before.str.contains(f"{outgoing}, {description}").any()
    assert not after.str.contains(outgoing.split()[-1]).any()
    assert after.str.contains(f"{incoming}, {description}").any()
    assert not before.str.contains(incoming.split()[-1]).any()


def test_cli_writes_gzip_jsonl_equal_to_the_frame(tmp_path, capsys):
    out = tmp_path / "corpus.jsonl.gz"
    assert main(["--articles", "80", "--seed", "2", "--start", "2025-01-01", "--months", "3", "--out", str(out)]) == 0
    written = _read_jsonl(out)
    expected = generate_corpus(80, "2025-01-01", 3, 2)
    assert written["text"].tolist() == expected["text"].tolist()
    assert (written["date"] == expected["date"].dt.floor("s")).all()
    assert "80 articles" in capsys.readouterr().out


def test_cli_rejects_a_bad_start_date_in_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.demo", "--articles", "5", "--start", "2025-13-01", "--out",
         str(tmp_path / "x.jsonl")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "--start: not a YYYY-MM-DD date: '2025-13-01'" in result.stderr
    assert not (tmp_path / "x.jsonl").exists()


def test_events_file_parses_with_valid_dates_and_known_pairs():
    raw = pd.read_csv(EVENTS, dtype=str)
    assert list(raw.columns) == ["date", "title", "pairs", "description"]
    assert 12 <= len(raw) <= 20
    events = load_events()
    assert events["date"].between(pd.Timestamp("2014-01-01", tz="UTC"), pd.Timestamp("2026-11-30", tz="UTC")).all()
    assert events["date"].is_monotonic_increasing
    for pairs in events["pairs"]:
        assert pairs and set(pairs) <= set(PAIR_IDS), pairs
    assert raw["title"].str.len().gt(5).all() and raw["description"].str.len().gt(30).all()
    assert not raw.duplicated(["date", "title"]).any()


def test_phrase_banks_carry_the_polarity_of_their_bucket():
    """Each hostile/warm template scores negative/positive with the project's scorer; neutral ones
    stay near zero (guards edits to the banks)."""
    score_text = pytest.importorskip("pipeline.score").score_text
    from pipeline.demo import ACCORDING, LEADS, PARTIALS, QUOTES, STATEMENTS, TITLES

    words = dict(S="Moscow", O="Russian officials", t="Washington", tp="Washington's", topic="trade", day="Monday",
                 spokes="a spokesman for the Russian government", ls="Putin", lt="Trump")
    filled = [(b - 2, o.format(**words)) for bank in (TITLES, LEADS, QUOTES, STATEMENTS, ACCORDING)
              for b, options in enumerate(bank) for o in options]
    filled += [(b - 2, f"Putin called Washington's decision “{p}.”") for b, ps in enumerate(PARTIALS) for p in ps]
    for expected, text in filled:
        score = score_text(text).score
        if expected < 0:
            assert score < -0.05, text
        elif expected > 0:
            assert score > 0.05, text
        else:
            assert abs(score) <= 0.3, text


def test_the_pipeline_finds_the_planted_pairs_and_the_shift(shipped):
    """End to end on a sample: every article yields its planted directed pair, and RUS→USA
    quote/statement scores turn from negative to positive after 2025-02-12."""
    analyse = pytest.importorskip("pipeline.analyse").analyse
    sample = shipped.iloc[::4].reset_index(drop=True)
    dyads = analyse(sample.drop(columns="synthetic"))["dyads"]
    directed = dyads[dyads["kind"] != "comention"]
    found = set(zip(directed["article_id"], directed["source_actor"] + ">" + directed["target_actor"], strict=True))
    planted = list(zip(sample["article_id"], sample["title"].map(_directed_pair), strict=True))
    assert sum(p in found for p in planted) >= 0.95 * len(planted)
    rus_usa = directed[(directed["source_actor"] == "RUS") & (directed["target_actor"] == "USA")]
    assert rus_usa[rus_usa["date"] < "2025-01-20"]["score"].mean() < -0.2
    assert rus_usa[(rus_usa["date"] > "2025-02-12") & (rus_usa["date"] < "2025-08-15")]["score"].mean() > 0.1


def test_cli_reports_an_unwritable_output_in_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.demo", "--articles", "5", "--out", str(blocker / "x.jsonl")],
        cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert f"cannot write {blocker / 'x.jsonl'}" in result.stderr


@pytest.mark.parametrize(("row", "reason"), [
    ("2025-02-30,A title,RUS>USA,Some description of the event.", "2: not a YYYY-MM-DD date: '2025-02-30'"),
    ("2025-02-03,A title,RUS>FRA,Some description of the event.", "2: unknown pair 'RUS>FRA'"),
])
def test_bad_events_file_gives_file_line_and_reason(tmp_path, row, reason):
    from pipeline.demo import EventsError

    path = tmp_path / "events.csv"
    path.write_text("date,title,pairs,description\n" + row + "\n", encoding="utf-8")
    with pytest.raises(EventsError) as caught:
        load_events(path)
    assert str(caught.value).startswith(f"{path}:{reason}")
    assert "\n" not in str(caught.value)


def test_events_file_without_a_column_is_rejected(tmp_path):
    from pipeline.demo import EventsError

    path = tmp_path / "events.csv"
    path.write_text("date,title,description\n2025-01-01,A,B\n", encoding="utf-8")
    with pytest.raises(EventsError, match=r":1: missing column 'pairs'"):
        load_events(path)


def test_output_bytes_do_not_depend_on_hash_randomisation(tmp_path):
    outputs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"corpus{hash_seed}.jsonl.gz"
        subprocess.run([sys.executable, "-m", "pipeline.demo", "--articles", "150", "--out", str(out)], cwd=ROOT,
                       check=True, capture_output=True, env={"PYTHONHASHSEED": hash_seed, "PATH": ""})
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_shipped_corpus_is_current(shipped, dictionary):
    """The shipped file is exactly ``generate_corpus()`` with today's dictionary; after a dictionary
    edit, regenerate it: ``python -m pipeline.demo --out data/demo/articles.jsonl.gz``."""
    expected = generate_corpus(dictionary=dictionary)
    assert shipped["text"].tolist() == expected["text"].tolist(), "stale data/demo/articles.jsonl.gz"
    assert shipped["title"].tolist() == expected["title"].tolist()


def test_short_names_are_dictionary_variants(dictionary):
    """A person's short form ("Peskov") is one of their dictionary variants, else the full name is used."""
    from pipeline.demo import _days, speaker_roster

    roster = speaker_roster(dictionary, _days("2023-01-01", 46))
    speakers = {s for days in roster.values() for day in days for s in day}
    assert len({s.full for s in speakers}) >= 40
    for s in speakers:
        assert s.short == s.full or s.short in dictionary.people[s.full].variants, s


def test_bad_sizes_are_rejected():
    with pytest.raises(ValueError, match="at least one article and one month"):
        generate_corpus(n_articles=0)
    with pytest.raises(ValueError, match="at least one article and one month"):
        generate_corpus(n_articles=10, months=0)


def test_a_dictionary_without_the_people_falls_back_to_group_speakers(tmp_path):
    """Offices whose holders the dictionary lacks are skipped; groups ("Russian officials") speak."""
    from pipeline.actors import load_dictionary

    path = tmp_path / "actors.yaml"
    path.write_text("""version: "t1"
countries:
  - {id: USA, name: United States, aliases: [], demonyms: [], capitals: [Washington], institutions: []}
  - {id: RUS, name: Russia, aliases: [], demonyms: [Russian], capitals: [Moscow], institutions: []}
blocs: []
people:
  - name: Sergey Lavrov
    variants: [Lavrov]
    gender: m
    roles:
      - {actor: RUS, title: foreign minister, start: 2004-03-09}
titles: [foreign minister, official]
not_actors: []
""", encoding="utf-8")
    corpus = generate_corpus(n_articles=400, seed=9, dictionary=load_dictionary(path))
    everyone = {name for office in OFFICES for name, _ in office.holders}
    named = {name for text in corpus["text"] for name in everyone if name in text}
    assert named == {"Sergey Lavrov"}
    assert corpus["text"].str.contains("Russian officials said in a joint statement").any()
