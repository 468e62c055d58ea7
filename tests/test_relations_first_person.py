"""First person as the speaker's or the author's actor (pipeline.relations.first_person and its use)."""

import pandas as pd
import pytest

from pipeline.analyse import analyse
from pipeline.relations.first_person import self_mentions


def _dyads(text: str, author: str | None = None, date: str = "2023-06-01") -> pd.DataFrame:
    articles = pd.DataFrame({"article_id": ["a1"], "date": [pd.Timestamp(date, tz="UTC")], "title": [""],
                             "text": [text], "source": ["test"], "url": [""], "author_actor": [author]})
    dyads = analyse(articles)["dyads"]
    return dyads[dyads["kind"] != "comention"]


def _pairs(dyads: pd.DataFrame) -> dict[tuple[str, str], float]:
    return dyads.groupby(["source_actor", "target_actor"])["score"].mean().to_dict()


@pytest.mark.parametrize("text, expected", [
    ("We condemn it and my Government will act.", ["We", "my"]),
    ("Veterans of World War I met us.", ["us"]),
    ("The US and our partners agree.", ["our"]),
    ("The President met the President of Chile.", []),
])
def test_first_person_words_become_mentions_of_the_speaker(text, expected):
    found = self_mentions(text, 0, len(text), "NOR", None, [])
    assert [m.surface for m in found] == expected
    assert all(m.actor == "NOR" and m.first_person for m in found)


def test_a_span_already_taken_by_a_named_mention_is_skipped():
    text = "We met them and our friends."
    taken = [(16, 19)]
    assert [m.surface for m in self_mentions(text, 0, len(text), "NOR", None, taken)] == ["We"]


def test_an_authored_text_makes_its_first_person_the_source_of_author_rows():
    dyads = _dyads("We strongly condemn the Russian strikes on Ukraine.", author="FRA")
    own = dyads[(dyads["source_actor"] == "FRA") & (dyads["target_actor"] == "RUS")]
    assert set(own["kind"]) == {"author"}
    assert own["score"].mean() < -0.05
    assert ("RUS", "UKR") in _pairs(dyads)  # the strikes themselves are still news of Russia's acts


def test_without_an_author_the_first_person_is_nobody():
    dyads = _dyads("We strongly condemn the Russian strikes on Ukraine.")
    assert "author" not in set(dyads["kind"]) and "FRA" not in set(dyads["source_actor"])


def test_the_unqualified_president_of_a_release_is_its_author():
    dyads = _dyads("The President thanked Canada for the new air defence systems.", author="UKR")
    assert _pairs(dyads).get(("UKR", "CAN"), 0) > 0.05


def test_a_quoted_third_party_keeps_its_own_first_person():
    text = '"We reject the demands of Ukraine," Sergei Lavrov said on Monday.'
    dyads = _dyads(text, author="UKR")
    assert _pairs(dyads).get(("RUS", "UKR"), 0) < -0.05
    assert "author" not in set(dyads["kind"])


def test_the_speakers_we_inside_a_quote_takes_part_in_what_it_says():
    text = ('"In addition, we have agreed with the United States and the United Kingdom that we will supply '
            'more rocket systems," Olaf Scholz said.')
    found = _pairs(_dyads(text))
    for pair in [("DEU", "USA"), ("USA", "DEU"), ("DEU", "GBR"), ("GBR", "DEU")]:
        assert found.get(pair, 0) > 0.05, (pair, found)
    assert ("USA", "GBR") not in found and ("GBR", "USA") not in found  # partners of Germany, not of each other


def test_a_transcript_speakers_first_person_relates_to_the_actors_named():
    text = "Prime Minister of Norway Erna Solberg: We have signed a new fisheries agreement with Iceland."
    found = _pairs(_dyads(text, date="2016-06-01"))
    assert found.get(("NOR", "ISL"), 0) > 0.05 and found.get(("ISL", "NOR"), 0) > 0.05


def test_a_first_person_sentence_of_an_authored_text_is_the_authors_voice_toward_the_actors_it_names():
    dyads = _dyads("We remain deeply grateful for the generous and steadfast friendship of Norway.", author="ISL")
    row = dyads[(dyads["source_actor"] == "ISL") & (dyads["target_actor"] == "NOR")]
    assert set(row["kind"]) == {"author"} and row["score"].mean() > 0.05


def test_an_actor_named_only_as_a_place_is_not_what_the_author_speaks_of():
    dyads = _dyads("We are worried about the long drought in Kenya.", author="ISL")
    assert dyads.empty or "KEN" not in set(dyads["target_actor"])


def test_an_authored_sentence_that_judges_an_actor_is_the_authors_voice_without_a_first_person():
    dyads = _dyads("Russia alone bears the blame for this brutal and illegal war of conquest.", author="USA")
    row = dyads[(dyads["source_actor"] == "USA") & (dyads["target_actor"] == "RUS")]
    assert set(row["kind"]) == {"author"} and row["score"].mean() < -0.05


def test_an_authored_sentence_that_only_narrates_is_not_the_authors_voice():
    dyads = _dyads("Nikol Pashinyan informed the President about the schedule of the visit.", author="RUS",
                   date="2021-12-01")
    assert not ((dyads["kind"] == "author") & (dyads["target_actor"] == "ARM")).any()
