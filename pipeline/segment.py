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


def sentence_spans(text: str) -> list[tuple[int, int, int]]:
    """(paragraph index, start, end) of every sentence of ``text``, in order."""
    out = []
    for para_idx, (p_start, p_end) in enumerate(paragraph_spans(text)):
        chunk = text[p_start:p_end]
        # blingfire offsets index the chunk with newlines folded; keep them aligned by folding here.
        _, offsets = blingfire.text_to_sentences_and_offsets(chunk.replace("\n", " "))
        out.extend((para_idx, p_start + s, p_start + e) for s, e in offsets)
    return out


def split_sentences(articles: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence (``SENTENCES`` columns) for ``articles[article_id, text]``."""
    rows = []
    for article_id, text in zip(articles["article_id"], articles["text"]):
        for sent_idx, (para_idx, start, end) in enumerate(sentence_spans(text)):
            rows.append((article_id, sent_idx, para_idx, start, end, text[start:end]))
    frame = pd.DataFrame(rows, columns=SENTENCES)
    return frame.astype({"sent_idx": "int32", "para_idx": "int32", "start": "int64", "end": "int64"})
