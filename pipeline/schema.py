"""Column contracts of the tables that flow between stages and into the store.

Character offsets (`start`, `end`) always index the article's `text` (end exclusive).
`date` is a tz-aware UTC timestamp (``datetime64[..., UTC]``).
"""

ARTICLES = ["article_id", "date", "title", "text", "source", "url", "author_actor"]
"""Canonical article table (readers may keep extra columns after these). `author_actor` is the
dictionary id of the actor who wrote or spoke the text (a UN speech's country, a presidency's press
release), "" when the author is unknown or not an actor (news); stores written before it lack it."""

SENTENCES = ["article_id", "sent_idx", "para_idx", "start", "end", "text"]
"""One row per sentence; `sent_idx` counts from 0 within the article."""

MENTIONS = ["article_id", "sent_idx", "start", "end", "surface", "actor", "person", "mention_type"]
"""One row per actor mention. `person` is the canonical person name or None.
`mention_type` ∈ MENTION_TYPES."""

MENTION_TYPES = (
    "country", "demonym", "capital", "institution", "bloc", "person", "role", "surname", "pronoun",
)

QUOTES = [
    "article_id", "quote_idx", "start", "end", "text", "sent_idx",
    "speaker", "speaker_start", "speaker_end", "speaker_person", "speaker_actor", "cue", "rule",
]
"""One row per quoted span (quote marks excluded). `speaker` is the speaker text as written
("a spokesman for the Russian government", "Peskov", "he"); `speaker_person`/`speaker_actor`
are resolved values or None; `speaker_start`/`speaker_end` are -1 when no speaker was found.
`rule` names the attribution rule that found the speaker (None when none did)."""

RELATIONS = [
    "article_id", "sent_idx", "source_actor", "target_actor", "kind", "directed", "speaker",
    "evidence_start", "evidence_end", "target_start", "target_end", "event", "polarity", "confidence", "method",
]
"""One row per (article, sentence, evidence span, source, target): a relation the text states.
`kind` ∈ DYAD_KINDS; `directed` is False only for co-mentions (stored with actors in alphabetical
order). `evidence_*` is the span the relation rests on (a quote, a clause or the sentence);
`target_*` the target's mention scored for sentiment (-1 when the evidence holds no mention of it).
`event` is the event word that carries the relation ("" when none); `polarity` ∈ [-1, 1] is that
word's diplomatic polarity in context (negation and "lift sanctions" flip it; NaN when no event
word decided); `confidence` ∈ [0, 1]; `method` names what decided
the direction: a rule name ("rule:passive-agent") or the model and its version ("model:<version>")."""

DYADS = [
    "article_id", "date", "source_actor", "target_actor", "kind", "speaker", "evidence",
    "start", "end", "score", "contributions", "source", "url", "method", "confidence",
]
"""The core fact table: one row per (evidence, source actor, target actor).
`kind` ∈ DYAD_KINDS; `contributions` is a JSON list of [word, delta] pairs explaining `score`;
`method` and `confidence` come from the relation the row groups (see RELATIONS)."""

DYAD_KINDS = ("quote", "statement", "author", "comention")
"""`author`: what an authored text's author says in the first person (source = `author_actor`),
kept apart from `statement` (what a text says an actor does)."""
