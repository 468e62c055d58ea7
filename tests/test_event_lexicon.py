"""The diplomatic event lexicon: the shipped file, inflected lookup, phrases and rejection of bad rows."""

import re

import pytest

from pipeline.relations.events import DEFAULT_EVENT_LEXICON, EventLexiconError, load_event_lexicon

HEADER = "term,pos,direction,polarity,target_preps,category,forms,note\n"
GOOD_ROW = "invade,verb,forward,-0.9,,material_conflict,,\n"


@pytest.fixture(scope="module")
def lexicon():
    return load_event_lexicon()


def _sign(polarity: float) -> int:
    """-1, 0 or +1, counting |polarity| <= 0.1 as neutral."""
    return (polarity > 0.1) - (polarity < -0.1)


def test_shipped_file_loads_with_enough_rows(lexicon):
    assert len(lexicon.words) >= 400
    assert re.fullmatch(r"sha256:[0-9a-f]{12}", lexicon.version)
    assert lexicon.path == DEFAULT_EVENT_LEXICON
    assert {w.pos for w in lexicon.words} == {"verb", "noun", "adj"}
    assert {w.direction for w in lexicon.words} == {"forward", "symmetric", "reverse"}


def test_both_spellings_are_listed(lexicon):
    terms = {(w.term, w.pos) for w in lexicon.words}
    for british, american in [("recognise", "recognize"), ("criticise", "criticize"),
                              ("apologise", "apologize"), ("normalise", "normalize")]:
        assert (british, "verb") in terms and (american, "verb") in terms


@pytest.mark.parametrize("token, pos, direction, sign", [
    ("invaded", "verb", "forward", -1), ("barring", "verb", "forward", -1), ("expels", "verb", "forward", -1),
    ("vetoed", "verb", "forward", -1), ("vetoes", "noun", "forward", -1), ("refused", "verb", "forward", -1),
    ("deterred", "verb", "forward", -1), ("strained", "adj", "symmetric", -1), ("strains", "verb", "forward", -1),
    ("postponed", "verb", "forward", -1), ("recognised", "verb", "forward", 1), ("recognizes", "verb", "forward", 1),
    ("hosted", "verb", "forward", 0), ("thanked", "verb", "forward", 1), ("sanctions", "noun", "forward", -1),
    ("sanctions", "verb", "forward", -1), ("sanctioned", "verb", "forward", -1), ("accused", "verb", "forward", -1),
    ("blames", "verb", "forward", -1), ("warned", "verb", "forward", -1), ("threatens", "verb", "forward", -1),
    ("attacked", "verb", "forward", -1), ("struck", "verb", "forward", -1), ("shelled", "verb", "forward", -1),
    ("bombed", "verb", "forward", -1), ("annexed", "verb", "forward", -1), ("occupied", "verb", "forward", -1),
    ("blockaded", "verb", "forward", -1), ("armed", "verb", "forward", 1), ("supplies", "verb", "forward", 1),
    ("sent", "verb", "forward", 1), ("pledged", "verb", "forward", 1), ("backed", "verb", "forward", 1),
    ("endorsed", "verb", "forward", 1), ("welcomed", "verb", "forward", 1), ("rejected", "verb", "forward", -1),
    ("denied", "verb", "forward", -1), ("condemns", "verb", "forward", -1), ("criticised", "verb", "forward", -1),
    ("criticized", "verb", "forward", -1), ("slammed", "verb", "forward", -1), ("blasted", "verb", "forward", -1),
    ("rebuked", "verb", "forward", -1), ("snubbed", "verb", "forward", -1), ("summoned", "verb", "forward", -1),
    ("recalled", "verb", "forward", -1), ("boycotting", "verb", "forward", -1), ("banned", "verb", "forward", -1),
    ("banning", "verb", "forward", -1), ("froze", "verb", "forward", -1), ("seized", "verb", "forward", -1),
    ("detained", "verb", "forward", -1), ("arrested", "verb", "forward", -1), ("spied", "verb", "forward", -1),
    ("hacked", "verb", "forward", -1), ("interfering", "verb", "forward", -1), ("meddled", "verb", "forward", -1),
    ("provoked", "verb", "forward", -1), ("mediated", "verb", "forward", 1), ("brokered", "verb", "forward", 1),
    ("ceasefire", "noun", "symmetric", 1), ("truces", "noun", "symmetric", 1), ("talks", "noun", "symmetric", 0),
    ("summit", "noun", "symmetric", 0), ("called", "verb", "symmetric", 0), ("visited", "verb", "forward", 0),
    ("met", "verb", "symmetric", 0), ("meetings", "noun", "symmetric", 0), ("invited", "verb", "forward", 1),
    ("congratulated", "verb", "forward", 1), ("condoled", "verb", "forward", 1), ("apologised", "verb", "forward", 1),
    ("apologized", "verb", "forward", 1), ("supported", "verb", "forward", 1), ("aided", "verb", "forward", 1),
    ("loaned", "verb", "forward", 1), ("granted", "verb", "forward", 1), ("helped", "verb", "forward", 1),
    ("trained", "verb", "forward", 1), ("defended", "verb", "forward", 1), ("protects", "verb", "forward", 1),
    ("allied", "verb", "symmetric", 1), ("partnered", "verb", "symmetric", 1), ("cooperating", "verb", "symmetric", 1),
    ("traded", "verb", "symmetric", 1), ("deal", "noun", "symmetric", 1), ("agreements", "noun", "symmetric", 1),
    ("accord", "noun", "symmetric", 1), ("treaties", "noun", "symmetric", 1), ("pact", "noun", "symmetric", 1),
    ("withdrew", "verb", "forward", -1), ("suspended", "verb", "forward", -1), ("resumed", "verb", "symmetric", 1),
    ("cancelled", "verb", "forward", -1), ("canceled", "verb", "forward", -1), ("halted", "verb", "forward", -1),
    ("lifted", "verb", "forward", 1), ("eased", "verb", "forward", 1), ("tightened", "verb", "forward", -1),
    ("tariffs", "noun", "forward", -1), ("embargoes", "noun", "forward", -1), ("deported", "verb", "forward", -1),
    ("extradited", "verb", "forward", -1), ("intercepted", "verb", "forward", -1), ("invasion", "noun", "forward", -1),
    ("wars", "noun", "forward", -1), ("strikes", "noun", "forward", -1), ("aggression", "noun", "forward", -1),
    ("occupation", "noun", "forward", -1), ("aid", "noun", "forward", 1), ("assistance", "noun", "forward", 1),
    ("support", "noun", "forward", 1), ("bid", "noun", "forward", 1), ("membership", "noun", "forward", 1),
    ("accession", "noun", "forward", 1), ("veto", "noun", "forward", -1), ("backing", "noun", "forward", 1),
    ("blockade", "noun", "forward", -1), ("bombardment", "noun", "forward", -1), ("offensive", "noun", "forward", -1),
    ("incursions", "noun", "forward", -1), ("provocations", "noun", "forward", -1),
    ("condemnation", "noun", "forward", -1), ("criticism", "noun", "forward", -1), ("praise", "noun", "forward", 1),
    ("gratitude", "noun", "forward", 1), ("protests", "noun", "forward", -1), ("disputes", "noun", "symmetric", -1),
    ("tensions", "noun", "symmetric", -1), ("rift", "noun", "symmetric", -1), ("row", "noun", "symmetric", -1),
    ("spat", "noun", "symmetric", -1), ("standoff", "noun", "symmetric", -1), ("stand-off", "noun", "symmetric", -1),
    ("rapprochement", "noun", "symmetric", 1), ("détente", "noun", "symmetric", 1), ("detente", "noun", "symmetric", 1),
    ("received", "verb", "reverse", 0), ("won", "verb", "reverse", 1),
])
def test_failure_class_words_have_expected_direction_and_sign(lexicon, token, pos, direction, sign):
    word = lexicon.lookup(token, pos)
    assert word is not None, f"{token!r} ({pos}) not found"
    assert (word.pos, word.direction, _sign(word.polarity)) == (pos, direction, sign), word


@pytest.mark.parametrize("token, term", [
    ("occupies", "occupy"), ("agreeing", "agree"), ("seizing", "seize"), ("expelled", "expel"),
    ("targeted", "target"), ("equipped", "equip"), ("quitting", "quit"), ("embargoed", "embargo"), ("crises", "crisis"),
])
def test_regular_and_listed_inflections(lexicon, token, term):
    assert lexicon.lookup(token).term == term


def test_lookup_by_penn_tag_and_without_pos(lexicon):
    assert lexicon.lookup("Invaded", "VBD").term == "invade"
    assert lexicon.lookup("sanctions", "NNS").pos == "noun"
    assert lexicon.lookup("sanctions", "VBZ").pos == "verb"
    assert lexicon.lookup("meeting").pos == "noun"  # the row whose term is the word wins
    assert lexicon.lookup("meeting", "VBG").term == "meet"
    assert lexicon.lookup("invaded", "RB") is None
    assert lexicon.lookup("sanctions", "adj") is None
    assert lexicon.lookup("table") is None


def test_lift_and_bar_notes_say_how_to_read_them(lexicon):
    assert "inverts" in lexicon.lookup("lift").note
    assert lexicon.lookup("sanction", "noun").target_preps == ("on", "against")
    assert "from" not in lexicon.lookup("bar").target_preps and "actor" in lexicon.lookup("bar").note


@pytest.mark.parametrize("tokens, expected", [
    (["The", "US", "ruled", "out", "talks"], [(2, 4, "rule out")]),
    (["Russia", "shot", "down", "a", "drone"], [(1, 3, "shoot down")]),
    (["cutting", "ties"], [(0, 2, "cut ties")]),
    (["Iran", "pulled", "out", "of", "the", "deal"], [(1, 3, "pull out")]),
    (["UK", "strikes", "deal", "with", "Japan"], [(1, 3, "strike deal")]),
    (["they", "struck", "a", "deal"], [(1, 4, "strike a deal")]),
    (["a", "cease", "-", "fire", "and", "air", "strikes"], [(1, 4, "cease-fire"), (5, 7, "air strike")]),
    (["trade", "wars", "and", "peace", "talks"], [(0, 2, "trade war"), (3, 5, "peace talks")]),
    (["de", "-", "escalated"], [(0, 3, "de-escalate")]),
    (["no", "phrase", "here"], []),
])
def test_phrases_match_inflected_multiword_terms(lexicon, tokens, expected):
    assert [(start, end, word.term) for start, end, word in lexicon.phrases(tokens)] == expected


@pytest.mark.parametrize("row, reason", [
    ("invade,verb,sideways,-0.9,,material_conflict,,\n", "unknown direction 'sideways'"),
    ("invade,verb,forward,-1.5,,material_conflict,,\n", "outside [-1, 1]"),
    ("invade,verb,forward,bad,,material_conflict,,\n", "is not a number"),
    (",verb,forward,-0.9,,material_conflict,,\n", "empty term"),
    ("Invade,verb,forward,-0.9,,material_conflict,,\n", "not lower-case"),
    ("invade,adverb,forward,-0.9,,material_conflict,,\n", "pos 'adverb'"),
    ("invade,verb,forward,-0.9,,war,,\n", "category 'war'"),
    ("invade,verb,forward,-0.9,on||at,material_conflict,,\n", "target_preps"),
    ("invade,verb,forward,-0.9,,material_conflict,\n", "7 fields where the header has 8"),
    (GOOD_ROW, "duplicate term 'invade' (verb), first on line 2"),
])
def test_bad_rows_name_file_line_and_reason(tmp_path, row, reason):
    path = tmp_path / "events.csv"
    path.write_text(HEADER + GOOD_ROW + row, encoding="utf-8")
    with pytest.raises(EventLexiconError) as raised:
        load_event_lexicon(path)
    message = str(raised.value)
    assert message.startswith(f"{path}:3: ") and reason in message
    assert "\n" not in message


def test_missing_column_and_missing_file(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("term,pos,direction,polarity\ninvade,verb,forward,-0.9\n", encoding="utf-8")
    with pytest.raises(EventLexiconError, match=r"events\.csv:1: missing column 'target_preps'"):
        load_event_lexicon(path)
    with pytest.raises(EventLexiconError, match=r"absent\.csv: cannot read"):
        load_event_lexicon(tmp_path / "absent.csv")


def test_cached_until_the_file_changes(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(HEADER + GOOD_ROW, encoding="utf-8")
    first = load_event_lexicon(path)
    assert load_event_lexicon(path) is first
    assert first.lookup("praised") is None
    path.write_text(HEADER + GOOD_ROW + "praise,verb,forward,0.7,,verbal_cooperation,,\n", encoding="utf-8")
    second = load_event_lexicon(path)
    assert second.version != first.version
    assert second.lookup("praised").polarity == 0.7
