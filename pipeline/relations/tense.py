"""Headline verbs put in the past tense for the parser: "Hungary withholds backing" → "Hungary withheld backing".

Headlines report past events in the present tense without auxiliaries or articles, and the small parser
reads "Hungary withholds", "North Korea fires missile" or "Armenia and Azerbaijan resume" as noun
compounds. The past tense has no noun reading, so the same words put in it parse as subject and verb.

Only an event or speech verb right after an actor mention (or after a name just behind one: "Australian
PM Albanese meets") changes: its -s form always, its base form after coordinated actors ("Armenia and
Azerbaijan resume"). An -s form that is also a plural noun ("sanctions", "targets") changes only when a word
other than a preposition follows it ("EU sanctions Russian banks", not "EU sanctions on Belarus" nor
"pound Hamas targets, including …"). Past forms
come from lemminflect (irregular verbs and consonant doubling included).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from functools import cache

from lemminflect import getAllLemmas, getInflection, getLemma

HEADLINE_VERBS = frozenset({"vow", "plan", "aim", "hope", "want", "move", "fail", "try", "look", "pledge"})
"""Verbs outside the event lexicon that lead a headline's clause ("vow to deepen cooperation")."""
TAKE_INFINITIVES = HEADLINE_VERBS | frozenset({"agree", "refuse", "threaten", "seek", "offer", "decide", "promise",
                                               "vote", "call", "urge", "intend", "prepare", "ask"})
"""Verbs whose -s form before "to" is a verb ("hopes to", "threatens to"), not a plural noun ("talks to")."""
PLURAL_NOUNS = frozenset({"arms", "forces", "troops", "talks", "ties", "relations", "officials", "leaders"})
"""-s forms of event verbs that after an actor are nearly always nouns ("US arms sales", "Russian forces")."""
_WORD = re.compile(r"[A-Za-z]+")
_PREPOSITIONS = frozenset("on against with between of for to over from in at into about by as".split())
_COORDINATION = re.compile(r"^\s*(?:,|,?\s+and|\s+&)\s*$")


@cache
def _past(word: str) -> tuple[str, str] | None:
    """(lemma, past tense) of a verb form, or None."""
    lemmas = getLemma(word, upos="VERB")
    if not lemmas:
        return None
    past = getInflection(lemmas[0], tag="VBD")
    return (lemmas[0], past[0]) if past else None


def past_tense_edits(text: str, subjects: list[tuple[int, int]], is_verb: Callable[[str], bool]) -> list[
        tuple[int, int, str]]:
    """(start, end, past form) of the headline verbs of ``text`` whose subject is one of the actor mentions
    ``subjects`` (nouns: not "Russian"); ``is_verb`` tells whether a lemma is an event or speech verb."""
    spans = sorted(subjects)
    words = list(_WORD.finditer(text))
    edits = []
    for index, position in _after_subjects(text, spans, words):
        match = words[index]
        start, end = match.span()
        word = match.group().lower()
        found = _past(word)
        if found is None or any(s < end and start < e for s, e in spans):
            continue
        lemma, past = found
        if word == past or word in PLURAL_NOUNS or not (is_verb(lemma) or lemma in HEADLINE_VERBS):
            continue
        if not (word.endswith("s") and word != lemma or word == lemma and _coordinated(text, spans, position)):
            continue  # only an -s form, or a base form after coordinated actors (not a participle)
        following = words[index + 1].group().lower() if index + 1 < len(words) else ""
        infinitive = following == "to" and lemma in TAKE_INFINITIVES
        if word != lemma and "NOUN" in getAllLemmas(word) and not infinitive and (
                not following or following in _PREPOSITIONS or not text[end:words[index + 1].start()].isspace()):
            continue
        edits.append((start, end, match.group()[0] + past[1:] if match.group()[0].isupper() else past))
    return sorted(set(edits))


def _after_subjects(text: str, spans: list[tuple[int, int]], words) -> list[tuple[int, int]]:
    """(word index, mention position) of each word right after a mention, or after a capitalised name right
    after one ("Australian PM Albanese meets")."""
    starts = [word.start() for word in words]
    found = []
    for position, (_, mention_end) in enumerate(spans):
        index = bisect.bisect_left(starts, mention_end)
        if index >= len(words) or not text[mention_end:starts[index]].isspace():
            continue
        found.append((index, position))
        name = words[index].group()
        if name[0].isupper() and index + 1 < len(words) and text[words[index].end():starts[index + 1]].isspace():
            found.append((index + 1, position))
    return found


def _coordinated(text: str, spans: list[tuple[int, int]], position: int) -> bool:
    """Whether mention ``position`` ends a coordination of mentions ("Armenia and Azerbaijan")."""
    return position > 0 and bool(_COORDINATION.match(text[spans[position - 1][1]:spans[position][0]]))
