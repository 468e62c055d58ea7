"""Stage 2 — split article texts into paragraphs and sentences with article offsets.

Sentence boundaries come from blingfire (fast, keeps "U.S.", "Mr.", "Gen.", "3 p.m.", decimals and
closing quotes intact). Paragraphs are blank-line or line-break separated; a line break inside a
sentence (hard-wrapped text) does not start a paragraph. Quotes spanning sentences are the quote
stage's job, not this one's.
"""

import re

import blingfire
import pandas as pd

from pipeline.schema import SENTENCES

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|(?<=[.!?\"”’:)\]])[ \t]*\n|\n(?=[ \t]*[“\"‘'(\[A-Z0-9•\-–—])")
_SENTENCE_BODY = re.compile(r"\S")


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty paragraph of ``text``."""
    spans, start = [], 0
    for brk in _PARAGRAPH_BREAK.finditer(text):
        spans.append((start, brk.start()))
        start = brk.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if _SENTENCE_BODY.search(text, s, e)]


def _offsets(chunk: str) -> list[tuple[int, int]]:
    """Sentence offsets within one paragraph (newlines folded to spaces, as blingfire wants).

    blingfire returns each sentence verbatim, so locating it is a ``str.find``; this is ~4x faster
    than its own offsets wrapper, which walks the UTF-8 bytes in Python. Should a sentence ever not
    be found verbatim, that wrapper is the fallback.
    """
    folded = chunk.replace("\n", " ")
    spans, pos = [], 0
    for sentence in blingfire.text_to_sentences(folded).split("\n"):
        start = folded.find(sentence, pos)
        if start < 0:
            return blingfire.text_to_sentences_and_offsets(folded)[1]
        pos = start + len(sentence)
        spans.append((start, pos))
    return spans


def sentence_spans(text: str) -> list[tuple[int, int, int]]:
    """(paragraph index, start, end) of every sentence of ``text``, in order."""
    return [
        (para_idx, p_start + s, p_start + e)
        for para_idx, (p_start, p_end) in enumerate(paragraph_spans(text))
        for s, e in _offsets(text[p_start:p_end])
    ]


def split_sentences(articles: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence (``SENTENCES`` columns) for ``articles[article_id, text]``."""
    rows = []
    for article_id, text in zip(articles["article_id"].tolist(), articles["text"].tolist()):
        for sent_idx, (para_idx, start, end) in enumerate(sentence_spans(text)):
            rows.append((article_id, sent_idx, para_idx, start, end, text[start:end]))
    frame = pd.DataFrame(rows, columns=SENTENCES)
    return frame.astype({"sent_idx": "int32", "para_idx": "int32", "start": "int64", "end": "int64"})
