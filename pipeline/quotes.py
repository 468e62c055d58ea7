"""Stage 4 — find quoted spans in each article and attribute every one to a speaker.

Quote marks: curly “ ” and ‘ ’, straight " and ', and the PolNeAR/NYT forms `` and ''. Single
quotes count only outside double quotes, balanced within a paragraph and word-bounded, so
apostrophes (it’s, Peskov’s) are ignored. A double quote left open at a paragraph's end continues
when the next paragraph opens with a quote mark, else it ends with its paragraph; such a quote is
one row whose ``text`` is the article slice (inner paragraph break and mark included). A line
opening with a speaker label (``PESKOV: ...``, ``Lavrov: “...”``) is a quote of that speaker.

The speaker of a quote is the first found of:

1. the label of its transcript line;
2. a cue right before it: ``X said: “…”``, ``Said X, “…”``;
3. an attribution right after it: ``”, X said``, ``”, X, the ..., said``, ``”, said X``;
4. ``“…,” she laughed`` / ``“…,” scoffed X`` — any -ed/-s verb right after a quote ending in , ? !;
5. the nearest cue before it in its sentence: ``X said ... “…”``, ``According to X, “…”``;
6. ``X resisted: “…”`` — any -ed/-s verb and a colon right before it;
7. a cue later in its sentence: ``“…” with the Kremlin, according to X``;
8. the next sentence of its paragraph, when that opens with an attribution (``X said.``);
9. the previous sentence: the speaker of its last quote (consecutive quotes continue the
   previous speaker), else its last attribution.

The subject of a cue is the noun phrase ending right before it (skipping adverbs, auxiliaries, a
parenthesis and an appositive ``, the ...,``). A participle cue (``, saying``) or a coordinated one
(``... and claimed``) takes an earlier cue's subject, else the first clause subject of the sentence.
``said X`` is only read after a quote or a comma, ``according to X`` anywhere. Cue verbs and
rules were tuned on PolNeAR's train split (``pipeline.evaluation.quote_speakers``).

``speaker_person``/``speaker_actor`` come from the mention overlapping the speaker span (person,
surname, role and pronoun mentions first; else the appositive's mention). A pronoun with no
mention takes the nearest preceding person/surname/role mention (he/she/I), or the nearest
preceding role mention's actor (they/we; failing that, the nearest institution, country, capital
… — also for "it").
"""

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from pipeline.schema import QUOTES

_MASK = "\ue000"  # stands in for quoted text while searching attributions

_MARK = re.compile(r"``|''(?!')|[“”\"‘’']")  # in ''' the first ' closes an inner single quote
_OPEN_DOUBLE = {"“", "``"}
_EITHER_DOUBLE = {'"', "''"}
_DOUBLE_MARKS = _OPEN_DOUBLE | _EITHER_DOUBLE | {"”"}
_CONTINUATION = re.compile(r"\s*(?:``|''|[“\"])")
_OPENER_BEFORE = set("([{—–-/" + _MASK + "“\"")

_TRANSCRIPT_LABEL = re.compile(
    r"[ \t]*((?:[A-Z][\w.'’-]*[ \t]+){0,3}[A-Z][\w.'’-]*)[ \t]*:[ \t]+(?=\S)"
)
_WORD = re.compile(r"[^\W\d_]{2,}")
_NOT_SPEAKER_LABELS = {
    "a", "q", "abstract", "advertisement", "by", "caption", "contact", "correction", "credit",
    "date", "editor's note", "editor’s note", "email", "follow", "full text", "image", "listen",
    "location", "note", "photo", "photos", "posted", "published", "read", "read more", "related",
    "see", "see also", "share", "source", "sources", "subject", "tags", "the latest", "time", "title", "topics",
    "update", "updated", "video", "watch", "twitter", "facebook", "instagram", "phone", "web", "website",
}
_TRANSCRIPT_MIN_WORDS = 2  # "Hillary Clinton: 1,769." is a tally, not speech


def _trie_pattern(words: tuple[str, ...]) -> str:
    """A regex alternation of ``words`` as a prefix tree (Python's re tries plain alternatives one by one)."""
    root: dict = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def branch(node: dict) -> str:
        alternatives = [(r"\s+" if char == " " else re.escape(char)) + branch(child)
                        for char, child in sorted(node.items()) if char]
        if not alternatives:
            return ""
        body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
        return f"(?:{body})?" if "" in node else body

    return branch(root)


_CUE_WORDS = (
    "said", "says", "say", "saying", "told", "tells", "tell", "telling", "added", "adds", "adding",
    "warned", "warns", "warning", "stressed", "stresses", "insisted", "insists", "noted", "notes",
    "noting", "argued", "argues", "claimed", "claims", "declared", "declares", "announced",
    "announces", "accused", "accuses", "asked", "asks", "asking", "wrote", "writes", "writing",
    "tweeted", "tweets", "posted", "posts", "continued", "continues", "replied", "replies",
    "responded", "responds", "answered", "explained", "explains", "concluded", "concludes",
    "recalled", "admitted", "acknowledged", "stated", "states", "remarked", "joked", "quipped",
    "shouted", "yelled", "exclaimed", "called", "calls", "described", "describes", "urged",
    "charged", "predicted", "promised", "vowed", "pledged", "complained", "boasted", "asserted",
    "countered", "retorted", "conceded", "confirmed", "emphasized", "emphasised", "observed",
    "suggested", "cautioned", "reiterated", "testified", "wondered", "mused", "texted", "reads",
    "read", "put it", "chanted", "interjected", "echoed", "shot back", "pointed out", "points out",
    "reported", "reports", "scoffed", "laughed", "exhorted", "jokes", "quips", "recounted",
    "thanked", "praised", "criticized", "criticised", "blasted", "slammed", "dismissed", "labeled",
    "labelled", "dubbed", "branded", "termed", "denounced", "condemned", "welcomed", "hailed",
    "went on", "goes on", "Said", "Says", "conclude", "argue", "write", "note", "add", "warn",
    "insist", "claim", "explain", "ask", "declare", "respond", "reply", "quip", "written",
    "issued a statement", "released a statement", "issued the following statement",
    "released the following statement", "questioned", "state", "pressed", "answers",
)
_CUE = re.compile(r"(?<![\w-])(?:" + _trie_pattern((*_CUE_WORDS, "according to", "According to")) + r")\b")

_FILLER_WORDS = (
    "also", "later", "then", "again", "once", "first", "previously", "recently", "repeatedly",
    "has", "have", "had", "was", "were", "is", "are", "been", "would", "will", "did", "does",
    "do", "could", "might", "may", "should", "can", "just", "already", "still", "often", "even",
    "only", "further", "never", "not", "went on to", "goes on to", "go on to", "was quoted as",
    "is quoted as", "back", "in turn",
)
_NOT_ADVERBS = "family|ally|rally|supply|reply|assembly|bully|belly|daily|weekly|monthly|anomaly"
_LOOKBACK = 80  # characters searched backwards for end-anchored patterns (fillers, "and", "X verbed:")
_TRAILING_FILLER = re.compile(
    r"(?:\s+(?:" + "|".join(w.replace(" ", r"\s+") for w in _FILLER_WORDS)
    + r"|(?!(?:" + _NOT_ADVERBS + r")\b)[a-z]{2,}ly))*\s*$"
)
_CLAUSE_BOUNDARY = re.compile(
    r"[,;:()\[\]" + _MASK + r"—–\n\"“”‘]|\s-+\s|\b(?:that|but|or|because|when|while|as|after|before|if"
    r"|where|since|although|though|whom|who|which|what|so|then|and)\s"
)
_VERB_LIKE = (  # a past-tense or 3rd-person verb, to find where a clause's subject ends
    r"(?:(?:then|also|later|[a-z]{2,}ly)\s+)?(?:[a-z]{2,}(?:ed|s)|went|met|told|made|took|gave|came|spoke"
    r"|wrote|said|sent|held|left|led|ran|saw|stood|began|became|brought|thought|kept|put|won|lost|sat"
    r"|shook|got|felt|knew|heard|paid|drew|fell|grew|rose|struck|sought|fought|chose|broke|threw|swore"
    r"|did|had|were|is|are|will|would|can|could|may|must)\b"
)
_VERB_AT = re.compile(_VERB_LIKE)
_CLAUSE_SUBJECT = re.compile(  # the shortest pronoun, name or description followed by a verb
    r"\s*((?:[Hh]e|[Ss]he|[Tt]hey|[Ww]e|I)|(?:[Tt]he|[Aa]n?|[A-Z][\w.'’-]*)(?:\s+[\w.'’-]+){0,7}?)"
    r"(?=(?:,[^,]{1,80},)?\s+(?:\([^()]*\)\s+)?" + _VERB_LIKE + ")"  # "X, an aide, refused …, saying"
)
_LEADING_CONNECTIVE = re.compile(
    r"(?:(?:And|But|So|Yet|Still|Then|Now|Later|Meanwhile|However|Also|Instead|Earlier|Separately|As|When"
    r"|While|After|Before|If|Since|Although|Though|Because)\s+)+"
)
_RELATIVE_CLAUSE = re.compile(r",?\s+(?:who|which)\s(?!.*\s(?:who|which)\s)")  # the last one
_NEXT_WORDS = re.compile(r"\s*([^\s,;:!?()\[\]" + _MASK + r"—–\"“”]+)")
_STOPS_AFTER_CUE = {
    "on", "in", "at", "during", "after", "before", "when", "while", "who", "whom", "whose", "which",
    "that", "as", "because", "to", "from", "about", "and", "but", "or", "with", "by", "since", "than",
    "is", "was",
}
_NOT_FIRST_AFTER_CUE = {"of", "for"}  # "said of the plan" — yet "a spokesman for the government"
_TIME_WORDS = {  # end a speaker ("said Kallas Wednesday") unless after a determiner ("a Wednesday editorial")
    "last", "this", "yesterday", "today", "tonight", "earlier", "later", "recently",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}
_ABBREVIATIONS = {"mr.", "mrs.", "ms.", "dr.", "jr.", "sr.", "st.", "gen.", "sen.", "rep.", "gov.", "lt.", "col."}
_NOT_IN_SPEAKER = {
    "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "not", "that",
    "which", "there", "here", "what", "why", "how", "if", "whether", "than", "so", "it's", "it’s",
    "said", "says", "told", "would", "will", "can", "could", "should", "has", "have", "had",
    "when", "while", "where", "because", "who", "whom", "whose",
}
_DANGLING_ENDS = {"the", "a", "an", "of", "for", "to", "with", "in", "on", "at", "by", "from", "and", "or", "but"}
_NOT_SPEAKER_FIRST = {  # openers of adverbial clauses and prepositional phrases, not subjects
    "After", "Before", "When", "While", "In", "On", "At", "During", "Since", "If", "Although", "As",
    "But", "And", "So", "Then", "Also", "However", "Still", "Yet", "For", "With", "From", "By", "To",
    "Of", "This", "That", "There", "Here", "Asked", "Speaking", "According",
    "in", "on", "at", "for", "with", "from", "by", "to", "of", "about", "into", "under", "over",
    "after", "before", "during", "since", "upon",
}
_COORDINATED = re.compile(r"\b(?:and|but)(?:\s+(?:then|also|later|[a-z]{2,}ly))*\s*$")
_LOOSE_SUBJECT = (  # pronoun, short description or name
    r"[Hh]e|[Ss]he|[Tt]hey|[Ww]e|I|(?:[Tt]he|[Aa]n?)\s+(?:[\w.'’-]+\s+){0,5}?[\w.'’-]+|[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}"
)
_LOOSE_VERB = r"\s+(?:(?:then|also|later|[a-z]{2,}ly)\s+)?(?P<verb>[a-z]{3,}(?:ed|s))\b(?!\s+to\b)"  # not "managed to"
_LOOSE_ATTRIBUTION = re.compile(  # “…,” she laughed. / “…,” scoffed Arianna Gil.
    r"[\s,—–-]*(?:(?P<subject>" + _LOOSE_SUBJECT + ")" + _LOOSE_VERB
    + r"|(?P<inverted_verb>[a-z]{3,}ed)\s+(?P<inverted_subject>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}))"
)
_LOOSE_INTRODUCTION = re.compile(  # "X resisted: “…”", "X, an analyst, agreed: “…”", "She then said again: “…”"
    r"(?<!\S)(?P<subject>" + _LOOSE_SUBJECT + r")(?:,[^,]{1,80},)?" + _LOOSE_VERB + r"(?:\s+[a-z][\w'’]*){0,5}\s*:\s*$"
)
_INLINE_LABEL = re.compile(r"(?<![\w.'’-])(?P<subject>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})\s*:\s*$")
_BEFORE_INLINE_LABEL = "-—–.;(\n"  # "… contests - Philip Bump: “…”", "… ISIS.” Bush: “…”"
_INTRODUCES_QUOTE = re.compile(r"(?:\s+[\w'’-]+){0,2}\s*[,:]?\s*" + _MASK)
_QUOTE_ENDS_CLAUSE = ",?!—–-…"
_DETERMINERS = {
    "the", "a", "an", "his", "her", "their", "its", "our", "my", "your", "one", "two", "three",
    "some", "many", "several", "most", "both", "each", "other", "another", "few", "all", "those",
}
_MAX_SPEAKER_WORDS = 10
_MAX_LOWERCASE_START_WORDS = 4

_SINGULAR_PRONOUNS = {"he", "she", "i", "him", "her"}
_PLURAL_PRONOUNS = {"they", "we", "them", "us", "it"}
_PERSONAL_MENTION_TYPES = {"person", "surname", "role", "pronoun"}


@dataclass(frozen=True)
class QuoteSpan:
    """A quoted span: marks at ``[open, start)`` and ``[end, close)``, words at ``[start, end)``."""

    open: int
    start: int
    end: int
    close: int


@dataclass(frozen=True)
class _Speaker:
    start: int
    end: int
    cue: str | None
    apposition: tuple[int, int] | None = None


class _Mention(NamedTuple):
    start: int
    end: int
    actor: str | None
    person: str | None
    mention_type: str


def _content_span(text: str, open_: int, content_start: int, content_end: int, close: int) -> QuoteSpan | None:
    """The quote with surrounding whitespace trimmed off its words; None when it has no words."""
    words = text[content_start:content_end]
    if not any(ch.isalnum() for ch in words):
        return None
    lead = len(words) - len(words.lstrip())
    trail = len(words) - len(words.rstrip())
    return QuoteSpan(open_, content_start + lead, content_end - trail, close)


def quote_spans(text: str, paragraphs: list[tuple[int, int]]) -> list[QuoteSpan]:
    """Every quoted span of ``text`` (paragraphs as ``(start, end)`` offsets, in order)."""
    spans: list[QuoteSpan] = []
    double: tuple[int, int] | None = None  # (open mark start, words start) of an open double quote
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
            kind, i, j = mark.group(), mark.start(), mark.end()
            before = text[i - 1] if i > p_start else "\n"
            after = text[j] if j < len(text) else "\n"
            opener_like = (before.isspace() or before in _OPENER_BEFORE) and not after.isspace()
            closer_like = not before.isspace() and (after.isspace() or not after.isalnum())
            if kind in _DOUBLE_MARKS:
                single = None
                if double is None:
                    if kind in _OPEN_DOUBLE or (opener_like if kind == "”" else opener_like or not closer_like):
                        double = (i, j)
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
        if label and label.group(1).lower() not in _NOT_SPEAKER_LABELS:
            line_end = text.find("\n", label.end(), p_end)
            line_end = p_end if line_end == -1 else line_end
            words_end = len(text[:line_end].rstrip())
            if len(_WORD.findall(text, label.end(), words_end)) >= _TRANSCRIPT_MIN_WORDS:
                out.append(((label.start(1), label.end(1)), label.end(), words_end))
    return out


def _is_speaker(words: list[str]) -> bool:
    """Whether ``words`` can be a speaker noun phrase (name, description or pronoun)."""
    if not 0 < len(words) <= _MAX_SPEAKER_WORDS:
        return False
    lowered = [w.lower() for w in words]
    if any(w in _NOT_IN_SPEAKER for w in words) or lowered[-1] in _DANGLING_ENDS:
        return False
    first = words[0]
    if not first[0].isalnum() or first in _NOT_SPEAKER_FIRST:
        return False
    return (first[0].isupper() or first[0].isdigit() or lowered[0] in _DETERMINERS
            or len(words) <= _MAX_LOWERCASE_START_WORDS or any(w[0].isupper() for w in words))


def _clause_starts(masked: str, floor: int, end: int) -> list[int]:
    """Starts of the clauses in ``[floor, end)`` (after commas, conjunctions, quotes …), in order."""
    return [floor] + [
        boundary.end() for boundary in _CLAUSE_BOUNDARY.finditer(masked, floor, end)
        if not (boundary.group().startswith("and") and _joins_names(masked, boundary.start(), boundary.end()))
    ]


def _clause_start(masked: str, floor: int, end: int) -> int:
    """Start of the clause ending at ``end``."""
    return _clause_starts(masked, floor, end)[-1]


def _clause_subject(masked: str, floor: int, end: int, nearest: bool) -> tuple[int, int] | None:
    """The first (or ``nearest``) clause subject before ``end`` ("Before the vote, X lobbied, saying …")."""
    starts = _clause_starts(masked, floor, end)
    for start in reversed(starts) if nearest else starts:
        subject = _CLAUSE_SUBJECT.match(masked, start, end)
        if subject and _is_speaker(subject.group(1).split()):
            return subject.start(1), subject.end(1)
    return None


def _joins_names(masked: str, and_start: int, and_end: int) -> bool:
    """``and`` between two capitalised words ("Trump and Vice President JD Vance")."""
    before = masked[:and_start].rstrip()
    after = masked[and_end:and_end + 1]
    return bool(before) and before.rsplit(None, 1)[-1][:1].isupper() and after.isupper()


def _noun_phrase(masked: str, start: int, end: int) -> tuple[int, int] | None:
    """The speaker span within ``[start, end)`` after trimming connectives; None if not a speaker."""
    segment = masked[start:end]
    stripped = segment.lstrip()
    start += len(segment) - len(stripped)
    connective = _LEADING_CONNECTIVE.match(masked, start, end)
    if connective:
        start = connective.end()
    end = start + len(masked[start:end].rstrip())
    return (start, end) if _is_speaker(masked[start:end].split()) else None


def _subject_before(masked: str, floor: int, cue_start: int) -> tuple[tuple[int, int], tuple[int, int] | None] | None:
    """(speaker span, appositive span) of the subject ending right before a cue, or None."""
    end = _TRAILING_FILLER.search(masked, max(floor, cue_start - _LOOKBACK), cue_start).start()
    if end > floor and masked[end - 1] == ")":  # "Rep. Earl Blumenauer (D-Ore.) said"
        end = len(masked[:max(floor, masked.rfind("(", floor, end))].rstrip())
    if end <= floor:
        return None
    if masked[end - 1] != ",":
        clause = _clause_start(masked, floor, end)
        relative = _RELATIVE_CLAUSE.search(masked, floor, end)
        if relative and relative.end() == clause and _VERB_AT.match(masked, clause, end):  # "X, who chairs it said"
            head = _noun_phrase(masked, _clause_start(masked, floor, relative.start()), relative.start())
        else:
            head = _noun_phrase(masked, clause, end)
        return (head, None) if head else None
    appositive_end = end - 1
    for _ in range(2):  # "X, the press secretary, said" / "X, 45, a former aide, said"
        comma = masked.rfind(",", floor, appositive_end)
        if comma == -1:
            return None
        head = _noun_phrase(masked, _clause_start(masked, floor, comma), comma)
        if head:
            return head, _noun_phrase(masked, comma + 1, end - 1)
        appositive_end = comma
    return None


def _speaker_after(masked: str, pos: int, ceiling: int) -> tuple[int, int] | None:
    """The speaker noun phrase starting right after ``pos`` ("said Peskov", "according to X")."""
    start = end = None
    previous = ""
    for word in _NEXT_WORDS.finditer(masked, pos, ceiling):
        lowered = word.group(1).lower().rstrip(".")
        if (word.start() != (pos if end is None else end) or lowered in _STOPS_AFTER_CUE
                or start is None and lowered in _NOT_FIRST_AFTER_CUE
                or lowered in _TIME_WORDS and previous not in _DETERMINERS):
            break
        start = word.start(1) if start is None else start
        end, previous = word.end(1), lowered
    if start is None:
        return None
    last = masked[start:end].rsplit(None, 1)[-1]
    if last.endswith(".") and last.count(".") == 1 and last.lower() not in _ABBREVIATIONS:
        end -= 1
    return (start, end) if _is_speaker(masked[start:end].split()) else None


class _Article:
    """One article's text, sentences, cues and mentions, with the attribution rules over them."""

    def __init__(self, text: str, sentences: list[tuple[int, int, int, int]], mentions: list[_Mention]):
        """``sentences``: (sent_idx, para_idx, start, end) in text order; ``mentions`` by start."""
        self.text = text
        self.sent_idx = [s[0] for s in sentences]
        self.sent_para = [s[1] for s in sentences]
        self.sent_start = [s[2] for s in sentences]
        self.sent_end = [s[3] for s in sentences]
        self.mentions = mentions
        self.mention_starts = [m.start for m in mentions]
        paragraphs: dict[int, list[int]] = {}
        for _, para, start, end in sentences:
            paragraphs.setdefault(para, [start, end])[1] = end
        self.paragraphs = [tuple(p) for p in paragraphs.values()]

    def quotes(self) -> list[tuple]:
        """Rows (without article_id and quote_idx) of every quote of the article, in text order."""
        transcripts = _transcript_spans(self.text, self.paragraphs)
        labelled: list[tuple[QuoteSpan, tuple[int, int] | None]] = []
        for label, start, end in transcripts:
            if not _CONTINUATION.match(self.text, start):
                labelled.append((QuoteSpan(start, start, end, end), label))
        marked = [q for q in quote_spans(self.text, self.paragraphs)
                  if not any(q.open >= s.open and q.close <= s.close for s, _ in labelled)]
        for quote in marked:
            label = next((lab for lab, start, _ in transcripts if quote.open == start), None)
            labelled.append((quote, label))
        labelled.sort(key=lambda item: item[0].start)
        self.masked = self._mask([q for q, _ in labelled])
        self.cues = list(_CUE.finditer(self.masked))
        self.cue_starts = [c.start() for c in self.cues]

        rows, speakers_by_sentence = [], defaultdict(list)
        for quote, label in labelled:
            if label:
                speaker = _Speaker(label[0], label[1], ":")
                person, actor = self._resolve(speaker)
            else:
                speaker, person, actor = self._attribute(quote, speakers_by_sentence)
            first_sent = self._sentence_of(quote.start)
            for sent in range(first_sent, self._sentence_of(max(quote.start, quote.end - 1)) + 1):
                speakers_by_sentence[sent].append((speaker, person, actor))
            rows.append((quote.start, quote.end, self.text[quote.start:quote.end], self.sent_idx[first_sent],
                         speaker, person, actor))
        return rows

    def _mask(self, quotes: list[QuoteSpan]) -> str:
        pieces, pos = [], 0
        for q in quotes:
            if q.open >= pos:
                pieces += [self.text[pos:q.open], _MASK * (q.close - q.open)]
                pos = q.close
        pieces.append(self.text[pos:])
        return "".join(pieces)

    def _sentence_of(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.sent_start, offset) - 1)

    def _cues_between(self, start: int, end: int) -> list[re.Match]:
        return self.cues[bisect.bisect_left(self.cue_starts, start):bisect.bisect_left(self.cue_starts, end)]

    def _cue_speaker(self, cue: re.Match, floor: int, ceiling: int, inverted_ok: bool) -> _Speaker | None:
        """The speaker a cue names within ``[floor, ceiling)``."""
        cue_text = " ".join(cue.group().split())
        if cue_text.lower() == "according to":
            span = _speaker_after(self.masked, cue.end(), ceiling)
            return _Speaker(*span, cue_text) if span else None
        if cue_text.endswith("ing"):  # ", saying …": the subject of the sentence's main verb
            return self._main_clause_speaker(cue, floor, cue_text, nearest_clause=False)
        subject = _subject_before(self.masked, floor, cue.start())
        if subject:
            return _Speaker(*subject[0], cue_text, subject[1])
        # "X met them and warned “…”"
        if _COORDINATED.search(self.masked, max(floor, cue.start() - _LOOKBACK), cue.start()):
            return self._main_clause_speaker(cue, floor, cue_text, nearest_clause=True)
        span = _speaker_after(self.masked, cue.end(), ceiling) if inverted_ok else None
        return _Speaker(*span, cue_text) if span else None

    def _main_clause_speaker(self, cue: re.Match, floor: int, cue_text: str, nearest_clause: bool) -> _Speaker | None:
        """Speaker of a participle or coordinated cue: an earlier cue's speaker, else a clause subject
        (the sentence's first one for participles, the nearest one for "X smiled and said")."""
        for earlier in reversed(self._cues_between(floor, cue.start())):
            if not earlier.group().endswith("ing"):
                speaker = self._cue_speaker(earlier, floor, cue.start(), False)
                if speaker:
                    return speaker
        span = _clause_subject(self.masked, floor, cue.start(), nearest_clause)
        return _Speaker(*span, cue_text) if span else None

    def _attribute(self, quote: QuoteSpan, speakers_by_sentence) -> tuple[_Speaker | None, str | None, str | None]:
        """(speaker, person, actor) of a quote by the rules in the module docstring, in order."""
        first = self._sentence_of(quote.start)
        last = self._sentence_of(max(quote.start, quote.end - 1))
        speaker = next(filter(None, self._own_sentence_candidates(quote, first, last)), None)
        if speaker:
            return self._with_resolution(speaker)
        if first > 0:
            continued = [s for s in speakers_by_sentence.get(first - 1, []) if s[0]]
            if continued:
                return continued[-1]
            start, end = self.sent_start[first - 1], self.sent_end[first - 1]
            previous = self._nearest_cue_speaker(start, end, end)
            if previous:
                return self._with_resolution(previous)
        return None, None, None

    def _own_sentence_candidates(self, quote: QuoteSpan, first: int, last: int):
        """Speakers from the quote's own sentences (and the next one), most specific first, lazily."""
        sent_floor, sent_ceiling = self.sent_start[first], self.sent_end[last]
        following = last + 1
        same_paragraph = following < len(self.sent_start) and self.sent_para[following] == self.sent_para[last]
        after_ceiling = sent_ceiling
        if (same_paragraph and _is_blank(self.masked[quote.close:sent_ceiling])  # “… country!” | said X.
                and (self.text[self.sent_start[following]].islower() or self.text[quote.end - 1] in "?!")
                and _MASK not in self.masked[self.sent_start[following]:self.sent_end[following]]):
            after_ceiling = self.sent_end[following]

        before_cues = self._cues_between(sent_floor, quote.open)
        if before_cues and not self.masked[before_cues[-1].end():quote.open].strip(" ,:\n"):  # X said: “…”
            yield self._nearest_cue_speaker(sent_floor, before_cues[-1].end(), quote.open)
        after, adjacent = None, False
        for cue in self._cues_between(quote.close, after_ceiling):
            before_cue = self.masked[quote.close:cue.start()].rstrip()
            inverted_ok = _is_blank(before_cue) or before_cue.endswith(",")  # “…” about it, said X
            after = self._cue_speaker(cue, quote.close, after_ceiling, inverted_ok)
            if after:
                adjacent = _is_blank(self.masked[quote.close:min(after.start, cue.start())])
                break
        if adjacent:
            yield after
        yield self._loose_attribution(quote, after_ceiling)
        yield self._nearest_cue_speaker(sent_floor, quote.open, quote.open)
        yield self._loose_introduction(quote, sent_floor)
        yield after
        if same_paragraph:
            yield self._opening_attribution(following)

    def _nearest_cue_speaker(self, floor: int, cues_end: int, ceiling: int) -> _Speaker | None:
        """The speaker of the last cue in ``[floor, cues_end)`` that names one (``Said X, “…”`` too)."""
        for cue in reversed(self._cues_between(floor, cues_end)):
            opens_sentence = _is_blank(self.masked[floor:cue.start()])
            speaker = self._cue_speaker(cue, floor, ceiling, opens_sentence)
            if speaker:
                return speaker
        return None

    def _loose_attribution(self, quote: QuoteSpan, ceiling: int) -> _Speaker | None:
        """``“…,” NAME VERBed`` / ``“…,” VERBed NAME`` right after a quote ending in , ? or !."""
        if not quote.end or self.text[quote.end - 1] not in _QUOTE_ENDS_CLAUSE:
            return None
        found = _LOOSE_ATTRIBUTION.match(self.masked, quote.close, ceiling)
        if not found:
            return None
        subject = "subject" if found.group("subject") else "inverted_subject"
        verb = "verb" if found.group("subject") else "inverted_verb"
        span = _noun_phrase(self.masked, found.start(subject), found.end(subject))
        return _Speaker(*span, found.group(verb)) if span else None

    def _loose_introduction(self, quote: QuoteSpan, floor: int) -> _Speaker | None:
        """``NAME:`` or ``NAME VERBed:`` right before a quote ("- Philip Bump: “…”", "Kasich resisted: “…”")."""
        look_from = max(floor, quote.open - _LOOKBACK)
        label = _INLINE_LABEL.search(self.masked, look_from, quote.open)
        named = label and label.group("subject")
        if named and named.lower() not in _NOT_SPEAKER_LABELS and _is_speaker(named.split()):
            before = self.masked[floor:label.start()].rstrip()
            if not before or before[-1] in _BEFORE_INLINE_LABEL or before[-1] == _MASK:
                return _Speaker(label.start("subject"), label.end("subject"), ":")
        found = _LOOSE_INTRODUCTION.search(self.masked, look_from, quote.open)
        span = found and _noun_phrase(self.masked, found.start("subject"), found.end("subject"))
        return _Speaker(*span, found.group("verb")) if span else None

    def _opening_attribution(self, sent: int) -> _Speaker | None:
        """The attribution a sentence opens with ("Peskov said on Sunday."), unless it introduces a quote
        of that sentence ("Rubio then writes back, “…”")."""
        start, end = self.sent_start[sent], self.sent_end[sent]
        cues = self._cues_between(start, end)
        if not cues or self.masked[start:start + 1] == _MASK:
            return None
        if _INTRODUCES_QUOTE.match(self.masked, cues[0].end(), end):
            return None
        speaker = self._cue_speaker(cues[0], start, end, False)
        if not speaker:
            return None
        opening = _LEADING_CONNECTIVE.match(self.masked, start)
        opening_at = opening.end() if opening else start
        according_to_first = speaker.cue.lower() == "according to" and cues[0].start() == start
        return speaker if speaker.start == opening_at or according_to_first else None

    def _with_resolution(self, speaker: _Speaker) -> tuple[_Speaker, str | None, str | None]:
        return (speaker, *self._resolve(speaker))

    def _resolve(self, speaker: _Speaker) -> tuple[str | None, str | None]:
        """(person, actor) of a speaker span via the article's mentions."""
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

    def _overlapping(self, start: int, end: int) -> _Mention | None:
        hits = [m for m in self.mentions[:bisect.bisect_left(self.mention_starts, end)]
                if m.end > start and (m.actor or m.person)]
        hits.sort(key=lambda m: (m.mention_type not in _PERSONAL_MENTION_TYPES, m.start))
        return hits[0] if hits else None

    def _preceding(self, offset: int, wanted) -> _Mention | None:
        for mention in reversed(self.mentions[:bisect.bisect_left(self.mention_starts, offset)]):
            if (mention.actor or mention.person) and wanted(mention):
                return mention
        return None


def _is_blank(between: str) -> bool:
    """Only spaces and punctuation between a quote and its attribution ("”, said X")."""
    return not between.strip(" ,—–-\n")


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
        article = _Article(text, article_sentences, article_mentions)
        for quote_idx, (start, end, quote_text, sent_idx, speaker, person, actor) in enumerate(article.quotes()):
            rows.append((
                article_id, quote_idx, start, end, quote_text, sent_idx,
                text[speaker.start:speaker.end] if speaker else None,
                speaker.start if speaker else -1, speaker.end if speaker else -1,
                person, actor, speaker.cue if speaker else None, None,
            ))
    frame = pd.DataFrame(rows, columns=QUOTES)
    return frame.astype({"quote_idx": "int32", "start": "int64", "end": "int64", "sent_idx": "int32",
                         "speaker_start": "int64", "speaker_end": "int64"})
