"""Stage 5 — relations: which ordered actor pairs of a sentence hold a directed relation.

For every sentence:

1. each attributed quote relates its speaker's actor to the actors it is about
   (``pipeline.relations.quoted``);
2. a sentence with two or more actors outside its quotes is parsed (``pipeline.relations.parse``)
   and the structural rules decide (``pipeline.relations.rules``); so is the part of an attributed
   quote inside the sentence, whose first person is the speaker ("we have agreed with Britain"), and
   in an authored text the first person outside quotes is the author
   (``pipeline.relations.first_person``: kind ``author``);
3. pairs the rules leave open go to the learned direction model (``pipeline.relations.model``),
   which keeps a pair only when it is confident enough that a directed relation holds;
4. what is still open stays an undirected co-mention.

A direction a quote in the sentence already covers takes no statement row (the quote speaks for
it); co-mentions are only made for pairs that nothing related either way. The output is the
``RELATIONS`` table; ``pipeline.dyads`` groups and scores it.
"""

import math
import re
import time
from collections import Counter, defaultdict
from itertools import combinations
from typing import NamedTuple

import pandas as pd

from pipeline.dyads import SIGNED_EVENT
from pipeline.relations.first_person import self_mentions
from pipeline.relations.parse import Prepared, for_parsing, parse_texts
from pipeline.relations.quoted import QUOTE_CONFIDENCE, Mention, named_as_place, quote_targets
from pipeline.relations.rules import TRIGGERS, SentenceRelations
from pipeline.resources import Resources
from pipeline.schema import RELATIONS
from pipeline.score import score_target

WORDS_BEFORE = 4
WHOLE_OPENING = 8
WORDS_AFTER = 6
_WORD = re.compile(r"[A-Za-z][\w'’-]*")
TRIGGER_WORDS_BEFORE, TRIGGER_WORDS_AFTER = 2, 4
INFINITIVE_REACH = 2
"""How far from the actors an event word or a verb of speech makes a window worth parsing; a "to" among the words
after reaches ``INFINITIVE_REACH`` words further ("X and Y plan to hold talks")."""
_WORD_START = re.compile(r"(?<!\S)\S")
_WORD_END = re.compile(r"\S(?!\S)")
_YES_NO_OPENERS = frozenset(
    "is are was were has have had will would can could should shall does do did may might must".split())
_HEADLINE_WORD = re.compile(r"[A-Za-z][\w'’.-]*")
_SMALL_WORDS = frozenset("a an the to of in on for at by as and or but with from over after into vs".split())
_HONORIFICS = frozenset("Mr Mrs Ms Dr Mr. Mrs. Ms. Dr. Sir".split())
_SEGMENT_BREAK = re.compile(r"\s*(?:;|\s[–—]\s)\s*")
_LIVE_LABEL = re.compile(r"[^:.!?]{0,80}\blive(?: updates| blog| news| coverage)?\s*:\s*", re.IGNORECASE)
IMPLIED = "rule:implied-target"
PLACE_MENTIONS = frozenset({"capital"})
AUTHOR_VOICE_CONFIDENCE = 0.7
AUTHOR_EVALUATION = 0.4
"""How strongly a sentence of an authored text must judge an actor to be the author's voice without a
first person (chosen on dyads_dev, where it leaves press releases' narration alone)."""
COLLECTIVES = frozenset({"EUR"})
"""Blocs that stand for peoples ("Europe"), not for an organisation."""
MODEL_MIN_CONFIDENCE = 0.55
"""The model's probability of its best directed class needed to keep a pair the rules left open (chosen on
dyads_dev for the model in data/relation_model.npz)."""
MODEL_MAX_GAP = 80
"""Characters between two actors beyond which the model is not asked (it was trained on close pairs)."""


class _Sentence(NamedTuple):
    article_id: str
    sent_idx: int
    start: int
    end: int
    text: str


def _columns(frame: pd.DataFrame, names: list[str]):
    """Rows of ``frame[names]`` as plain tuples (far cheaper than ``itertuples`` on Arrow strings)."""
    return zip(*(frame[name].tolist() for name in names))


def _mentions_by_sentence(mentions: pd.DataFrame) -> dict[tuple[str, int], list[Mention]]:
    grouped: dict[tuple[str, int], list[Mention]] = defaultdict(list)
    if mentions.empty or "actor" not in mentions:
        return grouped
    usable = mentions[mentions["actor"].notna()].sort_values(["article_id", "start"])
    columns = ["article_id", "sent_idx", "start", "end", "actor", "surface", "person", "mention_type"]
    for article_id, sent_idx, start, end, actor, surface, person, kind in _columns(usable, columns):
        grouped[(article_id, sent_idx)].append(
            Mention(start, end, actor, surface, person if isinstance(person, str) else None,
                    place=kind in PLACE_MENTIONS, adjective=kind == "demonym"))
    return grouped


def _speaker_of(mention: Mention) -> str:
    return mention.person or mention.surface


def _row(sentence: _Sentence, source: str, target: str, kind: str, speaker, evidence: tuple[int, int],
         target_span: tuple[int, int], event: str, polarity, confidence: float, method: str) -> tuple:
    return (sentence.article_id, sentence.sent_idx, source, target, kind, kind != "comention", speaker,
            *evidence, *target_span, event, math.nan if polarity is None else polarity, confidence, method)


def _quote_rows(sentence: _Sentence, quotes: list, article_mentions: list[Mention], in_sentence: list[Mention],
                previous: list[Mention], text: str, resources: Resources) -> list[tuple]:
    rows = []
    for quote in quotes:
        if not isinstance(quote.speaker_actor, str):
            continue
        event, polarity = _signed_cue(quote.cue, resources)
        for target in quote_targets(quote, article_mentions, in_sentence, previous, text, resources.events):
            span = (target.mention.start, target.mention.end) if target.mention else (-1, -1)
            confidence, method = QUOTE_CONFIDENCE[target.rule], f"rule:{target.rule}"
            rows.append(_row(sentence, quote.speaker_actor, target.actor, "quote", quote.speaker,
                             (quote.start, quote.end), span, event, polarity, confidence, method))
            if target.rule == "quote-symmetric":  # the partner takes part too; the speaker is not named inside
                rows.append(_row(sentence, target.actor, quote.speaker_actor, "quote", quote.speaker,
                                 (quote.start, quote.end), (-1, -1), "", None, confidence, method))
    return rows


def _signed_cue(cue, resources: Resources) -> tuple[str, float | None]:
    """The attribution verb as the quote's event when it carries a sign ("blames", "praises"); ("", None) for
    "said" and other plain cues, whose quote speaks for itself."""
    event = resources.events.lookup(cue, "verb") if isinstance(cue, str) and cue.isalpha() else None
    if event is None or abs(event.polarity) < SIGNED_EVENT:
        return "", None
    return cue, event.polarity


class _Parsed(NamedTuple):
    sentence: _Sentence
    mentions: list[Mention]
    covered: set[tuple[str, str]]  # (source, target) directions the sentence's quotes already give
    offset: int  # where ``text`` starts in the article
    text: str  # the part of the sentence that is parsed
    quote: object = None  # the attributed quote whose words are parsed (None: the narrative)

    def voice(self, source: Mention) -> tuple[str, object, tuple[int, int]]:
        """(kind, speaker, evidence span) of a relation from ``source``."""
        if self.quote is not None:
            kind = "quote" if source.first_person else "statement"
            return kind, self.quote.speaker if source.first_person else _speaker_of(source), (
                self.quote.start, self.quote.end)
        return ("author" if source.first_person else "statement", _speaker_of(source),
                (self.sentence.start, self.sentence.end))


def _window(sentence: _Sentence, mentions: list[Mention]) -> tuple[int, str]:
    """The part of the sentence worth parsing: from ``WORDS_BEFORE`` words before its first actor
    mention (from the sentence's start when that is at most ``WHOLE_OPENING`` words away, so that an
    opening phrase is not cut in two) to ``WORDS_AFTER`` words after its last mention (a parse costs
    time in proportion to its words)."""
    text, base = sentence.text, sentence.start
    first, last = mentions[0].start - base, max(m.end for m in mentions) - base
    before = [m.start() for m in _WORD_START.finditer(text, 0, first)]
    start = before[-WORDS_BEFORE] if len(before) > WHOLE_OPENING else 0
    after = [m.end() for m in _WORD_END.finditer(text, last)]
    end = after[WORDS_AFTER - 1] if len(after) >= WORDS_AFTER else len(text)
    return base + start, text[start:end]


def _worth_parsing(job: _Parsed, resources: Resources) -> bool:
    """Only a window with an event word or a verb of speech among its actors (or just around them: "new
    sanctions on Belarus", "Serbia and Kosovo hold talks") can yield a rule relation; a yes/no question in
    the narrative ("Has the US lost the UAE to China?") asserts none ("How is Russia imposing its rule in
    Ukraine?" does)."""
    text = job.sentence.text.strip(" \"'‘’“”")
    if job.quote is None and text.endswith("?") and text.split(maxsplit=1)[0].lower() in _YES_NO_OPENERS:
        return False
    first = max(min(m.start for m in job.mentions) - job.offset, 0)
    last = max(m.end for m in job.mentions) - job.offset
    after = _WORD.findall(job.text[last:])
    reach = TRIGGER_WORDS_AFTER + (INFINITIVE_REACH if "to" in after[:TRIGGER_WORDS_AFTER] else 0)
    words = (_WORD.findall(job.text[:first])[-TRIGGER_WORDS_BEFORE:] + _WORD.findall(job.text[first:last])
             + after[:reach])
    return any(word.lower() in TRIGGERS or resources.events.lookup(word.lower()) is not None for word in words)


def _statement_rows(job: _Parsed, parsed: tuple[object, Prepared] | None, resources: Resources,
                    organisations: frozenset[str]) -> list[tuple]:
    """Rule relations, then model relations for the pairs left open, of one sentence (``parsed``: its parse and
    the text parsed; None when it was not worth parsing)."""
    sentence, mentions = job.sentence, job.mentions
    if parsed is None:
        return [] if job.quote is not None else _comention_rows(job, {frozenset(pair) for pair in job.covered})
    doc, prepared = parsed
    spans = [prepared.span((m.start - job.offset, m.end - job.offset)) for m in mentions]
    actors = [m.actor for m in mentions]
    rows, decided = [], {frozenset(pair) for pair in job.covered}
    places = frozenset(index for index, mention in enumerate(mentions) if mention.place)
    found = [r for r in SentenceRelations(doc, spans, actors, resources.events, organisations, places).relations()
             if (actors[r.source], actors[r.target]) not in job.covered]
    for relation in sorted(found, key=lambda r: (r.source, r.target)):
        source, target = mentions[relation.source], mentions[relation.target]
        kind, speaker, evidence = job.voice(source)
        rows.append(_row(sentence, source.actor, target.actor, kind, speaker, evidence,
                         (target.start, target.end), relation.event, relation.polarity, relation.confidence,
                         f"rule:{relation.rule}"))
    if job.quote is not None:  # the quote's own rows speak for the pairs the rules leave open
        return rows
    decided |= {frozenset((mentions[r.source].actor, mentions[r.target].actor)) for r in found}
    rows += _model_rows(job, doc, spans, _first_mention_pairs(job, decided), resources, decided)
    return rows + _comention_rows(job, decided)


def _first_mention_pairs(job: _Parsed, decided: set[frozenset]) -> list[tuple[int, int]]:
    """Index pairs of each actor's first named mention, for the actor pairs not yet ``decided``."""
    first: dict[str, int] = {}
    for index, mention in enumerate(job.mentions):
        if not mention.first_person:
            first.setdefault(mention.actor, index)
    return [(a, b) for a, b in combinations(sorted(first.values()), 2)
            if frozenset((job.mentions[a].actor, job.mentions[b].actor)) not in decided]


def _comention_rows(job: _Parsed, decided: set[frozenset]) -> list[tuple]:
    """One undirected row per actor pair nothing related (actors in alphabetical order)."""
    rows = []
    for a, b in _first_mention_pairs(job, decided):
        first_actor, second_actor = sorted((job.mentions[a].actor, job.mentions[b].actor))
        second = job.mentions[a] if job.mentions[a].actor == second_actor else job.mentions[b]
        rows.append(_row(job.sentence, first_actor, second_actor, "comention", None,
                         (job.sentence.start, job.sentence.end), (second.start, second.end), "", None, 0.0,
                         "co-mention"))
    return rows


def decide(probs) -> tuple[bool, float, float]:
    """Direction (True: p→q), its probability and the polarity in [-1, 1] from the model's five classes
    (none, p→q +, q→p +, p→q −, q→p −)."""
    _, pq_positive, qp_positive, pq_negative, qp_negative = (float(p) for p in probs)
    forward = pq_positive + pq_negative >= qp_positive + qp_negative
    positive, negative = (pq_positive, pq_negative) if forward else (qp_positive, qp_negative)
    return forward, positive + negative, (positive - negative) / max(positive + negative, 1e-9)


def _model_rows(job: _Parsed, doc, spans, open_pairs, resources: Resources, decided: set) -> list[tuple]:
    model = resources.model
    if model is None or not open_pairs:
        return []
    sentence, mentions = job.sentence, job.mentions
    open_pairs = [(a, b) for a, b in open_pairs if mentions[b].start - mentions[a].end <= MODEL_MAX_GAP]
    if not open_pairs:
        return []
    probabilities = model.predict_proba([(doc, spans[a], spans[b]) for a, b in open_pairs])
    rows = []
    for (a, b), probs in zip(open_pairs, probabilities):
        forward, confidence, polarity = decide(probs)
        if confidence < MODEL_MIN_CONFIDENCE:
            continue
        source, target = (mentions[a], mentions[b]) if forward else (mentions[b], mentions[a])
        rows.append(_row(sentence, source.actor, target.actor, "statement", _speaker_of(source),
                         (sentence.start, sentence.end), (target.start, target.end), "", polarity,
                         confidence, f"model:{model.version}"))
        decided.add(frozenset((source.actor, target.actor)))
    return rows


def _authors(articles: pd.DataFrame) -> dict[str, str]:
    """The author actor of each authored article (``author_actor``; articles without one are left out)."""
    if "author_actor" not in articles:
        return {}
    return {article_id: author for article_id, author in _columns(articles, ["article_id", "author_actor"])
            if isinstance(author, str) and author}


def _outside_quotes(mentions: list[Mention], quotes: list) -> list[Mention]:
    return [m for m in mentions if not any(q.start <= m.start < q.end for q in quotes)]


def headline_end(text: str) -> int | None:
    """Where a title-case headline run into its lead without a stop ends ("… Sweden's NATO Bid in Boost to
    the Alliance Turkey agreed to stop …" ends before "Turkey"), or None: the first capitalised word
    followed by a lowercase content word, after a title-case run of five or more words with a small word."""
    words = list(_HEADLINE_WORD.finditer(text))
    for i in range(5, len(words) - 1):
        following = words[i + 1].group()
        if not words[i].group()[0].isupper() or not following[0].islower() or following in _SMALL_WORDS:
            continue
        head = [w.group() for w in words[:i]]
        run = i  # the capitalised words just before the lead's verb: after a comma they are no headline's end
        while (run > 0 and words[run - 1].group()[0].isupper()
               and "," not in text[words[run - 1].end():words[run].start()]):
            run -= 1
        ended = head[-1] not in _SMALL_WORDS | _HONORIFICS and not text[:words[run].start()].rstrip().endswith(",")
        if ended and any(w in _SMALL_WORDS for w in head) and all(w[0].isupper() for w in head
                                                                   if w not in _SMALL_WORDS):
            return words[i].start()
        return None
    return None


def _narrative_jobs(sentence: _Sentence, mentions: list[Mention], covered: set[tuple[str, str]]) -> list[_Parsed]:
    """One job per segment of the sentence that names two or more actors: its parts split at ";" and dashes
    (a headline's items), and an opening headline run into its lead (never inside a mention)."""
    jobs = []
    if len({m.actor for m in mentions}) < 2:
        return jobs
    cuts = [sentence.start + m.end() for m in _SEGMENT_BREAK.finditer(sentence.text)]
    label = _LIVE_LABEL.match(sentence.text) if sentence.sent_idx == 0 else None
    if label:  # "Israel-Hamas war live: …" names a live blog's topic; it states nothing
        mentions = [m for m in mentions if m.start >= sentence.start + label.end()]
        cuts.append(sentence.start + label.end())
    headline = headline_end(sentence.text) if sentence.sent_idx == 0 else None
    if headline is not None:
        cut = sentence.start + headline
        cuts.append(min([m.start for m in mentions if m.start < cut < m.end], default=cut))
    bounds = [sentence.start, *sorted(cuts), sentence.end]
    for start, end in zip(bounds, bounds[1:]):
        inside = [m for m in mentions if start <= m.start < end]
        if len({m.actor for m in inside}) >= 2:
            clip = _Sentence(sentence.article_id, sentence.sent_idx, start, end,
                             sentence.text[start - sentence.start:end - sentence.start])
            offset, window = _window(clip, inside)
            jobs.append(_Parsed(sentence, inside, covered, offset, window))
    return jobs


def _quote_jobs(sentence: _Sentence, quotes: list, in_sentence: list[Mention], article_text: str,
                covered: set[tuple[str, str]]) -> list[_Parsed]:
    """The part of each attributed quote inside ``sentence`` that names an actor besides its speaker, with
    the speaker's first person as mentions of the speaker's actor."""
    jobs = []
    taken = [(m.start, m.end) for m in in_sentence]
    for quote in quotes:
        start, end = max(quote.start, sentence.start), min(quote.end, sentence.end)
        named = [m for m in in_sentence if start <= m.start < end]
        if start >= end or not named or not isinstance(quote.speaker_actor, str):
            continue
        speaker = quote.speaker if isinstance(quote.speaker, str) else None
        mentions = sorted(named + self_mentions(article_text, start, end, quote.speaker_actor, speaker, taken),
                          key=lambda m: m.start)
        if len({m.actor for m in mentions}) >= 2:
            clip = _Sentence(sentence.article_id, sentence.sent_idx, start, end, article_text[start:end])
            offset, window = _window(clip, mentions)
            jobs.append(_Parsed(sentence, mentions, covered, offset, window, quote))
    return jobs


def _author_voice(sentence: _Sentence, author: str, outside: list[Mention], article_text: str,
                  resources: Resources) -> list[tuple]:
    """An authored text's sentence is its author's voice toward an actor it names (not as a mere place)
    when it speaks in the first person ("we welcome Norway's help") or when its words judge that actor
    ("Russia alone bears responsibility for this war": a target-scoped score of at least
    ``AUTHOR_EVALUATION`` either way); a sentence that only narrates ("Pashinyan informed the President")
    is not."""
    speaking = next((m.surface for m in outside if m.first_person), None)
    voiced = []
    for target in {m.actor: m for m in reversed(outside) if not m.first_person and m.actor != author
                   and not named_as_place(article_text, m, resources.events)}.values():
        span = (target.start - sentence.start, target.end - sentence.start)
        if speaking is None and abs(score_target(sentence.text, *span, resources.lexicon).score) < AUTHOR_EVALUATION:
            continue
        voiced.append(_row(sentence, author, target.actor, "author", speaking, (sentence.start, sentence.end),
                           (target.start, target.end), "", None, AUTHOR_VOICE_CONFIDENCE, "rule:author-names-target"))
    return voiced


def _likeliest_implied_targets(rows: list[tuple]) -> list[tuple]:
    """Of the several actors a hostile act with no stated target may be aimed at ("… since Russia's invasion,
    with two million pouring into Poland"), keep those its agent is stated to act against most often
    elsewhere in the input; with no such statement, keep them all."""
    stated = Counter((row[2], row[3]) for row in rows if row[14].startswith("rule:") and row[14] != IMPLIED
                     and not math.isnan(row[12]) and row[12] < 0)
    acts: dict[tuple, list[tuple]] = defaultdict(list)
    for row in rows:
        if row[14] == IMPLIED:
            acts[(row[0], row[1], row[2], row[11])].append(row)
    dropped = set()
    for act in acts.values():
        best = max(stated[(row[2], row[3])] for row in act)
        if best and len({row[3] for row in act}) > 1:
            dropped |= {id(row) for row in act if stated[(row[2], row[3])] < best}
    return [row for row in rows if id(row) not in dropped]


def find_relations(articles: pd.DataFrame, sentences: pd.DataFrame, mentions: pd.DataFrame, quotes: pd.DataFrame,
                   resources: Resources, timings: dict[str, float] | None = None) -> pd.DataFrame:
    """The relations table (``RELATIONS`` columns) from the articles, sentences, mentions and quotes.

    When ``timings`` is given, the seconds spent parsing are added to its "parse" entry.
    """
    texts = dict(zip(articles["article_id"].tolist(), articles["text"].tolist()))
    authors = _authors(articles)
    by_sentence = _mentions_by_sentence(mentions)
    by_article: dict[str, list[Mention]] = defaultdict(list)
    for (article_id, _), found in by_sentence.items():
        by_article[article_id].extend(found)
    quotes_by_sentence: dict[tuple[str, int], list] = defaultdict(list)
    quotes_by_article: dict[str, list] = defaultdict(list)
    for quote in quotes.itertuples(index=False):
        quotes_by_sentence[(quote.article_id, quote.sent_idx)].append(quote)
        quotes_by_article[quote.article_id].append(quote)
    wanted = by_sentence.keys() | quotes_by_sentence.keys()

    rows, jobs, voiced = [], [], []
    for article_id, sent_idx, start, end, text in _columns(
            sentences, ["article_id", "sent_idx", "start", "end", "text"]):
        key = (article_id, sent_idx)
        if key not in wanted:
            continue
        sentence, article_text = _Sentence(article_id, sent_idx, start, end, text), texts.get(article_id, "")
        in_sentence = by_sentence.get(key, [])
        quote_rows = _quote_rows(sentence, quotes_by_sentence.get(key, []), by_article.get(article_id, []),
                                 in_sentence, by_sentence.get((article_id, sent_idx - 1), []), article_text,
                                 resources)
        rows += quote_rows
        covered = {tuple(row[2:4]) for row in quote_rows}
        article_quotes = quotes_by_article.get(article_id, [])
        outside = _outside_quotes(in_sentence, article_quotes)
        if article_id in authors and outside:
            taken = [(m.start, m.end) for m in in_sentence]
            outside = sorted(outside + _outside_quotes(
                self_mentions(article_text, start, end, authors[article_id], None, taken), article_quotes),
                key=lambda m: m.start)
        jobs += _narrative_jobs(sentence, outside, covered)
        if article_id in authors:
            voiced += _author_voice(sentence, authors[article_id], outside, article_text, resources)
        jobs += _quote_jobs(sentence, article_quotes, in_sentence, article_text, covered)
    organisations = frozenset(code for code, actor in resources.dictionary.actors.items()
                              if actor.kind == "bloc" and code not in COLLECTIVES)
    parsed = [job for job in jobs if _worth_parsing(job, resources)]
    prepared = []
    for job in parsed:
        spans = [(m.start - job.offset, m.end - job.offset) for m in job.mentions]
        subjects = [span for span, mention in zip(spans, job.mentions) if not mention.adjective]
        prepared.append(for_parsing(job.text, spans, resources.events, subjects, names=spans))
    began = time.perf_counter()
    unique = list(dict.fromkeys(text for text, _ in prepared))  # feeds repeat leads: each distinct window once
    by_text = dict(zip(unique, parse_texts(unique)))
    docs = {id(job): (by_text[ready.text], ready) for job, ready in zip(parsed, prepared)}
    if timings is not None:
        timings["parse"] = timings.get("parse", 0.0) + time.perf_counter() - began
    for job in jobs:
        rows += _statement_rows(job, docs.get(id(job)), resources, organisations)
    related = {(row[0], row[1], row[2], row[3]) for row in rows if row[4] == "author"}
    voiced = [row for row in voiced if tuple(row[:4]) not in related]  # a rule said more precisely
    if voiced:  # a pair the author's voice relates is no co-mention
        pairs = {(row[0], row[1], frozenset(row[2:4])) for row in voiced}
        rows = [row for row in rows if row[4] != "comention" or (row[0], row[1], frozenset(row[2:4])) not in pairs]
    frame = pd.DataFrame(_likeliest_implied_targets(rows) + voiced, columns=RELATIONS)
    return frame.astype({"sent_idx": "int64", "evidence_start": "int64", "evidence_end": "int64",
                         "target_start": "int64", "target_end": "int64", "polarity": "float64",
                         "confidence": "float64", "directed": "bool"})
