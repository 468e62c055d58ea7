"""The whole analysis chain on the hand-annotated seed article (read from ../shared at run time)."""

import pytest

from pipeline.evaluation.seed import evaluate_seed


@pytest.fixture(scope="module")
def seed_result(shared_dir):
    return evaluate_seed(shared_dir / "seed")


def test_every_listed_mention_is_found_with_its_actor(seed_result):
    assert seed_result["mentions_missed"] == []


def test_no_lookalike_resolves_to_an_actor(seed_result):
    assert seed_result["lookalikes_resolved"] == []


def test_at_least_12_of_14_quotes_have_the_right_speaker_actor(seed_result):
    assert seed_result["quotes_total"] == 14
    assert seed_result["quotes_right"] >= 12, seed_result["quotes_wrong"]


@pytest.mark.parametrize("pair", ["RUS→USA", "USA→UKR", "USA→RUS", "EUR→UKR", "EUR→RUS"])
def test_directed_pair_sign(seed_result, pair):
    (result,) = [d for d in seed_result["dyad_signs"] if d["pair"] == pair]
    assert result["right"], result
