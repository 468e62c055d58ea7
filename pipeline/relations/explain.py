"""Readable reasons for a relation's direction, from its ``method`` and ``confidence`` (see RELATIONS).

``method`` is ``rule:<name>`` (a rule of ``pipeline.relations.rules`` or ``quoted``),
``model:<version>`` (the learned model) or ``co-mention``; stores written before relations had a
method hold None there.
"""

import math
from numbers import Real

RULE_EXPLANATIONS = {
    "subject": "subject of the event verb",
    "object": "object of the event verb (X condemned Y)",
    "passive-subject": "passive subject (Y was sanctioned)",
    "passive-agent": "passive agent (by X)",
    "excluded-from": "excluded from the source (Y was suspended from X)",
    "given-from": "given by the source (aid from X)",
    "launched-from": "hostile act launched from the source (rockets fired from X)",
    "nominal-agent": "possessive/adjectival actor of an event noun",
    "genitive-agent": "actor after 'of' an event noun (the support of X)",
    "author-names-target": "authored text in the first person names the actor",
    "possessive-agent": "actor owning the noun the act hangs on (X's plan to …)",
    "possessive-pronoun": "actor that 'its' or 'their' refers to (X … its war with Y)",
    "nominal-patient": "actor an event noun is aimed at (X's Y bid)",
    "nominal-location": "place of a conflict noun (the Y war)",
    "joined-pair": "actors joined on an event noun (X-Y ceasefire)",
    "joined-agents": "actors joined on a joint act (the X-Y oil ban)",
    "joined-topic": "joined actors whose relations the verb acts on (normalising X-Y relations)",
    "prep-object": "object of the event's preposition (sanctions on Y)",
    "with-partner": "partner after 'with' (talks with Y)",
    "conflict-in": "where a hostile act happens (strikes in Y)",
    "between": "'between X and Y'",
    "mediator": "mediator of an event between the parties (X mediated talks between Y and Z)",
    "inherited-agent": "agent of the governing verb (X vowed to strike Y)",
    "headline-actor": "actor heading the clause (X in talks with Y)",
    "object-control": "the one a verb acts on is the agent of its complement (X helped Y to repel Z)",
    "relative-clause": "antecedent of a relative clause (X, which struck Y)",
    "object-event-agent": "actor of an event the source acts on (X condemned Y's strikes)",
    "thanked-for": "the help a source is thanked for went to the thanker (X thanked for Y's support)",
    "thanked-object": "the one thanked did what it is thanked for, for the thanker (X thanked Y for its supplies)",
    "joint-subjects": "joint subjects of a symmetric event (X and Y met)",
    "joint-symmetric": "joint subjects toward a symmetric event (X and Y pledged closer ties)",
    "reciprocal": "reciprocal (X and Y accused each other)",
    "implied-target": "hostile act with no stated target, toward the sentence's other actor",
    "reported-clause": "speaker toward an actor of what it said (X warned Y)",
    "answered-act": "the act a response answers is the respondent's target's (X sanctioned Y over supplies to Z)",
    "reported-demand": "speaker demands of an actor (X said Y must stop): demanding counts as hostile",
    "quote-names-target": "quote names the target",
    "quote-nearest-actor": "quote names no actor: the actor nearest to it",
    "quote-symmetric": "quote joins speaker and target in a symmetric event (we agreed with Y)",
}
"""Short explanation of each rule name (``method`` without its ``rule:`` prefix)."""

MISSING = "—"
"""Shown when a row has no method (stores written before relations recorded one)."""


def method_text(method: str | None) -> str:
    """``rule:passive-agent`` → ``passive agent (by X)``; unknown rule names stay as written."""
    if not isinstance(method, str) or not method:
        return MISSING
    if method == "co-mention":
        return "co-mention"
    if method.startswith("model:"):
        return f"learned model ({method.removeprefix('model:')})"
    name = method.removeprefix("rule:")
    return RULE_EXPLANATIONS.get(name, name)


def why_text(method: str | None, confidence: float | None) -> str:
    """The method's explanation followed by its confidence (``… · 0.85``); a co-mention has none."""
    text = method_text(method)
    if text in (MISSING, "co-mention") or not isinstance(confidence, Real) or not math.isfinite(confidence):
        return text
    return f"{text} · {confidence:.2f}"
