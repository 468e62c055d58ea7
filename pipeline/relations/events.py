"""Diplomatic event words for the relation stage: who acts on whom, with what polarity.

The lexicon is a CSV file (``data/event_lexicon.csv``) with the header
``term,pos,direction,polarity,target_preps,category,forms,note``:

- ``term``: lower-case lemma, one word ("invade", "de-escalate") or several ("rule out", "air strike").
- ``pos``: ``verb``, ``noun`` or ``adj``.
- ``direction``: ``forward`` (the subject, possessor or adjectival actor acts on the other: condemn,
  invasion), ``symmetric`` (the relation holds both ways: meet, talks, clash) or ``reverse`` (the
  subject receives from the other: receive, win).
- ``polarity``: diplomatic valence in [-1, 1]; meetings, calls, visits and talks stay near 0.
- ``target_preps``: ``|``-separated prepositions that introduce the other party after the word
  ("on|against" for sanctions); empty when the target is the direct object.
- ``category``: ``verbal_cooperation``, ``material_cooperation``, ``verbal_conflict``,
  ``material_conflict`` or ``neutral``.
- ``forms``: ``|``-separated irregular inflections of the head word ("struck" for "strike", "shot" for
  "shoot down"), used as written. Spelling variants (recognise/recognize, ceasefire/cease-fire) are rows.
- ``note``: free text; words whose meaning depends on their object say so ("lift" inverts a negative
  object: lifting sanctions is positive).

Every term is indexed in its regular inflections (nouns: plural; verbs: -s, -ed, -ing with e-dropping,
y→i and consonant doubling) plus its ``forms``. The head word inflects: the first word of a verb phrase
("ruled out"), the last of a noun phrase ("air strikes"). Hyphenated words are also matched as spaCy
splits them ("cease", "-", "fire"). When several rows give the same word, the row whose term is that
word wins, then a row listing it in ``forms``, then a generated inflection; ties go to the earlier row.
``EventLexicon.version`` is ``sha256:`` + the first 12 hex digits of the file's bytes.
"""

import csv
import functools
import hashlib
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_EVENT_LEXICON = Path(__file__).resolve().parents[2] / "data" / "event_lexicon.csv"
COLUMNS = ("term", "pos", "direction", "polarity", "target_preps", "category", "forms", "note")
POS = ("verb", "noun", "adj")
DIRECTIONS = ("forward", "symmetric", "reverse")
CATEGORIES = ("verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict", "neutral")
_PENN_POS = {"VB": "verb", "NN": "noun", "JJ": "adj"}
_TOKEN = re.compile(r"[^\s-]+|-")
"""Tokens as spaCy splits a term: words, with a hyphen inside a word as a token of its own."""
_WORD = re.compile(r"[a-zß-öø-ÿ]+(?:[-'][a-zß-öø-ÿ]+)*")
_PREPOSITION = re.compile(r"[a-z]+")
_VOWELS = frozenset("aeiou")
_TERM_RANK, _FORM_RANK, _INFLECTION_RANK = 0, 1, 2


class EventLexiconError(ValueError):
    """A problem in the event lexicon, as one line: ``file:line: reason``."""


@dataclass(frozen=True)
class EventWord:
    """One row of the event lexicon."""

    term: str
    pos: str  # "verb" | "noun" | "adj"
    direction: str  # "forward" | "symmetric" | "reverse"
    polarity: float
    target_preps: tuple[str, ...]
    category: str
    note: str


@dataclass(frozen=True, eq=False)
class EventLexicon:
    """The event words of one file, indexed by every inflected form."""

    path: Path
    version: str
    words: tuple[EventWord, ...]
    by_form: dict[str, EventWord] = field(repr=False)
    """Single-token form → best row of any part of speech."""
    by_form_pos: dict[tuple[str, str], EventWord] = field(repr=False)
    """(single-token form, pos) → best row of that part of speech."""
    by_phrase: dict[tuple[str, ...], EventWord] = field(repr=False)
    """Token sequence of two or more tokens → best row."""
    phrase_lengths: tuple[int, ...] = field(repr=False)
    """Token counts of the phrases, longest first."""
    phrase_starts: frozenset[str] = field(repr=False)

    def lookup(self, word: str, pos: str | None = None) -> EventWord | None:
        """The event word that the single token ``word`` inflects, or None.

        ``pos`` is ``verb``, ``noun`` or ``adj``, or a Penn tag (``VBD``, ``NNS``, ``JJ``; other tags
        match nothing); None accepts any part of speech.
        """
        word = word.lower()
        if pos is None:
            return self.by_form.get(word)
        return self.by_form_pos.get((word, _PENN_POS.get(pos[:2], pos.lower())))

    def phrases(self, words: list[str]) -> list[tuple[int, int, EventWord]]:
        """Multi-token terms in ``words`` as (start, end exclusive, word), longest first, not overlapping.

        Only contiguous tokens match; for a particle split off by an object ("ruled it out"), pass the
        verb and its particle (``["ruled", "out"]``).
        """
        lowered = [word.lower() for word in words]
        found = []
        start = 0
        while start < len(lowered):
            end = start + 1
            if lowered[start] in self.phrase_starts:
                for length in self.phrase_lengths:
                    if start + length > len(lowered):
                        continue
                    match = self.by_phrase.get(tuple(lowered[start:start + length]))
                    if match is not None:
                        found.append((start, start + length, match))
                        end = start + length
                        break
            start = end
        return found


def load_event_lexicon(path: str | os.PathLike = DEFAULT_EVENT_LEXICON) -> EventLexicon:
    """Read and check the event lexicon at ``path``; cached per path, modification time and size.

    Raises ``EventLexiconError`` with one line naming the file, the line and the reason."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError as error:
        raise EventLexiconError(f"{path}: cannot read: {error.strerror}") from None
    return _load_cached(path.resolve(), stat.st_mtime_ns, stat.st_size, str(path))


@functools.lru_cache(maxsize=8)
def _load_cached(path: Path, mtime_ns: int, size: int, shown: str) -> EventLexicon:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise EventLexiconError(f"{shown}: cannot read: {error.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise EventLexiconError(f"{shown}:{line}: not UTF-8 text (byte {raw[error.start]:#04x})") from None
    rows = _read_rows(text, shown)
    words = tuple(word for word, _ in rows)
    by_form, by_form_pos, by_phrase = _index(rows)
    return EventLexicon(
        path=path,
        version="sha256:" + hashlib.sha256(raw).hexdigest()[:12],
        words=words,
        by_form=by_form,
        by_form_pos=by_form_pos,
        by_phrase=by_phrase,
        phrase_lengths=tuple(sorted({len(tokens) for tokens in by_phrase}, reverse=True)),
        phrase_starts=frozenset(tokens[0] for tokens in by_phrase),
    )


def _read_rows(text: str, shown: str) -> list[tuple[EventWord, tuple[str, ...]]]:
    """Checked rows as (word, forms), in file order."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip() for name in next(reader, [])]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise EventLexiconError(f"{shown}:1: missing column '{missing[0]}' (header is {','.join(header)!r})")
    column = {name: header.index(name) for name in COLUMNS}
    rows = []
    first_line: dict[tuple[str, str], int] = {}
    for fields in reader:
        line = reader.line_num
        if not any(value.strip() for value in fields):
            continue
        if len(fields) != len(header):
            raise EventLexiconError(f"{shown}:{line}: {len(fields)} fields where the header has {len(header)}")
        row = {name: fields[index].strip() for name, index in column.items()}
        word, forms = _checked_row(row, shown, line)
        key = (word.term, word.pos)
        if key in first_line:
            raise EventLexiconError(
                f"{shown}:{line}: duplicate term '{word.term}' ({word.pos}), first on line {first_line[key]}")
        first_line[key] = line
        rows.append((word, forms))
    return rows


def _checked_row(row: dict[str, str], shown: str, line: int) -> tuple[EventWord, tuple[str, ...]]:
    """The row as an EventWord and its forms; an EventLexiconError for any invalid value."""

    def fail(reason: str) -> EventLexiconError:
        return EventLexiconError(f"{shown}:{line}: {reason}")

    term = " ".join(row["term"].split())
    if not term:
        raise fail("empty term")
    if not all(_WORD.fullmatch(word) for word in term.split()):
        raise fail(f"term {term!r} is not lower-case words")
    if row["pos"] not in POS:
        raise fail(f"pos {row['pos']!r} of '{term}' is not one of {', '.join(POS)}")
    if row["direction"] not in DIRECTIONS:
        raise fail(f"unknown direction {row['direction']!r} of '{term}' (expected {', '.join(DIRECTIONS)})")
    try:
        polarity = float(row["polarity"])
    except ValueError:
        raise fail(f"polarity {row['polarity']!r} of '{term}' is not a number") from None
    if not -1.0 <= polarity <= 1.0:
        raise fail(f"polarity {polarity} of '{term}' is outside [-1, 1]")
    if row["category"] not in CATEGORIES:
        raise fail(f"category {row['category']!r} of '{term}' is not one of {', '.join(CATEGORIES)}")
    preps = tuple(row["target_preps"].split("|")) if row["target_preps"] else ()
    if not all(_PREPOSITION.fullmatch(prep) for prep in preps):
        raise fail(f"target_preps {row['target_preps']!r} of '{term}' are not lower-case words separated by '|'")
    forms = tuple(row["forms"].split("|")) if row["forms"] else ()
    if not all(_WORD.fullmatch(form) for form in forms):
        raise fail(f"forms {row['forms']!r} of '{term}' are not lower-case words separated by '|'")
    if row["pos"] == "adj" and forms:
        raise fail(f"adjective '{term}' has forms; adjectives are not inflected")
    word = EventWord(term, row["pos"], row["direction"], polarity, preps, row["category"], row["note"])
    return word, forms


def _index(rows: list[tuple[EventWord, tuple[str, ...]]]) -> tuple[dict, dict, dict]:
    """The lookup tables (by form, by form and pos, by phrase), keeping the best-ranked row per key."""
    ranked_form: dict[str, tuple[int, int, EventWord]] = {}
    ranked_form_pos: dict[tuple[str, str], tuple[int, int, EventWord]] = {}
    ranked_phrase: dict[tuple[str, ...], tuple[int, int, EventWord]] = {}

    def keep(table: dict, key, ranked: tuple[int, int, EventWord]) -> None:
        if key not in table or ranked[:2] < table[key][:2]:
            table[key] = ranked

    for order, (word, forms) in enumerate(rows):
        for rank, variant in _variants(word, forms):
            ranked = (rank, order, word)
            tokens = tuple(_TOKEN.findall(variant))
            if len(tokens) > 1:
                keep(ranked_phrase, tokens, ranked)
            if " " not in variant:
                keep(ranked_form, variant, ranked)
                keep(ranked_form_pos, (variant, word.pos), ranked)
    return tuple({key: ranked[2] for key, ranked in table.items()}
                 for table in (ranked_form, ranked_form_pos, ranked_phrase))


def _variants(word: EventWord, forms: tuple[str, ...]) -> list[tuple[int, str]]:
    """(rank, text) of the term, its listed forms and its regular inflections, inflecting the head word."""
    words = word.term.split()
    head = 0 if word.pos == "verb" else len(words) - 1

    def with_head(form: str) -> str:
        return " ".join(words[:head] + [form] + words[head + 1:])

    variants = [(_TERM_RANK, word.term)]
    variants += [(_FORM_RANK, with_head(form)) for form in forms]
    variants += [(_INFLECTION_RANK, with_head(form)) for form in _inflections(words[head], word.pos)]
    return variants


def _inflections(word: str, pos: str) -> list[str]:
    """Regular inflections: the plural of a noun; -s, -ed and -ing of a verb; none for an adjective."""
    if pos == "adj":
        return []
    plural = _with_s(word)
    if pos == "noun":
        return plural
    return plural + _with_suffix(word, "ed") + _with_suffix(word, "ing")


def _with_s(word: str) -> list[str]:
    """The -s form: "bans", "clashes", "occupies", "vetoes" (and "vetos")."""
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return [word + "es"]
    if len(word) > 1 and word[-1] == "y" and word[-2] not in _VOWELS:
        return [word[:-1] + "ies"]
    if len(word) > 1 and word[-1] == "o" and word[-2] not in _VOWELS:
        return [word + "es", word + "s"]
    return [word + "s"]


def _with_suffix(word: str, suffix: str) -> list[str]:
    """``word`` + "ed" or "ing": "agreed", "seizing", "occupied", "banned"; both "targeted" and "targetted".

    A final consonant after a single vowel doubles in a one-syllable word ("banned"); in a longer word
    both spellings are kept, since doubling follows stress ("expelled" but "visited")."""
    if word.endswith("e"):
        if suffix == "ed":
            return [word + "d"]
        return [word + suffix] if word.endswith("ee") else [word[:-1] + suffix]
    if suffix == "ed" and len(word) > 1 and word[-1] == "y" and word[-2] not in _VOWELS:
        return [word[:-1] + "ied"]
    if _ends_consonant_vowel_consonant(word):
        doubled = word + word[-1] + suffix
        syllables = len(re.findall(r"[aeiouy]+", word.rsplit("-", 1)[-1]))
        return [doubled] if syllables == 1 else [word + suffix, doubled]
    return [word + suffix]


def _ends_consonant_vowel_consonant(word: str) -> bool:
    """True for "ban", "expel", "equip", "target"; False for "attack", "meet", "allow", "fix"."""
    return (len(word) >= 3 and word[-1] not in _VOWELS and word[-1] not in "wxy" and word[-2] in _VOWELS
            and (word[-3] not in _VOWELS or word[-4:-2] == "qu"))
