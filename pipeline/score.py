"""Target-scoped sentiment: VADER's word rules plus our diplomatic lexicon, limited to a target's clause.

Each word's valence comes from ``SentimentIntensityAnalyzer.sentiment_valence`` (VADER's negation,
booster/dampener and idiom rules) over VADER's lexicon overridden and extended by
``data/lexicon.csv``. Words after "but" weigh 1.5×, words before it 0.5× (VADER's contrast rule);
for a target before the "but", its side weighs 1.5× and the other 0.5× ("Berlin backed the plan but
Paris rejected it" is positive for Berlin).
For a target, words in the target's clause weigh 1 and words in other clauses ``Scope.outside``
(``Scope.speaker_outside`` when the target is the speaker: "X said", "according to X"), so
"… affirm their support for Ukraine and denounced Putin" is positive for Ukraine and negative for
Putin. The weighted sum is squashed to [-1, 1] by VADER's ``normalize``; each word's contribution
is its weighted valence scaled by the same factor, so the contributions add up to the score.
VADER's emphasis rules for capital letters and "!"/"?" are left out: in news they mark headlines
and quotations, not the writer's sentiment.

Lexicon file: CSV with header ``term,valence,note`` (``note`` optional). Terms are case-insensitive;
valence is on VADER's scale [-4, 4], and 0 removes a VADER word that is neutral in news ("united"),
so it neither scores nor blocks VADER's booster rule. A term of several words ("red line",
"war crimes") matches those words in sequence and counts as one word. ``Lexicon.version`` is
``sha256:`` + the first 12 hex digits of the file's bytes.
"""

import csv
import hashlib
import math
import string
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import NamedTuple

from vaderSentiment.vaderSentiment import BOOSTER_DICT, N_SCALAR, SentimentIntensityAnalyzer, normalize

DEFAULT_LEXICON = Path(__file__).resolve().parents[1] / "data" / "lexicon.csv"
LEXICON_COLUMNS = ("term", "valence")
VALENCE_RANGE = (-4.0, 4.0)
VADER_ALPHA = 15
"""`normalize`'s default alpha: the slope 1/sqrt(alpha) shares out a score whose words cancel out."""

BEFORE_BUT_WEIGHT = 0.5
AFTER_BUT_WEIGHT = 1.5

PUNCTUATION = string.punctuation + "“”‘’«»—–…"
CLAUSE_PUNCTUATION = ',;:—–()“”"'
"""A token starting or ending with one of these characters borders a clause."""
CLAUSE_OPENERS = frozenset({
    "and", "but", "or", "nor", "while", "whereas", "although", "though", "because", "since",
    "after", "before", "unless", "if", "when", "where", "who", "whom", "whose", "which", "yet",
})
SPEECH_VERBS = frozenset({
    "said", "says", "say", "told", "tells", "added", "stated", "tweeted", "wrote", "according",
    "asked", "insisted", "argued", "explained", "noted", "declared", "announced",
})
"""Verbs that report speech; each opens a clause and marks the target next to it as the speaker."""
CLAUSE_BREAKERS = CLAUSE_OPENERS | SPEECH_VERBS
REJECTING = (("rather", "than"), ("instead", "of"))
"""Word pairs after which the next REJECTED_REACH words are negated like VADER's "not"."""
REJECTED_REACH = 3
SPEAKER_REACH = 3
"""A speech verb at most this many words before the target ("said Mr. X") makes it the speaker."""


@dataclass(frozen=True)
class Scope:
    """Weights of words outside the target's clause, for a plain target and for a speaker."""

    outside: float
    speaker_outside: float


DEFAULT_SCOPE = Scope(outside=0.3, speaker_outside=0.0)
NEGATIVE_THRESHOLD = -0.05
POSITIVE_THRESHOLD = 0.11
"""DEFAULT_SCOPE and the 3-class cut-offs (score ≤ NEGATIVE → negative, ≥ POSITIVE → positive)
maximise macro-F1 on NewsMTSC train.jsonl only, found by
`python -m pipeline.evaluation.target_sentiment ../shared/data/newsmtsc --tune` (train macro-F1 0.601)."""


class LexiconError(ValueError):
    """A lexicon file that does not follow the `term,valence[,note]` schema."""


@dataclass(frozen=True, eq=False)
class Lexicon:
    """Our lexicon merged into VADER's, with the one analyzer that scores with it (hashed by identity)."""

    path: Path
    version: str
    terms: dict[str, float] = field(repr=False)
    analyzer: SentimentIntensityAnalyzer = field(repr=False, compare=False)
    phrase_lengths: tuple[int, ...] = field(repr=False)
    """Word counts of multi-word terms, longest first."""
    phrase_starts: frozenset[str] = field(repr=False)
    """First words of multi-word terms."""


@dataclass(frozen=True)
class TargetScore:
    """Sentiment in [-1, 1] and the words that moved it as (word, signed share of the score)."""

    score: float
    contributions: list[tuple[str, float]]


def load_lexicon(path: Path | str = DEFAULT_LEXICON) -> Lexicon:
    """Read and check a lexicon CSV; raise `LexiconError` with one line `file:line: reason`."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise LexiconError(f"{path}: cannot read lexicon ({error.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise LexiconError(f"{path}:{line}: not UTF-8 text (byte {raw[error.start]:#04x})") from None
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
    for silenced in [term for term, valence in terms.items() if valence == 0]:
        del analyzer.lexicon[silenced]
    phrases = [term.split() for term in terms if " " in term]
    return Lexicon(
        path=path,
        version="sha256:" + hashlib.sha256(raw).hexdigest()[:12],
        terms=terms,
        analyzer=analyzer,
        phrase_lengths=tuple(sorted({len(words) for words in phrases}, reverse=True)),
        phrase_starts=frozenset(words[0] for words in phrases),
    )


@cache
def default_lexicon() -> Lexicon:
    """The project lexicon, loaded once per process."""
    return load_lexicon(DEFAULT_LEXICON)


class _Tokens(NamedTuple):
    """Parallel lists over a sentence's whitespace tokens."""

    starts: list[int]
    ends: list[int]
    raws: list[str]
    """The token as written, punctuation included."""
    words: list[str]
    """Punctuation stripped; a multi-word lexicon term is one lower-case word."""
    lowers: list[str]


def _tokens(sentence: str, lexicon: Lexicon) -> _Tokens:
    """Tokenise like VADER (split on whitespace, strip punctuation), merging multi-word lexicon terms."""
    raws = sentence.split()  # the same tokens as the regex \S+, found far faster
    starts, ends, end = [], [], 0
    for raw in raws:
        start = sentence.find(raw, end)
        end = start + len(raw)
        starts.append(start)
        ends.append(end)
    words = [token.strip(PUNCTUATION).replace("’", "'") or token for token in raws]
    lowers = [word.lower() for word in words]
    phrases = []  # (first token, token count, term); punctuation inside the words stops a match
    for i in [i for i, lower in enumerate(lowers) if lower in lexicon.phrase_starts]:
        if phrases and i < phrases[-1][0] + phrases[-1][1]:
            continue
        for n in lexicon.phrase_lengths:
            term = " ".join(raws[i:i + n]).lower().strip(PUNCTUATION).replace("’", "'")
            if i + n <= len(raws) and term in lexicon.terms:
                phrases.append((i, n, term))
                break
    for i, length, term in reversed(phrases):
        start, end = starts[i], ends[i + length - 1]
        for column, value in ((starts, start), (ends, end), (raws, sentence[start:end]), (words, term),
                              (lowers, term)):
            column[i:i + length] = [value]
    return _Tokens(starts, ends, raws, words, lowers)


def _valences(tokens: _Tokens, lexicon: Lexicon) -> list[float]:
    """VADER's per-word valence (negation, boosters, idioms) for each word, also negated after
    "rather than" / "instead of"; 0 for unknown words."""
    analyzer = lexicon.analyzer
    text = SimpleNamespace(words_and_emoticons=tokens.words, is_cap_diff=False)
    lowers = tokens.lowers
    valences: list[float] = []
    rejected_until = -1
    for i, (word, lower) in enumerate(zip(tokens.words, lowers)):
        if i and (lowers[i - 1], lower) in REJECTING:
            rejected_until = i + REJECTED_REACH
        if lower in analyzer.lexicon and lower not in BOOSTER_DICT:
            analyzer.sentiment_valence(0, text, word, i, valences)
            if i <= rejected_until:
                valences[-1] *= N_SCALAR
        else:
            valences.append(0.0)
    return valences


def _contrast_weights(lowers: list[str], target_first: int | None = None) -> list[float]:
    """VADER's "but" rule as weights: before the first "but" 0.5, after it 1.5; mirrored when the
    target (its first token index) stands before the "but"."""
    if "but" not in lowers:
        return [1.0] * len(lowers)
    but = lowers.index("but")
    before, after = BEFORE_BUT_WEIGHT, AFTER_BUT_WEIGHT
    if target_first is not None and target_first < but:
        before, after = after, before
    return [before if i < but else after if i > but else 0.0 for i in range(len(lowers))]


def _clause_ids(tokens: _Tokens) -> list[int]:
    """Clause number of each token: a clause ends at , ; : dashes, brackets and quotes, and before
    a conjunction, relative pronoun or speech verb."""
    ids = []
    clause = 0
    for i, (raw, lower) in enumerate(zip(tokens.raws, tokens.lowers)):
        if i and (lower in CLAUSE_BREAKERS or raw[0] in CLAUSE_PUNCTUATION):
            clause += 1
        ids.append(clause)
        if raw[-1] in CLAUSE_PUNCTUATION or raw == "-" or raw == "--":
            clause += 1
    return ids


def _is_speaker(lowers: list[str], clauses: list[int], target: list[int]) -> bool:
    """Whether the target tokens are the speaker: "X said …", "…, said X", "according to X"."""
    after = target[-1] + 1
    if after < len(lowers) and clauses[after] != clauses[target[-1]] and lowers[after] in SPEECH_VERBS:
        return True
    before = range(max(0, target[0] - SPEAKER_REACH), target[0])
    return any(lowers[i] in SPEECH_VERBS and clauses[i] == clauses[target[0]] for i in before)


class _Analysis(NamedTuple):
    tokens: _Tokens
    valences: list[float]
    clauses: list[int]
    """Clause id of each token."""
    valent: list[int]
    """Indices of the tokens with a valence (the only ones a score looks at)."""


@lru_cache(maxsize=4096)
def _analysed(sentence: str, lexicon: Lexicon) -> _Analysis:
    """Tokens, valences and clause ids of a sentence, computed once however many targets it has
    (the dyads stage scores one sentence toward each actor it names). Treat as read-only."""
    tokens = _tokens(sentence, lexicon)
    valences = _valences(tokens, lexicon)
    return _Analysis(tokens, valences, _clause_ids(tokens), [i for i, valence in enumerate(valences) if valence])


def _score(analysis: _Analysis, weights: list[float], target_first: int | None = None) -> TargetScore:
    """Squash the weighted valences (``weights``: one per valent token) into a score and share it out among
    the words that moved it."""
    words, valences = analysis.tokens.words, analysis.valences
    contrast = _contrast_weights(analysis.tokens.lowers, target_first)
    deltas = [(words[i], valences[i] * weight * contrast[i])
              for i, weight in zip(analysis.valent, weights) if weight and contrast[i]]
    total = sum(delta for _, delta in deltas)
    score = normalize(total, VADER_ALPHA)
    scale = score / total if total else 1 / math.sqrt(VADER_ALPHA)
    return TargetScore(score, [(word, delta * scale) for word, delta in deltas])


def score_text(text: str, lexicon: Lexicon | None = None) -> TargetScore:
    """Sentiment of the whole text, every clause weighing the same."""
    analysis = _analysed(text, lexicon or default_lexicon())
    return _score(analysis, [1.0] * len(analysis.valent))


@lru_cache(maxsize=4096)
def score_target(sentence: str, target_start: int, target_end: int,
                 lexicon: Lexicon | None = None, scope: Scope = DEFAULT_SCOPE) -> TargetScore:
    """Sentiment toward `sentence[target_start:target_end]`, scoped to the target's clause (cached: a
    sentence is often scored toward the same target for several sources; treat the result as read-only)."""
    analysis = _analysed(sentence, lexicon or default_lexicon())
    tokens, clauses = analysis.tokens, analysis.clauses
    target = list(range(bisect_right(tokens.ends, target_start), bisect_left(tokens.starts, target_end)))
    if not target:
        raise ValueError(f"target span {target_start}:{target_end} covers no word of the sentence")
    target_clauses = {clauses[i] for i in target}
    outside = scope.speaker_outside if _is_speaker(tokens.lowers, clauses, target) else scope.outside
    weights = [1.0 if clauses[i] in target_clauses else outside for i in analysis.valent]
    return _score(analysis, weights, target[0])


def explain(score: TargetScore) -> str:
    """One line: the score, then its words strongest first, e.g. '-0.41: denounced -0.52, support +0.11'."""
    if not score.contributions:
        return f"{score.score:+.2f}: no sentiment words"
    ranked = sorted(score.contributions, key=lambda pair: -abs(pair[1]))
    return f"{score.score:+.2f}: " + ", ".join(f"{word} {delta:+.2f}" for word, delta in ranked)
