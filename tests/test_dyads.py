import json

import pandas as pd

from pipeline.dyads import build_dyads
from pipeline.relations.stage import find_relations
from pipeline.resources import default_resources
from pipeline.schema import DYADS, MENTIONS, QUOTES
from pipeline.segment import split_sentences

DATE = pd.Timestamp("2025-03-04", tz="UTC")


def article(text):
    return pd.DataFrame({"article_id": ["a1"], "date": [DATE], "title": ["t"], "text": [text],
                         "source": ["Demo Wire"], "url": ["https://demo.entente.invalid/a1"]})


def mention(text, sentences, surface, actor, person=None, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    sent_idx = int(sentences[(sentences.start <= start) & (sentences.end > start)].sent_idx.iloc[0])
    return ("a1", sent_idx, start, start + len(surface), surface, actor, person, "country")


def quote(text, sentences, quoted, speaker, speaker_actor):
    start = text.index(quoted)
    sent_idx = int(sentences[(sentences.start <= start) & (sentences.end > start)].sent_idx.iloc[0])
    s_start = text.index(speaker)
    return ("a1", 0, start, start + len(quoted), quoted, sent_idx, speaker, s_start, s_start + len(speaker),
            None, speaker_actor, "said", "cue-after")


def dyads_for(text, mention_specs, quote_specs=()):
    articles = article(text)
    sentences = split_sentences(articles)
    mentions = pd.DataFrame([mention(text, sentences, *spec) for spec in mention_specs], columns=MENTIONS)
    quotes = pd.DataFrame([quote(text, sentences, *spec) for spec in quote_specs], columns=QUOTES)
    relations = find_relations(articles, sentences, mentions, quotes, default_resources())
    return build_dyads(articles, sentences, relations, default_resources().lexicon)


def pair(dyads, source, target):
    rows = dyads[(dyads.source_actor == source) & (dyads.target_actor == target)]
    assert len(rows) == 1, dyads[["source_actor", "target_actor", "kind"]].to_string()
    return rows.iloc[0]


def test_statement_scores_each_target_in_its_own_clause():
    text = "European leaders gathered to affirm their support for Ukraine and denounced Putin."
    dyads = dyads_for(text, [("European leaders", "EUR"), ("Ukraine", "UKR"), ("Putin", "RUS")])
    assert list(dyads.columns) == DYADS
    assert set(dyads.kind) == {"statement", "comention"}
    assert pair(dyads, "RUS", "UKR").kind == "comention"  # nothing relates Putin and Ukraine here
    assert pair(dyads, "EUR", "UKR").score > 0
    assert pair(dyads, "EUR", "RUS").score < 0
    words = dict(json.loads(pair(dyads, "EUR", "RUS").contributions))
    assert any(delta < 0 for delta in words.values())


def test_quote_target_named_inside_the_quote():
    text = "“We welcome the constructive approach of Washington,” the Kremlin spokesman said."
    dyads = dyads_for(text, [("Washington", "USA"), ("Kremlin", "RUS")],
                      [("We welcome the constructive approach of Washington,", "the Kremlin spokesman", "RUS")])
    row = pair(dyads, "RUS", "USA")
    assert row.kind == "quote" and row.speaker == "the Kremlin spokesman" and row.score > 0
    assert row.evidence.startswith("We welcome")


def test_quote_without_named_target_takes_the_nearest_actor_of_the_previous_sentence():
    text = ("Warsaw criticised the decision of Berlin on Monday. "
            "“This is a reckless and dangerous mistake,” the foreign minister said.")
    dyads = dyads_for(text, [("Warsaw", "POL"), ("Berlin", "DEU"), ("foreign minister", "POL")],
                      [("This is a reckless and dangerous mistake,", "the foreign minister", "POL")])
    assert set(dyads.kind) == {"statement", "quote"}
    row = pair(dyads[dyads.kind == "quote"], "POL", "DEU")
    assert row.score < 0 and row.evidence.startswith("This is a reckless")



def test_an_actor_named_only_as_a_place_is_not_what_a_quote_is_about():
    text = "“The storage sites are nearly full,” Vladimir Putin said of the facilities in Europe."
    dyads = dyads_for(text, [("Vladimir Putin", "RUS"), ("Europe", "EUR")],
                      [("The storage sites are nearly full,", "Vladimir Putin", "RUS")])
    assert dyads.empty or "quote" not in set(dyads.kind)

def test_partial_quote_is_scored_in_its_sentence_and_shown_with_it():
    text = "The envoy of Brazil called the proposal of Argentina “a fair and welcome step” on Friday."
    dyads = dyads_for(text, [("Brazil", "BRA"), ("Argentina", "ARG")],
                      [("a fair and welcome step", "The envoy of Brazil", "BRA")])
    row = pair(dyads, "BRA", "ARG")
    assert row.kind == "quote" and row.evidence == text and row.score > 0



def test_a_short_quote_is_scored_with_the_words_of_its_sentence():
    text = "Canberra vows to 'work with Beijing' as the two nations seek a warm and friendly thaw."
    dyads = dyads_for(text, [("Canberra", "AUS"), ("Beijing", "CHN")], [("work with Beijing", "Canberra", "AUS")])
    row = pair(dyads[dyads.kind == "quote"], "AUS", "CHN")
    assert row.score > 0.05 and row.evidence == text

def test_talks_between_two_actors_hold_both_ways_and_self_pairs_are_dropped():
    text = "Talks between Japan and Korea resumed, and Japan said little."
    dyads = dyads_for(text, [("Japan", "JPN"), ("Korea", "KOR"), ("Japan", "JPN", None, 1)])
    assert sorted(dyads[["source_actor", "target_actor", "kind"]].values.tolist()) == [
        ["JPN", "KOR", "statement"], ["KOR", "JPN", "statement"]]
    assert set(dyads.method) == {"rule:between"}


def test_pairs_no_rule_or_model_relates_stay_one_undirected_comention():
    text = "Sweden, like Norway, had a cold winter."
    dyads = dyads_for(text, [("Sweden", "SWE"), ("Norway", "NOR")])
    assert dyads[["source_actor", "target_actor", "kind", "method"]].values.tolist() == [
        ["NOR", "SWE", "comention", "co-mention"]]


def test_unresolved_actors_and_single_actor_sentences_give_nothing():
    text = "France hosted a summit. Someone praised it warmly."
    dyads = dyads_for(text, [("France", "FRA")])
    assert dyads.empty and list(dyads.columns) == DYADS


def test_short_quotes_of_one_sentence_toward_one_target_make_one_row_scored_on_the_quoted_words():
    text = "The minister of Peru called Chile “a trusted friend” and its plan “a welcome relief” today."
    dyads = dyads_for(text, [("Peru", "PER"), ("Chile", "CHL")],
                      [("a trusted friend", "The minister of Peru", "PER"),
                       ("a welcome relief", "The minister of Peru", "PER")])
    row = pair(dyads, "PER", "CHL")
    assert row.kind == "quote" and row.evidence == text and row.score > 0
    assert {"friend", "welcome"} <= {w.lower() for w, _ in json.loads(row.contributions)}
