"""The learned relation model: features, shipped weights, deterministic training, DSE metrics."""

import numpy as np
import pytest

from pipeline.evaluation.directed_sentiment import metrics, unbracket
from pipeline.relations.model import (
    CLASSES,
    DEFAULT_MODEL,
    describe,
    load_model,
    pair_features,
    write_model,
)
from pipeline.relations.parse import parse_text
from pipeline.train import train_relation_weights

P_TO_Q_NEGATIVE, Q_TO_P_NEGATIVE = CLASSES.index("p→q negative"), CLASSES.index("q→p negative")
P_TO_Q_POSITIVE = CLASSES.index("p→q positive")


def example(bracketed: str):
    """A parsed example from a sentence with its two entities in square brackets."""
    text, p, q = unbracket(bracketed)
    return parse_text(text, [p, q]), p, q


def test_unbracket_gives_spans_in_the_plain_text():
    text, p, q = unbracket("[Oslo] and [Rome]s mayors met.")
    assert text == "Oslo and Romes mayors met."
    assert (text[slice(*p)], text[slice(*q)]) == ("Oslo", "Rome")
    with pytest.raises(ValueError):
        unbracket("Only [Oslo] here.")


def test_roles_of_an_active_sentence():
    features = pair_features(example("[Norway] condemned [Chile] on Monday."))
    assert {"role|p|nsubj|condemned", "role|q|dobj|condemned", "roles|nsubj|dobj|condemned",
            "role|q|dobj|NEG", "path|nsubj condemned dobj"} <= features.keys()


def test_roles_of_a_passive_sentence():
    features = pair_features(example("[Chile] was condemned by [Norway] on Monday."))
    expected = {"role|p|nsubjpass|condemned", "role|q|agent|condemned", "roles|nsubjpass|agent|condemned"}
    assert expected <= features.keys()


def test_roles_of_a_possessor_are_read_above_its_noun_phrase():
    features = pair_features(example("[Norway] condemned [Chile]'s missile test."))
    assert {"dep|q|poss|test", "role|q|poss>dobj|condemned", "roles|nsubj|dobj|condemned"} <= features.keys()


def test_words_are_masked_and_segmented():
    features = pair_features(example("Yesterday [Norway] sharply criticised [Chile] again."))
    assert {"ng|PTOK sharply criticised", "seg|before|yesterday", "seg|between|criticised",
            "seg|after|again", "win|q-1|criticised", "dist|2-3", "cue|between|NEG"} <= features.keys()
    assert -1 <= features["score|q"] < 0


def test_describe_reads_like_a_phrase():
    assert describe("role|p|nsubj|condemned") == "p subject of 'condemned'"
    assert describe("role|q|pobj:by|condemned") == "q object of 'by' of 'condemned'"
    assert describe("seg|between|sanctions") == "'sanctions' between p and q"
    assert describe("ng|PTOK condemned QTOK") == "words '[p] condemned [q]'"


@pytest.fixture(scope="module")
def shipped():
    if not DEFAULT_MODEL.exists():
        pytest.fail(f"{DEFAULT_MODEL} is missing: run python -m pipeline.train relations")
    return load_model()


def test_shipped_model_loads(shipped):
    assert shipped.version.startswith("sha256:") and len(shipped.version) == 19
    assert shipped.weights.shape[1] == len(CLASSES) and shipped.bias.shape == (len(CLASSES),)
    assert load_model() is shipped


@pytest.mark.parametrize("sentence, expected", [
    ("[Norway] condemned [Chile]'s missile test.", P_TO_Q_NEGATIVE),
    ("[Norway] strongly criticised [Chile] for the attack.", P_TO_Q_NEGATIVE),
    ("[Chile] was condemned by [Norway] for the missile test.", Q_TO_P_NEGATIVE),
    ("[Norway] praised [Chile] for its help.", P_TO_Q_POSITIVE),
])
def test_shipped_model_direction_and_sign(shipped, sentence, expected):
    probabilities = shipped.predict_proba([example(sentence)])
    assert probabilities.shape == (1, len(CLASSES))
    assert np.isclose(probabilities.sum(), 1.0)
    assert CLASSES[probabilities.argmax()] == CLASSES[expected]


def test_shipped_model_explains_with_readable_features(shipped):
    reasons = shipped.explain(example("[Chile] was condemned by [Norway] for the missile test."))
    assert 1 <= len(reasons) <= 3
    assert all(isinstance(reason, str) and "|" not in reason for reason in reasons)


TINY_SET = [
    ("[Norway] condemned [Chile].", 3), ("[Peru] denounced [Kenya] today.", 3),
    ("[Spain] praised [Ghana].", 1), ("[Japan] welcomed [Egypt] warmly.", 1),
    ("[Chile] was condemned by [Norway].", 4), ("[Kenya] was denounced by [Peru].", 4),
    ("[Ghana] was praised by [Spain].", 2), ("[Egypt] was welcomed by [Japan].", 2),
    ("[Norway] and [Chile] met in a hotel.", 0), ("[Peru] is larger than [Kenya].", 0),
]


def test_training_is_deterministic_and_fits_its_data(tmp_path):
    examples = [example(sentence) for sentence, _ in TINY_SET]
    labels = np.array([label for _, label in TINY_SET])
    written = []
    for run in range(2):
        best = train_relation_weights((examples, labels), (examples, labels), c_grid=(10.0,), buckets=2 ** 12)
        path = tmp_path / f"run{run}.npz"
        write_model(path, best["weights"], best["bias"], "sha256:000000000000")
        written.append(path.read_bytes())
    assert written[0] == written[1]
    model = load_model(tmp_path / "run0.npz")
    assert model.weights.shape == (2 ** 12, len(CLASSES))
    assert (model.predict(examples) == labels).all()


def test_metrics_of_a_hand_made_confusion():
    gold = np.array([0, 0, 0, 1, 1, 2, 3, 3, 4, 4])
    predicted = np.array([0, 0, 1, 1, 0, 2, 3, 4, 4, 4])
    result = metrics(gold, predicted)
    # F1: none 2·2/(3+3)=0.667, p→q+ 2·1/(2+2)=0.5, q→p+ 1, p→q- 2·1/(2+1)=0.667, q→p- 2·2/(2+3)=0.8
    assert result["f1"] == {"none": 0.6667, "p→q positive": 0.5, "q→p positive": 1.0, "p→q negative": 0.6667,
                            "q→p negative": 0.8}
    assert result["macro_f1"] == pytest.approx((2 / 3 + 0.5 + 1 + 2 / 3 + 0.8) / 5, abs=1e-4)
    assert result["accuracy"] == 0.7 and result["n"] == 10
    assert result["confusion"]["p→q negative"]["q→p negative"] == 1
