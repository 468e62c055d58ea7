"""Speaker attribution for ``pipeline.quotes``: the cue lexicon, noun-phrase helpers and the rules.

``RULES`` is the ordered list of named rules; for each quote the first rule that finds a speaker
wins, and ``attribute`` reports its name. The rules search the article text with every quote
masked (``MASK``), so quoted words are never read as attributions.

The subject of a cue is the noun phrase ending right before it (skipping adverbs, auxiliaries, a
parenthesis and an appositive ``, the ...,``). A participle cue (``, saying``) or a coordinated one
(``... and claimed``) takes an earlier cue's subject, else the first clause subject of the sentence.
``said X`` is only read after a quote or a comma, ``according to X`` anywhere. Cue verbs and
rules were tuned on PolNeAR's train split (``pipeline.evaluation.quote_speakers``).
"""

import bisect
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

MASK = "\ue000"  # stands in for quoted text while searching attributions
ENTITY = r"&#?\w{2,6};"  # an HTML entity left in a feed text (&apos; &#039; &quot;)


@dataclass(frozen=True)
class QuoteSpan:
    """A quoted span: marks at ``[open, start)`` and ``[end, close)``, words at ``[start, end)``."""

    open: int
    start: int
    end: int
    close: int


@dataclass(frozen=True)
class Speaker:
    """A speaker span, the cue that named it and the span of its appositive (``X, the ..., said``)."""

    start: int
    end: int
    cue: str | None
    apposition: tuple[int, int] | None = None


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


# --- cues: reporting verbs and what stops a verb from reporting speech
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
    "went on", "goes on", "conclude", "argue", "write", "note", "add", "warn",
    "insist", "claim", "explain", "ask", "declare", "respond", "reply", "quip", "written",
    "issued a statement", "released a statement", "issued the following statement",
    "released the following statement", "questioned", "pressed", "answers",
    "urges", "urging", "appealed", "appeals", "pleaded", "pleads", "reminded", "reminds", "arguing", "speaks", "spoke",
    "according to",
)
_CAPITALISED_CUES = tuple(  # "Said X, “…”", Title Case headlines ("Zelensky Says"); not "Read more", "United States"
    w.capitalize() for w in _CUE_WORDS
    if w.endswith(("s", "ed", "ing", "said", "told", "wrote", "according to"))
    and w not in {"states", "reports", "notes", "posts", "reads"}
)
_CUE = re.compile(r"(?<![\w-])(?:" + _trie_pattern((*_CUE_WORDS, *_CAPITALISED_CUES)) + r")\b")
_PASSIVE_CUE = re.compile(  # "Egypt accused of …", "Kyiv urged to …", "praised by …": the subject does not speak
    r"(?:accused|charged)\s+of|(?:critici[sz]ed|praised|condemned|slammed|blasted|hailed|denounced|mocked|roasted"
    r"|ridiculed|lambasted)\s+(?:for|over)\b"
    r"|(?:described|branded|labell?ed|dubbed|termed)\s+as\b|(?:urged|asked|told)\s+to\b|[a-z]+ed\s+by\b"
)
_OWN_OBJECT = re.compile(r"\s+(?:its|their)\s")  # "Israel recalled its diplomats": not speech
_TELLING = re.compile(r"told|tells?|asked|asks?|urged|urges|warned|warns|reminded|reminds|pressed|thanked")

# --- speaker noun phrases
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
    r"[,;:()\[\]" + MASK + r"—–\n\"“”‘]|\s-+\s|\b(?:that|but|or|because|when|while|as|after|before|if"
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
_NEXT_WORDS = re.compile(r"\s*([^\s,;:!?()\[\]" + MASK + r"—–\"“”]+)")
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
_DANGLING_ENDS = {
    "the", "a", "an", "of", "for", "to", "with", "in", "on", "at", "by", "from", "and", "or", "but",
    "toward", "towards", "against", "into", "about", "through", "via", "upon", "onto", "than",
}
_NOT_SPEAKER_FIRST = {  # openers of adverbial clauses and prepositional phrases, not subjects
    "After", "Before", "When", "While", "In", "On", "At", "During", "Since", "If", "Although", "As",
    "But", "And", "So", "Then", "Also", "However", "Still", "Yet", "For", "With", "From", "By", "To",
    "Of", "This", "That", "There", "Here", "Asked", "Speaking", "According", "What", "Why", "How", "Where", "Which",
    "Who",
    "in", "on", "at", "for", "with", "from", "by", "to", "of", "about", "into", "under", "over",
    "after", "before", "during", "since", "upon",
}
_COORDINATED = re.compile(r"\b(?:and|but)(?:\s+(?:then|also|later|[a-z]{2,}ly))*\s*$")
_DETERMINERS = {
    "the", "a", "an", "his", "her", "their", "its", "our", "my", "your", "one", "two", "three",
    "some", "many", "several", "most", "both", "each", "other", "another", "few", "all", "those",
}
_MAX_SPEAKER_WORDS = 10
_MAX_LOWERCASE_START_WORDS = 4
_ON_A_VISIT = re.compile(  # "Zelensky's wife on a state visit to Seoul": the visit is no part of the speaker
    r"\s+(?:on|during)\s+(?:a|an|his|her|their)\s+(?:[\w-]+\s+){0,2}(?:visit|trip|tour)\b"
)
_TRAILING_DAY = re.compile(  # "The European Union on Thursday"
    r"\s+(?:on|last|this)\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|week|weekend)\s*$"
)
_CAPITALISED_TAIL = re.compile(r"(?<!\S)[A-Z][\w.'’-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w.'’-]*)*\s*$")

# --- loose attributions and labels
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
NOT_SPEAKER_LABELS = {
    "a", "q", "abstract", "advertisement", "by", "caption", "contact", "correction", "credit",
    "date", "editor's note", "editor’s note", "email", "follow", "full text", "image", "listen",
    "location", "note", "photo", "photos", "posted", "published", "read", "read more", "related",
    "see", "see also", "share", "source", "sources", "subject", "tags", "the latest", "time", "title", "topics",
    "update", "updated", "video", "watch", "twitter", "facebook", "instagram", "phone", "web", "website",
}
_INTRODUCES_QUOTE = re.compile(r"(?:\s+[\w'’-]+){0,2}\s*[,:]?\s*" + MASK)
_QUOTE_ENDS_CLAUSE = ",?!—–-…"

# --- headlines, and a headline running into its lead (RSS items are "title description")
_LOWERCASE_LEAD = r"(?!(?:" + "|".join(_DETERMINERS) + r")\b)[a-z][\w'’-]*(?:\s+[a-z][\w'’-]*){%d,}\s+(?=[A-Z])"
_RUN_IN = re.compile(_LOWERCASE_LEAD % 1)  # the end of a headline before its lead: "negotiate peace| China's envoy"
_SUBJECT_LEAD = re.compile(_LOWERCASE_LEAD % 0)  # "burning| Denmark's parliament voted"
_RUN_IN_DETERMINER = re.compile(  # "… debunked conspiracy| The US State Department" (not "a reporter for The Times")
    r".*(?<![\w'’-])(?!(?:" + "|".join(_DANGLING_ENDS) + r")\s)(?i:[a-z][\w'’-]*)\s+(?=(?:The|A|An)\s)"
)
_LEAD_DETERMINERS = {"The", "A", "An"}
_LEAD_OPENING = re.compile(r"\s(?:The|A|An|He|She|It|They|We|In|On|At|As|After|But)\s")  # "X The minister said"
_ENTITY = re.compile(ENTITY)
_VERB_WORD = re.compile(  # a verb-like word anywhere (not "his", "its", "this" …)
    r"(?<![\w'’-])(?!(?:his|its|this|thus|us|as|yes|news|less|unless|across|plus|whereas)\b)" + _VERB_LIKE
)
_COPULA = re.compile(r"is|are|was|were")
_STRONG_BOUNDARY = re.compile(r"[:;" + MASK + r"—–]|\s-\s")  # the quote's own headline part, not the one before
_PREPOSITIONS = {"for", "over", "in", "at", "on", "with", "to", "from", "by", "about", "against", "after", "into"}
_KICKER_WORDS = {  # last words of a headline's topic label ("Ukraine conflict: …"), not of a speaker
    "war", "conflict", "crisis", "live", "latest", "updates", "news", "analysis", "opinion", "explainer",
    "exclusive", "interview", "review", "podcast", "factbox", "timeline", "briefing", "misinformation",
}
_LABEL_TOPIC = re.compile(r"\s(?:on|about|over)\s")  # "Zelensky on peace talks: '…'"
_MAX_LABEL_WORDS = 8
_AFTER_MARK_LABEL = re.compile(r"\s*(?::|\s[—–-])\s*")  # “…”: X / '…' – X
_SPEECH_NOUNS = (
    "remarks", "comments", "words", "speech", "statement", "message", "address", "claim", "claims", "warning",
    "interview", "tweet", "post", "letter", "plea", "appeal", "vow", "pledge", "promise", "threat", "rhetoric",
    "testimony", "announcement", "description", "answer", "reply", "response",
)
_POSSESSIVE_SPEECH = re.compile(  # "Zelensky's remarks", "the Kremlin’s latest statement"
    r"(?<![\w.-])(?P<subject>(?:the\s+)?[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,4})['’]s?\s+(?:[a-z]+\s+)?(?P<noun>"
    + "|".join(_SPEECH_NOUNS) + r")\b"
)

# --- quoted names and terms, nobody's words
_BEFORE_A_TITLE = {  # "on “Fox News Sunday”", "the “Miracle on Ice” team" (lower case: not "Says To 'Win'")
    "on", "in", "at", "for", "from", "of", "with", "to", "via", "by", "about", "the", "The", "a", "A", "an", "An",
}
_WORD = re.compile(r"[^\W\d_]+")
_TITLE_SMALL_WORDS = {"a", "an", "the", "of", "on", "in", "at", "to", "for", "and", "or", "but", "with", "by", "from"}


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


def _takes_own_object(masked: str, verb: re.Match, group: int | str = 0) -> bool:
    """``recalled its diplomats``: the verb has an object of its own, so it does not report speech
    (verbs of telling excepted: ``told his aides``)."""
    return bool(_OWN_OBJECT.match(masked, verb.end(group)) and not _TELLING.fullmatch(verb.group(group)))


def _is_subject(words: list[str]) -> bool:
    """A speaker phrase shaped like a clause subject: it opens with a capital or a determiner and holds no
    preposition but "of" ("Denmark's parliament", not "sue US over lack of police")."""
    return ((words[0][0].isupper() or words[0] in _DETERMINERS)
            and not any(word in _PREPOSITIONS for word in words))


def _is_blank(between: str) -> bool:
    """Only spaces and punctuation between a quote and its attribution ("”, said X")."""
    return not between.strip(" ,—–-\n")


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
    run_in = _RUN_IN.match(masked, start, end) or _RUN_IN_DETERMINER.search(masked, start, end)
    if run_in:
        start = run_in.end()
    trailing = _ON_A_VISIT.search(masked, start, end) or _TRAILING_DAY.search(masked, start, end)
    end = trailing.start() if trailing else start + len(masked[start:end].rstrip())
    if _is_speaker(masked[start:end].split()):
        return start, end
    tail = _CAPITALISED_TAIL.search(masked, start, end)  # "… deal with Ukraine British Prime Minister X"
    return (tail.start(), end) if tail and _is_speaker(masked[tail.start():end].split()) else None


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
                or start is not None and word.group(1) in _LEAD_DETERMINERS  # "says X The minister said …"
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


def _entity_in_word(entity: re.Match) -> str:
    """An HTML entity as its character padded to its length, so that "Force&apos;s" stays one word."""
    return html.unescape(entity.group())[:1] + "_" * (len(entity.group()) - 1)


class ArticleText:
    """An article's text with its quotes masked, its sentences and cues, and the speakers found so far."""

    def __init__(self, text: str, sentences: list[tuple[int, int, int, int]], quotes: list[QuoteSpan],
                 named: list[tuple[int, int]]):
        """``sentences``: (sent_idx, para_idx, start, end) and ``quotes`` in text order; ``named``: the
        sorted spans of the mentions that name an actor or a person."""
        self.text = text
        self.named = named
        self.named_starts = [start for start, _ in named]
        self.sent_para = [s[1] for s in sentences]
        self.sent_start = [s[2] for s in sentences]
        self.sent_end = [s[3] for s in sentences]
        pieces, pos = [], 0
        for quote in quotes:
            if quote.open >= pos:
                pieces += [text[pos:quote.open], MASK * (quote.close - quote.open)]
                pos = quote.close
        pieces.append(text[pos:])
        self.masked = _ENTITY.sub(_entity_in_word, "".join(pieces))
        self.cues = list(_CUE.finditer(self.masked))
        self.cue_starts = [c.start() for c in self.cues]
        self.speakers_by_sentence: dict[int, list[Speaker]] = {}

    def names(self, start: int, end: int) -> bool:
        """Whether a mention of an actor or a person overlaps ``[start, end)``."""
        return any(e > start for _, e in self.named[:bisect.bisect_left(self.named_starts, end)])

    def sentence_of(self, offset: int) -> int:
        """Position (in ``sentences``) of the sentence holding ``offset``."""
        return max(0, bisect.bisect_right(self.sent_start, offset) - 1)

    def record(self, quote: QuoteSpan, speaker: Speaker) -> None:
        """Remember a quote's speaker for the sentences it spans (consecutive quotes continue it)."""
        for sent in range(self.sentence_of(quote.start), self.sentence_of(max(quote.start, quote.end - 1)) + 1):
            self.speakers_by_sentence.setdefault(sent, []).append(speaker)

    def cues_between(self, start: int, end: int) -> list[re.Match]:
        """The cues starting in ``[start, end)``, in order."""
        return self.cues[bisect.bisect_left(self.cue_starts, start):bisect.bisect_left(self.cue_starts, end)]

    def cue_speaker(self, cue: re.Match, floor: int, ceiling: int, inverted_ok: bool) -> Speaker | None:
        """The speaker a cue names within ``[floor, ceiling)``."""
        cue_text = " ".join(cue.group().split())
        if _PASSIVE_CUE.match(self.masked, cue.start()):
            return None
        if cue_text.lower() == "according to":
            span = _speaker_after(self.masked, cue.end(), ceiling)
            return Speaker(*span, cue_text) if span else None
        if cue_text.endswith("ing"):  # ", saying …": the subject of the sentence's main verb
            return self._main_clause_speaker(cue, floor, cue_text, nearest_clause=False)
        subject = _subject_before(self.masked, floor, cue.start())
        if subject:
            return Speaker(*subject[0], cue_text, subject[1])
        # "X met them and warned “…”"
        if _COORDINATED.search(self.masked, max(floor, cue.start() - _LOOKBACK), cue.start()):
            return self._main_clause_speaker(cue, floor, cue_text, nearest_clause=True)
        span = _speaker_after(self.masked, cue.end(), ceiling) if inverted_ok else None
        return Speaker(*span, cue_text) if span else None

    def _main_clause_speaker(self, cue: re.Match, floor: int, cue_text: str, nearest_clause: bool) -> Speaker | None:
        """Speaker of a participle or coordinated cue: an earlier cue's speaker, else a clause subject
        (the sentence's first one for participles, the nearest one for "X smiled and said")."""
        for earlier in reversed(self.cues_between(floor, cue.start())):
            if not earlier.group().endswith("ing"):
                speaker = self.cue_speaker(earlier, floor, cue.start(), False)
                if speaker:
                    return speaker
        span = _clause_subject(self.masked, floor, cue.start(), nearest_clause)
        return Speaker(*span, cue_text) if span else None

    def nearest_cue_speaker(self, floor: int, cues_end: int, ceiling: int) -> Speaker | None:
        """The speaker of the last cue in ``[floor, cues_end)`` that names one (``Said X, “…”`` too)."""
        for cue in reversed(self.cues_between(floor, cues_end)):
            opens_sentence = _is_blank(self.masked[floor:cue.start()])
            speaker = self.cue_speaker(cue, floor, ceiling, opens_sentence)
            if speaker:
                return speaker
        return None

    def opening_attribution(self, sent: int) -> Speaker | None:
        """The attribution a sentence opens with ("Peskov said on Sunday."), unless it introduces a quote
        of that sentence ("Rubio then writes back, “…”")."""
        start, end = self.sent_start[sent], self.sent_end[sent]
        cues = self.cues_between(start, end)
        if not cues or self.masked[start:start + 1] == MASK:
            return None
        if _INTRODUCES_QUOTE.match(self.masked, cues[0].end(), end):
            return None
        speaker = self.cue_speaker(cues[0], start, end, False)
        if not speaker:
            return None
        opening = _LEADING_CONNECTIVE.match(self.masked, start)
        opening_at = opening.end() if opening else start
        according_to_first = speaker.cue.lower() == "according to" and cues[0].start() == start
        return speaker if speaker.start == opening_at or according_to_first else None


@dataclass
class Site:
    """One quote in its article: the sentences it spans and what several rules share."""

    article: ArticleText
    quote: QuoteSpan
    label: tuple[int, int] | None  # the label of its transcript line

    @cached_property
    def first(self) -> int:
        return self.article.sentence_of(self.quote.start)

    @cached_property
    def last(self) -> int:
        return self.article.sentence_of(max(self.quote.start, self.quote.end - 1))

    @property
    def floor(self) -> int:
        return self.article.sent_start[self.first]

    @cached_property
    def following(self) -> int | None:
        """The next sentence when it is in the same paragraph."""
        following, article = self.last + 1, self.article
        same = following < len(article.sent_start) and article.sent_para[following] == article.sent_para[self.last]
        return following if same else None

    @cached_property
    def after_ceiling(self) -> int:
        """End of the text searched for an attribution after the quote: its sentence, or the next
        one when the quote ends its own (“… country!” | said X.)."""
        article, quote, following = self.article, self.quote, self.following
        ceiling = article.sent_end[self.last]
        if (following is not None and _is_blank(article.masked[quote.close:ceiling])
                and (article.text[article.sent_start[following]].islower() or article.text[quote.end - 1] in "?!")
                and MASK not in article.masked[article.sent_start[following]:article.sent_end[following]]):
            return article.sent_end[following]
        return ceiling

    @cached_property
    def cue_after(self) -> tuple[Speaker | None, bool]:
        """The first speaker a cue after the quote names, and whether only punctuation separates them."""
        article, quote = self.article, self.quote
        for cue in article.cues_between(quote.close, self.after_ceiling):
            before_cue = article.masked[quote.close:cue.start()].rstrip()
            if not _is_blank(before_cue) and _takes_own_object(article.masked, cue):
                continue  # "Israel recalled its diplomats" (yet "said his aide")
            inverted_ok = _is_blank(before_cue) or before_cue.endswith(",")  # “…” about it, said X
            speaker = article.cue_speaker(cue, quote.close, self.after_ceiling, inverted_ok)
            if speaker:
                between = article.masked[quote.close:min(speaker.start, cue.start())]
                return speaker, _is_blank(between) and not (between.isspace() and self.ends_headline)
        return None, False

    @cached_property
    def ends_headline(self) -> bool:
        """Words right after the quote, without punctuation, do not attribute it: it ends a headline
        that runs into its lead (``are at ‘breaking point’ UN agency says …``, ``: 'be fired' The union …``)."""
        article, quote = self.article, self.quote
        before = article.masked[self.floor:quote.open].rstrip()
        embedded = bool(before) and before[-1] not in ":—–-" + MASK
        unpunctuated = article.text[quote.end - 1] not in ".…" + _QUOTE_ENDS_CLAUSE
        return embedded and unpunctuated or bool(_LEAD_OPENING.match(article.masked, quote.close))


def transcript_label(site: Site) -> Speaker | None:
    """``PESKOV: We are ready.`` — the label of the quote's transcript line."""
    return Speaker(*site.label, ":") if site.label else None


def cue_before(site: Site) -> Speaker | None:
    """``X said: “…”``, ``Said X, “…”`` — a cue right before the quote."""
    article, quote = site.article, site.quote
    cues = article.cues_between(site.floor, quote.open)
    if cues and not article.masked[cues[-1].end():quote.open].strip(" ,:\n"):
        return article.nearest_cue_speaker(site.floor, cues[-1].end(), quote.open)
    return None


def attribution_after(site: Site) -> Speaker | None:
    """``”, X said``, ``”, X, the ..., said``, ``”, said X`` — an attribution right after the quote."""
    speaker, adjacent = site.cue_after
    return speaker if adjacent else None


def loose_attribution(site: Site) -> Speaker | None:
    """``“…,” she laughed`` / ``“…,” scoffed X`` — any -ed/-s verb right after a quote ending in , ? ! …"""
    article, quote = site.article, site.quote
    if not quote.end or article.text[quote.end - 1] not in _QUOTE_ENDS_CLAUSE:
        return None
    found = _LOOSE_ATTRIBUTION.match(article.masked, quote.close, site.after_ceiling)
    if not found or found.group("subject") and _takes_own_object(article.masked, found, "verb"):
        return None
    subject = "subject" if found.group("subject") else "inverted_subject"
    verb = "verb" if found.group("subject") else "inverted_verb"
    span = _noun_phrase(article.masked, found.start(subject), found.end(subject))
    return Speaker(*span, found.group(verb)) if span else None


def cue_earlier(site: Site) -> Speaker | None:
    """``X said ... “…”``, ``According to X, “…”`` — the nearest cue before the quote in its sentence."""
    return site.article.nearest_cue_speaker(site.floor, site.quote.open, site.quote.open)


def inline_label(site: Site) -> Speaker | None:
    """``… contests - Philip Bump: “…”`` — a capitalised name and a colon right before the quote."""
    article, quote = site.article, site.quote
    label = _INLINE_LABEL.search(article.masked, max(site.floor, quote.open - _LOOKBACK), quote.open)
    named = label and label.group("subject")
    if not named or named.lower() in NOT_SPEAKER_LABELS or not _is_speaker(named.split()):
        return None
    before = article.masked[site.floor:label.start()].rstrip()
    if before and before[-1] not in _BEFORE_INLINE_LABEL and before[-1] != MASK:
        return None
    return Speaker(label.start("subject"), label.end("subject"), ":")


def loose_introduction(site: Site) -> Speaker | None:
    """``X resisted: “…”`` — any -ed/-s verb and a colon right before the quote."""
    masked, quote = site.article.masked, site.quote
    found = _LOOSE_INTRODUCTION.search(masked, max(site.floor, quote.open - _LOOKBACK), quote.open)
    if found and _PASSIVE_CUE.match(masked, found.start("verb")):
        return None
    span = found and _noun_phrase(masked, found.start("subject"), found.end("subject"))
    return Speaker(*span, found.group("verb")) if span else None


def cue_later(site: Site) -> Speaker | None:
    """``“…” with the Kremlin, according to X`` — a cue later in the quote's sentence."""
    return site.cue_after[0]


def next_sentence(site: Site) -> Speaker | None:
    """``“…” X said on Sunday.`` — the next sentence of the paragraph opens with an attribution."""
    return site.article.opening_attribution(site.following) if site.following is not None else None


def headline_label(site: Site) -> Speaker | None:
    """``Macron: Iran 'must stop enrichment'``, ``Jordan slams Biden: he made it 'seem organic'`` — a
    sentence opening with a name, a description or a short clause and a colon: its subject, when it
    names an actor or a person (not a topic label such as ``Ukraine conflict:``)."""
    article, masked = site.article, site.article.masked
    colon = masked.find(":", site.floor, site.quote.open)
    words = masked[site.floor:colon].split() if colon > 0 else []
    if (not words or MASK in masked[site.floor:colon]
            or words[-1].lower() in _KICKER_WORDS or " ".join(words).lower() in NOT_SPEAKER_LABELS):
        return None
    topic = _LABEL_TOPIC.search(masked, site.floor, colon)
    label_end = topic.start() if topic else colon
    if len(masked[site.floor:label_end].split()) > _MAX_LABEL_WORDS:
        return None
    subject = _CLAUSE_SUBJECT.match(masked, site.floor, label_end)
    if subject and _PASSIVE_CUE.match(masked, subject.end() + 1):  # "Biden mocked for his video: '…'"
        return None
    span = (subject and _noun_phrase(masked, subject.start(1), subject.end(1))
            or _noun_phrase(masked, site.floor, label_end))
    return Speaker(*span, ":") if span and article.names(*span) else None


def label_after(site: Site) -> Speaker | None:
    """``“We will win”: Zelensky`` / ``'…' – Zelensky`` — a quote opening its sentence, then a colon or
    a dash and a name or description that names an actor or a person."""
    article, masked, quote = site.article, site.article.masked, site.quote
    separator = _AFTER_MARK_LABEL.match(masked, quote.close, site.after_ceiling)
    if masked[site.floor:quote.open].strip() or not separator or not separator.group().strip():
        return None
    lead = _LEAD_OPENING.search(masked, separator.end(), site.after_ceiling)
    ceiling = lead.start() if lead else site.after_ceiling
    span = _speaker_after(masked, separator.end(), ceiling)
    if not span or masked[span[1]:ceiling].strip(" .") or _VERB_WORD.search(masked, *span):
        return None  # "'It’s a sham': Egypt accused of …" is a headline, not an attribution
    return Speaker(*span, separator.group().strip()) if article.names(*span) else None


def possessive_speech(site: Site) -> Speaker | None:
    """``'…': see what critics cut from Zelensky's remarks`` — the nearest ``X's remarks`` (words,
    statement …) in the quote's sentence, when X names an actor or a person."""
    article, quote = site.article, site.quote
    found = [m for m in _POSSESSIVE_SPEECH.finditer(article.masked, site.floor, article.sent_end[site.last])
             if article.names(m.start("subject"), m.end("subject"))]
    if not found:
        return None
    nearest = min(found, key=lambda m: min(abs(m.start() - quote.close), abs(quote.open - m.end())))
    return Speaker(nearest.start("subject"), nearest.end("subject"), nearest.group("noun"))


def clause_subject(site: Site) -> Speaker | None:
    """``China faults 'negative impact' of …``, ``X meets Y after condemning '…'`` — the subject of the
    nearest verb before the quote in its sentence, when it names an actor or a person."""
    article, masked = site.article, site.article.masked
    floor = max([site.floor, *(b.end() for b in _STRONG_BOUNDARY.finditer(masked, site.floor, site.quote.open))])
    verbs = list(_VERB_WORD.finditer(masked, floor, site.quote.open))
    for i in reversed(range(len(verbs))):
        verb = verbs[i]
        if _COPULA.fullmatch(verb.group()) or _PASSIVE_CUE.match(masked, verb.start()):
            return None  # "the shooting was 'a senseless act'", "Biden mocked for '…'": described, not speaking
        start = max(_clause_start(masked, floor, verb.start()), verbs[i - 1].end() if i else floor)
        span = _noun_phrase(masked, start, verb.start())
        lead = span and _SUBJECT_LEAD.match(masked, *span)
        span = (lead.end(), span[1]) if lead else span
        if span and _is_subject(masked[span[0]:span[1]].split()):
            return Speaker(*span, verb.group().split()[-1]) if article.names(*span) else None
    return None


def previous_quote(site: Site) -> Speaker | None:
    """Consecutive quotes continue the speaker of the previous sentence's last quote."""
    earlier = site.article.speakers_by_sentence.get(site.first - 1)
    return earlier[-1] if site.first > 0 and earlier else None


def previous_attribution(site: Site) -> Speaker | None:
    """The last attribution of the previous sentence (``X said on Tuesday that … “…”``)."""
    if site.first == 0:
        return None
    article = site.article
    start, end = article.sent_start[site.first - 1], article.sent_end[site.first - 1]
    return article.nearest_cue_speaker(start, end, end)


def _is_name(article: ArticleText, quote: QuoteSpan) -> bool:
    """A quoted term or title, nobody's words: ``the so-called “peace plan”``, ``on “Fox News Sunday”``."""
    before = article.text[max(0, quote.open - _LOOKBACK):quote.open].split()
    word = before[-1] if before else ""
    if word.lower() == "so-called":
        return True
    if word not in _BEFORE_A_TITLE and not word.endswith(("'s", "’s")):  # "Fox Nation's “…”"
        return False
    words = _WORD.findall(article.text, quote.start, quote.end)
    capitalised = [w for w in words if w[0].isupper()]
    return len(capitalised) > 1 and all(w[0].isupper() or w in _TITLE_SMALL_WORDS for w in words)


class Rule(NamedTuple):
    """A named attribution rule: ``find`` returns the quote's speaker, or None to pass it on."""

    name: str
    find: Callable[[Site], Speaker | None]


RULES = (
    Rule("transcript-label", transcript_label),
    Rule("cue-before", cue_before),
    Rule("attribution-after", attribution_after),
    Rule("loose-attribution", loose_attribution),
    Rule("cue-earlier", cue_earlier),
    Rule("inline-label", inline_label),
    Rule("loose-introduction", loose_introduction),
    Rule("headline-label", headline_label),
    Rule("label-after", label_after),
    Rule("cue-later", cue_later),
    Rule("next-sentence", next_sentence),
    Rule("possessive-speech", possessive_speech),
    Rule("clause-subject", clause_subject),
    Rule("previous-quote", previous_quote),
    Rule("previous-attribution", previous_attribution),
)
"""The attribution rules, most specific first."""


def attribute(article: ArticleText, quotes: list[tuple[QuoteSpan, tuple[int, int] | None]]
              ) -> list[tuple[Speaker | None, str | None]]:
    """(speaker, rule name) of each (quote, transcript label) in text order, by the first rule that finds one."""
    found = []
    for quote, label in quotes:
        site = Site(article, quote, label)
        rules = () if _is_name(article, quote) else RULES
        speaker, rule = next(((s, r.name) for r in rules if (s := r.find(site))), (None, None))
        if speaker:
            article.record(quote, speaker)
        found.append((speaker, rule))
    return found
