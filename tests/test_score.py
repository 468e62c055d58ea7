"""Tests of pipeline.score (target-scoped sentiment, lexicon) and its NewsMTSC evaluation."""

import json
from pathlib import Path

import blingfire
import numpy as np
import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from pipeline.evaluation.target_sentiment import NewsMTSCError, classify, evaluate_newsmtsc, main, metrics, read_targets
from pipeline.score import (
    DEFAULT_LEXICON,
    LexiconError,
    Scope,
    default_lexicon,
    explain,
    load_lexicon,
    score_target,
    score_text,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
NEWSMTSC = SHARED / "data" / "newsmtsc"
SEED = SHARED / "seed"


def target(sentence: str, mention: str):
    """score_target of the first occurrence of `mention` in `sentence`."""
    start = sentence.index(mention)
    return score_target(sentence, start, start + len(mention))


# --- target scoping ---------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, liked, disliked", [
    ("European leaders quickly assembled to affirm their support for Ukraine and denounced Putin.",
     "Ukraine", "Putin"),
    ("Leaders across Europe rushed to reaffirm their backing of Ukraine and condemned Putin.", "Ukraine", "Putin"),
    ("The ministers met in Oslo to pledge solidarity with Moldova and condemned the junta in Niamey.",
     "Moldova", "Niamey"),
    ("Ankara praised its partnership with Baku, while it accused Yerevan of provocations.",
     "Baku", "Yerevan"),
])
def test_two_targets_in_one_sentence_get_opposite_signs(sentence, liked, disliked):
    assert target(sentence, liked).score > 0
    assert target(sentence, disliked).score < 0
    assert score_text(sentence).score > target(sentence, disliked).score


def test_target_clause_outweighs_the_rest_of_the_sentence():
    sentence = "Paris welcomed the truce, and the envoy blamed Minsk for the escalation."
    welcome = dict(target(sentence, "Paris").contributions)
    blamed = dict(target(sentence, "Minsk").contributions)
    assert abs(welcome["welcomed"]) > abs(welcome["blamed"])
    assert abs(blamed["blamed"]) > abs(blamed["welcomed"])


def test_speaker_of_a_quote_is_scored_mostly_neutral():
    sentence = "“The invasion is a crime and a disgrace,” the Latvian minister said."
    speaker = target(sentence, "the Latvian minister")
    invasion = target(sentence, "invasion")
    assert invasion.score < -0.5
    assert abs(speaker.score) < abs(invasion.score) / 3


def test_target_span_must_cover_a_word():
    with pytest.raises(ValueError, match="covers no word"):
        score_target("Vienna hosted the talks.", 6, 7)


# --- VADER rules: negation, contrast, boosters -----------------------------------------------

def test_negation_flips_a_rebuke():
    plain = target("Berlin condemned Warsaw.", "Warsaw")
    negated = target("Berlin did not condemn Warsaw.", "Warsaw")
    assert plain.score < 0 < negated.score
    assert dict(negated.contributions)["condemn"] > 0


def test_contrast_makes_the_clause_after_but_dominant():
    with_but = score_text("The summit was constructive, but the outcome was a disaster.")
    with_and = score_text("The summit was constructive, and the outcome was a disaster.")
    assert with_but.score < with_and.score
    assert with_but.score < 0
    after = dict(with_but.contributions)
    assert abs(after["disaster"]) > abs(after["constructive"])
    reversed_but = score_text("The outcome was a disaster, but the summit was constructive.")
    assert reversed_but.score > 0


@pytest.mark.parametrize("sentence, before, after", [
    ("Berlin backed the plan but Paris rejected it.", "Berlin", "Paris"),
    ("Kyiv welcomed the aid, but Moscow condemned it.", "Kyiv", "Moscow"),
])
def test_contrast_keeps_each_target_on_its_side_of_but(sentence, before, after):
    first, second = target(sentence, before), target(sentence, after)
    assert first.score > 0 > second.score
    first_words, second_words = dict(first.contributions), dict(second.contributions)
    assert max(first_words.values()) > 3 * -min(first_words.values())
    assert -min(second_words.values()) > 3 * max(second_words.values())


def test_rather_than_negates_what_it_rejects():
    assert score_text("Oslo wants dialogue rather than confrontation.").score > 0
    assert score_text("Oslo wants confrontation rather than dialogue.").score < 0
    assert dict(score_text("Oslo chose sanctions instead of talks.").contributions)["talks"] < 0


def test_booster_strengthens_the_word_it_modifies():
    assert score_text("The raid was extremely reckless.").score < score_text("The raid was reckless.").score


def test_strongly_does_not_soften_a_rebuke():
    assert score_text("Rome strongly condemned the raid.").score == score_text("Rome condemned the raid.").score


def test_curly_apostrophe_negation_counts():
    assert score_text("Seoul doesn’t support the plan.").score < 0 < score_text("Seoul supports the plan.").score


# --- lexicon terms ----------------------------------------------------------------------------

def test_our_lexicon_scores_words_vader_does_not_know():
    sentence = "Washington sanctioned Tehran after it annexed the islands and denounced the truce."
    assert SentimentIntensityAnalyzer().polarity_scores(sentence)["compound"] == 0
    result = score_text(sentence)
    assert result.score < 0
    assert {word for word, _ in result.contributions} == {"sanctioned", "annexed", "denounced", "truce"}


def test_our_lexicon_silences_names_vader_finds_positive():
    sentence = "The United Nations Security Council met on Tuesday."
    assert SentimentIntensityAnalyzer().polarity_scores(sentence)["compound"] > 0.5
    assert score_text(sentence).score == 0


def test_multi_word_term_counts_once():
    result = score_text("Moscow said the deployment crossed a red line.")
    words = [word for word, _ in result.contributions]
    assert "red line" in words
    assert "line" not in words and "red" not in words
    assert result.score < 0


def test_multi_word_terms_override_their_words():
    assert score_text("The minister in charge of trade met his counterpart.").score == 0
    assert score_text("The envoy has charge of the file.").score < 0
    assert score_text("Ankara struck a deal with Athens.").score > 0
    assert score_text("The strike hit a depot near Kharkiv.").score < 0


def test_punctuation_inside_a_multi_word_term_stops_the_match():
    assert score_text("The minister, in charge of trade, met his counterpart.").score == 0
    assert "charge" in dict(score_text("Who was in, charge sheet in hand, the envoy?").contributions)
    assert "red line" in dict(score_text("That is a “red line”.").contributions)


def test_empty_text_scores_zero():
    assert score_text("") == score_text("   ") == score_text("Delegates arrived in Geneva.")
    assert score_text("").score == 0 and score_text("").contributions == []


def test_custom_lexicon_moves_scores(tmp_path):
    path = tmp_path / "lexicon.csv"
    path.write_text("term,valence,note\nzorbled,-3.0,made-up verb\nflumpish,2.5,made-up adjective\n")
    lexicon = load_lexicon(path)
    sentence = "Lima zorbled Quito."
    assert score_text(sentence).score == 0
    assert score_text(sentence, lexicon).score < 0
    assert score_target("A flumpish accord with Accra.", 19, 24, lexicon).score > 0


# --- contributions, bounds, explanation --------------------------------------------------------

@pytest.mark.parametrize("sentence, mention", [
    ("European leaders quickly assembled to affirm their support for Ukraine and denounced Putin.", "Putin"),
    ("Tokyo praised the agreement but warned Pyongyang against further provocations.", "Pyongyang"),
    ("Cairo welcomed the ceasefire and thanked Doha for its mediation.", "Doha"),
])
def test_contributions_add_up_to_the_score(sentence, mention):
    result = target(sentence, mention)
    total = sum(delta for _, delta in result.contributions)
    assert result.score != 0
    assert np.sign(total) == np.sign(result.score)
    assert total == pytest.approx(result.score, abs=1e-9)


def test_scores_stay_within_bounds():
    hateful = " ".join(["genocide atrocity massacre terrorist warmonger"] * 40)
    kind = " ".join(["peace friendship solidarity breakthrough reconciliation"] * 40)
    assert -1 <= score_text(hateful).score < -0.99
    assert 0.99 < score_text(kind).score <= 1
    assert -1 <= score_target(hateful, 0, 8).score < 0


def test_explain_is_one_line_strongest_word_first():
    result = target("European leaders quickly assembled to affirm their support for Ukraine and denounced Putin.",
                    "Putin")
    line = explain(result)
    assert "\n" not in line
    assert line.startswith(f"{result.score:+.2f}: denounced -")
    assert "support +" in line
    assert explain(score_text("Delegates arrived in Geneva.")) == "+0.00: no sentiment words"


# --- lexicon file checks ------------------------------------------------------------------------

def test_project_lexicon_loads_and_is_big_enough():
    lexicon = load_lexicon(DEFAULT_LEXICON)
    assert len(lexicon.terms) >= 300
    assert all(-4 <= valence <= 4 for valence in lexicon.terms.values())
    assert lexicon.version.startswith("sha256:") and len(lexicon.version) == len("sha256:") + 12
    assert default_lexicon().version == lexicon.version


def test_lexicon_version_follows_content(tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("term,valence\ntruce,2\n")
    second.write_text("term,valence\ntruce,2.5\n")
    assert load_lexicon(first).version != load_lexicon(second).version


@pytest.mark.parametrize("content, line, reason", [
    ("term,valence,note\ntruce,2,ok\nfeud,-9,too strong\n", 3, "outside [-4, 4]"),
    ("term,valence,note\ntruce,2,ok\nfeud,bad,no number\n", 3, "is not a number"),
    ("term,valence,note\ntruce,2,ok\nfeud,-1,ok\nTruce,1.5,again\n", 4, "duplicate term 'truce' (first on line 2)"),
    ("term,score,note\ntruce,2,ok\n", 1, "missing column 'valence'"),
    ("term,valence\n,2\n", 2, "empty term"),
])
def test_lexicon_errors_name_file_line_and_reason(tmp_path, content, line, reason):
    path = tmp_path / "lexicon.csv"
    path.write_text(content)
    with pytest.raises(LexiconError) as error:
        load_lexicon(path)
    message = str(error.value)
    assert message.startswith(f"{path}:{line}: ")
    assert reason in message
    assert "\n" not in message


def test_non_utf8_lexicon_names_the_line(tmp_path):
    path = tmp_path / "lexicon.csv"
    path.write_bytes(b"term,valence\ntruce,2\nd\xe9tente,1.8\n")
    with pytest.raises(LexiconError, match=r"lexicon\.csv:3: not UTF-8 text \(byte 0xe9\)$"):
        load_lexicon(path)


def test_missing_lexicon_file_is_a_one_line_error(tmp_path):
    with pytest.raises(LexiconError, match=r"nope\.csv: cannot read lexicon"):
        load_lexicon(tmp_path / "nope.csv")


# --- NewsMTSC evaluation ------------------------------------------------------------------------

def test_metrics_on_a_hand_made_confusion():
    gold = np.array([0, 0, 1, 1, 2, 2])
    predicted = np.array([0, 1, 1, 1, 2, 0])
    result = metrics(gold, predicted)
    assert result["accuracy"] == pytest.approx(4 / 6, abs=1e-4)
    assert result["confusion"]["negative"] == {"negative": 1, "neutral": 1, "positive": 0}
    assert result["f1"]["neutral"] == pytest.approx(0.8)
    assert result["macro_f1"] == pytest.approx((0.5 + 0.8 + 2 / 3) / 3, abs=1e-4)


def test_classify_uses_both_thresholds():
    assert classify(np.array([-0.5, -0.1, 0.0, 0.1, 0.5]), -0.1, 0.1).tolist() == [0, 0, 1, 2, 2]


def test_bad_newsmtsc_rows_name_file_and_line(tmp_path):
    folder = tmp_path / "original"
    folder.mkdir()
    good = {"sentence_normalized": "Rome hosted talks.", "targets": [{"from": 0, "to": 4, "polarity": 6.0}]}
    rows = [json.dumps(good), json.dumps({**good, "targets": [{"from": 0, "to": 4, "polarity": 5.0}]})]
    (folder / "devtest_rw.jsonl").write_text("\n".join(rows) + "\n")
    with pytest.raises(NewsMTSCError, match=r"devtest_rw\.jsonl:2: missing or unknown value 5\.0"):
        read_targets(tmp_path, "devtest_rw")
    (folder / "devtest_rw.jsonl").write_text(json.dumps(good) + "\n{oops\n")
    with pytest.raises(NewsMTSCError, match=r"devtest_rw\.jsonl:2: not JSON"):
        read_targets(tmp_path, "devtest_rw")
    with pytest.raises(NewsMTSCError, match=r"missing_split\.jsonl: cannot read"):
        read_targets(tmp_path, "missing_split")


def test_command_reports_missing_folder_in_one_line(tmp_path, capsys):
    assert main([str(tmp_path / "absent")]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: ") and "train.jsonl: cannot read" in error
    assert error.count("\n") == 1


def test_newsmtsc_devtest_rw_macro_f1_beats_the_goal():
    if not NEWSMTSC.is_dir():
        pytest.skip("../shared/data/newsmtsc is absent (NewsMTSC is not part of the project)")
    result = evaluate_newsmtsc(NEWSMTSC, "devtest_rw")
    assert result["targets"] == 1146
    assert result["macro_f1"] >= 0.58


def test_scope_beats_the_whole_sentence_on_newsmtsc_train():
    if not NEWSMTSC.is_dir():
        pytest.skip("../shared/data/newsmtsc is absent (NewsMTSC is not part of the project)")
    targets = read_targets(NEWSMTSC, "train").iloc[::4]
    gold = np.array(["negative", "neutral", "positive"])
    scoped = np.array([score_target(s, a, b).score for s, a, b in zip(targets.sentence, targets.start, targets.end)])
    whole = np.array([score_target(s, a, b, scope=Scope(1.0, 1.0)).score
                      for s, a, b in zip(targets.sentence, targets.start, targets.end)])
    gold_codes = np.searchsorted(gold, targets.gold.to_numpy())
    best = {name: max(metrics(gold_codes, classify(scores, -n, p))["macro_f1"]
                      for n in (0.05, 0.1, 0.2) for p in (0.05, 0.1, 0.2, 0.3, 0.4))
            for name, scores in (("scoped", scoped), ("whole", whole))}
    assert best["scoped"] > best["whole"]


# --- the seed article -----------------------------------------------------------------------------

def test_seed_article_support_and_denunciation_in_one_sentence():
    if not SEED.is_dir():
        pytest.skip("../shared/seed is absent (the seed article is not part of the project)")
    text = (SEED / "article.txt").read_text(encoding="utf-8")
    sentence = next(s for s in blingfire.text_to_sentences(text).splitlines() if "denounced" in s)
    assert target(sentence, "Ukraine").score > 0
    assert target(sentence, "Putin").score < 0


def test_seed_quotes_have_the_annotated_sign():
    if not SEED.is_dir():
        pytest.skip("../shared/seed is absent (the seed article is not part of the project)")
    quotes = json.loads((SEED / "gold.json").read_text(encoding="utf-8"))["quotes"]
    aligns = next(q["text"] for q in quotes if "aligns" in q["text"] and len(q["text"].split()) > 3)
    dictator = next(q["text"] for q in quotes if q["text"] == "dictator")
    assert score_text(aligns).score > 0
    assert score_text(dictator).score < 0
