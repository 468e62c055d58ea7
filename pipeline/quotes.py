"""Stage 4 — find quoted spans in each article and attribute every one to a speaker.

Quote marks: curly “ ” and ‘ ’, straight " and ', the PolNeAR/NYT forms `` and '', and HTML
entities left in feed texts (&#039; &quot; …). Single quotes count only outside double quotes,
balanced within a paragraph and word-bounded, so apostrophes (it’s, Peskov’s) are ignored; a straight
double quote opening inside an open one (“… the message "we must act". What …,” he said) nests. A
double quote left open at a paragraph's end continues when the next paragraph opens with a quote
mark, else it ends with its paragraph; such a quote is one row whose ``text`` is the article slice
(inner paragraph break and mark included). A line opening with a speaker label (``PESKOV: ...``,
``Lavrov: “...”``) is a quote of that speaker — unless it is a lone labelled first line holding quote
marks or naming no person: a headline (``Macron: Iran 'must stop enrichment'``, ``Nato summit: …``).

The speaker of a quote is found by the first of the named rules in ``pipeline.quote_rules.RULES``
that finds one; the ``rule`` column names it (None when none did):

1. ``transcript-label`` — the label of its transcript line;
2. ``cue-before`` — a cue right before it: ``X said: “…”``, ``Said X, “…”``, ``Zelensky Says '…'``;
3. ``attribution-after`` — right after it: ``”, X said``, ``”, X, the ..., said``, ``”, said X``,
   ``'…' – X says`` (not words running on from a headline into its lead: ``at ‘breaking point’ The …``);
4. ``loose-attribution`` — ``“…,” she laughed`` / ``“…,” scoffed X`` (any -ed/-s verb after , ? !);
5. ``cue-earlier`` — the nearest cue before it in its sentence: ``X said ... “…”``, ``X warns Y 'will pay'``;
6. ``inline-label`` — ``… - Philip Bump: “…”``;
7. ``loose-introduction`` — ``X resisted: “…”`` (any -ed/-s verb and a colon right before it);
8. ``headline-label`` — ``Macron: Iran 'must stop enrichment'``, ``Jordan slams Biden: he made it '…'``;
9. ``label-after`` — ``“We will win”: Zelensky``;
10. ``cue-later`` — a cue later in its sentence: ``“…” with the Kremlin, according to X``;
11. ``next-sentence`` — the next sentence of its paragraph opens with an attribution (``X said.``);
12. ``possessive-speech`` — ``'…': what critics cut from Zelensky's remarks``;
13. ``clause-subject`` — the subject of the nearest verb before it: ``China faults 'negative impact'``;
14. ``previous-quote`` — the speaker of the previous sentence's last quote (consecutive quotes);
15. ``previous-attribution`` — the previous sentence's last attribution.

Rules 8, 9, 12 and 13 only accept a speaker that a mention names (an actor or a person), so they
add nothing when ``mentions`` is empty. A quoted title or term (``the so-called “peace plan”``,
``on “Fox News Sunday”``) gets no speaker; nor does a passive cue's subject (``Egypt accused of …``)
or a copula's (``the shooting was 'a senseless act'``).

``speaker_person``/``speaker_actor`` come from the mention overlapping the speaker span (person,
surname, role and pronoun mentions first; else the appositive's mention). A pronoun with no
mention takes the nearest preceding person/surname/role mention (he/she/I), or the nearest
preceding role mention's actor (they/we; failing that, the nearest institution, country, capital
… — also for "it").
"""

import bisect
import re
from collections import defaultdict
from typing import NamedTuple

import pandas as pd

from pipeline.quote_rules import ENTITY, MASK, NOT_SPEAKER_LABELS, ArticleText, QuoteSpan, Speaker, attribute
from pipeline.schema import QUOTES

_ENTITY_MARKS = {  # HTML entities left in feed texts stand for the mark they encode
    "&quot;": '"', "&#34;": '"', "&#034;": '"', "&apos;": "'", "&#39;": "'", "&#039;": "'", "&#x27;": "'",
    "&#8216;": "‘", "&#8217;": "’", "&#8220;": "“", "&#8221;": "”",
    "&lsquo;": "‘", "&rsquo;": "’", "&ldquo;": "“", "&rdquo;": "”",
}
_MARK = re.compile(r"``|''(?!')|[“”\"‘’']|" + ENTITY)  # in ''' the first ' closes an inner single quote
_OPEN_DOUBLE = {"“", "``"}
_EITHER_DOUBLE = {'"', "''"}
_DOUBLE_MARKS = _OPEN_DOUBLE | _EITHER_DOUBLE | {"”"}
_LINK = re.compile(r"\s*(?:https?://|www\.)\S*\s*")
_CONTINUATION = re.compile(r"\s*(?:``|''|[“\"])")
_OPENER_BEFORE = set("([{—–-/" + MASK + "“\"")

_TRANSCRIPT_LABEL = re.compile(  # "PESKOV:", "Vladimir Putin:", "President of Russia Vladimir Putin:"
    r"[ \t]*((?:[A-Z][\w.'’-]*[ \t]+(?:(?:of|the)[ \t]+){0,2}){0,5}[A-Z][\w.'’-]*)[ \t]*:[ \t]+(?=\S)"
)
_WORD = re.compile(r"[^\W\d_]{2,}")
_TRANSCRIPT_MIN_WORDS = 2  # "Hillary Clinton: 1,769." is a tally, not speech

_SINGULAR_PRONOUNS = {"he", "she", "i", "him", "her"}
_PLURAL_PRONOUNS = {"they", "we", "them", "us", "it"}
_PERSONAL_MENTION_TYPES = {"person", "surname", "role", "pronoun"}


class _Mention(NamedTuple):
    start: int
    end: int
    actor: str | None
    person: str | None
    mention_type: str


def _content_span(text: str, open_: int, content_start: int, content_end: int, close: int) -> QuoteSpan | None:
    """The quote with surrounding whitespace trimmed off its words; None when it has no words (or is a link)."""
    words = text[content_start:content_end]
    if not any(ch.isalnum() for ch in words) or _LINK.fullmatch(words):
        return None
    lead = len(words) - len(words.lstrip())
    trail = len(words) - len(words.rstrip())
    return QuoteSpan(open_, content_start + lead, content_end - trail, close)


def quote_spans(text: str, paragraphs: list[tuple[int, int]]) -> list[QuoteSpan]:
    """Every quoted span of ``text`` (paragraphs as ``(start, end)`` offsets, in order)."""
    spans: list[QuoteSpan] = []
    double: tuple[int, int] | None = None  # (open mark start, words start) of an open double quote
    inner = False  # a straight double quote is open within it
    last_end = 0
    for p_start, p_end in paragraphs:
        skip_to = p_start
        if double is not None:
            continuation = _CONTINUATION.match(text, p_start, p_end)
            if continuation:
                skip_to = continuation.end()
            else:
                spans.append(_content_span(text, double[0], double[1], last_end, last_end))
                double = None
        single: tuple[int, int] | None = None
        for mark in _MARK.finditer(text, skip_to, p_end):
            kind, i, j = _ENTITY_MARKS.get(mark.group(), mark.group()), mark.start(), mark.end()
            if kind.startswith("&"):  # another entity (&amp;)
                continue
            before = text[i - 1] if i > p_start else "\n"
            after = text[j] if j < len(text) else "\n"
            opener_like = (before.isspace() or before in _OPENER_BEFORE) and not after.isspace()
            closer_like = not before.isspace() and (after.isspace() or not after.isalnum())
            if kind in _DOUBLE_MARKS:
                single = None
                if double is None:
                    if kind in _OPEN_DOUBLE or (opener_like if kind == "”" else opener_like or not closer_like):
                        double, inner = (i, j), False
                elif inner:  # closes the quote within the open one
                    inner = False
                elif kind == '"' and opener_like and not closer_like and text.count('"', j, p_end) >= 2:
                    inner = True  # “… the message "we must act". What …,” he said — closed twice later
                elif kind in _OPEN_DOUBLE and (opener_like or not closer_like):  # never closed: restart
                    spans.append(_content_span(text, double[0], double[1], i, i))
                    double = (i, j)
                else:
                    spans.append(_content_span(text, double[0], double[1], i, j))
                    double = None
            elif double is None:
                if single is not None and kind != "‘" and closer_like:
                    spans.append(_content_span(text, single[0], single[1], i, j))
                    single = None
                elif kind != "’" and opener_like and after.isalnum():
                    single = (i, j)
        last_end = p_end
    if double is not None:
        spans.append(_content_span(text, double[0], double[1], last_end, last_end))
    return [s for s in spans if s is not None]


def _transcript_spans(text: str, paragraphs: list[tuple[int, int]]) -> list[tuple[tuple[int, int], int, int]]:
    """(label span, words start, words end) of each paragraph opening with a speaker label."""
    out = []
    for p_start, p_end in paragraphs:
        label = _TRANSCRIPT_LABEL.match(text, p_start, p_end)
        if label and label.group(1).lower() not in NOT_SPEAKER_LABELS:
            line_end = text.find("\n", label.end(), p_end)
            line_end = p_end if line_end == -1 else line_end
            words_end = len(text[:line_end].rstrip())
            if len(_WORD.findall(text, label.end(), words_end)) >= _TRANSCRIPT_MIN_WORDS:
                out.append(((label.start(1), label.end(1)), label.end(), words_end))
    return out


class _Mentions:
    """An article's mentions, to resolve a speaker span to (person, actor)."""

    def __init__(self, text: str, mentions: list[_Mention]):
        """``mentions`` sorted by start."""
        self.text = text
        self.mentions = mentions
        self.starts = [m.start for m in mentions]

    def resolve(self, speaker: Speaker) -> tuple[str | None, str | None]:
        """(person, actor) of a speaker span."""
        for span in ((speaker.start, speaker.end), speaker.apposition):
            found = span and self._overlapping(*span)
            if found:
                return found.person, found.actor
        word = self.text[speaker.start:speaker.end].lower()
        if word in _SINGULAR_PRONOUNS:
            found = self._preceding(speaker.start, lambda m: m.mention_type in _PERSONAL_MENTION_TYPES)
            return (found.person, found.actor) if found else (None, None)
        if word in _PLURAL_PRONOUNS:
            role = word != "it" and self._preceding(speaker.start, lambda m: m.mention_type == "role" and m.actor)
            found = role or self._preceding(
                speaker.start, lambda m: m.mention_type not in _PERSONAL_MENTION_TYPES and m.actor)
            return (None, found.actor) if found else (None, None)
        return None, None

    def names_person(self, start: int, end: int) -> bool:
        """Whether a person, surname or role mention overlaps ``[start, end)``."""
        return any(m.end > start and m.mention_type in _PERSONAL_MENTION_TYPES
                   for m in self.mentions[:bisect.bisect_left(self.starts, end)])

    def _overlapping(self, start: int, end: int) -> _Mention | None:
        hits = [m for m in self.mentions[:bisect.bisect_left(self.starts, end)]
                if m.end > start and (m.actor or m.person)]
        hits.sort(key=lambda m: (m.mention_type not in _PERSONAL_MENTION_TYPES, m.start))
        return hits[0] if hits else None

    def _preceding(self, offset: int, wanted) -> _Mention | None:
        for mention in reversed(self.mentions[:bisect.bisect_left(self.starts, offset)]):
            if (mention.actor or mention.person) and wanted(mention):
                return mention
        return None


def _labelled_quotes(text: str, paragraphs: list[tuple[int, int]], mentions: _Mentions
                     ) -> list[tuple[QuoteSpan, tuple[int, int] | None]]:
    """Every quote of the article in text order, with the label of its transcript line (or None).

    A lone labelled first paragraph is a headline (``Macron: Iran 'must stop enrichment'``, ``Nato
    summit: …``), not a transcript line, when it holds quote marks or its label names no person: its
    quotes are attributed like any other.
    """
    marked = quote_spans(text, paragraphs)
    transcripts = _transcript_spans(text, paragraphs)
    if len(transcripts) == 1 and transcripts[0][0][0] < paragraphs[0][1]:
        label, start, end = transcripts[0]
        if not mentions.names_person(*label) or any(start <= q.open < end for q in marked):
            transcripts = []
    labelled: list[tuple[QuoteSpan, tuple[int, int] | None]] = []
    for label, start, end in transcripts:
        if not _CONTINUATION.match(text, start):
            labelled.append((QuoteSpan(start, start, end, end), label))
    marked = [q for q in marked if not any(q.open >= s.open and q.close <= s.close for s, _ in labelled)]
    for quote in marked:
        label = next((lab for lab, start, _ in transcripts if quote.open == start), None)
        labelled.append((quote, label))
    labelled.sort(key=lambda item: item[0].start)
    return labelled


def _article_rows(text: str, sentences: list[tuple[int, int, int, int]], mentions: list[_Mention]) -> list[tuple]:
    """QUOTES rows (without article_id) of one article; ``sentences`` as (sent_idx, para_idx, start, end)."""
    paragraphs: dict[int, list[int]] = {}
    for _, para, start, end in sentences:
        paragraphs.setdefault(para, [start, end])[1] = end
    resolver = _Mentions(text, mentions)
    labelled = _labelled_quotes(text, [tuple(p) for p in paragraphs.values()], resolver)
    named = [(m.start, m.end) for m in mentions if m.actor or m.person]
    article = ArticleText(text, sentences, [quote for quote, _ in labelled], named)
    rows = []
    for quote_idx, ((quote, _), (speaker, rule)) in enumerate(zip(labelled, attribute(article, labelled))):
        person, actor = resolver.resolve(speaker) if speaker else (None, None)
        sent_idx = sentences[article.sentence_of(quote.start)][0]
        rows.append((
            quote_idx, quote.start, quote.end, text[quote.start:quote.end], sent_idx,
            text[speaker.start:speaker.end] if speaker else None,
            speaker.start if speaker else -1, speaker.end if speaker else -1,
            person, actor, speaker.cue if speaker else None, rule,
        ))
    return rows


def _optional(value) -> str | None:
    return value if isinstance(value, str) and value else None


def _rows_by_article(frame: pd.DataFrame, columns: list[str]) -> dict[object, list[tuple]]:
    """``frame[columns[1:]]`` as plain tuples grouped by ``frame[columns[0]]`` (the article id)."""
    grouped: dict[object, list[tuple]] = defaultdict(list)
    if len(frame):
        for article_id, *values in zip(*(frame[column].tolist() for column in columns)):
            grouped[article_id].append(tuple(values))
    return grouped


def _require(frame: pd.DataFrame, columns: list[str], name: str, optional: bool = False) -> None:
    """One-line ``ValueError`` when ``frame`` lacks ``columns`` (an ``optional`` frame may be empty)."""
    missing = [column for column in columns if column not in frame.columns]
    if missing and not (optional and frame.empty):
        raise ValueError(f"find_quotes: {name} lacks column(s) {', '.join(missing)}")


def find_quotes(articles: pd.DataFrame, sentences: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per quoted span (``QUOTES`` columns) with its speaker, for ``articles[article_id, text]``.

    ``mentions`` may be empty (speakers are then found but not resolved); articles whose text is
    missing are skipped. Missing columns raise ``ValueError`` with a one-line message.
    """
    _require(articles, ["article_id", "text"], "articles")
    _require(sentences, ["article_id", "sent_idx", "para_idx", "start", "end"], "sentences")
    _require(mentions, ["article_id", "start", "end", "actor", "person", "mention_type"], "mentions", optional=True)
    sentences_by_article = _rows_by_article(sentences, ["article_id", "sent_idx", "para_idx", "start", "end"])
    mentions_by_article = _rows_by_article(mentions, ["article_id", "start", "end", "actor", "person", "mention_type"])

    rows = []
    for article_id, text in zip(articles["article_id"].tolist(), articles["text"].tolist()):
        article_sentences = sorted(sentences_by_article.get(article_id, []), key=lambda s: s[2])
        if not isinstance(text, str) or not article_sentences:
            continue
        article_mentions = sorted(
            _Mention(start, end, _optional(actor), _optional(person), kind)
            for start, end, actor, person, kind in mentions_by_article.get(article_id, [])
        )
        rows += [(article_id, *row) for row in _article_rows(text, article_sentences, article_mentions)]
    frame = pd.DataFrame(rows, columns=QUOTES)
    return frame.astype({"quote_idx": "int32", "start": "int64", "end": "int64", "sent_idx": "int32",
                         "speaker_start": "int64", "speaker_end": "int64"})
