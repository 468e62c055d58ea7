"""Relations from attributed quotes: the speaker's actor toward the actors the quote is about.

Targets are the actors named inside the quote (rule ``quote-names-target``); failing that, the
actor mentioned nearest to the quote in its sentence, else in the sentence before
(``quote-nearest-actor``). Mentions inside the speaker span, and actors the quote names only as a
place ("… in Europe"), never become targets. A target the quote joins to the speaker by a
symmetric event ("we have agreed with the United States",
"our relations with Berlin") holds the relation back toward the speaker too (``quote-symmetric``).
"""

import re
from typing import NamedTuple

from pipeline.relations.events import EventLexicon

QUOTE_CONFIDENCE = {"quote-names-target": 0.9, "quote-nearest-actor": 0.6, "quote-symmetric": 0.8}
_PLACE_BEFORE = re.compile(r"\b(?:in|across|throughout|inside|within)\s+(?:the\s+)?(?:[a-z]+\s+)?$", re.IGNORECASE)
"""An actor named as a place ("storage facilities in Europe", "hospitals in besieged Gaza") is not what a
quote is about."""
_NEXT_WORD = re.compile(r"\s+([\w'’-]+)")
_WITH_BEFORE = re.compile(  # "agreed with the United States and the United Kingdom"
    r"((?:[\w'’-]+\s+){1,4})(?i:with)\s+(?:(?i:the)\s+)?(?:(?:[A-Z][\w.'’-]*,?\s+){1,4}(?:and\s+|,\s*)(?:the\s+)?)?$")


class Mention(NamedTuple):
    start: int
    end: int
    actor: str
    surface: str
    person: str | None
    first_person: bool = False  # "we", "my Government": the speaker or author (pipeline.relations.first_person)
    place: bool = False  # named by a capital ("Kyiv"), not by the country or its people
    adjective: bool = False  # a demonym ("Russian strikes"): never a clause's subject


class QuoteTarget(NamedTuple):
    actor: str
    mention: Mention | None  # the mention scored; None when the whole quote is scored
    rule: str


def named_as_place(text: str, mention: Mention, events: EventLexicon) -> bool:
    """True for "facilities in Europe", "hospitals in besieged Gaza"; not for "in the Gaza invasion"."""
    after = _NEXT_WORD.match(text, mention.end)
    return (_PLACE_BEFORE.search(text, max(0, mention.start - 24), mention.start) is not None
            and not (after and events.lookup(after.group(1).lower())))


def is_symmetric_partner(text: str, mention: Mention, events: EventLexicon) -> bool:
    """True when ``mention`` is the "with" partner of a symmetric event word just before it."""
    before = _WITH_BEFORE.search(text[max(0, mention.start - 60):mention.start])
    return before is not None and any(
        (event := events.lookup(word.lower())) is not None and event.direction == "symmetric"
        for word in before.group(1).split())


def quote_targets(quote, article_mentions: list[Mention], in_sentence: list[Mention],
                  previous_sentence: list[Mention], text: str, events: EventLexicon) -> list[QuoteTarget]:
    """Targets of one attributed quote (``quote`` has start, end, speaker_actor, speaker_start/end);
    ``text`` is the article's text."""
    source = quote.speaker_actor

    def eligible(m: Mention) -> bool:
        return m.actor != source and not quote.speaker_start <= m.start < quote.speaker_end

    def a_place(m: Mention) -> bool:
        return named_as_place(text, m, events)

    inside = [m for m in article_mentions if quote.start <= m.start and m.end <= quote.end and eligible(m)
              and not a_place(m)]
    if inside:
        return [QuoteTarget(m.actor, m, "quote-symmetric" if is_symmetric_partner(text, m, events)
                            else "quote-names-target") for m in inside]

    def nearby(m: Mention) -> bool:
        return eligible(m) and not quote.start <= m.start < quote.end and not a_place(m)

    outside = [m for m in in_sentence if nearby(m)] or [m for m in previous_sentence if nearby(m)]
    if not outside:
        return []
    nearest = min(outside, key=lambda m: min(abs(m.start - quote.end), abs(quote.start - m.end)))
    return [QuoteTarget(nearest.actor, None, "quote-nearest-actor")]
