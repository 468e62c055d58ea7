"""Stage 5 — turn quotes and sentences into directed actor-pair records (the dyads table).

* quote: source = the speaker's actor; targets = actors named in the quote, else the actor
  mentioned nearest to the quote in its sentence, else in the sentence before.
* statement: a sentence (outside its quotes) whose grammatical subject is an actor; source = that
  actor, targets = the other actors the sentence names after it ("Trump berated Zelensky").
* comention: a sentence naming several actors with no actor as subject; one undirected row per
  pair, stored with the actor ids in alphabetical order.

Each row carries the sentiment toward its target (``pipeline.score``), scoped to the target's
mentions and averaged over them, with the words that moved it.
"""

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from pipeline.schema import DYADS
from pipeline.score import score_target, score_text

_PREPOSITION_BEFORE = re.compile(
    r"\b(?:of|for|to|with|against|toward|towards|on|in|into|from|by|at|about|over|between|among"
    r"|than|like|as|onto|upon|under|via|versus|vs\.?)\s+(?:the\s+|a\s+|an\s+)?\S*\s*$",
    re.IGNORECASE,
)
_COORDINATION = re.compile(r"\s*(?:,\s*)?(?:and|or|,)\s+(?:the\s+)?$")
_SUBJECT_WINDOW = 60  # characters before a mention inspected for a preposition
_QUOTE_SHARE_FOR_OWN_EVIDENCE = 0.5  # a shorter quote is shown within its sentence


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    actor: str
    surface: str
    person: str | None


class _Sentence(NamedTuple):
    start: int
    end: int
    text: str


def _columns(frame: pd.DataFrame, names: list[str]):
    """Rows of ``frame[names]`` as plain tuples (far cheaper than ``itertuples`` on Arrow strings)."""
    return zip(*(frame[name].tolist() for name in names))


def _mentions_by_sentence(mentions: pd.DataFrame) -> dict[tuple[str, int], list[_Mention]]:
    grouped: dict[tuple[str, int], list[_Mention]] = defaultdict(list)
    usable = mentions[mentions["actor"].notna()].sort_values(["article_id", "start"])
    columns = ["article_id", "sent_idx", "start", "end", "actor", "surface", "person"]
    for article_id, sent_idx, start, end, actor, surface, person in _columns(usable, columns):
        grouped[(article_id, sent_idx)].append(
            _Mention(start, end, actor, surface, person if isinstance(person, str) else None))
    return grouped


def _score_toward(text: str, text_start: int, targets: list[_Mention]) -> tuple[float, dict[str, float]]:
    """Mean scoped score toward the target's mentions in ``text`` and the words that moved it."""
    results = [score_target(text, m.start - text_start, m.end - text_start) for m in targets]
    return _mean_of(results)


def _mean_of(results) -> tuple[float, dict[str, float]]:
    words: dict[str, float] = defaultdict(float)
    for result in results:
        for word, delta in result.contributions:
            words[word] += delta / len(results)
    return sum(r.score for r in results) / len(results), words


def _contributions_json(words: dict[str, float]) -> str:
    ranked = sorted(words.items(), key=lambda kv: -abs(kv[1]))
    return json.dumps([[w, round(d, 4)] for w, d in ranked if abs(d) > 1e-9])


def _subject(sentence, mentions: list[_Mention]) -> _Mention | None:
    """The first mention no preposition governs (heuristic, no parser); coordinated mentions
    ("between Japan and Korea") share the status of the mention they are joined to."""
    governed = True
    previous = None
    for m in mentions:
        offset = m.start - sentence.start
        coordinated = previous is not None and _COORDINATION.match(sentence.text[previous.end - sentence.start:offset])
        if not coordinated:
            governed = bool(_PREPOSITION_BEFORE.search(sentence.text[max(0, offset - _SUBJECT_WINDOW):offset]))
        if not governed:
            return m
        previous = m
    return None


def _quote_rows(quote, sentence, article_mentions: list[_Mention], in_sentence: list[_Mention],
                prev_mentions: list[_Mention]):
    """Dyad rows (without article fields) for one attributed quote."""
    source = quote.speaker_actor
    speaker_span = (quote.speaker_start, quote.speaker_end)

    def eligible(m: _Mention) -> bool:
        inside_speaker = speaker_span[0] <= m.start < speaker_span[1]
        return m.actor != source and not inside_speaker

    inside = [m for m in article_mentions if quote.start <= m.start and m.end <= quote.end and eligible(m)]
    by_target: dict[str, list[_Mention]] = defaultdict(list)
    if inside:
        for m in inside:
            by_target[m.actor].append(m)
    else:
        outside = [m for m in in_sentence if eligible(m)] or [m for m in prev_mentions if eligible(m)]
        if outside:
            nearest = min(outside, key=lambda m: min(abs(m.start - quote.end), abs(quote.start - m.end)))
            by_target[nearest.actor].append(nearest)
    if not by_target:
        return []

    own_evidence = (quote.end - quote.start) >= _QUOTE_SHARE_FOR_OWN_EVIDENCE * (sentence.end - sentence.start)
    evidence = (quote.text, quote.start, quote.end) if own_evidence else (sentence.text, sentence.start, sentence.end)
    rows = []
    for target, targets in by_target.items():
        # The speaker's stance is in the speaker's own words: score the quote, scoped to the target
        # when the quote names it.
        score, words = _score_toward(quote.text, quote.start, targets) if inside else _mean_of([score_text(quote.text)])
        rows.append((source, target, "quote", quote.speaker, *evidence, score, words))
    return rows


def _merge_same_evidence(rows: list[tuple]) -> list[tuple]:
    """One row per (source, target, evidence): quotes shown within one sentence are averaged."""
    groups: dict[tuple, list[tuple]] = defaultdict(list)
    for row in rows:
        groups[(row[0], row[1], row[5], row[6])].append(row)
    merged = []
    for same in groups.values():
        words: dict[str, float] = defaultdict(float)
        for row in same:
            for word, delta in row[8].items():
                words[word] += delta / len(same)
        speakers = " / ".join(dict.fromkeys(row[3] for row in same if isinstance(row[3], str)))
        score = sum(row[7] for row in same) / len(same)
        merged.append((*same[0][:3], speakers or None, *same[0][4:7], score, words))
    return merged


def _sentence_rows(sentence, mentions: list[_Mention], quote_spans, covered_pairs):
    """Statement or co-mention rows for one sentence, ignoring mentions inside its quotes."""
    outside = [m for m in mentions if not any(s <= m.start < e for s, e in quote_spans)]
    if len({m.actor for m in outside}) < 2:
        return []
    subject = _subject(sentence, outside)
    rows = []
    if subject is not None and any(m.start > subject.start and m.actor != subject.actor for m in outside):
        after = [m for m in outside if m.start > subject.start and m.actor != subject.actor]
        for target in dict.fromkeys(m.actor for m in after):
            if frozenset((subject.actor, target)) in covered_pairs:
                continue
            score, words = _score_toward(sentence.text, sentence.start, [m for m in after if m.actor == target])
            speaker = subject.person or subject.surface
            rows.append((subject.actor, target, "statement", speaker, sentence.text,
                         sentence.start, sentence.end, score, words))
        return rows
    actors = sorted({m.actor for m in outside})
    for i, first in enumerate(actors):
        for second in actors[i + 1:]:
            if frozenset((first, second)) in covered_pairs:
                continue
            score, words = _score_toward(sentence.text, sentence.start, [m for m in outside if m.actor == second])
            rows.append((first, second, "comention", None, sentence.text, sentence.start, sentence.end, score, words))
    return rows


def build_dyads(articles: pd.DataFrame, sentences: pd.DataFrame, mentions: pd.DataFrame,
                quotes: pd.DataFrame) -> pd.DataFrame:
    """The dyads table (``DYADS`` columns) from the outputs of the earlier stages."""
    by_sentence = _mentions_by_sentence(mentions)
    by_article: dict[str, list[_Mention]] = defaultdict(list)
    for (article_id, _), found in by_sentence.items():
        by_article[article_id].extend(found)
    quotes_by_sentence: dict[tuple[str, int], list] = defaultdict(list)
    quote_spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for q in quotes.itertuples(index=False):
        quotes_by_sentence[(q.article_id, q.sent_idx)].append(q)
        quote_spans[q.article_id].append((q.start, q.end))
    # Only sentences that name an actor or hold a quote can yield a dyad (in text order).
    wanted = by_sentence.keys() | quotes_by_sentence.keys()
    sentence_rows = {
        (article_id, sent_idx): _Sentence(start, end, text)
        for article_id, sent_idx, start, end, text in _columns(sentences, ["article_id", "sent_idx", "start", "end",
                                                                             "text"])
        if (article_id, sent_idx) in wanted
    }

    records = []
    for key, sentence in sentence_rows.items():
        article_id, sent_idx = key
        in_sentence = by_sentence.get(key, [])
        quote_rows = [
            row
            for q in quotes_by_sentence.get(key, [])
            if isinstance(q.speaker_actor, str)
            for row in _quote_rows(q, sentence, by_article.get(article_id, []), in_sentence,
                                   by_sentence.get((article_id, sent_idx - 1), []))
        ]
        covered = {frozenset(row[:2]) for row in quote_rows}
        rows = _merge_same_evidence(quote_rows) + _sentence_rows(
            sentence, in_sentence, quote_spans.get(article_id, []), covered)
        records.extend((article_id, *row[:8], _contributions_json(row[8])) for row in rows)

    dyads = pd.DataFrame(records, columns=["article_id", "source_actor", "target_actor", "kind", "speaker",
                                           "evidence", "start", "end", "score", "contributions"])
    meta = articles[["article_id", "date", "source", "url"]]
    dyads = dyads.merge(meta, on="article_id", how="left")
    return dyads[DYADS].astype({"start": "int64", "end": "int64", "score": "float64"})
