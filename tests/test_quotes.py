"""Quote detection and speaker attribution (``pipeline.quotes``) and its PolNeAR evaluation."""

import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline.evaluation.quote_speakers import evaluate_polnear, score_article
from pipeline.evaluation.quote_speakers import main as polnear_main
from pipeline.quotes import find_quotes, quote_spans
from pipeline.schema import MENTIONS, QUOTES
from pipeline.segment import paragraph_spans, split_sentences

NO_MENTIONS = pd.DataFrame(columns=MENTIONS)


def mentions_in(text: str, *specs: tuple) -> pd.DataFrame:
    """A MENTIONS frame from (surface, actor, person, mention_type[, occurrence]) written by hand."""
    sentences = split_sentences(pd.DataFrame({"article_id": ["a1"], "text": [text]}))
    rows = []
    for surface, actor, person, kind, *occurrence in specs:
        start = -1
        for _ in range((occurrence or [0])[0] + 1):
            start = text.index(surface, start + 1)
        sent_idx = int(sentences[sentences["start"] <= start]["sent_idx"].max())
        rows.append(("a1", sent_idx, start, start + len(surface), surface, actor, person, kind))
    return pd.DataFrame(rows, columns=MENTIONS)


def quotes_of(text: str, mentions: pd.DataFrame = NO_MENTIONS) -> pd.DataFrame:
    articles = pd.DataFrame({"article_id": ["a1"], "text": [text]})
    return find_quotes(articles, split_sentences(articles), mentions)


def only(quotes: pd.DataFrame, containing: str) -> pd.Series:
    rows = quotes[quotes["text"].str.contains(containing, regex=False)]
    assert len(rows) == 1, quotes[["text", "speaker"]].to_string()
    return rows.iloc[0]


def spans(text: str) -> list[str]:
    return [text[s.start:s.end] for s in quote_spans(text, paragraph_spans(text))]


# --- quote marks -------------------------------------------------------------------------------

def test_curly_quote_offsets_exclude_marks_and_speaker_follows():
    text = "“We are ready to talk,” Lavrov said on Monday."
    quote = only(quotes_of(text), "ready")
    assert quote["text"] == "We are ready to talk,"
    assert text[quote["start"] - 1] == "“" and text[quote["end"]] == "”"
    assert (quote["speaker"], quote["cue"]) == ("Lavrov", "said")
    assert text[quote["speaker_start"]:quote["speaker_end"]] == "Lavrov"


def test_straight_quotes_and_inverted_said_with_appositive():
    text = 'The talks stalled. "Nothing has changed," said Dmitry Peskov, the Kremlin spokesman.'
    quote = only(quotes_of(text), "Nothing")
    assert quote["text"] == "Nothing has changed,"
    assert quote["speaker"] == "Dmitry Peskov"


@pytest.mark.parametrize("opening, closing", [("``", "''"), ("''", "''")])
def test_polnear_style_double_quotes(opening, closing):
    text = f"{opening}The summit was useful,{closing} the minister said. {opening}We will meet again.{closing}"
    found = quotes_of(text)
    assert list(found["text"]) == ["The summit was useful,", "We will meet again."]
    assert list(found["speaker"]) == ["the minister", "the minister"]


def test_apostrophes_are_not_quotes():
    assert spans("It’s clear that Peskov’s remarks and the leaders’ talks didn't change Kyiv's view.") == []
    assert spans("It's the ministers' view, and Lavrov's too.") == []


def test_balanced_word_bounded_single_quotes_are_quotes():
    assert spans("Kremlin says the shift 'largely aligns' with its vision") == ["largely aligns"]
    assert spans("Officials called the plan ‘reckless’ and Moscow’s reply ‘measured’.") == ["reckless", "measured"]


def test_single_quotes_inside_double_quotes_belong_to_the_outer_quote():
    assert spans("“They called it a ‘red line’ for us,” she said.") == ["They called it a ‘red line’ for us,"]


def test_quote_spanning_sentences_is_one_quote():
    text = "“We will not yield. Never. Not now,” the president told reporters in Kyiv."
    quote = only(quotes_of(text), "yield")
    assert quote["text"] == "We will not yield. Never. Not now,"
    assert (quote["speaker"], quote["cue"]) == ("the president", "told")


def test_quote_continues_into_the_next_paragraph_that_opens_with_a_mark():
    text = ("The minister read a statement.\n\n“We have heard the proposal in full.\n\n"
            "“We will answer it after consultations,” Wang Yi said.\n\nTalks resume in May.")
    found = quotes_of(text)
    assert len(found) == 1
    quote = found.iloc[0]
    assert text[quote["start"]:].startswith("We have heard")
    assert quote["text"].endswith("after consultations,")
    assert quote["speaker"] == "Wang Yi"


def test_unclosed_quote_ends_with_its_paragraph_when_the_next_does_not_open_one():
    text = "Peskov said: “There is no deal yet\n\nTrade talks resume in May."
    assert spans(text) == ["There is no deal yet"]


# --- speaker patterns --------------------------------------------------------------------------

def test_partial_quote_attributed_by_according_to_after_it():
    text = ("The new U.S. stance signals a shift that “broadly matches” the Kremlin’s view, according to "
            "a spokesman for the Russian government.")
    mentions = mentions_in(text, ("a spokesman for the Russian government", "RUS", None, "role"),
                           ("the Kremlin", "RUS", None, "institution"))
    quote = only(quotes_of(text, mentions), "broadly")
    assert quote["text"] == "broadly matches"
    assert quote["speaker"] == "a spokesman for the Russian government"
    assert (quote["cue"], quote["speaker_actor"], quote["speaker_person"]) == ("according to", "RUS", None)


def test_according_to_before_the_quote():
    quote = only(quotes_of("According to Maria Zakharova, the move was “a provocation”."), "provocation")
    assert quote["speaker"] == "Maria Zakharova"


def test_apposition_and_said_to_state_television():
    text = ("“Relations are improving quickly,” Maria Zakharova, the spokeswoman for the Russian "
            "Foreign Ministry, said to state television on Sunday.")
    mentions = mentions_in(text, ("Maria Zakharova", "RUS", "Maria Zakharova", "person"),
                           ("Russian Foreign Ministry", "RUS", None, "institution"))
    quote = only(quotes_of(text, mentions), "improving")
    assert quote["speaker"] == "Maria Zakharova"
    assert (quote["speaker_person"], quote["speaker_actor"]) == ("Maria Zakharova", "RUS")


@pytest.mark.parametrize("sentence, speaker, cue", [
    ("Sergey Lavrov told state television that the talks were “useful”.", "Sergey Lavrov", "told"),
    ("“We expect more,” Kaja Kallas added.", "Kaja Kallas", "added"),
    ("Wang Yi wrote that the region needed “calm heads”.", "Wang Yi", "wrote"),
    ("The State Department said in a statement that the vote was “deeply flawed”.", "The State Department", "said"),
    ("“A good day for peace,” the prime minister tweeted.", "the prime minister", "tweeted"),
    ("Peskov has also repeatedly warned of “serious consequences”.", "Peskov", "warned"),
    ("“This changes nothing,” says Volodymyr Zelenskyy.", "Volodymyr Zelenskyy", "says"),
    ("“Enough,” she sighed.", "she", "sighed"),
    ("Baerbock resisted: “We will not be lectured.”", "Baerbock", "resisted"),
    ("“No deal,” Rep. Ann Holt (D-Ore.) said.", "Rep. Ann Holt", "said"),
    ("“Talks matter,” Jean Dupont, who chairs the committee said on Friday.", "Jean Dupont", "said"),
    ("As the envoy put it, “the door is open”.", "the envoy", "put it"),
    ("The ministry issued a statement, “We reject the claims.”", "The ministry", "issued a statement"),
    ("Said Mark Rutte, the NATO chief, “We stand together.”", "Mark Rutte", "Said"),
    ("The spokesman could only quip: “Ask Moscow.”", "The spokesman", "quip"),
    ("She then addressed the delegates again: “We are not done.”", "She", "addressed"),
    ("“Will you sign it?” Kallas pressed. The talks ended.", "Kallas", "pressed"),
    ("Mark Carney, the prime minister, agreed: “We need a deal.”", "Mark Carney", "agreed"),
    ("Analysts disagree on tariffs - Jan Novak: “They hurt everyone.”", "Jan Novak", ":"),
    ("“Talks failed,” reads a Wednesday editorial in the Daily Planet.", "a Wednesday editorial", "reads"),
    ("“We will reply,” said Kallas Wednesday.", "Kallas", "said"),
])
def test_cue_forms(sentence, speaker, cue):
    quote = quotes_of(sentence).iloc[0]
    assert (quote["speaker"], quote["cue"]) == (speaker, cue)


def test_exclamation_split_from_its_inverted_attribution():
    text = "“This is a dangerous escalation!” said Josep Borrell, who spoke in Brussels. Talks went on."
    quote = only(quotes_of(text), "escalation")
    assert (quote["speaker"], quote["cue"]) == ("Josep Borrell", "said")


def test_next_sentence_attributing_its_own_quote_is_not_borrowed():
    found = quotes_of("Kallas turns to Rubio with “Why now?” Rubio then writes back, “Because it matters.”")
    assert found["speaker"].iloc[0] != "Rubio" and found["speaker"].iloc[1] == "Rubio"


def test_leading_conjunction_is_not_part_of_a_loose_speaker():
    quote = quotes_of("And Mr. Sikorski gloated: “I told you so.”").iloc[0]
    assert (quote["speaker"], quote["cue"]) == ("Mr. Sikorski", "gloated")


def test_curly_opening_mark_typed_as_a_closing_one():
    assert spans("“Not yet,“ he said. “Maybe later.”") == ["Not yet,", "Maybe later."]


@pytest.mark.parametrize("text, containing, speaker", [
    pytest.param("Trump and JD Vance accused Kyiv of ingratitude and claimed it was “gambling” with lives.",
                 "gambling", "Trump and JD Vance", id="coordinated-verbs-share-the-subject"),
    pytest.param("When asked whom she backed, the senator smiled and said, “Nobody yet.”",
                 "Nobody", "the senator", id="coordinated-cue-takes-the-nearest-clause-subject"),
    pytest.param("After the vote, the Chinese foreign minister rejected the sanctions, saying “they will fail”.",
                 "fail", "the Chinese foreign minister", id="participle-takes-the-main-clause-subject"),
    pytest.param("Wang Yi said on Tuesday that relations were stable. “Our doors remain open.”",
                 "doors", "Wang Yi", id="previous-sentence-attribution"),
    pytest.param("Erdogan said the plan was “a disaster” and Mitsotakis said it was fine.",
                 "disaster", "Erdogan", id="earlier-cue-beats-a-later-one"),
])
def test_speaker_rules(text, containing, speaker):
    assert only(quotes_of(text), containing)["speaker"] == speaker


def test_transcript_lines():
    text = "LAVROV: We are open to dialogue.\nBLINKEN: Then show it.\nLavrov: “We have shown it.”"
    found = quotes_of(text)
    assert list(found["text"]) == ["We are open to dialogue.", "Then show it.", "We have shown it."]
    assert list(found["speaker"]) == ["LAVROV", "BLINKEN", "Lavrov"]
    assert set(found["cue"]) == {":"}


def test_inline_labels_on_one_line():
    found = quotes_of("Kallas: “We will defeat it.” Rubio: “We will end it.” Note: “Closed session.”")
    assert list(found["speaker"][:2]) == ["Kallas", "Rubio"]
    assert found["speaker"].iloc[2] != "Note"


def test_labels_that_are_not_speakers_are_ignored():
    assert quotes_of("Update: The talks were postponed.\nPhoto: Delegates in Geneva.").empty
    assert quotes_of("Delegates so far.\nKamala Harris: 1,204.\nTwitter: @entente_demo.").empty


def test_next_sentence_opening_with_an_attribution():
    text = "“Sanctions will never work against us.” Lavrov said this in Minsk on Monday. Talks went on."
    quote = only(quotes_of(text), "Sanctions")
    assert (quote["speaker"], quote["cue"]) == ("Lavrov", "said")


def test_consecutive_quote_continues_the_previous_speaker():
    text = "“We welcome the talks,” Peskov said on Sunday. “This is a good start.”\n\nMarkets rose."
    quote = only(quotes_of(text), "good start")
    assert quote["speaker"] == "Peskov"
    assert text[quote["speaker_start"]:quote["speaker_end"]] == "Peskov"


def test_quote_without_attribution_has_no_speaker():
    quote = quotes_of("The so-called “peace plan” was published on Friday.").iloc[0]
    assert quote["text"] == "peace plan"
    assert pd.isna(quote["speaker"]) and quote["speaker_start"] == -1 and quote["speaker_end"] == -1
    assert pd.isna(quote["speaker_actor"]) and pd.isna(quote["cue"])


# --- resolution through mentions ---------------------------------------------------------------

def test_pronoun_resolves_to_the_nearest_preceding_person():
    text = "Dmitry Peskov spoke after Olaf Scholz left. Later Peskov met reporters. “We are ready,” he said."
    mentions = mentions_in(text, ("Dmitry Peskov", "RUS", "Dmitry Peskov", "person"),
                           ("Olaf Scholz", "DEU", "Olaf Scholz", "person"),
                           ("Peskov", "RUS", "Dmitry Peskov", "surname", 1))
    quote = only(quotes_of(text, mentions), "ready")
    assert quote["speaker"] == "he"
    assert (quote["speaker_person"], quote["speaker_actor"]) == ("Dmitry Peskov", "RUS")


def test_pronoun_mention_overlapping_the_speaker_wins():
    text = "Olaf Scholz met Emmanuel Macron. “We agree,” he said."
    mentions = mentions_in(text, ("Olaf Scholz", "DEU", "Olaf Scholz", "person"),
                           ("Emmanuel Macron", "FRA", "Emmanuel Macron", "person"),
                           ("he", "DEU", "Olaf Scholz", "pronoun"))
    quote = only(quotes_of(text, mentions), "agree")
    assert (quote["speaker_person"], quote["speaker_actor"]) == ("Olaf Scholz", "DEU")


def test_they_after_a_role_mention_resolves_to_the_role_actor():
    text = ("A senior Kremlin official spoke after meeting Donald Trump's envoy. "
            "They said they valued the envoy's “businesslike tone”.")
    mentions = mentions_in(text, ("A senior Kremlin official", "RUS", None, "role"),
                           ("Donald Trump", "USA", "Donald Trump", "person"))
    quote = only(quotes_of(text, mentions), "businesslike")
    assert (quote["speaker"], quote["speaker_actor"], quote["speaker_person"]) == ("They", "RUS", None)


def test_description_resolves_through_the_institution_it_names():
    text = "The deputy chair of the Russian Security Council said the plan was “200 percent wrong”."
    mentions = mentions_in(text, ("Russian Security Council", "RUS", None, "institution"))
    quote = only(quotes_of(text, mentions), "percent")
    assert quote["speaker"] == "The deputy chair of the Russian Security Council"
    assert (quote["speaker_actor"], quote["speaker_person"]) == ("RUS", None)


def test_without_mentions_speakers_are_found_but_not_resolved():
    quote = quotes_of("“We will respond,” Lavrov said.").iloc[0]
    assert quote["speaker"] == "Lavrov"
    assert pd.isna(quote["speaker_person"]) and pd.isna(quote["speaker_actor"])


# --- table contract ----------------------------------------------------------------------------

def test_rows_follow_the_contract_for_several_articles():
    articles = pd.DataFrame({
        "article_id": ["x", "y", "z"],
        "text": ["“One,” Peskov said. “Two,” Lavrov said.", "No quotes at all here.", "Rubio said “three”."],
    })
    found = find_quotes(articles, split_sentences(articles), NO_MENTIONS)
    assert list(found.columns) == QUOTES
    assert list(zip(found["article_id"], found["quote_idx"], found["text"])) == [
        ("x", 0, "One,"), ("x", 1, "Two,"), ("z", 0, "three")]
    texts = dict(zip(articles["article_id"], articles["text"]))
    for row in found.itertuples():
        assert texts[row.article_id][row.start:row.end] == row.text
        assert texts[row.article_id][row.speaker_start:row.speaker_end] == row.speaker
    assert list(found["sent_idx"]) == [0, 1, 0]


def test_missing_text_is_skipped_and_missing_columns_are_one_line_errors():
    articles = pd.DataFrame({"article_id": ["x", "y"], "text": [None, "“Yes,” Kallas said."]})
    sentences = split_sentences(articles.fillna({"text": ""}))
    assert list(find_quotes(articles, sentences, NO_MENTIONS)["article_id"]) == ["y"]
    with pytest.raises(ValueError, match=r"^find_quotes: sentences lacks column\(s\) para_idx$"):
        find_quotes(articles, sentences.drop(columns="para_idx"), NO_MENTIONS)
    with pytest.raises(ValueError, match=r"^find_quotes: articles lacks column\(s\) text$"):
        find_quotes(articles.drop(columns="text"), sentences, NO_MENTIONS)
    assert len(find_quotes(articles, sentences, pd.DataFrame())) == 1  # no mentions at all is fine


def test_no_articles_gives_an_empty_table_with_the_contract_columns():
    articles = pd.DataFrame({"article_id": [], "text": []})
    found = find_quotes(articles, split_sentences(articles), NO_MENTIONS)
    assert found.empty and list(found.columns) == QUOTES


# --- seed article (facts from ../shared/seed/gold.json; text read at run time) -----------------

def _seed_quotes(shared: Path, mentions_for=None):
    text = (shared / "seed" / "article.txt").read_text(encoding="utf-8")
    gold = json.loads((shared / "seed" / "gold.json").read_text(encoding="utf-8"))
    articles = pd.DataFrame({"article_id": ["seed"], "text": [text],
                             "date": [pd.Timestamp(gold["article"]["date"], tz="UTC")]})
    sentences = split_sentences(articles)
    mentions = mentions_for(sentences, articles) if mentions_for else NO_MENTIONS
    found = find_quotes(articles, sentences, mentions)
    covering = []
    for quote in gold["quotes"]:
        at = text.index(quote["text"])
        rows = found[(found["start"] <= at) & (found["end"] >= at + len(quote["text"]))]
        covering.append((quote, rows.iloc[0] if len(rows) else None))
    return covering


def test_seed_article_quotes_and_speaker_texts(shared_dir):
    covering = _seed_quotes(shared_dir)
    assert all(row is not None for _, row in covering), "every gold quote is found"
    # Facts of the annotation: the named speaker's surname (or the description's head) is in our speaker.
    expected_word = {"Dmitry Peskov": "Peskov", "Sergey Lavrov": "Lavrov", "Marco Rubio": "Rubio",
                     "Donald Trump": "Trump", "deputy chair of the Russian Security Council": "deputy chair"}
    right = sum(
        isinstance(row["speaker"], str) and expected_word.get(gold["speaker"], "\0") in row["speaker"]
        for gold, row in covering
    )
    # The first quote names Peskov only as "a spokesman ...", the last two "a senior Kremlin official"
    # and "They"; "dictator" is Trump's by the annotation but grammatically the deputy chair's.
    assert right >= 9


def test_seed_article_speaker_actors_with_real_mentions(shared_dir):
    actors = pytest.importorskip("pipeline.actors")
    try:
        dictionary = actors.load_dictionary()
    except (OSError, ValueError) as error:
        pytest.skip(f"actor dictionary not usable yet: {error}")

    def real_mentions(sentences, articles):
        return actors.find_mentions(sentences, articles.set_index("article_id")["date"], dictionary)

    covering = _seed_quotes(shared_dir, real_mentions)
    right = sum(row is not None and row["speaker_actor"] == gold["speaker_actor"] for gold, row in covering)
    assert right >= 12, [(g["text"][:20], r["speaker"], r["speaker_actor"]) for g, r in covering]
    people = {"Dmitry Peskov", "Donald Trump", "Sergey Lavrov", "Marco Rubio"}
    named = [(gold, row) for gold, row in covering if gold["speaker"] in people]
    assert len(named) == 11
    assert sum(row["speaker_person"] == gold["speaker"] for gold, row in named) >= 9


# --- PolNeAR evaluation ------------------------------------------------------------------------

def test_score_article_counts_on_a_hand_made_annotation():
    text = "A “quiet” day. “We will win,” Smith said. Jones thinks it is over. “Maybe,” a voter said."

    def span(part: str, offset: int = 0) -> list[int]:
        return [text.index(part) + offset, text.index(part) + len(part)]

    quotes = quotes_of(text)
    maybe = [text.index("“Maybe"), text.index("a voter") - 1]
    attributions = [
        {"source": {"spans": [span("Smith")]}, "content": {"spans": [span("“We will win,”")]}},
        {"source": {"spans": [span("Jones")]}, "content": {"spans": [span("it is over")]}},  # not direct
        {"source": {"spans": [span("Jones")]}, "content": {"spans": [maybe]}},  # wrong speaker: ours is the voter
        {"source": None, "content": {"spans": [maybe]}},  # no source: counts for recall only
    ]
    counts = score_article(text, attributions, quotes)
    assert counts == dict(gold=3, found=3, with_source=2, found_with_source=2, speaker_right=1,
                          ours=3, ours_in_gold=2, ours_attributed=2, ours_attributed_in_gold=2)


def test_polnear_bad_inputs_give_one_line_errors(tmp_path, capsys):
    with pytest.raises(ValueError, match="polnear_attributions.jsonl.gz: not found"):
        evaluate_polnear(tmp_path, "dev")
    with pytest.raises(ValueError, match="split 'valid' is not one of train, dev, test"):
        evaluate_polnear(tmp_path, "valid")
    (tmp_path / "polnear_attributions.jsonl.gz").write_bytes(__import__("gzip").compress(b'{"split": "dev"\n'))
    assert polnear_main([str(tmp_path), "--split", "dev"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "polnear_attributions.jsonl.gz:1: not JSON" in error


def test_polnear_dev_speaker_accuracy(shared_dir):
    result = evaluate_polnear(shared_dir / "data" / "polnear", "dev")
    assert result["articles"] == 84 and result["gold_direct_quotes"] > 200
    assert result["quote_recall"] >= 0.95
    assert result["speaker_accuracy"] >= 0.85


# --- rule column -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, containing, rule", [
    ("LAVROV: We are open to dialogue.\nBLINKEN: Then show it.", "open", "transcript-label"),
    ("Kallas said: “We will not wait.”", "wait", "cue-before"),
    ("“We are ready to talk,” Lavrov said on Monday.", "ready", "attribution-after"),
    ("“Enough,” she sighed.", "Enough", "loose-attribution"),
    ("Wang Yi wrote that the region needed “calm heads”.", "calm", "cue-earlier"),
    ("Analysts disagree on tariffs - Jan Novak: “They hurt everyone.”", "hurt", "inline-label"),
    ("Baerbock resisted: “We will not be lectured.”", "lectured", "loose-introduction"),
    ("The deal “broadly matches” the plan, according to a Kremlin aide.", "broadly", "cue-later"),
    ("“Sanctions will never work.” Lavrov said this in Minsk.", "Sanctions", "next-sentence"),
    ("“We welcome it,” Peskov said. “This is a good start.”", "good start", "previous-quote"),
    ("Wang Yi said on Tuesday that ties were stable. “Our doors remain open.”", "doors", "previous-attribution"),
])
def test_rule_column_names_the_rule_that_found_the_speaker(text, containing, rule):
    assert only(quotes_of(text), containing)["rule"] == rule


def test_rule_is_none_without_a_speaker():
    quote = quotes_of("The so-called “peace plan” was published on Friday.").iloc[0]
    assert quote["rule"] is None


# --- headlines and leads (RSS items are "title description", often without a final period) ------

def test_html_entity_marks_in_feed_texts():
    assert spans("Officials vowed to &#039;hit back&#039; and called it &quot;a provocation&quot;.") == [
        "hit back", "a provocation"]
    assert spans("Tsai Ing-wen&#039;s visit went ahead.") == []


def test_straight_double_quote_nested_in_a_straight_double_quote():
    text = '"We keep hearing "protect the economy". Which economy? Not ours," the minister said.'
    quote = only(quotes_of(text), "Which economy")
    assert quote["text"].startswith("We keep hearing") and quote["speaker"] == "the minister"


@pytest.mark.parametrize("text, speaker, rule", [
    pytest.param("Kallas says 'talks must go on' The Estonian leader spoke in Tallinn.", "Kallas", "cue-before",
                 id="X-says-quote"),
    pytest.param("'We will not retreat' – Zelensky says", "Zelensky", "attribution-after", id="quote-en-dash-X-says"),
    pytest.param("'We will not retreat' - Zelensky says", "Zelensky", "attribution-after", id="quote-hyphen-X-says"),
    pytest.param("Iran warns Israel 'will pay' for the strike", "Iran", "cue-earlier", id="X-warns-Y-quote"),
    pytest.param("Zelensky Says 'We Will Win' In Kyiv Speech", "Zelensky", "cue-before", id="title-case-says"),
    pytest.param("Kallas Urges Allies To 'Hold The Line'", "Kallas", "cue-earlier", id="title-case-quote-not-a-title"),
    pytest.param("Chile's foreign minister says the vote was 'a mistake'", "Chile's foreign minister", "cue-earlier",
                 id="possessive-description"),
    pytest.param("The Senate majority leader called the bill 'a gift to Moscow'", "The Senate majority leader",
                 "cue-earlier", id="office-description"),
    pytest.param("A cross-party group of British MPs warns the plan is 'unworkable'",
                 "A cross-party group of British MPs", "cue-earlier", id="group-description"),
    pytest.param("Zelensky's wife on a state visit to Seoul urges 'more help now'", "Zelensky's wife", "cue-before",
                 id="spouse-on-a-visit"),
    pytest.param("Zelensky's wife, on an official visit to Oslo, says 'winter is coming'", "Zelensky's wife",
                 "cue-before", id="spouse-on-a-visit-appositive"),
])
def test_headline_formats(text, speaker, rule):
    quote = quotes_of(text).iloc[0]
    assert (quote["speaker"], quote["rule"]) == (speaker, rule)


def test_a_headline_running_into_its_lead_does_not_attribute_by_the_lead():
    text = "WHO warns clinics in the region are at ‘breaking point’ The agency asks for a corridor to open."
    quote = only(quotes_of(text), "breaking")
    assert (quote["speaker"], quote["rule"]) == ("WHO", "cue-earlier")


def test_a_speaker_noun_phrase_starts_after_the_end_of_the_headline():
    text = "Ukraine war: minister backs volunteers who want to go The defence secretary says it is a \"free choice\"."
    assert only(quotes_of(text), "free choice")["speaker"] == "The defence secretary"
    text = "Envoy urges calm, 'talks now,' and asks for patience Beijing's special envoy appealed for \"restraint\"."
    assert only(quotes_of(text), "restraint")["speaker"] == "Beijing's special envoy"


def test_a_verb_with_an_object_of_its_own_does_not_attribute_the_quote_before_it():
    text = "After the Turkish president called Israel 'an occupier,' Israel recalled its diplomats from Ankara."
    assert only(quotes_of(text), "occupier")["speaker"] == "the Turkish president"


def test_passive_cue_names_no_speaker():
    quote = quotes_of("'It is a sham': Egypt accused of muzzling protests before the summit").iloc[0]
    assert pd.isna(quote["speaker"]) and quote["rule"] is None


@pytest.mark.parametrize("text", [
    "The minister appeared on “Meet The Nation” and said little.",
    "Fans recalled the \"Night Of Miracles\" match of 1998.",
    "The so-called 'peace formula' was published on Friday.",
])
def test_titles_and_so_called_terms_get_no_speaker(text):
    quote = quotes_of(text).iloc[0]
    assert pd.isna(quote["speaker"]) and quote["rule"] is None


# --- rules that need the speaker to name an actor or person (mentions) ------------------------

def test_headline_label_with_text_before_the_quote():
    text = "Macron: Iran 'must stop enrichment' The French president spoke after talks with the Gulf states."
    mentions = mentions_in(text, ("Macron", "FRA", "Emmanuel Macron", "surname"), ("Iran", "IRN", None, "country"))
    found = quotes_of(text, mentions)
    assert list(found["text"]) == ["must stop enrichment"]  # a headline, not a transcript line
    assert tuple(found.iloc[0][["speaker", "speaker_actor", "rule"]]) == ("Macron", "FRA", "headline-label")


def test_headline_label_is_the_subject_of_a_label_clause_and_skips_its_topic():
    text = "Lavrov slams Kyiv: he said it 'never wanted peace'"
    mentions = mentions_in(text, ("Lavrov", "RUS", "Sergey Lavrov", "surname"), ("Kyiv", "UKR", None, "capital"))
    assert only(quotes_of(text, mentions), "never")["speaker"] in {"Lavrov", "he"}
    text = "Lavrov on the grain deal: Kyiv 'never wanted peace'"
    mentions = mentions_in(text, ("Lavrov", "RUS", "Sergey Lavrov", "surname"), ("Kyiv", "UKR", None, "capital"))
    quote = only(quotes_of(text, mentions), "never")
    assert (quote["speaker"], quote["rule"]) == ("Lavrov", "headline-label")


def test_a_topic_label_is_not_a_speaker():
    text = "Ukraine conflict: 'We need more jets'"
    mentions = mentions_in(text, ("Ukraine", "UKR", None, "country"))
    assert pd.isna(quotes_of(text, mentions).iloc[0]["speaker"])


def test_headline_label_with_the_quote_right_after_the_colon():
    text = "The Long Nights of Ukrainian Air Defence: ‘We Never Rest’"
    mentions = mentions_in(text, ("Ukrainian", "UKR", None, "demonym"))
    quote = only(quotes_of(text, mentions), "Never")
    assert (quote["speaker_actor"], quote["rule"]) == ("UKR", "headline-label")


def test_label_after_a_headline_quote():
    text = "“We will rebuild every town”: Zelensky The president spoke in Kharkiv."
    mentions = mentions_in(text, ("Zelensky", "UKR", "Volodymyr Zelensky", "surname"))
    quote = only(quotes_of(text, mentions), "rebuild")
    assert (quote["speaker"], quote["rule"]) == ("Zelensky", "label-after")
    text = "‘It is a sham’: Egypt restricts protests before the summit"
    assert pd.isna(quotes_of(text, mentions_in(text, ("Egypt", "EGY", None, "country"))).iloc[0]["speaker"])


def test_possessive_speech_noun():
    text = "'The US will have to send its sons': what critics cut from Zelensky's remarks"
    mentions = mentions_in(text, ("US", "USA", None, "country"), ("Zelensky", "UKR", "Volodymyr Zelensky", "surname"))
    quote = only(quotes_of(text, mentions), "sons")
    assert (quote["speaker"], quote["speaker_actor"], quote["rule"]) == ("Zelensky", "UKR", "possessive-speech")


@pytest.mark.parametrize("text, mention, speaker", [
    ("China faults 'negative impact' of joint drills", "China", "China"),
    ("EU state bans burning Denmark’s parliament voted to punish insults to any “sacred” text", "Denmark",
     "Denmark’s parliament"),
    ("King Frederik meets the rabbi after condemning 'barbaric acts' in the region", "King Frederik", "King Frederik"),
])
def test_clause_subject_names_an_actor(text, mention, speaker):
    quote = quotes_of(text, mentions_in(text, (mention, "XXX", None, "country"))).iloc[0]
    assert quote["speaker"].endswith(speaker) and quote["rule"] == "clause-subject"


def test_clause_subject_needs_a_mention_and_no_copula():
    assert pd.isna(quotes_of("China faults 'negative impact' of joint drills").iloc[0]["speaker"])
    text = "The shooting of a British scientist was a 'senseless act'"
    mentions = mentions_in(text, ("British", "GBR", None, "demonym"))
    assert pd.isna(quotes_of(text, mentions).iloc[0]["speaker"])


def test_a_first_line_label_is_a_transcript_only_when_it_names_a_person():
    text = "Nato summit: leaders meet in Vilnius to weigh Kyiv's bid"
    assert quotes_of(text, mentions_in(text, ("Nato", "NATO", None, "bloc"))).empty
    text = "Vladimir Putin: We will respond to any provocation."
    found = quotes_of(text, mentions_in(text, ("Vladimir Putin", "RUS", "Vladimir Putin", "person")))
    assert tuple(found.iloc[0][["speaker", "speaker_actor", "rule"]]) == ("Vladimir Putin", "RUS", "transcript-label")



def test_a_transcript_label_may_carry_the_speakers_title():
    text = "Prime Minister of Norway Erna Solberg: Friends, we will keep our word to our neighbours."
    mentions = mentions_in(text, ("Prime Minister of Norway Erna Solberg", "NOR", "Erna Solberg", "person"))
    found = quotes_of(text, mentions)
    assert tuple(found.iloc[0][["speaker_actor", "rule"]]) == ("NOR", "transcript-label")
    assert found.iloc[0]["text"].startswith("Friends, we will")

def test_a_kicker_label_does_not_swallow_the_quote_of_the_lead():
    text = "Disinformation: Moscow revives an old claim The State Department accused it of \"plain lies\" on Monday."
    quote = only(quotes_of(text), "plain lies")
    assert (quote["speaker"], quote["rule"]) == ("The State Department", "cue-earlier")


def test_speaks_about_is_a_cue_inside_a_labelled_headline():
    text = 'Alexander Lukashenko: You know, President Putin speaks about"sanctions."'
    mentions = mentions_in(text, ("Alexander Lukashenko", "BLR", "Alexander Lukashenko", "person"),
                           ("President Putin", "RUS", "Vladimir Putin", "person"))
    assert only(quotes_of(text, mentions), "sanctions")["speaker_actor"] == "RUS"


def test_entity_inside_a_word_keeps_the_speaker_whole():
    text = 'The Air Force&apos;s top officer said the service was "ready for anything".'
    assert only(quotes_of(text), "ready")["speaker"] == "The Air Force&apos;s top officer"


def test_links_in_quote_marks_are_not_quotes():
    assert spans('Details at "https://example.org/a/b" and "www.example.org" today.') == []


@pytest.mark.parametrize("text, containing, speaker", [
    pytest.param("Britain would 'welcome' talks, says Amal Okoro The foreign minister spoke on Sunday.", "welcome",
                 "Amal Okoro", id="inverted-speaker-ends-before-the-lead"),
    pytest.param("Minister quits after aid to Kyiv is cut British Prime Minister Jane Doe said the move was "
                 "\"regrettable\".", "regrettable", "British Prime Minister Jane Doe",
                 id="capitalised-tail-of-a-merged-subject"),
])
def test_subjects_after_a_headline_running_into_its_lead(text, containing, speaker):
    assert only(quotes_of(text), containing)["speaker"] == speaker


def test_a_question_word_is_not_a_speaker():
    found = quotes_of("‘He is too old’: What voters across the spectrum are saying about the race")
    assert pd.isna(found.iloc[0]["speaker"])


def test_a_quote_ending_a_headline_is_not_attributed_by_the_leads_first_words():
    text = "Union rips the minister over pay: 'you should resign' The union said on Tuesday it would strike."
    assert only(quotes_of(text), "resign")["rule"] != "attribution-after"


def test_clause_subject_stays_in_the_quotes_part_of_the_headline_and_skips_passives():
    text = "Chinese envoy heads to Moscow after a long and difficult tour of Kyiv and Warsaw: 'largely self-serving'"
    assert pd.isna(quotes_of(text, mentions_in(text, ("Chinese", "CHN", None, "demonym"))).iloc[0]["speaker"])
    for text in ("Biden mocked for 'wrong answer' on aid", "Biden mocked for his video: 'max cringe'"):
        mentions = mentions_in(text, ("Biden", "USA", "Joe Biden", "surname"))
        assert pd.isna(quotes_of(text, mentions).iloc[0]["speaker"])
