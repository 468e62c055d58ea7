"""Stage 6 — dyads: group the relations, score each toward its target, join article fields.

One dyad row per (article, source, target, kind, evidence span). Its score is the mean over the
group's relations of:

* the target-scoped sentiment of the evidence (``pipeline.score.score_target``; the whole quote
  when a quote does not name its target; a quote shorter than half its sentence, such as a headline's
  scare quote, is scored within its sentence), and
* when an event word decided the relation, that word's polarity in context: a signed event
  ("invaded", "lifted sanctions") weighs ``EVENT_WEIGHT`` against the words' ``1 - EVENT_WEIGHT``;
  a neutral one ("met", "talks") damps the words to ``NEUTRAL_EVENT_DAMPING`` of their weight,
  since analysts code meetings and calls as neutral.

``contributions`` lists the words (and the event, marked "(event)") with their shares of the
score; ``method`` and ``confidence`` say what decided the direction. A short quote is shown within its
sentence too.
"""

import json
import math
from collections import defaultdict

import pandas as pd

from pipeline.schema import DYADS
from pipeline.score import Lexicon, TargetScore, score_target, score_text

EVENT_WEIGHT = 0.75
NEUTRAL_EVENT_DAMPING = 0.05
SIGNED_EVENT = 0.15
"""An event polarity at least this far from 0 counts as signed."""
_QUOTE_SHARE_FOR_OWN_EVIDENCE = 0.5


def relation_score(evidence: str, target: tuple[int, int] | None, event: str, polarity: float,
                   lexicon: Lexicon) -> TargetScore:
    """Score of one relation: words toward the target (offsets into ``evidence``) and the event's polarity."""
    words = score_target(evidence, *target, lexicon) if target else score_text(evidence, lexicon)
    if math.isnan(polarity):
        return words
    if abs(polarity) < SIGNED_EVENT:  # the neutral event word itself carries no valence
        kept = [(w, d) for w, d in words.contributions if w.lower() != event.lower()]
        return TargetScore(NEUTRAL_EVENT_DAMPING * sum(d for _, d in kept),
                           [(w, NEUTRAL_EVENT_DAMPING * d) for w, d in kept])
    word_weight = 1 - EVENT_WEIGHT
    return TargetScore(EVENT_WEIGHT * polarity + word_weight * words.score,
                       [(f"{event} (event)" if event else "(direction model)", EVENT_WEIGHT * polarity)]
                       + [(w, word_weight * d) for w, d in words.contributions])


def _contributions_json(results: list[TargetScore]) -> str:
    words: dict[str, float] = defaultdict(float)
    for result in results:
        for word, delta in result.contributions:
            words[word] += delta / len(results)
    ranked = sorted(words.items(), key=lambda kv: -abs(kv[1]))
    return json.dumps([[w, round(d, 4)] for w, d in ranked if abs(d) > 1e-9])


def _shown_span(kind: str, evidence: tuple[int, int], sentence: tuple[int, int]) -> tuple[int, int]:
    short_quote = (kind == "quote"
                   and evidence[1] - evidence[0] < _QUOTE_SHARE_FOR_OWN_EVIDENCE * (sentence[1] - sentence[0]))
    return sentence if short_quote else evidence


def build_dyads(articles: pd.DataFrame, sentences: pd.DataFrame, relations: pd.DataFrame,
                lexicon: Lexicon) -> pd.DataFrame:
    """The dyads table (``DYADS`` columns) from the relations table (``RELATIONS`` columns)."""
    texts = dict(zip(articles["article_id"].tolist(), articles["text"].tolist()))
    sentence_spans = {(a, i): (s, e) for a, i, s, e in zip(
        sentences["article_id"].tolist(), sentences["sent_idx"].tolist(),
        sentences["start"].tolist(), sentences["end"].tolist())}
    groups: dict[tuple, list[tuple]] = defaultdict(list)
    columns = ["article_id", "sent_idx", "source_actor", "target_actor", "kind", "evidence_start", "evidence_end",
               "speaker", "target_start", "target_end", "event", "polarity", "confidence", "method"]
    for (article_id, sent_idx, source, target, kind, ev_start, ev_end, speaker, t_start, t_end, event, polarity,
         confidence, method) in zip(*(relations[name].tolist() for name in columns)):
        shown = _shown_span(kind, (ev_start, ev_end), sentence_spans.get((article_id, sent_idx), (ev_start, ev_end)))
        if kind == "quote":  # a short quote ("Albanese vows to 'work constructively'") is scored in its sentence
            ev_start, ev_end = shown if t_start < 0 or shown[0] <= t_start < shown[1] else (ev_start, ev_end)
        evidence = texts[article_id][ev_start:ev_end]
        span = (t_start - ev_start, t_end - ev_start) if ev_start <= t_start < ev_end else None
        groups[(article_id, source, target, kind, *shown)].append(
            (relation_score(evidence, span, event, polarity, lexicon), speaker, confidence, method))

    records = []
    for (article_id, source, target, kind, start, end), members in groups.items():
        results = [m[0] for m in members]
        _, _, confidence, method = max(members, key=lambda m: m[2])
        speakers = " / ".join(dict.fromkeys(m[1] for m in members if isinstance(m[1], str)))
        records.append((article_id, source, target, kind, speakers or None, texts[article_id][start:end], start, end,
                        sum(r.score for r in results) / len(results), _contributions_json(results), method,
                        confidence))

    dyads = pd.DataFrame(records, columns=["article_id", "source_actor", "target_actor", "kind", "speaker",
                                           "evidence", "start", "end", "score", "contributions", "method",
                                           "confidence"])
    meta = articles[["article_id", "date", "source", "url"]]
    dyads = dyads.merge(meta, on="article_id", how="left")
    return dyads[DYADS].astype({"start": "int64", "end": "int64", "score": "float64", "confidence": "float64"})
