"""Target-scoped sentiment: VADER's word rules plus our diplomatic lexicon, limited to a target's clause.

Each word's valence comes from ``SentimentIntensityAnalyzer.sentiment_valence`` (VADER's negation,
booster/dampener and idiom rules) over a lexicon of VADER's words overridden and extended by
``data/lexicon.csv``. Words after "but" weigh 1.5×, words before it 0.5× (VADER's contrast rule).
For a target, words in the target's clause weigh 1 and words elsewhere ``OUTSIDE_CLAUSE_WEIGHT``,
so "… affirm their support for Ukraine and denounced Putin" is positive for Ukraine and
negative for Putin. The weighted sum is squashed to [-1, 1] by VADER's ``normalize``.

Lexicon file: CSV with columns ``term,valence[,note]``; terms are case-insensitive, valence is
on VADER's scale [-4, 4]; a term of several words ("red line", "war crimes") matches those words
in sequence. ``Lexicon.version`` is ``sha256:`` + the first 12 hex digits of the file's bytes.
"""

import csv
import hashlib
import math
import re
import string
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import SimpleNamespace

from vaderSentiment.vaderSentiment import BOOSTER_DICT, SentimentIntensityAnalyzer, normalize

DEFAULT_LEXICON = Path(__file__).resolve().parents[1] / "data" / "lexicon.csv"
LEXICON_COLUMNS = ("term", "valence")
VALENCE_RANGE = (-4.0, 4.0)

OUTSIDE_CLAUSE_WEIGHT = 0.3
"""Weight of words outside the target's clause (tuned on NewsMTSC train.jsonl, see below)."""

BEFORE_BUT_WEIGHT = 0.5
AFTER_BUT_WEIGHT = 1.5

NEGATIVE_THRESHOLD = -0.05
POSITIVE_THRESHOLD = 0.05
"""3-class cut-offs of `TargetScore.score` (score ≤ NEGATIVE → negative, ≥ POSITIVE → positive)."""

PUNCTUATION = string.punctuation + "“”‘’«»—–…"
CLAUSE_END_PUNCTUATION = (",", ";", ":", "—", "–", "(", ")", "“", "”", '"')
CLAUSE_OPENERS = frozenset({
    "and", "but", "or", "nor", "while", "whereas", "although", "though", "because", "since",
    "after", "before", "unless", "if", "when", "where", "who", "whom", "whose", "which", "yet",
})
_TOKEN = re.compile(r"\S+")


class LexiconError(ValueError):
    """A lexicon file that does not follow the `term,valence[,note]` schema."""


@dataclass(frozen=True)
class Lexicon:
    """Our lexicon merged into VADER's, with the one analyzer that scores with it."""

    path: Path
    version: str
    terms: dict[str, float] = field(repr=False)
    analyzer: SentimentIntensityAnalyzer = field(repr=False, compare=False)
    phrase_lengths: tuple[int, ...] = field(repr=False)
    """Word counts of multi-word terms, longest first."""


@dataclass(frozen=True)
class TargetScore:
    """Sentiment in [-1, 1] and the words that moved it, as (word, signed share of the score)."""

    score: float
    contributions: list[tuple[str, float]]


def load_lexicon(path: Path | str = DEFAULT_LEXICON) -> Lexicon:
    """Read and check a lexicon CSV; raise `LexiconError` with one line `file:line: reason`."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise LexiconError(f"{path}: cannot read lexicon ({error.strerror})") from None
    text = raw.decode("utf-8", errors="replace")
    reader = csv.DictReader(text.splitlines())
    header = reader.fieldnames or []
    for column in LEXICON_COLUMNS:
        if column not in header:
            raise LexiconError(f"{path}:1: missing column '{column}' (header is {','.join(header)!r})")
    terms: dict[str, float] = {}
    first_line: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        term = " ".join((row["term"] or "").lower().split())
        if not term:
            raise LexiconError(f"{path}:{line}: empty term")
        try:
            valence = float(row["valence"])
        except (TypeError, ValueError):
            raise LexiconError(f"{path}:{line}: valence {row['valence']!r} of '{term}' is not a number") from None
        if not VALENCE_RANGE[0] <= valence <= VALENCE_RANGE[1]:
            raise LexiconError(f"{path}:{line}: valence {valence} of '{term}' is outside [-4, 4]")
        if term in terms:
            raise LexiconError(f"{path}:{line}: duplicate term '{term}' (first on line {first_line[term]})")
        terms[term] = valence
        first_line[term] = line
    analyzer = SentimentIntensityAnalyzer()
    analyzer.lexicon.update(terms)
    lengths = sorted({len(term.split()) for term in terms if " " in term}, reverse=True)
    version = "sha256:" + hashlib.sha256(raw).hexdigest()[:12]
    return Lexicon(path, version, terms, analyzer, tuple(lengths))


@cache
def default_lexicon() -> Lexicon:
    """The project lexicon, loaded once per process."""
    return load_lexicon(DEFAULT_LEXICON)


def _tokens(sentence: str, lexicon: Lexicon) -> list[tuple[int, int, str, str]]:
    """(start, end, raw token, word) for each token; multi-word lexicon terms become one token."""
    raw = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(sentence)]
    words = [token.strip(PUNCTUATION).replace("’", "'") or token for _, _, token in raw]
    merged = []
    i = 0
    while i < len(raw):
        for length in lexicon.phrase_lengths:
            phrase = " ".join(words[i:i + length]).lower()
            if i + length <= len(raw) and phrase in lexicon.terms:
                start, end = raw[i][0], raw[i + length - 1][1]
                merged.append((start, end, sentence[start:end], phrase))
                i += length
                break
        else:
            merged.append((*raw[i], words[i]))
            i += 1
    return merged


def _valences(words: list[str], lexicon: Lexicon) -> list[float]:
    """VADER's per-word valence (negation, boosters, idioms) for each word; 0 for unknown words."""
    analyzer = lexicon.analyzer
    text = SimpleNamespace(words_and_emoticons=words, is_cap_diff=False)
    valences: list[float] = []
    for i, word in enumerate(words):
        lower = word.lower()
        if lower in analyzer.lexicon and lower not in BOOSTER_DICT:
            analyzer.sentiment_valence(0, text, word, i, valences)
        else:
            valences.append(0.0)
    return valences


def _contrast_weights(lower_words: list[str]) -> list[float]:
    """VADER's "but" rule as weights: before the first "but" 0.5, after it 1.5."""
    if "but" not in lower_words:
        return [1.0] * len(lower_words)
    but = lower_words.index("but")
    return [BEFORE_BUT_WEIGHT if i < but else AFTER_BUT_WEIGHT if i > but else 0.0
            for i in range(len(lower_words))]


def _clause_ids(tokens: list[tuple[int, int, str, str]], lower_words: list[str]) -> list[int]:
    """Clause number of each token: a clause ends at , ; : dashes, brackets, quotes or a conjunction."""
    ids = []
    clause = 0
    for i, (_, _, raw, _) in enumerate(tokens):
        if i and (lower_words[i] in CLAUSE_OPENERS or raw[0] in CLAUSE_END_PUNCTUATION):
            clause += 1
        ids.append(clause)
        if raw[-1] in CLAUSE_END_PUNCTUATION or raw in ("-", "--"):
            clause += 1
    return ids


def _score(tokens, weights: list[float], lexicon: Lexicon) -> TargetScore:
    """Squash the weighted valences into a score and share it out among the words that moved it."""
    words = [word for *_, word in tokens]
    lower_words = [word.lower() for word in words]
    valences = _valences(words, lexicon)
    contrast = _contrast_weights(lower_words)
    deltas = [(word, valence * weight * but)
              for word, valence, weight, but in zip(words, valences, weights, contrast)
              if valence and weight]
    total = sum(delta for _, delta in deltas)
    score = normalize(total)
    scale = score / total if total else 1 / math.sqrt(15)
    return TargetScore(score, [(word, delta * scale) for word, delta in deltas])


def score_text(text: str, lexicon: Lexicon | None = None) -> TargetScore:
    """Sentiment of the whole text, every word weighing the same."""
    lexicon = lexicon or default_lexicon()
    tokens = _tokens(text, lexicon)
    return _score(tokens, [1.0] * len(tokens), lexicon)


def score_target(sentence: str, target_start: int, target_end: int,
                 lexicon: Lexicon | None = None) -> TargetScore:
    """Sentiment toward `sentence[target_start:target_end]`, scoped to the target's clause."""
    if not 0 <= target_start < target_end <= len(sentence):
        raise ValueError(f"target span {target_start}:{target_end} is outside the sentence (length {len(sentence)})")
    lexicon = lexicon or default_lexicon()
    tokens = _tokens(sentence, lexicon)
    lower_words = [word.lower() for *_, word in tokens]
    clauses = _clause_ids(tokens, lower_words)
    target_clauses = {clause for (start, end, _, _), clause in zip(tokens, clauses)
                      if start < target_end and end > target_start}
    weights = [1.0 if clause in target_clauses else OUTSIDE_CLAUSE_WEIGHT for clause in clauses]
    return _score(tokens, weights, lexicon)


def polarity(score: float) -> str:
    """3-class label of a score with the tuned thresholds: 'negative', 'neutral' or 'positive'."""
    if score <= NEGATIVE_THRESHOLD:
        return "negative"
    return "positive" if score >= POSITIVE_THRESHOLD else "neutral"


def explain(score: TargetScore) -> str:
    """One line: the score and its words, strongest first, e.g. '-0.41: denounced -0.52, support +0.11'."""
    if not score.contributions:
        return f"{score.score:+.2f}: no sentiment words"
    ranked = sorted(score.contributions, key=lambda pair: -abs(pair[1]))
    return f"{score.score:+.2f}: " + ", ".join(f"{word} {delta:+.2f}" for word, delta in ranked)
