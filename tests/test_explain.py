"""Readable reasons for a relation's direction."""

import math

import pytest

from pipeline.relations.explain import MISSING, RULE_EXPLANATIONS, method_text, why_text

RULE_NAMES = (
    "subject object passive-subject passive-agent excluded-from given-from launched-from nominal-agent "
    "genitive-agent possessive-pronoun nominal-patient nominal-location joined-pair joined-agents joined-topic "
    "prep-object with-partner conflict-in between inherited-agent headline-actor relative-clause object-event-agent "
    "joint-subjects joint-symmetric reciprocal implied-target reported-clause quote-names-target quote-nearest-actor "
    "quote-symmetric"
).split()
"""The rule names of pipeline/relations/rules.py and quoted.py when the explanations were written."""


def test_every_rule_has_an_explanation():
    assert set(RULE_NAMES) <= set(RULE_EXPLANATIONS)


@pytest.mark.parametrize(
    ("method", "confidence", "expected"),
    [
        ("rule:passive-agent", 0.85, "passive agent (by X) · 0.85"),
        ("rule:nominal-agent", None, "possessive/adjectival actor of an event noun"),
        ("rule:quote-names-target", 0.9, "quote names the target · 0.90"),
        ("model:sha256:0123456789ab", 0.618, "learned model (sha256:0123456789ab) · 0.62"),
        ("co-mention", 0.0, "co-mention"),
        ("rule:not-yet-explained", 0.4, "not-yet-explained · 0.40"),
        (None, math.nan, MISSING),
        (math.nan, math.nan, MISSING),
    ],
)
def test_why_text(method, confidence, expected):
    assert why_text(method, confidence) == expected


def test_method_text_without_confidence():
    assert method_text("rule:passive-agent") == RULE_EXPLANATIONS["passive-agent"]
    assert method_text("") == MISSING
