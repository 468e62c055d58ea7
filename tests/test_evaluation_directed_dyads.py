"""The dyads_dev metrics on hand-made gold and predictions (no shared data needed)."""

from pipeline.evaluation.directed_dyads import score_items, sign_of

GOLD = {
    "i1": {"actors": ["FRA", "DEU"], "dyads": [{"source": "FRA", "target": "DEU", "sign": "+"}],
           "quotes": [{"text": "a “fine” partner", "speaker_actor": "FRA"}]},
    "i2": {"actors": ["RUS", "UKR"], "dyads": [{"source": "RUS", "target": "UKR", "sign": "-"},
                                               {"source": "UKR", "target": "RUS", "sign": "-"}], "quotes": []},
}


def test_pairs_signs_actors_and_speakers_are_scored_as_the_set_describes():
    predicted = {
        "i1": {"actors": {"FRA", "DEU", "ITA"}, "signs": {("FRA", "DEU"): "0"},
               "quotes": [('a "fine" partner', "FRA")]},
        "i2": {"actors": {"RUS", "UKR"}, "signs": {("RUS", "UKR"): "-", ("UKR", "USA"): "-"}},
    }
    result = score_items(GOLD, predicted)
    assert result["actors"] == {"precision": 0.8, "recall": 1.0, "f1": 0.889}
    assert result["directed_pairs"] == {"precision": 0.667, "recall": 0.667, "f1": 0.667}
    assert result["dyad_sign"] == {"precision": 0.333, "recall": 0.333, "f1": 0.333}
    assert result["quote_speakers"] == {"right": 1, "total": 1}
    assert [e["id"] for e in result["errors"]] == ["i1", "i2"]


def test_sign_thresholds():
    assert [sign_of(s) for s in (0.06, 0.05, -0.05, -0.051)] == ["+", "0", "0", "-"]
