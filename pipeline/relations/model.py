"""Learned direction and sign of the sentiment between two entities of one parsed sentence.

An example is a spaCy parse from :mod:`pipeline.relations.parse` and two character spans, ``p``
(the earlier entity) and ``q``. It is described by sparse named features: the entities' roles in
the parse, the dependency path between them, words before / between / after them, masked n-grams
(entities as PTOK / QTOK), lexicon scores (VADER's word valences with ``data/lexicon.csv``, summed
over the sentence, each entity's clause and the words between) and punctuation. A multinomial
logistic regression over those features gives probabilities of the five :data:`CLASSES` (DSE's
labels).

Feature names are hashed (CRC-32) into a fixed number of weight rows, so no vocabulary is
stored; :meth:`RelationModel.explain` names the features of the example it explains. Weights are
written by ``python -m pipeline.train relations`` to ``data/relation_model.npz``: ``weights``
(rows × classes, float16, centred per row so that a weight is a push toward a class), ``bias``
(per class) and ``lexicon`` (the version of ``data/lexicon.csv`` the features were computed with).
Inference is numpy only.
"""

import hashlib
import io
import math
import re
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
from spacy.attrs import ORTH
from spacy.strings import StringStore
from spacy.tokens import Doc, Span, Token
from vaderSentiment.vaderSentiment import N_SCALAR

from pipeline.score import VADER_ALPHA, default_lexicon

CLASSES = ("none", "p→q positive", "q→p positive", "p→q negative", "q→p negative")
DEFAULT_MODEL = Path(__file__).resolve().parents[2] / "data" / "relation_model.npz"
P_MARK, Q_MARK = "PTOK", "QTOK"

Example = tuple[Doc, tuple[int, int], tuple[int, int]]
"""A parsed sentence and the character spans of p and q (p starts first)."""
Features = dict[str, float]

_NOMINAL_LINKS = frozenset({"compound", "poss", "amod", "nmod", "appos", "conj", "nummod", "case", "det", "flat"})
"""Dependencies that tie a name to the noun phrase it belongs to; roles are read above them."""
_MAX_PATH = 6
_NGRAM_SIZES = (1, 2, 3)
_SEGMENT_NGRAM_SIZES = (1, 2)
_WINDOW = 3
_QUOTES = frozenset("\"“”«»")
_DIGIT = re.compile(r"\d")
_NEGATORS = frozenset({"not", "n't", "never", "no", "without", "nor"})
_NEGATION_REACH = 3


@lru_cache(maxsize=65536)
def normal_word(text: str) -> str:
    """Lower case, typographic apostrophes made plain, digits as 0; blanks as '_'."""
    return _DIGIT.sub("0", text.lower().replace("’", "'").replace("‘", "'")).strip() or "_"


def doc_words(doc: Doc) -> list[str]:
    """:func:`normal_word` of every token (read through the token hashes: faster than Token objects)."""
    strings = doc.vocab.strings
    return [_normal_orth(orth, strings) for orth in doc.to_array(ORTH).tolist()]


@lru_cache(maxsize=65536)
def _normal_orth(orth: int, strings: StringStore) -> str:
    return normal_word(strings[orth])


@cache
def _valences() -> dict[str, float]:
    """Word valences of VADER's lexicon merged with the project lexicon."""
    return default_lexicon().analyzer.lexicon


def polarity(word: str) -> str:
    """'POS', 'NEG' or '' for a normalised word, from the lexicon."""
    valence = _valences().get(word, 0.0)
    return "POS" if valence > 0 else "NEG" if valence < 0 else ""


def entity_span(doc: Doc, chars: tuple[int, int]) -> Span:
    """The tokens overlapping a character span (at least the token at its start)."""
    span = doc.char_span(chars[0], chars[1], alignment_mode="expand")
    if span is None or not len(span):
        token = next((t for t in doc if t.idx + len(t) > chars[0]), doc[-1])
        span = doc[token.i:token.i + 1]
    return span


def climb(token: Token) -> tuple[Token, list[str]]:
    """The head of the noun phrase a name belongs to, and the links climbed ("poss", "compound" …)."""
    links = []
    while token.dep_ in _NOMINAL_LINKS and token.head.i != token.i and len(links) < _MAX_PATH:
        links.append(token.dep_)
        token = token.head
    return token, links


def role(token: Token) -> tuple[str, str]:
    """A noun phrase head's role and the word that governs it: ('nsubj', 'condemned'),
    ('pobj:by', 'condemned') for the object of a preposition, ('ROOT', '') at the root."""
    if token.head.i == token.i:
        return "ROOT", ""
    if token.dep_ == "pobj":
        preposition = token.head
        label = "agent" if preposition.dep_ == "agent" else "pobj:" + normal_word(preposition.text)
        governor = preposition.head
        return label, "" if governor.i == preposition.i else normal_word(governor.text)
    return token.dep_, normal_word(token.head.text)


def ancestors(token: Token) -> list[Token]:
    """The token and its heads up to the root."""
    chain = [token]
    while chain[-1].head.i != chain[-1].i:
        chain.append(chain[-1].head)
    return chain


def dependency_path(p: Token, q: Token) -> tuple[list[Token], Token, list[Token]]:
    """Tokens from p up to (not including) their lowest common ancestor, that ancestor, and
    the tokens from it down to q (not including it)."""
    p_chain, q_chain = ancestors(p), ancestors(q)
    q_positions = {token.i: n for n, token in enumerate(q_chain)}
    for n, token in enumerate(p_chain):
        if token.i in q_positions:
            return p_chain[:n], token, q_chain[:q_positions[token.i]][::-1]
    return p_chain, p_chain[-1], q_chain[::-1]  # separate sentences of one doc: join at p's root


def _masked(words: list[str], p: Span, q: Span) -> tuple[list[str], int, int]:
    """The doc's words with each entity collapsed to its marker, and the markers' positions."""
    masked = words[:p.start] + [P_MARK] + words[p.end:q.start] + [Q_MARK] + words[q.end:]
    return masked, p.start, p.start + 1 + q.start - p.end


def _ngrams(words: Sequence[str], sizes: Iterable[int]) -> list[str]:
    """The space-joined n-grams of each size."""
    return [" ".join(gram) for n in sizes for gram in zip(*(words[i:] for i in range(n)))]


def _distance_bucket(tokens: int) -> str:
    for limit, bucket in ((1, "0-1"), (3, "2-3"), (7, "4-7"), (15, "8-15")):
        if tokens <= limit:
            return bucket
    return "16+"


def _sign(score: float) -> str:
    return "pos" if score >= 0.1 else "neg" if score <= -0.1 else "neutral"


def pair_features(example: Example) -> Features:
    """Named features of one example (value 1 unless a score)."""
    doc, p_chars, q_chars = example
    p, q = entity_span(doc, p_chars), entity_span(doc, q_chars)
    if q.start < p.end:  # overlapping entities: q keeps what p does not cover
        q = doc[p.end:max(q.end, p.end + 1)] if p.end < len(doc) else doc[q.start:q.end]
    words = doc_words(doc)
    masked, p_at, q_at = _masked(words, p, q)
    segments = {"before": masked[:p_at], "between": masked[p_at + 1:q_at], "after": masked[q_at + 1:]}
    scores = _scores(words, p, q)
    features: Features = {}
    _add_word_features(features, masked, p_at, q_at, segments)
    _add_parse_features(features, p, q, {name: _sign(score) for name, score in scores.items()})
    for name, score in scores.items():
        features[f"score|{name}"] = score
        features[f"sign|{name}|{_sign(score)}"] = 1.0
    return features


def _add_word_features(features: Features, words: list[str], p_at: int, q_at: int,
                       segments: dict[str, list[str]]) -> None:
    """Masked n-grams of the sentence and of each segment, cue sequences, window words, distance,
    punctuation."""
    for gram in _ngrams(words, _NGRAM_SIZES):
        features["ng|" + gram] = 1.0
    for name, segment in segments.items():
        for gram in _ngrams(segment, _SEGMENT_NGRAM_SIZES):
            features[f"seg|{name}|{gram}"] = 1.0
        cues = [polarity(word) or word for word in segment if word in _CUE_WORDS or polarity(word)]
        for gram in _ngrams(cues, (1, 2)):
            features[f"cue|{name}|{gram}"] = 1.0
    for offset in range(1, _WINDOW + 1):
        for mark, at in (("p", p_at), ("q", q_at)):
            if at - offset >= 0:
                features[f"win|{mark}-{offset}|{words[at - offset]}"] = 1.0
            if at + offset < len(words):
                features[f"win|{mark}+{offset}|{words[at + offset]}"] = 1.0
    features["dist|" + _distance_bucket(len(segments["between"]))] = 1.0
    for name, segment in segments.items():
        for mark, present in (("quote", any(w[0] in _QUOTES or w in ("''", "``") for w in segment)),
                              ("colon", ":" in segment), ("question", "?" in segment)):
            if present:
                features[f"punct|{name}|{mark}"] = 1.0


_CUE_WORDS = frozenset({
    "not", "n't", "never", "no", "but", "said", "says", "told", "according", "by", "against", "for", "with",
    "of", "to", "from", "than", "who", "whom", "whose", "which", "that", "and", "or", ":", "?", "\"", "“", "”",
})
"""Function words kept, besides lexicon polarities, in the cue sequences of each segment."""


def _add_parse_features(features: Features, p: Span, q: Span, signs: dict[str, str]) -> None:
    """Each entity's dependency, role and governor (also as the governor's polarity and crossed with
    the lexicon sign toward the other entity); the pair's roles; the path between them."""
    heads = {"p": p.root, "q": q.root}
    roles = {}
    for mark, other, head in (("p", "q", heads["p"]), ("q", "p", heads["q"])):
        features[f"dep|{mark}|{head.dep_}"] = 1.0
        features[f"dep|{mark}|{head.dep_}|{normal_word(head.head.text)}"] = 1.0
        phrase, links = climb(head)
        label, governor = role(phrase)
        governor_polarity = polarity(governor)
        roles[mark] = (label, governor)
        features[f"role|{mark}|{label}"] = 1.0
        features[f"role|{mark}|{label}|{governor}"] = 1.0
        features[f"role|{mark}|{label}|to {other} {signs[other]}"] = 1.0
        if governor_polarity:
            features[f"role|{mark}|{label}|{governor_polarity}"] = 1.0
        if links:
            features[f"role|{mark}|{links[-1]}>{label}"] = 1.0
            features[f"role|{mark}|{links[-1]}>{label}|{governor}"] = 1.0
    (p_label, p_governor), (q_label, q_governor) = roles["p"], roles["q"]
    features[f"roles|{p_label}|{q_label}"] = 1.0
    features[f"roles|{p_label}|{q_label}|between {signs['between']}"] = 1.0
    if p_governor and p_governor == q_governor:
        features[f"roles|{p_label}|{q_label}|{p_governor}"] = 1.0
        if polarity(p_governor):
            features[f"roles|{p_label}|{q_label}|{polarity(p_governor)}"] = 1.0
    _add_path_features(features, heads["p"], heads["q"])


def _add_path_features(features: Features, p_head: Token, q_head: Token) -> None:
    """The dependency path from p up to the words' common ancestor and down to q: its labels, the
    ancestor's word, tag and polarity, and the words on it."""
    up, top, down = dependency_path(p_head, q_head)
    top_word = normal_word(top.text)
    top_polarity = polarity(top_word)
    features["top|" + top_word] = 1.0
    features["top|" + top.tag_] = 1.0
    up_labels = " ".join(t.dep_ for t in up)
    down_labels = " ".join(t.dep_ for t in down)
    if len(up) + len(down) <= _MAX_PATH:
        features[f"path|{up_labels} ^ {down_labels}"] = 1.0
        features[f"path|{up_labels} {top_word} {down_labels}"] = 1.0
        if top_polarity:
            features[f"path|{up_labels} {top_polarity} {down_labels}"] = 1.0
    else:
        features["path|long"] = 1.0
    features[f"path|{up[-1].dep_ if up else '-'} ^ {down[0].dep_ if down else '-'}"] = 1.0
    for token in up[1:] + down[:-1]:
        features["onpath|" + normal_word(token.text)] = 1.0
    for token in [*up, top, *down]:
        word_polarity = polarity(normal_word(token.text))
        if word_polarity:
            features["onpath|" + word_polarity] = 1.0


def _scores(words: list[str], p: Span, q: Span) -> dict[str, float]:
    """Lexicon scores in [-1, 1]: the squashed sum of word valences (VADER's lexicon with ours,
    negated after "not", "never" …) of the sentence, of each entity's clause and between the entities;
    the entities' own words do not count."""
    valences = _word_valences(words)
    for i in (*range(p.start, p.end), *range(q.start, q.end)):
        valences[i] = 0.0
    scores = {"sentence": _squash(sum(valences)), "between": _squash(sum(valences[p.end:q.start]))}
    for mark, span in (("p", p), ("q", q)):
        clause = _clause_head(span.root)
        scores[mark] = _squash(sum(valences[clause.left_edge.i:clause.right_edge.i + 1]))
    return scores


def _word_valences(words: list[str]) -> list[float]:
    """Each word's lexicon valence, scaled by VADER's N_SCALAR within three words after a negator."""
    table = _valences()
    valences = [table.get(word, 0.0) for word in words]
    for i, word in enumerate(words):
        if word in _NEGATORS:
            for j in range(i + 1, min(i + 1 + _NEGATION_REACH, len(words))):
                valences[j] *= N_SCALAR
    return valences


def _clause_head(token: Token) -> Token:
    """The nearest verb at or above a token, or the root."""
    while not token.tag_.startswith("VB") and token.head.i != token.i:
        token = token.head
    return token


def _squash(total: float) -> float:
    """VADER's normalisation of a valence sum into [-1, 1]."""
    return total / math.sqrt(total * total + VADER_ALPHA)


def feature_index(name: str, buckets: int) -> int:
    """The weight row of a feature: CRC-32 of its UTF-8 name modulo the (power of two) bucket count."""
    return zlib.crc32(name.encode("utf-8")) & (buckets - 1)


def hashed_features(example: Example, buckets: int) -> tuple[list[int], list[float]]:
    """The weight rows (see :func:`feature_index`) and values of an example's features."""
    features = pair_features(example)
    mask = buckets - 1
    return [zlib.crc32(name.encode("utf-8")) & mask for name in features], list(features.values())


class RelationModel:
    """Hashed feature weights and class biases of a trained model (see the module docstring)."""

    def __init__(self, weights: np.ndarray, bias: np.ndarray, version: str = "", lexicon_version: str = ""):
        self.weights = np.asarray(weights, dtype=np.float32)
        self.bias = np.asarray(bias, dtype=np.float32)
        self.version = version
        self.lexicon_version = lexicon_version

    def logits(self, examples: Sequence[Example]) -> np.ndarray:
        """Unnormalised class scores, one row per example."""
        starts, columns, values = [], [], []
        for example in examples:
            indices, example_values = hashed_features(example, len(self.weights))
            starts.append(len(columns))
            columns.extend(indices)
            values.extend(example_values)
        if not examples:
            return np.zeros((0, len(CLASSES)), dtype=np.float32)
        contributions = self.weights[columns] * np.asarray(values, dtype=np.float32)[:, None]
        return np.add.reduceat(contributions, starts, axis=0) + self.bias

    def predict_proba(self, examples: Sequence[Example]) -> np.ndarray:
        """Class probabilities (n × 5, columns in CLASSES order)."""
        logits = self.logits(examples)
        exp = np.exp(logits - logits.max(axis=1, keepdims=True))
        return exp / exp.sum(axis=1, keepdims=True)

    def predict(self, examples: Sequence[Example]) -> np.ndarray:
        """Index into CLASSES of the most probable class of each example."""
        return self.logits(examples).argmax(axis=1)

    def explain(self, example: Example, top: int = 3) -> list[str]:
        """The features that favoured the predicted class most over the runner-up, as readable phrases."""
        runner_up, winner = np.argsort(self.logits([example])[0])[-2:]
        margins = self.weights[:, winner] - self.weights[:, runner_up]
        pushes = [(value * float(margins[feature_index(name, len(self.weights))]), name)
                  for name, value in pair_features(example).items()]
        return [describe(name) for push, name in sorted(pushes, reverse=True)[:top] if push > 0]


_ROLE_NAMES = {
    "nsubj": "subject", "nsubjpass": "passive subject", "dobj": "object", "agent": "agent ('by')",
    "poss": "possessor", "compound": "name part", "ROOT": "root", "attr": "attribute", "appos": "apposition",
    "conj": "conjunct", "pobj": "object of a preposition", "amod": "modifier", "dative": "indirect object",
    "ccomp": "clause", "npadvmod": "modifier",
}
_SEGMENT_PLACES = {"before": "before p", "between": "between p and q", "after": "after q"}
_SCORE_SCOPES = {"sentence": "of the sentence", "between": "between p and q", "p": "toward p", "q": "toward q"}
_SIGNS = {"pos": "positive", "neg": "negative", "neutral": "neutral", "POS": "positive word", "NEG": "negative word"}


def _role_name(label: str) -> str:
    """'nsubj' → 'subject', 'pobj:by' → "object of 'by'", 'poss>dobj' → 'possessor in object'."""
    if ">" in label:
        return " in ".join(map(_role_name, label.split(">")))
    if label.startswith("pobj:"):
        return f"object of '{label[5:]}'"
    return _ROLE_NAMES.get(label, label)


def _words(gram: str) -> str:
    """A masked n-gram with the markers as p and q and lexicon classes spelled out."""
    return " ".join({P_MARK: "[p]", Q_MARK: "[q]"}.get(w, _SIGNS.get(w, w)) for w in gram.split(" "))


def _of_detail(phrase: str, detail: str) -> str:
    """"p subject of a positive word", "p object of 'sanctions'"."""
    return f"{phrase} of {'a ' + _SIGNS[detail] if detail in _SIGNS else repr(detail)}"


def describe(name: str) -> str:
    """A short readable phrase for a feature name (for :meth:`RelationModel.explain`)."""
    kind, *parts = name.split("|")
    if kind == "ng":
        return f"words '{_words(parts[0])}'"
    if kind == "seg":
        return f"'{_words(parts[1])}' {_SEGMENT_PLACES[parts[0]]}"
    if kind == "cue":
        cues = " ".join(_SIGNS.get(word, f"'{word}'") for word in parts[1].split(" "))
        return f"{cues} {_SEGMENT_PLACES[parts[0]]}"
    if kind == "win":
        mark, side, offset = parts[0][0], parts[0][1], int(parts[0][2:])
        where = "just " if offset == 1 else f"{offset} words "
        return f"'{parts[1]}' {where}{'before' if side == '-' else 'after'} {mark}"
    if kind == "dist":
        return f"{parts[0]} words between p and q"
    if kind == "punct":
        return f"{parts[1]} mark {_SEGMENT_PLACES[parts[0]]}"
    if kind in ("dep", "role"):
        phrase = f"{parts[0]} {_role_name(parts[1])}"
        if len(parts) == 2:
            return phrase
        detail = parts[2]
        if detail.startswith("to "):
            _, other, sign = detail.split(" ")
            return f"{phrase}, {_SIGNS[sign]} lexicon score toward {other}"
        return _of_detail(phrase, detail)
    if kind == "roles":
        phrase = f"p {_role_name(parts[0])}, q {_role_name(parts[1])}"
        if len(parts) == 2:
            return phrase
        detail = parts[2]
        if detail.startswith("between "):
            return f"{phrase}, {_SIGNS[detail.split(' ')[1]]} words between"
        return _of_detail(phrase, detail)
    if kind == "top":
        return f"p and q meet at '{parts[0]}'"
    if kind == "path":
        return f"path p–q: {parts[0]}"
    if kind == "onpath":
        return f"{_SIGNS.get(parts[0], repr(parts[0]))} on the path between p and q"
    if kind in ("score", "sign"):
        scope = _SCORE_SCOPES[parts[0]]
        return f"lexicon score {scope}" if kind == "score" else f"{_SIGNS[parts[1]]} lexicon score {scope}"
    return name


def write_model(path: Path | str, weights: np.ndarray, bias: np.ndarray, lexicon_version: str) -> str:
    """Write a model file with fixed zip timestamps (same inputs, same bytes); returns its version."""
    arrays = {"weights": np.asarray(weights, dtype=np.float16), "bias": np.asarray(bias, dtype=np.float32),
              "lexicon": np.frombuffer(lexicon_version.encode("ascii"), dtype=np.uint8)}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for key, array in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, array, allow_pickle=False)
            info = zipfile.ZipInfo(key + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, member.getvalue(), compresslevel=9)
    Path(path).write_bytes(buffer.getvalue())
    return _version(buffer.getvalue())


def _version(raw: bytes) -> str:
    return "sha256:" + hashlib.sha256(raw).hexdigest()[:12]


@cache
def load_model(path: Path | str = DEFAULT_MODEL) -> RelationModel:
    """The model in ``path`` (loaded once per process and path)."""
    raw = Path(path).read_bytes()
    with np.load(io.BytesIO(raw), allow_pickle=False) as arrays:
        return RelationModel(arrays["weights"], arrays["bias"], _version(raw),
                             arrays["lexicon"].tobytes().decode("ascii"))
